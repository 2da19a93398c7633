// Small behaviours shared by every page. No framework beyond Bootstrap and htmx.
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users hear the problems first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();

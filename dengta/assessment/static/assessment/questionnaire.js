// Multiple-choice items: "无" (none) excludes every other option, as the index defines, and so does the
// EU DMA's negative item ("data is not collected digitally"). The server refuses the combination too; this
// only saves the person a round trip.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches('input[type="checkbox"][name^="item:"], input[type="checkbox"][name^="dma:"]')) return;
  var group = document.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
  if (!box.checked) return;
  group.forEach(function (other) {
    if (other === box) return;
    if (box.dataset.exclusive || other.dataset.exclusive) other.checked = false;
  });
});

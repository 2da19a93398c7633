"""Chinese first: the language is the one the person chose (cookie set by the language switch), else
简体中文 — not the browser's Accept-Language, which on many office machines says English (PRODUCT.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/") and not chosen:
            # An API client states its language on purpose (RFC 9110 Accept-Language); a browser's header
            # is ignored on pages because office machines often say English by default.
            chosen = self._api_language(request.headers.get("Accept-Language", ""))
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # The language is this request's only: a thread that serves (or a test that makes) another request
        # afterwards starts from the default again, not from whatever the last person chose.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            patch_vary_headers(
                response, ("Cookie", "Accept-Language") if request.path.startswith("/api/") else ("Cookie",)
            )
            response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def _api_language(self, header: str) -> str:
        """The first supported language in an Accept-Language header, in the client's order of preference."""
        for part in header.split(","):
            tag = part.split(";", 1)[0].strip().lower()
            if tag in self.supported:
                return tag
            if tag.startswith("zh"):
                return settings.LANGUAGE_CODE
            if tag.startswith("en"):
                return "en"
        return ""


class PrivateResponseMiddleware:
    """Nothing a signed-in person or an API client receives is kept by a browser's or a proxy's cache
    (``Cache-Control: no-store, private``): enterprises' figures, evidence and payments would otherwise
    stay on a shared office computer after logout, or in a proxy (MLPS 2.0 level 3, residual information
    protection; OWASP ASVS 8.2.1). What a view marked ``public`` for an anonymous caller (the catalogue, its
    API, a report's public verification) keeps the caching its view chose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        # An API client signs in per request (a token DRF reads in the view, after this middleware's view of
        # the user): an API answer is private unless its view said it is public.
        public = "public" in {d.strip() for d in response.get("Cache-Control", "").split(",")}
        if signed_in or (request.path.startswith("/api/") and not public):
            if public:
                del response["Cache-Control"]
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


PUBLIC_CACHE_SECONDS = 300


def cache_publicly(
    request: HttpRequest, response: HttpResponse, seconds: int = PUBLIC_CACHE_SECONDS
) -> HttpResponse:
    """Mark a public page's answer (ARCHITECTURE.md convention 18: public pages are cached): shared caches
    may keep it briefly for anonymous visitors; a signed-in person's copy, which carries their menu, stays
    private (PrivateResponseMiddleware then makes it no-store)."""
    visibility = "public" if not request.user.is_authenticated else "private"
    response["Cache-Control"] = f"{visibility}, max-age={seconds}"
    return response

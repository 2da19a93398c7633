"""Serves the few front-end files the pages use from node_modules (installed by `npm ci` from the lock file).

Pointing STATICFILES_DIRS at whole package folders would collect ~165 MB (ECharts alone ships every build
and source map) and make every `collectstatic` slow; this finder exposes just the listed files, under
``vendor/``. Add a file here when a page starts using it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files import File
from django.core.files.storage import FileSystemStorage

# URL path under STATIC_URL → path under node_modules/
VENDOR_FILES: dict[str, str] = {
    "vendor/bootstrap/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/css/bootstrap.min.css.map": "bootstrap/dist/css/bootstrap.min.css.map",
    "vendor/bootstrap/js/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/bootstrap/js/bootstrap.bundle.min.js.map": "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    "vendor/bootstrap-icons/bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2": "bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff": "bootstrap-icons/font/fonts/bootstrap-icons.woff",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    # The map of China with every province, 台湾, 香港 and 澳门 (as a standard map shows the territory) from
    # Apache ECharts 4.9.0 (map/json/china.json), the last release that shipped maps; installed under the
    # alias echarts-map-data. ECharts draws the 南海诸岛 inset for the map it registers as "china".
    "vendor/echarts-map/china.json": "echarts-map-data/map/json/china.json",
}


def _root() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class VendorFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [src for src in VENDOR_FILES.values() if not (_root() / src).is_file()]
        if missing:
            return [
                Error(
                    f"front-end files missing from node_modules: {', '.join(missing)}",
                    hint="Run `npm ci` (make demo and make test do it).",
                    id="dengta.E001",
                )
            ]
        return []

    # The stubs overload find() on a literal find_all; one signature serves both forms at run time.
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        source = VENDOR_FILES.get(path)
        if source is None or not (_root() / source).is_file():
            return [] if find_all else ""
        found = str(_root() / source)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Any:
        for url_path, source in VENDOR_FILES.items():
            if (_root() / source).is_file():
                yield url_path, _VendorStorage(url_path, _root() / source)


class _VendorStorage(FileSystemStorage):
    """A storage that maps one URL path to one file, as collectstatic expects from a finder."""

    def __init__(self, url_path: str, source: Path) -> None:
        super().__init__(location=str(source.parent))
        self._url_path = url_path
        self._source = source

    def path(self, name: str) -> str:
        return str(self._source) if name == self._url_path else super().path(name)

    def open(self, name: str, mode: str = "rb") -> Any:
        if name == self._url_path:
            return File(self._source.open(mode), name=name)
        return super().open(name, mode)

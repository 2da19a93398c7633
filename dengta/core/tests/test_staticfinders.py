import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from dengta.core.staticfinders import VENDOR_FILES, VendorFinder

TEMPLATES = Path(settings.BASE_DIR) / "dengta" / "templates"


def test_every_vendor_file_used_by_a_template_is_served() -> None:
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"static '(vendor/[^']+)'", template.read_text(encoding="utf-8")))
    assert used, "the templates load Bootstrap from vendor/"
    assert used <= set(VENDOR_FILES), used - set(VENDOR_FILES)
    for path in used:
        assert finders.find(path), path


def test_finder_lists_only_the_listed_files_and_reports_missing_ones(tmp_path, settings) -> None:
    finder = VendorFinder()
    assert finder.check() == []
    assert {path for path, _storage in finder.list(None)} == set(VENDOR_FILES)
    assert finder.find("vendor/echarts/echarts.js") == ""  # not listed: not served
    settings.BASE_DIR = tmp_path  # no node_modules here
    errors = VendorFinder().check()
    assert errors and errors[0].id == "dengta.E001"

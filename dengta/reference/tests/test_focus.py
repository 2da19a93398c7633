"""The six focus sectors by name in the reader's language (an unofficial English name for each)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from django.template import Context, Template
from django.utils import translation

from dengta.reference.focus import english_names, focus_sector_name

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_focus_sector_in_the_data_has_an_english_name() -> None:
    with (DATA / "industries" / "gbt4754-2017.csv").open(encoding="utf-8") as handle:
        used = {row["focus_sector"] for row in csv.DictReader(handle) if row["focus_sector"]}
    assert len(used) == 6
    assert used == set(english_names())
    for name in english_names().values():
        assert name and not re.search(r"[\u4e00-\u9fff]", name), name


def test_the_name_follows_the_page_language() -> None:
    assert focus_sector_name("通用和专用设备制造") == "通用和专用设备制造"
    with translation.override("en"):
        assert focus_sector_name("通用和专用设备制造") == "General and special-purpose equipment"
        assert focus_sector_name("") == ""
        rendered = Template("{% load reference_tags %}{{ label|focus_name }}").render(
            Context({"label": "计算机和通讯电子"})
        )
        assert rendered == "Computers and communication electronics"


def test_the_industry_list_names_the_sectors_in_english(loaded: None, cast: Any) -> None:
    client = cast.client("guangzhou")
    client.cookies["django_language"] = "en"
    html = client.get("/reference/industries/").content.decode()
    shown = re.sub(r"<[^>]+>", " ", html)  # the filter keeps the Chinese name as its option value only
    assert "General and special-purpose equipment" in shown and "通用和专用设备制造" not in shown

"""Score bands (the 2022 edition: a level from the total score alone, 工信厅企业〔2022〕32号; DOMAIN.md 3.1).

Only total scores of the 2022 edition are known (its item tables were not found), so historical results are
recorded as a total and the level its band gives. Bounds are lower-inclusive ([40, 60) is 二级); the sources
do not say which band a boundary belongs to, and the data file says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dengta.core.problems import Problem, gettext_noop


@dataclass(frozen=True)
class Band:
    level: int
    minimum: Decimal
    maximum: Decimal
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class BandFramework:
    code: str
    version: str
    kind: str
    title: str
    scored_total: Decimal
    bands: tuple[Band, ...]  # ascending


def compile_bands(data: dict[str, Any]) -> BandFramework:
    bands = tuple(
        sorted(
            (
                Band(
                    level=int(b["level"]),
                    minimum=Decimal(b["min"]),
                    maximum=Decimal(b["max"]),
                    name_zh=b["name_zh"],
                    name_en=b["name_en"],
                )
                for b in data["bands"]
            ),
            key=lambda b: b.minimum,
        )
    )
    return BandFramework(
        code=data["framework"],
        version=data["version"],
        kind=data["kind"],
        title=data["title"],
        scored_total=Decimal(str(data.get("scored_total", 100))),
        bands=bands,
    )


def level_for_total(fw: BandFramework, total: Decimal) -> int:
    level = 0
    for band in fw.bands:
        if total >= band.minimum:
            level = band.level
    return level


def parse_total(fw: BandFramework, raw: Any) -> tuple[Decimal | None, Problem | None]:
    text = str(raw if raw is not None else "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not text or not value.is_finite():
        return None, Problem(
            "total_format",
            gettext_noop("总分应为数字，收到“%(value)s”"),
            {"value": text[:20]},
        )
    if value < 0 or value > fw.scored_total:
        return None, Problem(
            "total_range",
            gettext_noop("总分应在 0–%(max)s 之间，收到 %(value)s"),
            {"value": text[:20], "max": str(fw.scored_total)},
        )
    if value != value.quantize(Decimal("0.0001")):
        return None, Problem(
            "total_precision",
            gettext_noop("总分最多保留四位小数"),
            {},
        )
    return value, None

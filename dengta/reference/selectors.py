"""Reads of reference data (ARCHITECTURE.md convention 2). Views, other apps and the API call these."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet

from dengta.reference.models import Industry, ReferenceDataset, Region, SubIndustry
from dengta.reference.sizing import MappingRule, SizeRules, Test, load_rules


class ReferenceDataNotLoaded(LookupError):
    """A kind of reference data has not been loaded; run ``manage.py load_reference``."""


def current_dataset(kind: str) -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(kind=kind, is_current=True).first()


# Keys of a data file's source note that are its content or its plain-words summary, not technical provenance.
_NOT_TECHNICAL = frozenset(
    {"official", "sectors", "mapping", "designated_size", "indicators", "semantics", "focus_sectors", "rules"}
)


def provenance(dataset: ReferenceDataset) -> dict[str, Any]:
    """Where a dataset comes from: ``official`` in plain words for everyone (publisher, title, date,
    coverage); ``technical`` (packages, hashes, how the file was built) for specialists behind a toggle."""
    data = dataset.data or {}
    technical = {k: v for k, v in data.items() if k not in _NOT_TECHNICAL}
    return {
        "official": data.get("official") or {},
        "technical": json.dumps(technical, ensure_ascii=False, indent=2) if technical else "",
    }


def datasets() -> list[ReferenceDataset]:
    """The current version of every kind, in loading order."""
    order = {k: i for i, k in enumerate(ReferenceDataset.Kind.values)}
    return sorted(ReferenceDataset.objects.filter(is_current=True), key=lambda d: order.get(d.kind, 99))


@lru_cache(maxsize=4)
def _parsed_rules(version: str, checksum: str) -> SizeRules:
    dataset = ReferenceDataset.objects.get(kind=ReferenceDataset.Kind.SIZE_STANDARD, version=version)
    return load_rules(dataset.data)


def current_size_rules() -> SizeRules:
    """The size-standard rules of the current dataset, parsed once per loaded version."""
    row = (
        ReferenceDataset.objects.filter(kind=ReferenceDataset.Kind.SIZE_STANDARD, is_current=True)
        .values_list("version", "checksum")
        .first()
    )
    if row is None:
        raise ReferenceDataNotLoaded(
            "The SME size standard is not loaded; run `manage.py load_reference` "
            "(or call dengta.reference.loaders.load_dataset('size_standard') in tests)."
        )
    return _parsed_rules(*row)


def size_standard_document() -> dict[str, Any]:
    """The raw data document of the current size standard (for the readable rules page)."""
    dataset = current_dataset(ReferenceDataset.Kind.SIZE_STANDARD)
    if dataset is None:
        raise ReferenceDataNotLoaded("The SME size standard is not loaded; run `manage.py load_reference`.")
    return dict(dataset.data)


# ------------------------------------------------------------------------------------------- regions


def region_search(*, q: str = "", level: str = "", flag: str = "") -> QuerySet[Region]:
    qs = Region.objects.select_related("parent")
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(code__startswith=q) | Q(name__icontains=q) | Q(full_name__icontains=q) | Q(name_en__icontains=q)
        )
    if level.isdigit() and int(level) in Region.Level.values:
        qs = qs.filter(level=int(level))
    if flag == "reporting":
        qs = qs.filter(is_reporting_unit=True)
    elif flag == "separately_planned":
        qs = qs.filter(is_separately_planned=True)
    elif flag == "custom":
        qs = qs.filter(is_custom=True)
    return qs.order_by("path")


def reporting_units() -> QuerySet[Region]:
    """Province-level units that report upward on their own: provinces, 计划单列市, 兵团 (DOMAIN.md 4.4)."""
    return Region.objects.filter(is_reporting_unit=True).order_by("code")


# ---------------------------------------------------------------------------------------- industries


def industry_search(*, q: str = "", level: str = "", focus: str = "") -> QuerySet[Industry]:
    qs = Industry.objects.select_related("parent")
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    if level.isdigit() and int(level) in Industry.Level.values:
        qs = qs.filter(level=int(level))
    if focus == "1":
        qs = qs.exclude(focus_sector="")
    elif focus:
        qs = qs.filter(focus_sector=focus)
    return qs.order_by("code")


def focus_sectors() -> list[str]:
    """The six focus-sector labels in use, in code order (DOMAIN.md 1.3, 4.5)."""
    seen: dict[str, None] = {}
    for label in (
        Industry.objects.exclude(focus_sector="").order_by("code").values_list("focus_sector", flat=True)
    ):
        seen.setdefault(label, None)
    return list(seen)


# ------------------------------------------------------------------------------------ sub-industries


def sub_industry_search(*, q: str = "", focus: str = "") -> QuerySet[SubIndustry]:
    qs = SubIndustry.objects.prefetch_related("industries")
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(code__icontains=q)
            | Q(industries__code__istartswith=q)
        ).distinct()
    if focus == "1":
        qs = qs.filter(is_focus=True)
    elif focus == "0":
        qs = qs.filter(is_focus=False)
    elif focus:
        qs = qs.filter(focus_sector=focus)
    return qs.order_by("-is_focus", "focus_sector", "code")


# ------------------------------------------------------------------------------------- size standard


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _conditions(test: Test) -> dict[str, Any]:
    return {
        "combine": test.combine,
        "conditions": [
            {"indicator": c.indicator, "op": c.op, "value": _number(c.value)} for c in test.conditions
        ],
    }


def size_standard_table() -> dict[str, Any] | None:
    """The current size rules shaped for a readable table: one row per sector, with its GB/T 4754 codes."""
    try:
        rules = current_size_rules()
    except ReferenceDataNotLoaded:
        return None
    codes: dict[str, list[MappingRule]] = {}
    for rule in sorted(rules.mapping, key=lambda m: m.prefix):
        codes.setdefault(rule.sector, []).append(rule)
    rows = []
    for sector in rules.sectors.values():
        # Older versions carry one 规上 cut-off per sector; newer ones a separate table (designated_table).
        designated = sector.designated if not rules.designated_rules else None
        cut_off = designated.condition if designated is not None else None
        rows.append(
            {
                "sector": sector,
                "codes": codes.get(sector.key, []),
                "is_default": sector.key == rules.default_sector,
                "sme": _conditions(sector.sme),
                "medium": _conditions(sector.medium),
                "small": _conditions(sector.small),
                "micro": _conditions(sector.micro),
                "designated": designated,
                "designated_test": _conditions(Test("all", (cut_off,))) if cut_off is not None else None,
            }
        )
    return {"rules": rules, "rows": rows, "designated": designated_table(rules)}


def designated_table(rules: SizeRules) -> dict[str, Any] | None:
    """The statistics' 规上 / 限额以上 cut-offs, one row per rule with its GB/T 4754 prefixes and sources."""
    if not rules.designated_rules:
        return None
    rows: dict[str, dict[str, Any]] = {}
    for rule in rules.designated_rules:
        d = rule.designated
        row = rows.setdefault(
            d.key,
            {
                "rule": d,
                "prefixes": [],
                "test": _conditions(Test("all", (d.condition,))) if d.condition is not None else None,
                "sources": [{"key": k, **rules.designated_sources.get(k, {})} for k in d.sources],
            },
        )
        row["prefixes"].append(rule.prefix)
    return {"meta": rules.designated_meta, "rows": list(rows.values()), "sources": rules.designated_sources}

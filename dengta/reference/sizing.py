"""SME size classification by 《中小企业划型标准规定》 (工信部联企业〔2011〕300号). Pure Python, no Django.

The thresholds, the OR/AND structure of every sector and the GB/T 4754-2017 → sector mapping all live in the
data file (data/size-standard/miit-2011-300.json); this module only interprets it, so a revision of the
standard is a new data file, not new code (ARCHITECTURE.md conventions 4 and 12; DOMAIN.md 4.1, 8.3).

How the standard is read (its Art. 4, made explicit by NBS《统计上大中小微型企业划分办法（2017）》):
- "X以下" is strictly less than X; "X及以上" is greater than or equal to X.
- A firm is an SME (中小微型) when ANY indicator is below the sector ceiling ("或"); otherwise it is large.
- Medium and small need ALL indicators at or above the floors ("且"); a firm failing a floor drops a tier.
- Micro is whatever is left; the standard's micro sentence is the complement of the small floors, which
  ``load_rules`` checks rather than trusts.
Money in the data file is in 万元; inputs are in yuan and compared exactly as Decimal.

规上 / 限额以上 (the statistics' "four above" enterprises) is not part of the MIIT standard: the
statistics bureau sets its own cut-offs by GB/T 4754 section, division or class, which do not follow the
MIIT sectors (规模以上服务业 splits 其他未列明行业 into 2000/1000/500万元 bands). Since dataset
miit-2011-300-v2 they are a separate table (``designated_size``) matched by the longest code prefix, each
with its status and sources; older versions kept one cut-off per MIIT sector and are still read, so stored
classifications can be explained with their version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

INDICATORS = ("employees", "revenue", "assets")
MONEY_INDICATORS = frozenset({"revenue", "assets"})
OPS = ("lt", "gte")
TIERS = ("sme", "medium", "small", "micro")
SIZE_CLASSES = ("large", "medium", "small", "micro")
WAN = Decimal(10000)  # yuan per 万元

SIZE_NAMES_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
SIZE_NAMES_EN = {"large": "large", "medium": "medium-sized", "small": "small", "micro": "micro"}

# GB/T 4754-2017 divisions (大类) are numbered uniquely across sections, so a bare numeric code such as "3670"
# identifies its section; these are the section ranges of the 2017 edition.
_SECTION_RANGES: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60),
    ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79),
    ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97),
)  # fmt: skip


_CODE_RE = re.compile(r"([A-T]?)(\d{2,4})?")


class SizeRulesError(ValueError):
    """The size-standard data file is malformed or internally inconsistent."""


@dataclass(frozen=True)
class Condition:
    indicator: str  # "employees" | "revenue" | "assets"
    op: str  # "lt" | "gte"
    value: Decimal  # persons, or 万元 for money

    def threshold_native(self) -> Decimal:
        """The threshold in the unit of the input: persons, or yuan for money."""
        return self.value * WAN if self.indicator in MONEY_INDICATORS else self.value

    def holds(self, native_value: Decimal) -> bool:
        limit = self.threshold_native()
        return native_value < limit if self.op == "lt" else native_value >= limit


@dataclass(frozen=True)
class Test:
    combine: str  # "any" (或) | "all" (且)
    conditions: tuple[Condition, ...]

    def holds(self, values: dict[str, Decimal]) -> bool:
        results = (c.holds(values[c.indicator]) for c in self.conditions)
        return any(results) if self.combine == "any" else all(results)


@dataclass(frozen=True)
class DesignatedSize:
    """规上 / 限额以上 cut-off for a sector, or the reason it cannot be determined from these figures."""

    determinable: bool
    condition: Condition | None = None
    basis_zh: str = ""
    basis_en: str = ""
    status: str = ""  # "confirmed" (checked against the named sources) or "unconfirmed"
    note_zh: str = ""
    note_en: str = ""
    key: str = ""
    name_zh: str = ""  # the statistical scope, e.g. 规模以上工业, 限额以上零售业
    name_en: str = ""
    sources: tuple[str, ...] = ()  # keys into SizeRules.designated_sources
    in_scope: bool = True  # False: the activity is outside the "four above" statistics altogether


@dataclass(frozen=True)
class DesignatedRule:
    prefix: str
    designated: DesignatedSize


# A code too general to pick a row of the table (a bare section such as "K" or "F").
UNMATCHED_DESIGNATED = DesignatedSize(
    determinable=False,
    key="unmatched",
    note_zh="行业代码不够具体，无法确定适用的规上标准。",
    note_en="The industry code is too general to tell which above-designated-size cut-off applies.",
)


@dataclass(frozen=True)
class SectorRule:
    key: str
    name_zh: str
    name_en: str
    clause: str
    clause_en: str
    text_zh: str
    scope_zh: str
    sme: Test
    medium: Test
    small: Test
    micro: Test
    designated: DesignatedSize

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.indicator for c in self.sme.conditions))


@dataclass(frozen=True)
class MappingRule:
    prefix: str
    sector: str
    gbt4754_name: str
    in_scope: bool = True
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class SizeRules:
    version: str
    title: str
    document_number: str
    source: str
    source_date: str
    default_sector: str
    sectors: dict[str, SectorRule]
    mapping: tuple[MappingRule, ...]
    indicator_names: dict[str, dict[str, str]]
    designated_rules: tuple[DesignatedRule, ...] = ()
    designated_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    designated_meta: dict[str, str] = field(default_factory=dict)

    def designated_for_code(self, industry_code: str, sector: SectorRule) -> DesignatedSize:
        """The 规上 cut-off for a code: the statistics' table by longest prefix (older: the sector's)."""
        if not self.designated_rules:
            return sector.designated
        code = normalise_industry_code(industry_code)
        best: DesignatedRule | None = None
        for rule in self.designated_rules:
            if code.startswith(rule.prefix) and (best is None or len(rule.prefix) > len(best.prefix)):
                best = rule
        return best.designated if best is not None else UNMATCHED_DESIGNATED

    def sector_for_code(self, industry_code: str) -> tuple[SectorRule, MappingRule | None]:
        """The sector of a GB/T 4754-2017 code by longest matching prefix; unmatched codes use the default."""
        code = normalise_industry_code(industry_code)
        best: MappingRule | None = None
        for rule in self.mapping:
            if code.startswith(rule.prefix) and (best is None or len(rule.prefix) > len(best.prefix)):
                best = rule
        key = best.sector if best is not None else self.default_sector
        return self.sectors[key], best


@dataclass(frozen=True)
class SizeResult:
    size_class: str  # "large" | "medium" | "small" | "micro"
    is_sme: bool
    above_designated_size: bool  # 规上; False also when not determinable (see explanation)
    sector_key: str
    sector_name: str
    version: str
    explanation: dict[str, Any]


def _section_of(division: int) -> str | None:
    for letter, low, high in _SECTION_RANGES:
        if low <= division <= high:
            return letter
    return None


def normalise_industry_code(code: str) -> str:
    """ "c3670" → "C3670"; a bare numeric code ("3670", "36") gets its GB/T 4754-2017 section letter.

    Accepts a section ("C"), division ("C36"), group ("C367") or class ("C3670"); the letter must be the
    section that the division number belongs to.
    """
    text = (code or "").strip().upper().replace(" ", "")
    match = _CODE_RE.fullmatch(text)
    if match is None or not text:
        raise ValueError(f"not a GB/T 4754-2017 code: {code!r}")
    letter, digits = match.group(1), match.group(2)
    if not digits:
        return letter
    section = _section_of(int(digits[:2]))
    if section is None or (letter and letter != section):
        raise ValueError(f"not a GB/T 4754-2017 code: {code!r}")
    return section + digits


# ---------------------------------------------------------------------------------------------- parsing


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | str | float):
        raise SizeRulesError(f"{where}: threshold must be a number, got {raw!r}")
    value = Decimal(str(raw))
    if value <= 0:
        raise SizeRulesError(f"{where}: threshold must be positive, got {raw!r}")
    return value


def _condition(raw: dict[str, Any], where: str) -> Condition:
    indicator, op = raw.get("indicator"), raw.get("op")
    if indicator not in INDICATORS:
        raise SizeRulesError(f"{where}: unknown indicator {indicator!r}")
    if op not in OPS:
        raise SizeRulesError(f"{where}: unknown op {op!r}")
    return Condition(indicator=indicator, op=op, value=_decimal(raw.get("value"), where))


def _test(raw: dict[str, Any], where: str, combine: str, op: str) -> Test:
    if raw.get("combine") != combine:
        raise SizeRulesError(f"{where}: combine must be {combine!r} by the standard's wording")
    conditions = tuple(_condition(c, where) for c in raw.get("conditions", []))
    if not conditions:
        raise SizeRulesError(f"{where}: no conditions")
    if any(c.op != op for c in conditions):
        raise SizeRulesError(f"{where}: every condition must use {op!r}")
    if len({c.indicator for c in conditions}) != len(conditions):
        raise SizeRulesError(f"{where}: an indicator appears twice")
    return Test(combine=combine, conditions=conditions)


def _thresholds(test: Test) -> dict[str, Decimal]:
    return {c.indicator: c.value for c in test.conditions}


def _check_tiers(key: str, sme: Test, medium: Test, small: Test, micro: Test) -> None:
    """The tiers must nest: small floors ≤ medium floors < SME ceilings, on the same indicators."""
    ceil, med, sml, mic = (_thresholds(t) for t in (sme, medium, small, micro))
    if not (set(ceil) == set(med) == set(sml) == set(mic)):
        raise SizeRulesError(f"sector {key}: tiers use different indicators")
    if mic != sml:
        raise SizeRulesError(f"sector {key}: micro is not the complement of small")
    for ind in ceil:
        if not sml[ind] <= med[ind] < ceil[ind]:
            raise SizeRulesError(f"sector {key}: thresholds for {ind} do not nest (small ≤ medium < ceiling)")


def _designated(raw: dict[str, Any] | None, where: str) -> DesignatedSize:
    raw = raw or {"determinable": False, "reason_zh": "未规定", "reason_en": "not specified"}
    common: dict[str, Any] = {
        "key": str(raw.get("key", "")),
        "name_zh": str(raw.get("name_zh", "")),
        "name_en": str(raw.get("name_en", "")),
        "status": str(raw.get("status", "")),
        "sources": tuple(raw.get("sources", ())),
        "in_scope": bool(raw.get("in_scope", True)),
    }
    if common["status"] not in {"", "confirmed", "unconfirmed"}:
        raise SizeRulesError(f"{where}: status must be confirmed or unconfirmed")
    if not raw.get("determinable"):
        return DesignatedSize(
            determinable=False, note_zh=raw.get("reason_zh", ""), note_en=raw.get("reason_en", ""), **common
        )
    cond = _condition(
        {"indicator": raw.get("indicator"), "op": raw.get("op"), "value": raw.get("value")}, where
    )
    if cond.op != "gte":
        raise SizeRulesError(f"{where}: the designated-size cut-off is a floor (gte)")
    return DesignatedSize(
        determinable=True,
        condition=cond,
        basis_zh=raw.get("basis_zh", ""),
        basis_en=raw.get("basis_en", ""),
        note_zh=raw.get("note_zh", ""),
        note_en=raw.get("note_en", ""),
        **common,
    )


def _designated_table(
    raw: dict[str, Any] | None,
) -> tuple[tuple[DesignatedRule, ...], dict[str, dict[str, str]], dict[str, str]]:
    """The statistics' 规上 table: every prefix once, every rule naming at least one listed source."""
    if not raw:
        return (), {}, {}
    sources = raw.get("sources") or {}
    rules: list[DesignatedRule] = []
    seen: set[str] = set()
    for entry in raw.get("rules", []):
        key = entry.get("key") or ""
        where = f"designated_size.{key}"
        designated = _designated(entry, where)
        if not key or not entry.get("prefixes"):
            raise SizeRulesError(f"{where}: a rule needs a key and code prefixes")
        if not designated.sources or any(s not in sources for s in designated.sources):
            raise SizeRulesError(
                f"{where}: every rule must name sources listed under designated_size.sources"
            )
        if designated.status not in {"confirmed", "unconfirmed"}:
            raise SizeRulesError(f"{where}: status must be confirmed or unconfirmed")
        for raw_prefix in entry["prefixes"]:
            prefix = normalise_industry_code(raw_prefix)
            if prefix in seen:
                raise SizeRulesError(f"{where}: prefix {prefix} appears twice")
            seen.add(prefix)
            rules.append(DesignatedRule(prefix=prefix, designated=designated))
    meta = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    return tuple(rules), {k: dict(v) for k, v in sources.items()}, meta


def _sector(raw: dict[str, Any]) -> SectorRule:
    key = raw.get("key")
    if not key or not isinstance(key, str):
        raise SizeRulesError("a sector has no key")
    tiers = raw.get("tiers") or {}
    missing = [t for t in TIERS if t not in tiers]
    if missing:
        raise SizeRulesError(f"sector {key}: missing tiers {missing}")
    sme = _test(tiers["sme"], f"{key}.sme", "any", "lt")
    medium = _test(tiers["medium"], f"{key}.medium", "all", "gte")
    small = _test(tiers["small"], f"{key}.small", "all", "gte")
    micro = _test(tiers["micro"], f"{key}.micro", "any", "lt")
    _check_tiers(key, sme, medium, small, micro)
    return SectorRule(
        key=key,
        name_zh=raw.get("name_zh", key),
        name_en=raw.get("name_en", key),
        clause=raw.get("clause", ""),
        clause_en=raw.get("clause_en", ""),
        text_zh=raw.get("text_zh", ""),
        scope_zh=raw.get("scope_zh", ""),
        sme=sme,
        medium=medium,
        small=small,
        micro=micro,
        designated=_designated(raw.get("above_designated_size"), f"{key}.above_designated_size"),
    )


def load_rules(data: dict[str, Any]) -> SizeRules:
    """Parse and validate the size-standard data file's dict."""
    if data.get("kind") != "size_standard":
        raise SizeRulesError("not a size_standard data file")
    sectors: dict[str, SectorRule] = {}
    for raw in data.get("sectors", []):
        sector = _sector(raw)
        if sector.key in sectors:
            raise SizeRulesError(f"sector {sector.key} appears twice")
        sectors[sector.key] = sector
    default = data.get("default_sector", "")
    if default not in sectors:
        raise SizeRulesError(f"default_sector {default!r} is not a sector")
    mapping: list[MappingRule] = []
    seen: set[str] = set()
    for raw in data.get("mapping", []):
        prefix = normalise_industry_code(raw.get("prefix", ""))
        if raw.get("sector") not in sectors:
            raise SizeRulesError(f"mapping {prefix}: unknown sector {raw.get('sector')!r}")
        if prefix in seen:
            raise SizeRulesError(f"mapping {prefix} appears twice")
        seen.add(prefix)
        mapping.append(
            MappingRule(
                prefix=prefix,
                sector=raw["sector"],
                gbt4754_name=raw.get("gbt4754_name", ""),
                in_scope=bool(raw.get("in_scope", True)),
                note_zh=raw.get("note_zh", ""),
                note_en=raw.get("note_en", ""),
            )
        )
    version = data.get("version")
    if not version:
        raise SizeRulesError("the data file has no version")
    designated_rules, designated_sources, designated_meta = _designated_table(data.get("designated_size"))
    return SizeRules(
        version=str(version),
        title=data.get("title", ""),
        document_number=data.get("document_number", ""),
        source=data.get("source", ""),
        source_date=data.get("source_date", ""),
        default_sector=default,
        sectors=sectors,
        mapping=tuple(mapping),
        indicator_names=data.get("indicators", {}),
        designated_rules=designated_rules,
        designated_sources=designated_sources,
        designated_meta=designated_meta,
    )


# ------------------------------------------------------------------------------------------ classifying


def _plain(indicator: str, value: Decimal) -> int | str:
    """A JSON-safe value: persons as int, money as an exact decimal string in 万元."""
    if indicator in MONEY_INDICATORS:
        return format((value / WAN).normalize(), "f")
    return int(value)


def _explain_test(name: str, test: Test, values: dict[str, Decimal], applied: bool) -> dict[str, Any]:
    conditions = [
        {
            "indicator": c.indicator,
            "op": c.op,
            "threshold": _plain(c.indicator, c.threshold_native()),
            "value": _plain(c.indicator, values[c.indicator]),
            "unit": "万元" if c.indicator in MONEY_INDICATORS else "人",
            "holds": c.holds(values[c.indicator]),
        }
        for c in test.conditions
    ]
    return {
        "tier": name,
        "combine": test.combine,
        "applied": applied,
        "holds": test.holds(values),
        "conditions": conditions,
    }


def _designated_sources(rules: SizeRules, d: DesignatedSize) -> list[dict[str, str]]:
    return [{"key": key, **rules.designated_sources.get(key, {})} for key in d.sources]


def _designated_result(
    rules: SizeRules, d: DesignatedSize, values: dict[str, Decimal]
) -> tuple[bool, dict[str, Any]]:
    scope = {
        "key": d.key,
        "name_zh": d.name_zh,
        "name_en": d.name_en,
        "status": d.status,
        "in_scope": d.in_scope,
        "sources": _designated_sources(rules, d),
    }
    if not d.determinable or d.condition is None:
        return False, {
            "determinable": False,
            "holds": False,
            "reason_zh": d.note_zh,
            "reason_en": d.note_en,
            **scope,
        }
    c = d.condition
    holds = c.holds(values[c.indicator])
    return holds, {
        **scope,
        "determinable": True,
        "holds": holds,
        "indicator": c.indicator,
        "op": c.op,
        "threshold": _plain(c.indicator, c.threshold_native()),
        "value": _plain(c.indicator, values[c.indicator]),
        "basis_zh": d.basis_zh,
        "basis_en": d.basis_en,
        "note_zh": d.note_zh,
        "note_en": d.note_en,
    }


def _summaries(
    rules: SizeRules, sector: SectorRule, size: str, designated: dict[str, Any]
) -> tuple[str, str]:
    name_zh, name_en = designated.get("name_zh"), designated.get("name_en")
    if designated["determinable"] and name_zh:
        # Named by the statistical scope, e.g. 属于限额以上零售业 / 不属于规模以上服务业.
        ads_zh = ("属于" if designated["holds"] else "不属于") + name_zh
        ads_en = ("counted as " if designated["holds"] else "not counted as ") + (name_en or name_zh)
    elif designated["determinable"]:
        ads_zh = "规上（限额以上）" if designated["holds"] else "规下（限额以下）"
        ads_en = "above designated size" if designated["holds"] else "below designated size"
    else:
        ads_zh, ads_en = "规上未判定", "designated size not determined"
    zh = (
        f"按{rules.document_number}{sector.clause}（{sector.name_zh}）划为{SIZE_NAMES_ZH[size]}企业；"
        f"{ads_zh}。"
    )
    en = f"{SIZE_NAMES_EN[size].capitalize()} enterprise under {sector.name_en} ({rules.version}); {ads_en}."
    return zh, en


def _size_class(sector: SectorRule, values: dict[str, Decimal]) -> str:
    if not sector.sme.holds(values):
        return "large"
    if sector.medium.holds(values):
        return "medium"
    if sector.small.holds(values):
        return "small"
    return "micro"


def _sector_explanation(sector: SectorRule, mapped: MappingRule | None) -> dict[str, Any]:
    if mapped is None:
        # Art. 4 lists 其他未列明行业 as the catch-all for every activity not named in the list.
        notes = (
            "代码未单列，归入其他未列明行业（第四条）。",
            "Code not listed separately; falls under 'other' (Art. 4).",
        )
    else:
        notes = (mapped.note_zh, mapped.note_en)
    return {
        "key": sector.key,
        "name_zh": sector.name_zh,
        "name_en": sector.name_en,
        "clause": sector.clause,
        "clause_en": sector.clause_en,
        "matched_prefix": mapped.prefix if mapped else None,
        "in_scope": mapped.in_scope if mapped else True,
        "note_zh": notes[0],
        "note_en": notes[1],
    }


def classify(
    rules: SizeRules, *, industry_code: str, employees: int, revenue_yuan: Decimal, assets_yuan: Decimal
) -> SizeResult:
    """Classify one enterprise. Money is in yuan; negative inputs are rejected."""
    if isinstance(employees, bool) or not isinstance(employees, int):
        raise TypeError("employees must be an int")
    values = {
        "employees": Decimal(employees),
        "revenue": Decimal(revenue_yuan),
        "assets": Decimal(assets_yuan),
    }
    for name, value in values.items():
        if not value.is_finite() or value < 0:
            raise ValueError(f"{name} must be a finite number ≥ 0")
    sector, mapped = rules.sector_for_code(industry_code)
    size = _size_class(sector, values)
    is_sme = size != "large"
    # Which tests decided the answer: the SME test always; medium only for SMEs; small only below medium.
    applied = {"sme": True, "medium": is_sme, "small": is_sme and size != "medium"}
    tests = [
        _explain_test(name, getattr(sector, name), values, applied[name])
        for name in ("sme", "medium", "small")
    ]
    above, designated = _designated_result(rules, rules.designated_for_code(industry_code, sector), values)
    summary_zh, summary_en = _summaries(rules, sector, size, designated)
    explanation: dict[str, Any] = {
        "standard": rules.document_number,
        "version": rules.version,
        "industry_code": normalise_industry_code(industry_code),
        "sector": _sector_explanation(sector, mapped),
        "inputs": {ind: _plain(ind, values[ind]) for ind in INDICATORS},
        "indicators_used": list(sector.indicators),
        "tests": tests,
        "size_class": size,
        "above_designated_size": designated,
        "summary_zh": summary_zh,
        "summary_en": summary_en,
    }
    return SizeResult(
        size_class=size,
        is_sme=is_sme,
        above_designated_size=above,
        sector_key=sector.key,
        sector_name=sector.name_zh,
        version=rules.version,
        explanation=explanation,
    )

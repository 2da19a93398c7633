"""A batch's rules as versioned data (pure Python, no Django).

Dengta runs both pilot models (DOMAIN.md 1, 2): the 2022 platform pilot, where a province (or a 计划单列市,
or the 兵团) nominates service platforms per sub-industry, and the 2023–2025 city pilot, where cities apply
for a fixed award. Each batch's rules live in ``data/batches/<programme>-<year>.json`` (the file stem is the
batch code) with a ``version``, a ``source`` and a ``provenance`` entry per rule saying whether the value is
confirmed by DOMAIN.md or Dengta's default where DOMAIN.md says NOT FOUND / UNCONFIRMED. Programme staff edit
a file by bumping its version; every decision stores the version it used (ARCHITECTURE.md convention 12).

What a batch file holds and where the values come from:
- windows (application open / close, review close): ISO dates, read as days in Asia/Shanghai (the Django
  layer adds the zone); the pilot period in months (2 years for a city, DOMAIN.md 2.1, 2.2);
- the eligible applicant kinds (DOMAIN.md 2.1, 2.2; the 2022 addressees, DOMAIN.md 1.1);
- quotas of applicants per province: a default, overrides by GB/T 2260 province code (2025: up to 2 for the
  12 provinces with more than 15,000 above-size industrial SMEs, DOMAIN.md 2.2) and whether a 计划单列市
  reports on its own quota (the notices address them beside the provinces, DOMAIN.md 1.1, 4.4);
- award caps by applicant kind in yuan (150m / 100m, DOMAIN.md 2.1), per application or per nominated
  platform (the platform pilot funded the platforms, DOMAIN.md 1.4);
- the fund split: minimum retrofit share 0.80, maximum service-capacity share 0.20 (DOMAIN.md 2.1, 8.5);
- the target: 0.90 of the 规上 pilot enterprises at level 2 (二级) or above (DOMAIN.md 2.1);
- sub-industry guidance: the focus-sector GB/T 4754-2017 prefixes (DOMAIN.md 1.3, 2.1, 2.4), no numeric
  cap per application (NOT FOUND, DOMAIN.md 2.4) unless a file sets one;
- exclusions: earlier pilot cities may not re-apply (DOMAIN.md 2.2, 6.5), enterprises already in an active
  pilot or funded before are left out (DOMAIN.md 6.5, 8.15);
- whether pilot enterprises need a T0 assessment (on-site evaluation, DOMAIN.md 2.6) and whether the
  ranking balances east / central / west (DOMAIN.md 2.1);
- the defaults of the pilots' retrofit-project rules, which each pilot's authority may change (the
  per-enterprise subsidy rate and cap are set locally, DOMAIN.md 2.7, 8.5): the subsidy rate and cap (杭州's
  50 % and 500,000 yuan), the catalogue categories whose spending counts (深圳's software, cloud services,
  data-acquisition devices and consulting / diagnosis), the central share of a subsidy (null: in proportion
  to the pilot's retrofit envelope and local matching funds), the months after completion within which
  acceptance must be requested (昆明's 3), the tolerance in yuan when invoices and payments are matched to
  the contract, and the filing guards (no contract or payment before filing; one funded project per
  enterprise and programme, DOMAIN.md 8.15).

Region groups for that balance are a separate file (``data/regional-groups.json``): the NBS 2011
division into 东部 / 中部 / 西部 / 东北 for all 31 provinces plus the 兵团's custom code 660000 (DOMAIN.md
4.4), and the three-way group the balance uses, which folds 东北 as the older three-belt division did (辽宁
east, 吉林 and 黑龙江 central). Every province code a batch file names must be in that file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from dengta.reference.sizing import normalise_industry_code

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCHES_DIR = DATA_DIR / "batches"
GROUPS_FILE = DATA_DIR / "regional-groups.json"

PLATFORM, CITY = "platform", "city"
PROGRAMMES = (PLATFORM, CITY)
# Who may apply. The platform pilot is addressed to provinces, 计划单列市 and the 兵团 (DOMAIN.md 1.1); the
# city pilot to provincial capitals, 计划单列市, other prefecture-level cities, districts / counties of the
# four municipalities and the 兵团 (DOMAIN.md 2.1). "county" (an ordinary county or district) is never
# eligible but is a kind the Django layer can give an applicant: the refusal is then a failure, not a crash.
APPLICANT_KINDS = (
    "province",
    "provincial_capital",
    "separately_planned_city",
    "prefecture_city",
    "municipal_district_county",
    "county",
    "bingtuan",
)
PLATFORM_KINDS = frozenset({"province", "separately_planned_city", "bingtuan"})
CITY_KINDS = frozenset(APPLICANT_KINDS) - {"province", "county"}
CAP_BASES = ("application", "provider")
PROVENANCE = ("confirmed", "secondary", "unconfirmed", "dengta_default")
RULE_FIELDS = (
    "windows",
    "pilot_period_months",
    "applicant_kinds",
    "quotas",
    "award_caps",
    "fund_split",
    "target",
    "sub_industry_guidance",
    "exclusions",
    "require_t0_assessment",
    "regional_balance",
    "project_rules",
)
# The catalogue's product categories (dengta.catalog.models.Category), which project rules may name.
PRODUCT_CATEGORIES = ("consulting", "diagnosis", "software", "cloud", "hardware", "equipment", "integration")
BALANCE_GROUPS = ("east", "central", "west")
NBS_REGIONS = ("east", "central", "west", "northeast")
BINGTUAN_CODE = "660000"
_PROVINCE_CODE = re.compile(r"\d{2}0000")


class BatchRulesError(ValueError):
    """A batch-rules or regional-groups file is not valid (raised when loading)."""


@dataclass(frozen=True)
class Windows:
    application_opens: date
    application_closes: date
    review_closes: date

    def accepts(self, day: date) -> bool:
        """Whether ``day`` (a date in Asia/Shanghai) lies in the application window, both ends included."""
        return self.application_opens <= day <= self.application_closes


@dataclass(frozen=True)
class Quotas:
    default: int
    overrides: tuple[tuple[str, int], ...]  # (province code, quota), by code
    separately_planned_own_quota: bool  # a 计划单列市 counts on its own quota, not its province's
    separately_planned: int

    def for_province(self, code: str) -> int:
        return dict(self.overrides).get(code, self.default)

    def as_mapping(self) -> dict[str, int]:
        return dict(self.overrides)


@dataclass(frozen=True)
class AwardCaps:
    basis: str  # "application": one cap per application; "provider": per nominated platform
    yuan: tuple[tuple[str, Decimal], ...]  # (applicant kind, cap)

    def for_kind(self, kind: str) -> Decimal | None:
        return dict(self.yuan).get(kind)


@dataclass(frozen=True)
class Target:
    share: Decimal  # of the 规上 pilot enterprises of each sub-industry
    level: int  # at this digital level or above (2 = 二级)


@dataclass(frozen=True)
class SubIndustryGuidance:
    focus_prefixes: tuple[str, ...]  # GB/T 4754-2017 codes, normalised ("C26", "C367")
    max_per_application: int | None  # None: no cap (DOMAIN.md 2.4 found none)
    avoid_dispersion: bool

    def is_focus(self, industry_code: str) -> bool:
        return any(industry_code.startswith(prefix) for prefix in self.focus_prefixes)


@dataclass(frozen=True)
class Exclusions:
    earlier_pilot_cities: bool
    enterprises_in_active_pilot: bool
    enterprises_funded_before: bool


@dataclass(frozen=True)
class ProjectRuleDefaults:
    subsidy_rate: Decimal
    cap_per_enterprise_yuan: Decimal
    central_share: Decimal | None  # None: in proportion to the retrofit envelope and local matching funds
    eligible_categories: tuple[str, ...]
    acceptance_deadline_months: int
    tolerance_yuan: Decimal
    filing_before_contract: bool
    one_project_per_enterprise: bool


@dataclass(frozen=True)
class BatchRules:
    code: str  # the file stem, e.g. "city-2025"
    version: str
    source: str
    programme: str  # "platform" or "city"
    year: int
    title_zh: str  # named in every failure sentence, e.g. "2025年城市试点"
    title_en: str  # e.g. "2025 city pilot"
    notice: str
    windows: Windows
    pilot_period_months: int
    applicant_kinds: tuple[str, ...]
    quotas: Quotas
    award_caps: AwardCaps
    min_retrofit_share: Decimal
    max_service_share: Decimal
    target: Target
    guidance: SubIndustryGuidance
    exclusions: Exclusions
    require_t0_assessment: bool
    regional_balance: bool
    project_rules: ProjectRuleDefaults
    provenance: tuple[tuple[str, str], ...]  # (rule field, "confirmed" / "dengta_default" / …)

    def provenance_of(self, rule_field: str) -> str:
        return dict(self.provenance)[rule_field]


@dataclass(frozen=True)
class RegionalMember:
    code: str
    name: str
    name_en: str
    nbs_region: str  # NBS 2011: east / central / west / northeast
    balance_group: str  # east / central / west


@dataclass(frozen=True)
class RegionalGroups:
    version: str
    source: str
    members: tuple[RegionalMember, ...]

    def member(self, code: str) -> RegionalMember:
        for member in self.members:
            if member.code == code:
                return member
        raise KeyError(code)

    def balance_group_of(self, province_code: str) -> str:
        return self.member(province_code).balance_group

    def codes(self) -> frozenset[str]:
        return frozenset(m.code for m in self.members)


# ---------------------------------------------------------------------------------------------------------
# Small parsers: each names the field it refuses


def _object(
    raw: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BatchRulesError(f"{where}: must be an object")
    missing = sorted(required - set(raw))
    if missing:
        raise BatchRulesError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(raw) - required - optional)
    if unknown:
        raise BatchRulesError(f"{where}: unknown keys {unknown}")
    return raw


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise BatchRulesError(f"{where}: must be a non-empty text")
    return raw


def _flag(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise BatchRulesError(f"{where}: must be true or false, got {raw!r}")
    return raw


def _whole(raw: Any, where: str, minimum: int = 0) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise BatchRulesError(f"{where}: {raw!r} must be a whole number ≥ {minimum}")
    return raw


def _number(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal | float):
        raise BatchRulesError(f"{where}: {raw!r} is not a number")
    try:
        number = Decimal(str(raw))
    except InvalidOperation as exc:
        raise BatchRulesError(f"{where}: {raw!r} is not a number") from exc
    if not number.is_finite():
        raise BatchRulesError(f"{where}: {raw!r} is not a finite number")
    return number


def _share(raw: Any, where: str) -> Decimal:
    share = _number(raw, where)
    if not 0 <= share <= 1:
        raise BatchRulesError(f"{where}: {share} is outside 0–1")
    return share


def _date(raw: Any, where: str) -> date:
    if not isinstance(raw, str):
        raise BatchRulesError(f"{where}: {raw!r} must be an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise BatchRulesError(f"{where}: {raw!r} is not an ISO date (YYYY-MM-DD)") from exc


def _province(code: Any, where: str, known: frozenset[str]) -> str:
    if not isinstance(code, str) or code not in known:
        raise BatchRulesError(f"{where}: {code!r} is not a province code of the regional-groups file")
    return code


# ---------------------------------------------------------------------------------------------------------
# The batch file


def _windows(raw: Any, where: str) -> Windows:
    keys = {"application_opens", "application_closes", "review_closes"}
    data = _object(raw, f"{where} windows", keys)
    opens = _date(data["application_opens"], f"{where} windows.application_opens")
    closes = _date(data["application_closes"], f"{where} windows.application_closes")
    review = _date(data["review_closes"], f"{where} windows.review_closes")
    if not opens <= closes:
        raise BatchRulesError(f"{where} windows: the application closes ({closes}) before it opens ({opens})")
    if not closes <= review:
        raise BatchRulesError(
            f"{where} windows: the review closes ({review}) before applications close ({closes})"
        )
    return Windows(opens, closes, review)


def _kinds(raw: Any, where: str, programme: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise BatchRulesError(f"{where} applicant_kinds: must be a non-empty list")
    allowed = PLATFORM_KINDS if programme == PLATFORM else CITY_KINDS
    for kind in raw:
        if kind not in APPLICANT_KINDS:
            raise BatchRulesError(f"{where} applicant_kinds: unknown kind {kind!r}, known: {APPLICANT_KINDS}")
        if kind not in allowed:
            raise BatchRulesError(f"{where} applicant_kinds: {kind!r} cannot apply in the {programme} model")
    if len(set(raw)) != len(raw):
        raise BatchRulesError(f"{where} applicant_kinds: a kind is listed twice in {raw}")
    return tuple(raw)


def _quotas(raw: Any, where: str, known: frozenset[str]) -> Quotas:
    keys = {"default", "overrides", "separately_planned_own_quota", "separately_planned"}
    data = _object(raw, f"{where} quotas", keys)
    overrides = data["overrides"]
    if not isinstance(overrides, dict):
        raise BatchRulesError(f"{where} quotas.overrides: must be an object of province code → quota")
    pairs = tuple(
        (_province(code, f"{where} quotas.overrides", known), _whole(n, f"{where} quotas.overrides.{code}"))
        for code, n in sorted(overrides.items())
    )
    return Quotas(
        default=_whole(data["default"], f"{where} quotas.default"),
        overrides=pairs,
        separately_planned_own_quota=_flag(
            data["separately_planned_own_quota"], f"{where} quotas.separately_planned_own_quota"
        ),
        separately_planned=_whole(data["separately_planned"], f"{where} quotas.separately_planned"),
    )


def _caps(raw: Any, where: str, programme: str, kinds: tuple[str, ...]) -> AwardCaps:
    data = _object(raw, f"{where} award_caps", {"basis", "yuan"})
    basis = data["basis"]
    expected = "provider" if programme == PLATFORM else "application"
    if basis != expected:
        raise BatchRulesError(
            f"{where} award_caps.basis: {basis!r} must be {expected!r} in the {programme} model"
        )
    yuan = data["yuan"]
    if not isinstance(yuan, dict):
        raise BatchRulesError(f"{where} award_caps.yuan: must be an object of applicant kind → yuan")
    if set(yuan) != set(kinds):
        raise BatchRulesError(
            f"{where} award_caps.yuan: needs a cap for each eligible kind {sorted(kinds)}, got {sorted(yuan)}"
        )
    caps: list[tuple[str, Decimal]] = []
    for kind in kinds:
        cap = _number(yuan[kind], f"{where} award_caps.yuan.{kind}")
        if cap <= 0:
            raise BatchRulesError(f"{where} award_caps.yuan.{kind}: {cap} must be above 0")
        caps.append((kind, cap))
    return AwardCaps(basis, tuple(caps))


def _split(raw: Any, where: str, programme: str) -> tuple[Decimal, Decimal]:
    data = _object(raw, f"{where} fund_split", {"min_retrofit_share", "max_service_share"})
    low = _share(data["min_retrofit_share"], f"{where} fund_split.min_retrofit_share")
    high = _share(data["max_service_share"], f"{where} fund_split.max_service_share")
    if low + high > 1:
        raise BatchRulesError(f"{where} fund_split: min retrofit {low} + max service {high} is above 1")
    # The city award is split into exactly these two envelopes (DOMAIN.md 2.1): the shares meet.
    if programme == CITY and low + high != 1:
        raise BatchRulesError(
            f"{where} fund_split: min retrofit {low} + max service {high} must be 1 for a city"
        )
    return low, high


def _target(raw: Any, where: str) -> Target:
    data = _object(raw, f"{where} target", {"share", "level"})
    level = _whole(data["level"], f"{where} target.level", minimum=1)
    if level > 4:
        raise BatchRulesError(f"{where} target.level: {level} must be 1–4")
    return Target(_share(data["share"], f"{where} target.share"), level)


def _guidance(raw: Any, where: str) -> SubIndustryGuidance:
    keys = {"focus_prefixes", "max_per_application", "avoid_dispersion"}
    data = _object(raw, f"{where} sub_industry_guidance", keys)
    prefixes = data["focus_prefixes"]
    if not isinstance(prefixes, list):
        raise BatchRulesError(f"{where} sub_industry_guidance.focus_prefixes: must be a list")
    normalised: list[str] = []
    for prefix in prefixes:
        try:
            normalised.append(normalise_industry_code(str(prefix)))
        except ValueError as exc:
            raise BatchRulesError(
                f"{where} sub_industry_guidance.focus_prefixes: {prefix!r} is not a GB/T 4754-2017 code"
            ) from exc
    cap = data["max_per_application"]
    if cap is not None:
        cap = _whole(cap, f"{where} sub_industry_guidance.max_per_application", minimum=1)
    avoid = _flag(data["avoid_dispersion"], f"{where} sub_industry_guidance.avoid_dispersion")
    return SubIndustryGuidance(tuple(normalised), cap, avoid)


def _exclusions(raw: Any, where: str) -> Exclusions:
    keys = {"earlier_pilot_cities", "enterprises_in_active_pilot", "enterprises_funded_before"}
    data = _object(raw, f"{where} exclusions", keys)
    flags = {k: _flag(data[k], f"{where} exclusions.{k}") for k in sorted(keys)}
    return Exclusions(**flags)


def _project_rules(raw: Any, where: str) -> ProjectRuleDefaults:
    keys = {
        "subsidy_rate",
        "cap_per_enterprise_yuan",
        "central_share",
        "eligible_categories",
        "acceptance_deadline_months",
        "tolerance_yuan",
        "filing_before_contract",
        "one_project_per_enterprise",
    }
    here = f"{where} project_rules"
    data = _object(raw, here, keys)
    categories = data["eligible_categories"]
    if not isinstance(categories, list) or any(c not in PRODUCT_CATEGORIES for c in categories):
        raise BatchRulesError(f"{here}.eligible_categories: each must be one of {PRODUCT_CATEGORIES}")
    cap = _number(data["cap_per_enterprise_yuan"], f"{here}.cap_per_enterprise_yuan")
    tolerance = _number(data["tolerance_yuan"], f"{here}.tolerance_yuan")
    for name, amount in (("cap_per_enterprise_yuan", cap), ("tolerance_yuan", tolerance)):
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise BatchRulesError(f"{here}.{name}: {amount} must be yuan ≥ 0 with at most 2 decimals")
    central = data["central_share"]
    return ProjectRuleDefaults(
        subsidy_rate=_share(data["subsidy_rate"], f"{here}.subsidy_rate"),
        cap_per_enterprise_yuan=cap,
        central_share=None if central is None else _share(central, f"{here}.central_share"),
        eligible_categories=tuple(sorted(set(categories))),
        acceptance_deadline_months=_whole(
            data["acceptance_deadline_months"], f"{here}.acceptance_deadline_months", minimum=1
        ),
        tolerance_yuan=tolerance,
        filing_before_contract=_flag(data["filing_before_contract"], f"{here}.filing_before_contract"),
        one_project_per_enterprise=_flag(
            data["one_project_per_enterprise"], f"{here}.one_project_per_enterprise"
        ),
    )


def _provenance(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    data = _object(raw, f"{where} provenance", set(RULE_FIELDS))
    for key, status in data.items():
        if status not in PROVENANCE:
            raise BatchRulesError(f"{where} provenance.{key}: {status!r} must be one of {PROVENANCE}")
    return tuple((key, data[key]) for key in RULE_FIELDS)


_BATCH_KEYS = {"version", "source", "programme", "year", "title_zh", "title_en", "notice", "provenance"}


def parse_batch_rules(data: Any, code: str, groups: RegionalGroups | None = None) -> BatchRules:
    """The rules of batch ``code`` from a parsed file (numbers as Decimal); refuses a bad field by name."""
    where = code
    raw = _object(data, where, _BATCH_KEYS | set(RULE_FIELDS))
    known = (groups or default_groups()).codes()
    programme = raw["programme"]
    if programme not in PROGRAMMES:
        raise BatchRulesError(f"{where} programme: {programme!r} must be one of {PROGRAMMES}")
    year = _whole(raw["year"], f"{where} year", minimum=2000)
    if not code.startswith(f"{programme}-{year}"):
        raise BatchRulesError(f"{where}: the file name must begin with {programme}-{year}")
    kinds = _kinds(raw["applicant_kinds"], where, programme)
    low, high = _split(raw["fund_split"], where, programme)
    return BatchRules(
        code=code,
        version=_text(raw["version"], f"{where} version"),
        source=_text(raw["source"], f"{where} source"),
        programme=programme,
        year=year,
        title_zh=_text(raw["title_zh"], f"{where} title_zh"),
        title_en=_text(raw["title_en"], f"{where} title_en"),
        notice=_text(raw["notice"], f"{where} notice"),
        windows=_windows(raw["windows"], where),
        pilot_period_months=_whole(raw["pilot_period_months"], f"{where} pilot_period_months", minimum=1),
        applicant_kinds=kinds,
        quotas=_quotas(raw["quotas"], where, known),
        award_caps=_caps(raw["award_caps"], where, programme, kinds),
        min_retrofit_share=low,
        max_service_share=high,
        target=_target(raw["target"], where),
        guidance=_guidance(raw["sub_industry_guidance"], where),
        exclusions=_exclusions(raw["exclusions"], where),
        require_t0_assessment=_flag(raw["require_t0_assessment"], f"{where} require_t0_assessment"),
        regional_balance=_flag(raw["regional_balance"], f"{where} regional_balance"),
        project_rules=_project_rules(raw["project_rules"], where),
        provenance=_provenance(raw["provenance"], where),
    )


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, json.JSONDecodeError) as exc:
        raise BatchRulesError(f"{path.name}: {exc}") from exc


def load_batch_rules(path: Path | str, groups: RegionalGroups | None = None) -> BatchRules:
    """One batch file; its stem is the batch code. Refuses an invalid file loudly (BatchRulesError)."""
    path = Path(path)
    return parse_batch_rules(_read(path), path.stem, groups)


def load_all_batches(directory: Path | str | None = None) -> dict[str, BatchRules]:
    """Every ``*.json`` in ``data/batches/`` (or ``directory``), keyed by file stem, in name order."""
    folder = Path(directory) if directory is not None else BATCHES_DIR
    groups = default_groups()
    return {path.stem: load_batch_rules(path, groups) for path in sorted(folder.glob("*.json"))}


# ---------------------------------------------------------------------------------------------------------
# The regional-groups file


def _member(raw: Any, where: str) -> RegionalMember:
    data = _object(raw, f"{where} member", {"code", "name", "name_en", "nbs_region", "balance_group"})
    code = data["code"]
    if not isinstance(code, str) or not _PROVINCE_CODE.fullmatch(code):
        raise BatchRulesError(
            f"{where} member: {code!r} is not a province-level code (6 digits, ending 0000)"
        )
    if data["nbs_region"] not in NBS_REGIONS:
        raise BatchRulesError(
            f"{where} member {code}: nbs_region {data['nbs_region']!r} not in {NBS_REGIONS}"
        )
    if data["balance_group"] not in BALANCE_GROUPS:
        raise BatchRulesError(
            f"{where} member {code}: balance_group {data['balance_group']!r} not in {BALANCE_GROUPS}"
        )
    name, name_en = (
        _text(data["name"], f"{where} {code} name"),
        _text(data["name_en"], f"{where} {code} name_en"),
    )
    return RegionalMember(code, name, name_en, data["nbs_region"], data["balance_group"])


def parse_regional_groups(data: Any, where: str = "regional-groups") -> RegionalGroups:
    raw = _object(data, where, {"version", "source", "members"}, frozenset({"notes"}))
    members = raw["members"]
    if not isinstance(members, list) or not members:
        raise BatchRulesError(f"{where} members: must be a non-empty list")
    parsed = tuple(_member(m, where) for m in members)
    codes = [m.code for m in parsed]
    if len(set(codes)) != len(codes):
        raise BatchRulesError(f"{where} members: a code is listed twice")
    if BINGTUAN_CODE not in codes:
        raise BatchRulesError(f"{where} members: the 兵团 ({BINGTUAN_CODE}) is missing")
    return RegionalGroups(
        _text(raw["version"], f"{where} version"), _text(raw["source"], f"{where} source"), parsed
    )


def load_regional_groups(path: Path | str | None = None) -> RegionalGroups:
    file = Path(path) if path is not None else GROUPS_FILE
    return parse_regional_groups(_read(file), file.name)


@lru_cache(maxsize=1)
def default_groups() -> RegionalGroups:
    return load_regional_groups()

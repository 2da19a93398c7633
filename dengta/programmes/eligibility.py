"""Eligibility of an application (申报) against its batch's rules, with stable codes (pure Python, no Django).

``check(application, rules, today=…)`` returns every failure, each with a stable code, the subject it is about
(the application, a sub-industry, an enterprise by credit code, a provider) and a sentence in Chinese and in
English naming the thing and the rule's value. The Django layer runs it on every change and at submission.
The rules come from ``rules.BatchRules`` (DOMAIN.md 2.1–2.5, 8.5, 8.6); what each check rests on:

- ``outside_application_window``: today (Asia/Shanghai) outside the batch's application window;
- ``applicant_kind_not_eligible``: the applicant's kind is not eligible in the batch (DOMAIN.md 2.1, 2.2);
- ``repeat_application``: a pilot of an earlier batch applies again (banned, DOMAIN.md 2.2, 6.5), or the
  applicant already has another live application in this batch;
- ``quota_exceeded``: with this one, more applicants from the province (or a 计划单列市 on its own quota)
  than the batch allows (DOMAIN.md 2.2); each applicant counts once;
- ``award_over_cap``: the award requested above the cap for the applicant kind (DOMAIN.md 2.1), per
  application or, in the platform model, per nominated platform;
- ``retrofit_share_below_minimum`` / ``service_share_above_maximum``: the 80 / 20 split (DOMAIN.md 2.1, 8.5);
- ``sub_industry_chosen_twice``: the same catalogue sub-industry twice;
- per enterprise: ``invalid_credit_code`` (GB 32100, DOMAIN.md 4.3, via dengta.registry.uscc), ``not_sme``
  (the size standard, DOMAIN.md 4.1; an enterprise whose size is unknown is not refused here — the
  application's completeness checklist asks for it), ``outside_jurisdiction``,
  ``industry_outside_sub_industry`` (GB/T 4754 prefixes of the chosen sub-industry, DOMAIN.md 5, 8.4),
  ``already_in_pilot`` and ``already_funded`` (DOMAIN.md 6.5, 8.15), ``no_t0_assessment`` (no assessment
  and none scheduled, DOMAIN.md 2.6), ``enterprise_listed_twice`` (twice in this application, or in another
  application of the batch);
- per provider: ``provider_not_admitted`` (not admitted, or not in a pool the sub-industry accepts) and
  ``provider_suspended``.

Jurisdiction mirrors dengta.core.places: a region belongs to an applicant when it lies in the applicant's
subtree — the first 2 digits for a province, 4 for a prefecture, all 6 for a county — except that the
兵团's cities (6590xx) sit under its custom unit 660000 and not under 新疆 650000 (DOMAIN.md 4.4).

The sentences are data (``data/eligibility-sentences.json``, Dengta's wording, versioned): each code has a
Chinese and an English template with the same named fields, filled from the failure's params.

``pool_summary.summary`` counts a pool (规上, SMEs, 专精特新 tiers, current levels) and says how many 规上
enterprises are below the target level and how many must still be lifted for the 90 % target (DOMAIN.md 2.1,
8.12).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dengta.programmes.rules import (
    APPLICANT_KINDS,
    BINGTUAN_CODE,
    DATA_DIR,
    BatchRules,
    RegionalGroups,
    default_groups,
)
from dengta.reference.sizing import normalise_industry_code
from dengta.registry import uscc

CODES = (
    "not_sme", "outside_jurisdiction", "industry_outside_sub_industry", "already_in_pilot", "already_funded",
    "invalid_credit_code", "no_t0_assessment", "provider_not_admitted", "provider_suspended",
    "quota_exceeded", "award_over_cap", "retrofit_share_below_minimum", "service_share_above_maximum",
    "repeat_application", "applicant_kind_not_eligible", "sub_industry_chosen_twice",
    "enterprise_listed_twice", "outside_application_window",
)  # fmt: skip
TIERS = ("innovative", "specialised", "little_giant")  # dengta.registry.models.Tier, "" for none
LEVELS = range(5)  # 0 = below 一级, 1–4 = 一级–四级
BINGTUAN_CITIES = "6590"
SENTENCES_FILE = DATA_DIR / "eligibility-sentences.json"
_REGION = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Applicant:
    name: str
    region_code: str  # GB/T 2260, 6 digits; 660000 for the 兵团
    kind: str  # one of rules.APPLICANT_KINDS
    earlier_pilot_batches: tuple[str, ...] = ()  # batch codes in which it became a pilot
    name_en: str = ""

    def __post_init__(self) -> None:
        if not _REGION.fullmatch(self.region_code):
            raise ValueError(f"applicant region code {self.region_code!r} must be 6 digits")
        if self.kind not in APPLICANT_KINDS:
            raise ValueError(f"unknown applicant kind {self.kind!r}")


@dataclass(frozen=True)
class Candidate:
    """An enterprise in the pilot-enterprise pool (试点企业库), with what the registry already computed."""

    uscc: str
    name: str
    region_code: str
    industry_code: str  # GB/T 4754-2017
    is_sme: bool | None  # None: size not classified yet
    is_above_size: bool  # 规上
    tier: str = ""  # "", "innovative", "specialised", "little_giant"
    in_active_pilot: bool = False
    has_funded_project: bool = False
    has_t0_assessment: bool = False
    t0_scheduled: bool = False
    current_level: int | None = None  # latest level 0–4; None: not assessed
    effort_to_target: int | None = None  # the assessment path's effort to the target level

    def __post_init__(self) -> None:
        if not _REGION.fullmatch(self.region_code):
            raise ValueError(f"enterprise region code {self.region_code!r} must be 6 digits")
        if self.tier and self.tier not in TIERS:
            raise ValueError(f"unknown 专精特新 tier {self.tier!r}")
        if self.current_level is not None and self.current_level not in LEVELS:
            raise ValueError(f"level {self.current_level!r} must be 0–4")

    @property
    def key(self) -> str:
        return uscc.normalise(self.uscc)


@dataclass(frozen=True)
class NominatedProvider:
    key: str
    name: str
    admitted: bool
    suspended: bool
    pools: tuple[str, ...] = ()  # the pools it is admitted to
    name_en: str = ""


@dataclass(frozen=True)
class SubIndustryChoice:
    code: str  # the reference catalogue's code
    name: str  # the local name
    industry_prefixes: tuple[str, ...]  # GB/T 4754-2017
    providers: tuple[NominatedProvider, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    pools: tuple[str, ...] = ()  # pools whose providers may serve it; empty: any pool
    name_en: str = ""


@dataclass(frozen=True)
class FundPlan:
    award_requested_yuan: Decimal
    retrofit_share: Decimal  # of the central award
    service_share: Decimal
    local_matching_yuan: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("award_requested_yuan", "local_matching_yuan"):
            value = Decimal(getattr(self, name))
            if not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite amount ≥ 0, got {value}")
        shares = (Decimal(self.retrofit_share), Decimal(self.service_share))
        if not all(s.is_finite() and 0 <= s <= 1 for s in shares) or sum(shares) > 1:
            raise ValueError(f"the shares {shares} must each be 0–1 and together at most 1")


@dataclass(frozen=True)
class OtherApplication:
    """A live application of the same batch: from the same province (for the quota) or sharing enterprises."""

    reference: str
    applicant_region_code: str
    applicant_kind: str
    enterprise_usccs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApplicationInput:
    applicant: Applicant
    batch_code: str
    sub_industries: tuple[SubIndustryChoice, ...]
    fund_plan: FundPlan
    other_applications: tuple[OtherApplication, ...] = ()
    applied_before: bool = False  # the applicant already has another live application in this batch


@dataclass(frozen=True)
class Subject:
    kind: str  # "application", "sub_industry", "enterprise", "provider"
    key: str  # the batch code, the sub-industry's code, the enterprise's credit code, the provider's key
    label: str


@dataclass(frozen=True)
class Failure:
    code: str
    subject: Subject
    params: dict[str, Any] = field(default_factory=dict)
    sentence_zh: str = ""
    sentence_en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


# ---------------------------------------------------------------------------------------------------------
# Sentences: "%(name)s" fields filled from the params (shares as %, yuan with separators)


class SentencesError(ValueError):
    """The sentences file is not valid (raised when loading)."""


@dataclass(frozen=True)
class Sentences:
    version: str
    templates: dict[str, tuple[str, str]]  # code or "code.variant" → (zh, en), "%(name)s" fields
    kinds: dict[str, tuple[str, str]]  # applicant kind → (zh, en) name
    uscc_en: dict[str, str]  # dengta.registry.uscc problem code → English template


_NAMED_FIELD = re.compile(r"%\((\w+)\)s")


def _pairs(raw: Any, where: str) -> dict[str, tuple[str, str]]:
    if not isinstance(raw, dict):
        raise SentencesError(f"{where}: must be an object")
    out: dict[str, tuple[str, str]] = {}
    for key, pair in raw.items():
        if not isinstance(pair, dict) or not (
            isinstance(pair.get("zh"), str) and isinstance(pair.get("en"), str)
        ):
            raise SentencesError(f"{where}.{key}: needs a zh and an en text")
        if set(_NAMED_FIELD.findall(pair["zh"])) != set(_NAMED_FIELD.findall(pair["en"])):
            raise SentencesError(f"{where}.{key}: zh and en must use the same named fields")
        out[key] = (pair["zh"], pair["en"])
    return out


def parse_sentences(data: Any, where: str = "eligibility-sentences") -> Sentences:
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) or not data.get("source"):
        raise SentencesError(f"{where}: version and source are required")
    templates = _pairs(data.get("sentences"), f"{where} sentences")
    missing = sorted(set(CODES) - set(templates))
    unknown = sorted(k for k in templates if k.split(".")[0] not in CODES)
    if missing or unknown:
        raise SentencesError(f"{where} sentences: missing {missing}, unknown {unknown}")
    kinds = _pairs(data.get("applicant_kinds"), f"{where} applicant_kinds")
    if set(kinds) != set(APPLICANT_KINDS):
        raise SentencesError(f"{where} applicant_kinds: must name each of {APPLICANT_KINDS}")
    uscc_en = data.get("uscc_problems")
    if not isinstance(uscc_en, dict) or not all(isinstance(v, str) and v for v in uscc_en.values()):
        raise SentencesError(f"{where} uscc_problems: must be an object of code → English template")
    return Sentences(data["version"], templates, kinds, uscc_en)


@lru_cache(maxsize=1)
def default_sentences() -> Sentences:
    try:
        data = json.loads(SENTENCES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SentencesError(f"{SENTENCES_FILE.name}: {exc}") from exc
    return parse_sentences(data, SENTENCES_FILE.name)


def to_plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _pct(share: Decimal, space: str) -> str:
    number = (Decimal(share) * 100).normalize()
    return f"{number:f}{space}%"


def _yuan(amount: Decimal, unit: str) -> str:
    amount = Decimal(amount)
    text = f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{text}{unit}"


def _shown(params: dict[str, Any], zh: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        if key.endswith("_share"):
            out[key] = _pct(value, "" if zh else " ")
        elif key.endswith("_yuan"):
            out[key] = _yuan(value, "元" if zh else " yuan")
        elif isinstance(value, tuple):
            out[key] = ("、" if zh else ", ").join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


def _failure(
    template: str,
    subject: Subject,
    rules: BatchRules,
    params: dict[str, Any],
    shown: dict[str, tuple[str, str]] | None = None,
) -> Failure:
    """A failure of code ``template`` (before any ".variant"); ``shown`` gives (zh, en) texts for params that
    read differently in each language (names, kinds)."""
    zh_text, en_text = default_sentences().templates[template]
    zh, en = _shown(params, zh=True), _shown(params, zh=False)
    zh["batch"], en["batch"] = rules.title_zh, rules.title_en
    for key, (zh_value, en_value) in (shown or {}).items():
        zh[key], en[key] = zh_value, en_value
    return Failure(template.split(".")[0], subject, params, zh_text % zh, en_text % en)


# ---------------------------------------------------------------------------------------------------------
# Jurisdiction (mirrors dengta.core.places in pure form)


def province_of(region_code: str) -> str:
    """The province-level unit of a region code; the 兵团's cities (6590xx) belong to 660000, not 新疆."""
    if region_code == BINGTUAN_CODE or region_code.startswith(BINGTUAN_CITIES):
        return BINGTUAN_CODE
    return region_code[:2] + "0000"


def within_jurisdiction(applicant_code: str, region_code: str) -> bool:
    """Whether ``region_code`` lies in the subtree of ``applicant_code`` (province 2 digits, prefecture 4,
    county 6; the 兵团 holds its 6590xx cities)."""
    if province_of(applicant_code) != province_of(region_code):
        return False
    if applicant_code == BINGTUAN_CODE or applicant_code.endswith("0000"):
        return True
    prefix = applicant_code[:4] if applicant_code.endswith("00") else applicant_code
    return region_code.startswith(prefix)


def quota_unit(region_code: str, kind: str, rules: BatchRules) -> str:
    """Whose quota an applicant counts on: its province, or itself for a 计划单列市 reporting on its own."""
    if kind == "separately_planned_city" and rules.quotas.separately_planned_own_quota:
        return region_code
    return province_of(region_code)


# ---------------------------------------------------------------------------------------------------------
# Application-level checks


def _app_subject(application: ApplicationInput) -> Subject:
    return Subject("application", application.batch_code, application.applicant.name)


def _names(applicant: Applicant) -> tuple[str, str]:
    return applicant.name, applicant.name_en or applicant.name


def _check_window(app: ApplicationInput, rules: BatchRules, today: date) -> list[Failure]:
    w = rules.windows
    if w.accepts(today):
        return []
    params = {"today": today, "opens": w.application_opens, "closes": w.application_closes}
    return [_failure("outside_application_window", _app_subject(app), rules, params)]


def _check_kind(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    kind = app.applicant.kind
    if kind in rules.applicant_kinds:
        return []
    eligible, names = tuple(rules.applicant_kinds), default_sentences().kinds
    shown = {
        "applicant": _names(app.applicant),
        "kind": names[kind],
        "eligible": (
            "、".join(names[k][0] for k in eligible),
            ", ".join(names[k][1] for k in eligible),
        ),
    }
    params = {"kind": kind, "eligible": eligible}
    return [_failure("applicant_kind_not_eligible", _app_subject(app), rules, params, shown)]


def _check_repeat(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    failures: list[Failure] = []
    shown = {"applicant": _names(app.applicant)}
    earlier = tuple(b for b in app.applicant.earlier_pilot_batches if b != rules.code)
    if rules.exclusions.earlier_pilot_cities and earlier:
        params = {"reason": "earlier_pilot", "earlier": earlier}
        failures.append(_failure("repeat_application", _app_subject(app), rules, params, shown))
    same = [
        o.reference for o in app.other_applications if o.applicant_region_code == app.applicant.region_code
    ]
    if app.applied_before or same:
        params = {"reason": "same_batch", "others": tuple(same)}
        failures.append(_failure("repeat_application.same_batch", _app_subject(app), rules, params, shown))
    return failures


def _check_quota(app: ApplicationInput, rules: BatchRules, groups: RegionalGroups) -> list[Failure]:
    me = app.applicant
    unit = quota_unit(me.region_code, me.kind, rules)
    applicants = {me.region_code} | {
        o.applicant_region_code
        for o in app.other_applications
        if quota_unit(o.applicant_region_code, o.applicant_kind, rules) == unit
    }
    if unit == province_of(me.region_code):
        quota = rules.quotas.for_province(unit)
        try:
            member = groups.member(unit)
            unit_names = (member.name, member.name_en)
        except KeyError:
            unit_names = (unit, unit)
    else:
        quota, unit_names = rules.quotas.separately_planned, _names(me)
    if len(applicants) <= quota:
        return []
    params = {"unit": unit, "quota": quota, "count": len(applicants), "applicants": tuple(sorted(applicants))}
    return [_failure("quota_exceeded", _app_subject(app), rules, params, {"unit": unit_names})]


def _providers(app: ApplicationInput) -> dict[str, NominatedProvider]:
    return {p.key: p for s in app.sub_industries for p in s.providers}


def _check_award(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    kind = app.applicant.kind
    per = rules.award_caps.for_kind(kind)
    if per is None:  # a kind that may not apply: applicant_kind_not_eligible says so
        return []
    award = Decimal(app.fund_plan.award_requested_yuan)
    shown = {"kind": default_sentences().kinds[kind]}
    if rules.award_caps.basis == "provider":
        providers = len(_providers(app))
        cap = per * providers
        if award <= cap:
            return []
        params: dict[str, Any] = {"award_yuan": award, "cap_yuan": cap, "per_provider_yuan": per}
        params["providers"] = providers
        return [_failure("award_over_cap.per_provider", _app_subject(app), rules, params, shown)]
    if award <= per:
        return []
    params = {"award_yuan": award, "cap_yuan": per, "kind": kind}
    return [_failure("award_over_cap", _app_subject(app), rules, params, shown)]


def _check_split(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    plan, subject, failures = app.fund_plan, _app_subject(app), []
    if Decimal(plan.retrofit_share) < rules.min_retrofit_share:
        params = {"retrofit_share": plan.retrofit_share, "min_retrofit_share": rules.min_retrofit_share}
        failures.append(_failure("retrofit_share_below_minimum", subject, rules, params))
    if Decimal(plan.service_share) > rules.max_service_share:
        params = {"service_share": plan.service_share, "max_service_share": rules.max_service_share}
        failures.append(_failure("service_share_above_maximum", subject, rules, params))
    return failures


# ---------------------------------------------------------------------------------------------------------
# Sub-industry, enterprise and provider checks


def _sub_names(choice: SubIndustryChoice) -> tuple[str, str]:
    return choice.name, choice.name_en or choice.name


def _check_sub_industries(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    counts = Counter(s.code for s in app.sub_industries)
    failures: list[Failure] = []
    for choice in app.sub_industries:
        times = counts.pop(choice.code, 0)
        if times > 1:
            subject = Subject("sub_industry", choice.code, choice.name)
            shown = {"sub_industry": _sub_names(choice)}
            params = {"code": choice.code, "times": times}
            failures.append(_failure("sub_industry_chosen_twice", subject, rules, params, shown))
    return failures


def _enterprise_subject(candidate: Candidate) -> Subject:
    return Subject("enterprise", candidate.key, candidate.name)


def _check_credit_code(c: Candidate, rules: BatchRules) -> list[Failure]:
    result = uscc.validate(c.uscc)
    if result.problem is None:
        return []
    problem = result.problem
    template = default_sentences().uscc_en.get(problem.code, problem.code)
    en = template % problem.params if problem.params else template
    params = {"uscc": c.key or "—", "problem": problem.code}
    shown = {"problem": (problem.render(), en)}
    return [_failure("invalid_credit_code", _enterprise_subject(c), rules, params, shown)]


def _check_enterprise(c: Candidate, app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    """The checks that do not depend on the sub-industry, once per enterprise."""
    subject, params = _enterprise_subject(c), {"uscc": c.key}
    failures = _check_credit_code(c, rules)
    if c.is_sme is False:
        failures.append(_failure("not_sme", subject, rules, params))
    applicant = app.applicant
    if not within_jurisdiction(applicant.region_code, c.region_code):
        where = params | {"region": c.region_code, "applicant_region": applicant.region_code}
        failures.append(
            _failure("outside_jurisdiction", subject, rules, where, {"applicant": _names(applicant)})
        )
    if rules.exclusions.enterprises_in_active_pilot and c.in_active_pilot:
        failures.append(_failure("already_in_pilot", subject, rules, params))
    if rules.exclusions.enterprises_funded_before and c.has_funded_project:
        failures.append(_failure("already_funded", subject, rules, params))
    if rules.require_t0_assessment and not (c.has_t0_assessment or c.t0_scheduled):
        failures.append(_failure("no_t0_assessment", subject, rules, params))
    return failures


def _normalised_industry(code: str) -> str:
    try:
        return normalise_industry_code(code)
    except ValueError:
        return code.strip().upper()


def _check_industry(c: Candidate, choice: SubIndustryChoice, rules: BatchRules) -> list[Failure]:
    industry = _normalised_industry(c.industry_code)
    prefixes = tuple(_normalised_industry(p) for p in choice.industry_prefixes)
    if industry and any(industry.startswith(p) for p in prefixes):
        return []
    params: dict[str, Any] = {"uscc": c.key, "industry": industry or "—", "sub_industry_code": choice.code}
    params["prefixes"] = prefixes
    shown = {"sub_industry": _sub_names(choice)}
    return [_failure("industry_outside_sub_industry", _enterprise_subject(c), rules, params, shown)]


def _check_listed_twice(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    where: dict[str, list[SubIndustryChoice]] = {}
    first: dict[str, Candidate] = {}
    for choice in app.sub_industries:
        for c in choice.candidates:
            where.setdefault(c.key, []).append(choice)
            first.setdefault(c.key, c)
    failures: list[Failure] = []
    for key, choices in where.items():
        subject = _enterprise_subject(first[key])
        if len(choices) > 1:
            names = (
                "、".join(_sub_names(ch)[0] for ch in choices),
                ", ".join(_sub_names(ch)[1] for ch in choices),
            )
            params = {"uscc": key, "times": len(choices), "sub_industries": tuple(ch.code for ch in choices)}
            failures.append(_failure("enterprise_listed_twice", subject, rules, params, {"where": names}))
        others = tuple(o.reference for o in app.other_applications if key in o.enterprise_usccs)
        if others:
            params = {"uscc": key, "others": others}
            failures.append(_failure("enterprise_listed_twice.other_application", subject, rules, params))
    return failures


def _check_providers(app: ApplicationInput, rules: BatchRules) -> list[Failure]:
    failures: list[Failure] = []
    seen: set[str] = set()
    for choice in app.sub_industries:
        for p in choice.providers:
            subject = Subject("provider", p.key, p.name)
            shown = {"provider": (p.name, p.name_en or p.name), "sub_industry": _sub_names(choice)}
            params: dict[str, Any] = {"provider": p.key, "sub_industry_code": choice.code}
            if p.key not in seen and not p.admitted:
                failures.append(_failure("provider_not_admitted", subject, rules, params, shown))
            if p.key not in seen and p.suspended:
                failures.append(_failure("provider_suspended", subject, rules, params, shown))
            seen.add(p.key)
            if p.admitted and choice.pools and not set(p.pools) & set(choice.pools):
                in_pools = params | {"pools": tuple(choice.pools)}
                failures.append(_failure("provider_not_admitted.pool", subject, rules, in_pools, shown))
    return failures


def check(
    application: ApplicationInput, rules: BatchRules, *, today: date, groups: RegionalGroups | None = None
) -> list[Failure]:
    """Every failure of ``application`` under ``rules`` on ``today`` (a date in Asia/Shanghai), in a stable
    order: the application, its sub-industries, its enterprises (input order), its providers."""
    if application.batch_code != rules.code:
        raise ValueError(f"the application is for {application.batch_code}, the rules are {rules.code}")
    failures = [
        *_check_window(application, rules, today),
        *_check_kind(application, rules),
        *_check_repeat(application, rules),
        *_check_quota(application, rules, groups or default_groups()),
        *_check_award(application, rules),
        *_check_split(application, rules),
        *_check_sub_industries(application, rules),
    ]
    seen: set[str] = set()
    for choice in application.sub_industries:
        for candidate in choice.candidates:
            if candidate.key not in seen:
                failures.extend(_check_enterprise(candidate, application, rules))
                seen.add(candidate.key)
            failures.extend(_check_industry(candidate, choice, rules))
    failures.extend(_check_listed_twice(application, rules))
    failures.extend(_check_providers(application, rules))
    return failures

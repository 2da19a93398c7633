"""A provider files (备案) a retrofit project under the pilot's project rules; the rules themselves.

The guards are the pilot's rules (data, ``ProjectRules``; defaults from the batch file): a project belongs to
an enterprise in the pilot's enterprise pool while the pilot runs; its provider may be offered now (admitted,
not suspended) and its lines are the provider's listed products at their catalogue prices; no contract is
signed nor payment made before filing (DOMAIN.md 2.7: 项目备案 comes first); one funded project per enterprise
and programme (DOMAIN.md 8.15). The split is ``cost_split.split_cost`` over the lines, with the subsidies the
enterprise already holds in the programme as its prior subsidy, stored with the rules' version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.catalog.models import Product, ProductState, offered_q
from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.core.workflows import run_transition
from dengta.programmes.models import Pilot, PoolEnterprise
from dengta.projects import cost_split, workflows
from dengta.projects.models import FUNDED_STATES, Project, ProjectLine, ProjectRules, ProjectState
from dengta.registry.models import Enterprise, Provider

MAX_LINES = 50
MAX_QUANTITY = cost_split.MAX_QUANTITY
RATE_PLACES = Decimal("0.000001")


# ------------------------------------------------------------------------------------------------ rules


def _proportional_central_share(pilot: Pilot) -> Decimal:
    """The retrofit envelope's share of the money that pays subsidies (retrofit envelope + local matching):
    subsidies draw on both in proportion to the pilot's budget, unless the pilot sets a share."""
    money = getattr(pilot, "allocation", None)
    if money is None:
        return Decimal(1)
    pot = money.retrofit_yuan + money.local_matching_yuan
    if pot <= 0:
        return Decimal(1)
    return (money.retrofit_yuan / pot).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rules_for(pilot: Pilot, *, actor: Actor = None) -> ProjectRules:
    """The pilot's project rules, created from its batch file's defaults the first time they are needed."""
    existing = ProjectRules.objects.filter(pilot=pilot).first()
    if existing is not None:
        return existing
    return _rules_create(pilot, actor)


def rules_of(project: Project, *, actor: Actor = None) -> ProjectRules:
    """The rules of the project's pilot, found by its id (the pilot's row is read only to create them)."""
    existing = ProjectRules.objects.filter(pilot_id=project.pilot_id).first()
    if existing is not None:
        return existing
    return _rules_create(project.pilot, actor)


@transaction.atomic
def _rules_create(pilot: Pilot, actor: Actor) -> ProjectRules:
    Pilot.objects.select_for_update().get(pk=pilot.pk)
    existing = ProjectRules.objects.filter(pilot=pilot).first()
    if existing is not None:
        return existing
    rules = rules_defaults(pilot)
    rules.save()
    record_event(
        actor=actor,
        verb="project_rules.created",
        target=pilot,
        organization_id=pilot.authority_id,
        scope_path=_pilot_scope(pilot),
        payload={"version": rules.version},
    )
    return rules


def rules_defaults(pilot: Pilot) -> ProjectRules:
    """The rules the pilot starts from, unsaved: its batch file's defaults (the central share, when the file
    sets none, in proportion to the pilot's budget). Shown as they stand until a project first needs them."""
    defaults = pilot.batch.parsed_rules().project_rules
    central = defaults.central_share
    return ProjectRules(
        pilot=pilot,
        subsidy_rate=defaults.subsidy_rate,
        cap_per_enterprise_yuan=defaults.cap_per_enterprise_yuan,
        central_share=central if central is not None else _proportional_central_share(pilot),
        eligible_categories=list(defaults.eligible_categories),
        acceptance_deadline_months=defaults.acceptance_deadline_months,
        tolerance_yuan=defaults.tolerance_yuan,
        filing_before_contract=defaults.filing_before_contract,
        one_project_per_enterprise=defaults.one_project_per_enterprise,
        source_version=pilot.batch.rules_version,
    )


def _pilot_scope(pilot: Pilot) -> str:
    region = pilot.authority.region
    return region.path if region is not None else ""


RULE_VERBS = ("project_rules.created", "project_rules.changed")
RULE_CHANGES = (
    "subsidy_rate",
    "cap_per_enterprise_yuan",
    "central_share",
    "eligible_categories",
    "acceptance_deadline_months",
    "tolerance_yuan",
    "filing_before_contract",
    "one_project_per_enterprise",
)


@transaction.atomic
def rules_update(*, actor: Actor, rules: ProjectRules, reason: str = "", **changes: Any) -> ProjectRules:
    """The authority changes its pilot's project rules: a new revision, an event with the values before and
    after and the reason given. Only the rules whose value differs count as changed (the categories in any
    order); none is refused, with nothing written. Projects already filed keep the version they were split
    with; approvals check the enterprise cap as it is now."""
    unknown = set(changes) - set(RULE_CHANGES)
    if unknown:
        raise ValueError(f"unknown project rules {sorted(unknown)}")
    locked = (
        ProjectRules.objects.select_for_update(of=("self",))
        .select_related("pilot__authority__region")
        .get(pk=rules.pk)
    )
    changes = {
        name: value for name, value in changes.items() if not _same(name, value, getattr(locked, name))
    }
    if not changes:
        raise ValidationError(_("没有修改任何规则"))
    before = {name: _plain(getattr(locked, name)) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    categories = locked.eligible_categories
    if not isinstance(categories, list) or any(c not in _categories() for c in categories):
        raise ValidationError({"eligible_categories": [_("请选择目录中的产品类别")]})
    locked.revision += 1
    locked.full_clean()
    locked.save()
    record_event(
        actor=actor,
        verb="project_rules.changed",
        target=locked.pilot,
        organization_id=locked.pilot.authority_id,
        scope_path=_pilot_scope(locked.pilot),
        payload={
            "version": locked.version,
            "before": before,
            "after": {name: _plain(getattr(locked, name)) for name in changes},
            "reason": (reason or "").strip()[:500],
        },
    )
    return locked


def _same(name: str, value: Any, current: Any) -> bool:
    if name == "eligible_categories" and isinstance(value, list) and isinstance(current, list):
        return sorted(value) == sorted(current)
    return bool(value == current)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _categories() -> list[str]:
    from dengta.catalog.models import Category

    return list(Category.values)


def cost_rules(rules: ProjectRules) -> cost_split.CostRules:
    return cost_split.CostRules(
        subsidy_rate=rules.subsidy_rate,
        cap_per_enterprise_yuan=rules.cap_per_enterprise_yuan,
        central_share=rules.central_share,
        eligible_categories=frozenset(rules.eligible_categories),
    )


# ------------------------------------------------------------------------------------------------ filing


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: int


def prior_subsidy(project: Project) -> Decimal:
    """What the enterprise already holds in this programme from its other funded projects."""
    total = (
        Project.objects.filter(enterprise_id=project.enterprise_id, programme_id=project.programme_id)
        .filter(state__in=FUNDED_STATES)
        .exclude(pk=project.pk)
        .aggregate(total=Sum("subsidy_yuan"))["total"]
    )
    return total or Decimal("0.00")


def _check_parties(pilot: Pilot, enterprise: Enterprise, provider: Provider, today: date) -> None:
    if not pilot.starts_on <= today <= pilot.ends_on:
        raise ValidationError(
            _("试点期为 %(start)s 至 %(end)s，当前不在试点期内，不能备案项目")
            % {"start": pilot.starts_on, "end": pilot.ends_on}
        )
    if not PoolEnterprise.objects.filter(application_id=pilot.application_id, enterprise=enterprise).exists():
        raise ValidationError(
            {"enterprise": [_("%(name)s 不在该试点的试点企业库中") % {"name": enterprise.name}]}
        )
    if not Provider.objects.filter(pk=provider.pk).filter(offered_q(prefix="")).exists():
        raise ValidationError(
            {"provider": [_("%(name)s 当前不是入库且履约正常的服务商，不能备案项目") % {"name": provider}]}
        )


def _check_lines(provider: Provider, lines: Sequence[LineInput]) -> None:
    if not lines:
        raise ValidationError({"lines": [_("请至少选择一个产品")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("一个项目最多 %(n)s 个产品") % {"n": MAX_LINES}]})
    problems = []
    seen: set[int] = set()
    for line in lines:
        product = line.product
        if product.pk in seen:
            problems.append(_("%(name)s 重复选择") % {"name": product.name})
        seen.add(product.pk)
        if product.provider_id != provider.pk:
            problems.append(_("%(name)s 不是本服务商的产品") % {"name": product.name})
        elif product.state != ProductState.LISTED:
            problems.append(_("%(name)s 未上架，不能用于备案") % {"name": product.name})
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            problems.append(
                _("%(name)s 的数量须为 1 到 %(max)s 的整数")
                % {"name": product.name, "max": f"{MAX_QUANTITY:,}"}
            )
    if problems:
        raise ValidationError({"lines": problems})


def _check_dates(
    rules: ProjectRules,
    starts_on: date,
    ends_on: date,
    signed: date | None,
    paid: date | None,
    filed_on: date,
) -> None:
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("计划完成日期不能早于计划开始日期")]
    if rules.filing_before_contract:
        if signed is not None and signed < filed_on:
            errors["contract_signed_on"] = [
                _("合同签订日期 %(day)s 早于备案日期 %(filed)s：本试点要求先备案、后签约")
                % {"day": signed, "filed": filed_on}
            ]
        if paid is not None and paid < filed_on:
            errors["first_payment_on"] = [
                _("首次付款日期 %(day)s 早于备案日期 %(filed)s：本试点要求先备案、后付款")
                % {"day": paid, "filed": filed_on}
            ]
    if errors:
        raise ValidationError(errors)


def _check_one_per_enterprise(rules: ProjectRules, project: Project) -> None:
    if not rules.one_project_per_enterprise:
        return
    others = (
        Project.objects.filter(enterprise_id=project.enterprise_id, programme_id=project.programme_id)
        .filter(Q(state__in=FUNDED_STATES) | Q(state=ProjectState.FILED))
        .exclude(pk=project.pk)
        .first()
    )
    if others is not None:
        raise ValidationError(
            _("%(enterprise)s 在本试点项目中已有补贴项目（%(title)s），每家企业限一个")
            % {"enterprise": project.enterprise.name, "title": others.title}
        )


def _apply_split(project: Project, rules: ProjectRules) -> None:
    lines = [
        cost_split.CostLine(
            category=line.category,
            list_price_yuan=line.list_price_yuan,
            pilot_price_yuan=line.pilot_price_yuan,
            quantity=line.quantity,
        )
        for line in project.lines.all()
    ]
    prior = prior_subsidy(project)
    split = cost_split.split_cost(cost_rules(rules), lines, prior)
    for name in cost_split.FIGURES:
        setattr(project, name, getattr(split, name))
    project.prior_subsidy_yuan = prior
    project.split_explanation = [line.to_json() for line in split.explanation]
    project.rules_version = rules.version


def _write_lines(project: Project, lines: Sequence[LineInput]) -> None:
    project.lines.all().delete()
    ProjectLine.objects.bulk_create(
        ProjectLine(
            project=project,
            product=line.product,
            name=line.product.name,
            category=line.product.category,
            list_price_yuan=line.product.list_price,
            pilot_price_yuan=line.product.pilot_price,
            quantity=line.quantity,
            price_unit=line.product.price_unit,
        )
        for line in lines
    )


def _clean_title(title: str) -> str:
    text = (title or "").strip()
    if not text:
        raise ValidationError({"title": [_("请填写项目名称")]})
    if len(text) > 120:
        raise ValidationError({"title": [_("项目名称最多 120 个字")]})
    return text


def _check_scope(scenarios: Sequence[str], target_level: int) -> list[str]:
    if isinstance(target_level, bool) or not isinstance(target_level, int) or not 1 <= target_level <= 4:
        raise ValidationError({"target_level": [_("目标等级为一级到四级")]})
    codes = [str(code).strip() for code in scenarios or [] if str(code).strip()]
    if len(codes) > 16:
        raise ValidationError({"scenarios": [_("改造场景最多 16 个")]})
    return sorted(set(codes))


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    pilot: Pilot,
    enterprise: Enterprise,
    provider: Provider,
    title: str,
    lines: Sequence[LineInput],
    starts_on: date,
    ends_on: date,
    scenarios: Sequence[str] = (),
    target_level: int | None = None,
    contract_signed_on: date | None = None,
    first_payment_on: date | None = None,
) -> Project:
    """A draft project with its lines and the split as it would be filed now."""
    today = timezone.localdate()
    rules = rules_for(pilot, actor=actor)
    _check_parties(pilot, enterprise, provider, today)
    _check_lines(provider, lines)
    level = pilot.target_level if target_level is None else target_level
    codes = _check_scope(scenarios, level)
    _check_dates(rules, starts_on, ends_on, contract_signed_on, first_payment_on, today)
    project = Project.objects.create(
        pilot=pilot,
        programme_id=pilot.batch.programme_id,
        enterprise=enterprise,
        provider=provider,
        title=_clean_title(title),
        scenarios=codes,
        target_level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        contract_signed_on=contract_signed_on,
        first_payment_on=first_payment_on,
    )
    _write_lines(project, lines)
    _apply_split(project, rules)
    project.full_clean()
    project.save()
    record_event(
        actor=actor,
        verb="project.created",
        target=project,
        organization_id=provider.organization_id,
        scope_path=project.scope_path,
        payload={"pilot": pilot.pk, "contract_yuan": str(project.contract_yuan)},
    )
    return project


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: Project,
    title: str | None = None,
    lines: Sequence[LineInput] | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    scenarios: Sequence[str] | None = None,
    target_level: int | None = None,
) -> Project:
    """Change a draft: its lines, scope and schedule; the split is recomputed."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.state not in workflows.EDITABLE:
        raise ValidationError(_("只有草稿状态的项目可以修改"))
    rules = rules_for(locked.pilot, actor=actor)
    if title is not None:
        locked.title = _clean_title(title)
    if lines is not None:
        _check_lines(locked.provider, lines)
        _write_lines(locked, lines)
    locked.starts_on = starts_on or locked.starts_on
    locked.ends_on = ends_on or locked.ends_on
    locked.target_level = locked.target_level if target_level is None else target_level
    locked.scenarios = _check_scope(locked.scenarios if scenarios is None else scenarios, locked.target_level)
    _check_dates(rules, locked.starts_on, locked.ends_on, None, None, timezone.localdate())
    _apply_split(locked, rules)
    locked.full_clean()
    locked.save()
    record_event(
        actor=actor,
        verb="project.updated",
        target=locked,
        **locked.event_place(),
        payload={"contract_yuan": str(locked.contract_yuan)},
    )
    return locked


@transaction.atomic
def project_file(*, actor: Actor, project: Project) -> Project:
    """File the draft (备案): the guards again, the split under the rules as they are now."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    # One funded project per enterprise and programme: the enterprise row serialises two filings.
    Enterprise.objects.select_for_update().get(pk=locked.enterprise_id)
    rules = rules_for(locked.pilot, actor=actor)
    today = timezone.localdate()
    _check_parties(locked.pilot, locked.enterprise, locked.provider, today)
    if not locked.lines.exists():
        raise ValidationError({"lines": [_("请至少选择一个产品")]})
    _check_dates(
        rules, locked.starts_on, locked.ends_on, locked.contract_signed_on, locked.first_payment_on, today
    )
    _check_one_per_enterprise(rules, locked)
    _apply_split(locked, rules)
    return run_transition(
        locked,
        workflows.FILE,
        actor=actor,
        changes={name: getattr(locked, name) for name in (*cost_split.FIGURES, "prior_subsidy_yuan")}
        | {
            "split_explanation": locked.split_explanation,
            "rules_version": locked.rules_version,
            "filed_at": timezone.now(),
        },
        payload={"rules_version": locked.rules_version, "subsidy_yuan": str(locked.subsidy_yuan)},
        **locked.event_place(),
        locked=True,
    )

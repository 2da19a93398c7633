"""Writing lighthouse cases (ARCHITECTURE.md convention 1): generate from an accepted project, write the
narrative, the enterprise's consent, submit, publish or return, take down; and re-derive the figures.

The figures are written here only, from ``sources.derived(project)``: no argument of any service carries a
figure, so a case cannot show a number its project does not give (PRODUCT.md 6: verified before/after
data). Every write re-derives them first, and ``case_rederive`` records when the source had changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.cases import workflows
from dengta.cases.figures import CaseFigures
from dengta.cases.models import Case, Consent, TypicalModelSummary
from dengta.cases.sources import NotAccepted, derived, province_of, sub_industry_of
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.core.workflows import TransitionRefused, run_transition
from dengta.projects.models import Project
from dengta.reference.models import SubIndustry

NARRATIVE = ("title", "problem", "solution", "results", "lessons")
MAX_TEXT = 5000
MAX_TITLE = 120
MAX_REASON = 500


def _event(actor: Actor, verb: str, case: Case, payload: dict[str, Any] | None = None) -> None:
    record_event(actor=actor, verb=verb, target=case, payload=payload or {}, **case.event_place())


def _figures_of(project: Project) -> CaseFigures:
    try:
        return derived(project)
    except NotAccepted as exc:
        raise TransitionRefused(_("只有验收通过的项目可以生成案例")) from exc


def _apply(case: Case, figures: CaseFigures) -> list[str]:
    """Copy derived figures and the filter columns onto the case; the fields changed."""
    case.figures = figures.to_json()
    case.figures_digest = figures.digest()
    case.derived_at = timezone.now()
    case.sub_industry = sub_industry_of(case.project)
    case.province = province_of(case.project)
    case.level_before = figures.level_before
    case.level_after = figures.level_after
    case.contract_yuan = case.project.contract_yuan
    return [
        "figures",
        "figures_digest",
        "derived_at",
        "sub_industry",
        "province",
        "level_before",
        "level_after",
        "contract_yuan",
        "updated_at",
    ]


def default_title(figures: CaseFigures) -> str:
    """A title that names no enterprise (a case may be published anonymised): the sub-industry and the
    scenarios the retrofit lifted."""
    names = "、".join(s.name for s in figures.scenarios[:3]) or _("数字化")
    return (
        _("%(sub_industry)s企业%(scenarios)s改造")
        % {"sub_industry": figures.sub_industry, "scenarios": names}
    )[:MAX_TITLE]


@transaction.atomic
def case_generate(*, actor: Actor, project: Project) -> Case:
    """A draft case from an accepted project, with its figures derived; once per project."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("enterprise", "provider__organization", "pilot")
        .get(pk=project.pk)
    )
    if Case.objects.filter(project=project).exists():
        raise TransitionRefused(_("该项目已有案例"))
    figures = _figures_of(project)
    case = Case(project=project, title=default_title(figures), created_by_id=actor_id(actor))
    _apply(case, figures)
    case.full_clean()
    case.save()
    _event(actor, "case.generated", case, {"project": project.pk, "figures_digest": case.figures_digest})
    return case


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("project__enterprise", "project__provider__organization", "project__pilot")
        .get(pk=case.pk)
    )


def _rederive(actor: Actor, case: Case) -> bool:
    """Re-derive the locked case's figures; True (and an event naming both digests) when they changed."""
    figures = _figures_of(case.project)
    digest = figures.digest()
    if digest == case.figures_digest:
        return False
    before = case.figures_digest
    case.save(update_fields=_apply(case, figures))
    _event(actor, "case.figures_rederived", case, {"from": before, "to": digest})
    return True


@transaction.atomic
def case_rederive(*, actor: Actor, case: Case) -> Case:
    """Bring the figures in line with the project (a correction of its data after the case was generated)."""
    locked = _lock(case)
    _rederive(actor, locked)
    return locked


def _clean_text(data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name in NARRATIVE:
        if name not in data:
            continue
        text = str(data[name] or "").strip()
        limit = MAX_TITLE if name == "title" else MAX_TEXT
        if len(text) > limit:
            errors[name] = [_("最多 %(n)s 个字") % {"n": limit}]
        elif name == "title" and not text:
            errors[name] = [_("请填写标题")]
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def case_update(*, actor: Actor, case: Case, anonymised: bool | None = None, **narrative: Any) -> Case:
    """Write the narrative (and whether to publish anonymised) of a draft or returned case."""
    unknown = set(narrative) - set(NARRATIVE)
    if unknown:
        # Figures are never typed: a caller passing one is a programming error, not user input.
        raise TypeError(f"not narrative fields: {sorted(unknown)}")
    locked = _lock(case)
    if locked.state not in workflows.EDITABLE:
        raise TransitionRefused(
            _("案例处于“%(state)s”状态，不能修改") % {"state": locked.get_state_display()}
        )
    cleaned = _clean_text(narrative)
    changed = [name for name, text in cleaned.items() if getattr(locked, name) != text]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if anonymised is not None and anonymised != locked.anonymised:
        locked.anonymised = anonymised
        changed.append("anonymised")
    if not changed:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    _event(actor, "case.updated", locked, {"fields": changed})
    return locked


@transaction.atomic
def case_consent(*, actor: Actor, case: Case, given: bool) -> Case:
    """The enterprise says whether the case may name it. Declining makes a case that names it anonymised,
    published or not (the public page then shows it without the name at once)."""
    locked = _lock(case)
    locked.consent = Consent.GIVEN if given else Consent.DECLINED
    locked.consent_by_id = actor_id(actor)
    locked.consent_at = timezone.now()
    fields = ["consent", "consent_by", "consent_at", "updated_at"]
    if not given and not locked.anonymised:
        locked.anonymised = True
        fields.append("anonymised")
    locked.full_clean()
    locked.save(update_fields=fields)
    _event(
        actor,
        "case.consent_given" if given else "case.consent_declined",
        locked,
        {"anonymised": locked.anonymised},
    )
    return locked


def names_enterprise(case: Case) -> list[str]:
    """The narrative fields that contain the enterprise's name (refused for an anonymised case)."""
    name = case.project.enterprise.name.strip()
    return [field for field in NARRATIVE if name and name in (getattr(case, field) or "")]


def _ready(case: Case) -> None:
    """What a case needs before review and publication: the narrative, and a name only with consent."""
    errors: dict[str, list[str]] = {}
    for name in ("problem", "solution", "results"):
        if not (getattr(case, name) or "").strip():
            errors[name] = [_("提交审核前请填写此项")]
    if case.anonymised:
        for field in names_enterprise(case):
            errors.setdefault(field, []).append(_("匿名案例的文字中不能出现企业名称"))
    if errors:
        raise ValidationError(errors)
    if not case.anonymised and case.consent != Consent.GIVEN:
        raise TransitionRefused(_("企业尚未同意署名：请等待企业同意，或改为匿名发布"))


@transaction.atomic
def case_submit(*, actor: Actor, case: Case) -> Case:
    locked = _lock(case)
    _rederive(actor, locked)
    _ready(locked)
    return run_transition(locked, workflows.SUBMIT, actor=actor, locked=True, **locked.event_place())


@transaction.atomic
def case_publish(*, actor: Actor, case: Case) -> Case:
    """Publish a submitted case: its figures re-derived from the project first, the consent checked again."""
    locked = _lock(case)
    _rederive(actor, locked)
    _ready(locked)
    return run_transition(
        locked,
        workflows.PUBLISH,
        actor=actor,
        locked=True,
        changes={"published_at": timezone.now(), "reason": ""},
        payload={"figures_digest": locked.figures_digest, "anonymised": locked.anonymised},
        **locked.event_place(),
    )


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("请填写理由")]})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": [_("理由最多 %(n)s 个字") % {"n": MAX_REASON}]})
    return text


@transaction.atomic
def case_return(*, actor: Actor, case: Case, reason: str) -> Case:
    text = _reason(reason)
    locked = _lock(case)
    return run_transition(
        locked,
        workflows.RETURN,
        actor=actor,
        locked=True,
        changes={"reason": text},
        payload={"reason": text},
        **locked.event_place(),
    )


@transaction.atomic
def case_take_down(*, actor: Actor, case: Case, reason: str) -> Case:
    text = _reason(reason)
    locked = _lock(case)
    return run_transition(
        locked,
        workflows.TAKE_DOWN,
        actor=actor,
        locked=True,
        changes={"reason": text, "published_at": None},
        payload={"reason": text},
        **locked.event_place(),
    )


@transaction.atomic
def typical_summary_set(*, actor: Actor, sub_industry: SubIndustry, summary: str) -> TypicalModelSummary:
    """Write the summary of a sub-industry's typical model (the figures beside it are computed)."""
    text = (summary or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"summary": [_("最多 %(n)s 个字") % {"n": MAX_TEXT}]})
    row = TypicalModelSummary.objects.select_for_update().filter(sub_industry=sub_industry).first()
    before = row.summary if row is not None else ""
    if row is not None and before == text:
        return row
    if row is None:
        row = TypicalModelSummary(sub_industry=sub_industry, updated_by_id=actor_id(actor))
    row.summary = text
    row.updated_by_id = actor_id(actor)
    row.full_clean()
    row.save()
    record_event(
        actor=actor,
        verb="typical_model.summary_changed",
        target=row,
        payload={"sub_industry": sub_industry.pk, "before": before, "after": text},
    )
    return row

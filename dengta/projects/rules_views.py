"""A pilot's project rules (改造项目规则): read by everyone who works on its projects, changed by its own
authority with a reason. Each change is a revision whose event keeps the values before and after; projects
keep the version they were split with (services/filing.py). Thin, as views.py: parse → authorise → call a
service → back to the page with a message (ARCHITECTURE.md convention 3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dengta.catalog.models import Category
from dengta.core.access import get_visible_or_404, request_viewer
from dengta.core.decisions import require
from dengta.core.events import shown_events
from dengta.core.language import name_separator
from dengta.core.models import Event
from dengta.programmes.models import Pilot
from dengta.projects import pages, permissions
from dengta.projects.forms import ProjectRulesForm, percent_text
from dengta.projects.models import Project, ProjectRules
from dengta.projects.services import filing

RULE_LABELS = {
    "subsidy_rate": ProjectRulesForm.base_fields["subsidy_percent"].label,
    "cap_per_enterprise_yuan": ProjectRulesForm.base_fields["cap_per_enterprise_yuan"].label,
    "central_share": ProjectRulesForm.base_fields["central_percent"].label,
    "eligible_categories": ProjectRulesForm.base_fields["eligible_categories"].label,
    "acceptance_deadline_months": ProjectRulesForm.base_fields["acceptance_deadline_months"].label,
    "tolerance_yuan": ProjectRulesForm.base_fields["tolerance_yuan"].label,
    "filing_before_contract": ProjectRulesForm.base_fields["filing_before_contract"].label,
    "one_project_per_enterprise": ProjectRulesForm.base_fields["one_project_per_enterprise"].label,
}
SHARES = frozenset({"subsidy_rate", "central_share"})
FORM_NAMES = {"subsidy_rate": "subsidy_percent", "central_share": "central_percent"}


def shown_value(name: str, value: Any) -> str:
    """A rule's value as people read it: shares in per cent, yuan with two decimals, categories by name,
    yes or no."""
    if value is None:
        return "—"
    if name in SHARES:
        return f"{percent_text(Decimal(str(value)))}%"
    if name.endswith("_yuan"):
        return f"{Decimal(str(value)):,.2f}"
    if name == "eligible_categories":
        known = [str(label) for code, label in Category.choices if code in value]
        return (
            name_separator().join(known + [str(code) for code in value if code not in Category.values]) or "—"
        )
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return str(value)


def _history(pilot: Pilot) -> list[dict[str, Any]]:
    """The rules' events, newest first, each change as "rule: before → after" with its reason."""
    events = Event.objects.filter(
        target_type="programmes.pilot", target_id=str(pilot.pk), verb__in=filing.RULE_VERBS
    ).order_by("-seq")[:100]
    out = []
    for shown in shown_events(events):
        payload = shown.event.payload if isinstance(shown.event.payload, dict) else {}
        before, after = payload.get("before") or {}, payload.get("after") or {}
        out.append(
            {
                "shown": shown,
                "version": payload.get("version", ""),
                "reason": payload.get("reason", ""),
                "changes": [
                    (
                        RULE_LABELS.get(name, name),
                        shown_value(name, before.get(name)),
                        shown_value(name, value),
                    )
                    for name, value in after.items()
                ],
            }
        )
    return out


def _rows(rules: ProjectRules) -> list[tuple[str, str]]:
    return [(str(label), shown_value(name, getattr(rules, name))) for name, label in RULE_LABELS.items()]


@login_required
def pilot_rules(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(permissions.can_view_projects(viewer))
    pilot = get_visible_or_404(Pilot.objects.select_related("authority__region", "batch"), viewer, pk=pk)
    stored = ProjectRules.objects.filter(pilot=pilot).first()
    rules = stored if stored is not None else filing.rules_defaults(pilot)
    can_set = permissions.can_set_rules(viewer, pilot)
    form = ProjectRulesForm(initial=ProjectRulesForm.initial_for(rules))
    if request.method == "POST":
        require(can_set)
        form = ProjectRulesForm(request.POST)
        if form.is_valid():
            try:
                # One transaction: rules first stored for this change are not kept when the change is refused.
                with transaction.atomic():
                    saved = filing.rules_update(
                        actor=request.user,
                        rules=stored or filing.rules_for(pilot, actor=request.user),
                        reason=form.cleaned_data["reason"],
                        **form.values(),
                    )
            except ValidationError as error:
                pages.errors_to_form(form, error, names=FORM_NAMES)
            else:
                messages.success(request, _("项目规则已修改为版本 %(version)s") % {"version": saved.version})
                return redirect("projects:pilot_rules", pk=pilot.pk)
    context = {
        "pilot": pilot,
        "rules": rules,
        "stored": stored is not None,
        "rows": _rows(rules),
        "form": form,
        "can_set": bool(can_set),
        "can_ledger": bool(permissions.can_view_ledger(viewer)),
        "history": _history(pilot),
        "versions": list(
            Project.objects.filter(pilot=pilot)
            .exclude(rules_version="")
            .values("rules_version")
            .annotate(n=Count("id"))
            .order_by("rules_version")
        ),
        "problems": pages.form_problems(form) if form.is_bound else [],
        "crumbs": [(_("改造项目"), reverse("projects:project_list")), (_("项目规则"), "")],
    }
    return render(request, "projects/pilot_rules.html", context)

"""The questionnaire: one dimension or scenario group per step, progress shown,
autosave of drafts by htmx, resume later, help texts from the index, the collected numbers asked beside the
items the index asks them for, and validation that keeps every answer the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dengta.assessment import permissions, selectors, services
from dengta.assessment.dma import is_dma
from dengta.assessment.models import Assessment, Kind
from dengta.assessment.scoring.answers import Parsed
from dengta.assessment.scoring.engine import derive_option
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.scoring.framework import format_points
from dengta.assessment.texts import display_names, for_display, translation_note
from dengta.assessment.views import dma
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.decisions import require


@dataclass(frozen=True)
class Step:
    kind: str  # "dimension", "scenarios" or "review"
    code: str
    title: str


def steps_for(fw: Compiled) -> list[Step]:
    steps = [Step("dimension", d.code, d.name) for d in fw.dimensions]
    groups: dict[str, str] = {}
    for s in fw.scenarios:
        groups.setdefault(s.group_code, s.group)
    steps += [Step("scenarios", code, name) for code, name in groups.items()]
    steps.append(Step("review", "review", _("检查并提交")))
    return steps


def _editable(request: HttpRequest, pk: int) -> tuple[Viewer, Assessment]:
    viewer = request_viewer(request)
    assessment = get_visible_or_404(
        Assessment.objects.select_related("enterprise", "enterprise__region", "framework"), viewer, pk=pk
    )
    return viewer, assessment


def _step_answers(fw: Compiled, step: Step, post: Any) -> dict[str, dict[str, Any]]:
    """The values of one step's fields as the form posted them (an unticked item is sent as blank)."""
    choices: dict[str, Any] = {}
    scenarios: dict[str, Any] = {}
    numbers: dict[str, Any] = {}
    if step.kind == "dimension":
        for item in fw.items:
            if item.dimension != step.code:
                continue
            choices[item.code] = ";".join(post.getlist(f"item:{item.code}"))
            for number in fw.collected:
                if number.item == item.code:
                    numbers[number.code] = post.get(f"number:{number.code}", "")
    elif step.kind == "scenarios":
        for s in fw.scenarios:
            if s.group_code == step.code:
                scenarios[s.code] = post.get(f"scenario:{s.code}", "")
    return {"choices": choices, "scenarios": scenarios, "numbers": numbers}


def _problem_targets(fw: Compiled, parsed: Parsed) -> list[dict[str, str]]:
    """Each problem with the id of the field it is about (the error summary links to it; UI.md). ``fw`` is
    the version as scored: problems name items by the index's own names, shown here in the page's language."""
    shown = display_names(fw)
    anchors: dict[str, str] = {}
    for item in fw.items:
        anchors[item.name] = f"item-{item.code}"
    for s in fw.scenarios:
        anchors[s.name] = f"scenario-{s.code}"
    for n in fw.collected:
        anchors[n.label_zh] = f"number-{n.code}"
    out = []
    for problem in parsed.problems:
        target = ""
        for key in ("item", "scenario", "label", "part"):
            value = str(problem.params.get(key, ""))
            if value in anchors:
                target = anchors[value]
                break
        params = {k: shown.get(v, v) if isinstance(v, str) else v for k, v in problem.params.items()}
        out.append({"message": replace(problem, params=params).render(_), "target": target})
    return out


def _item_rows(
    fw: Compiled, step: Step, answers: dict[str, Any], posted: dict[str, Any] | None
) -> list[dict[str, Any]]:
    stored_choices = answers.get("choices", {})
    stored_numbers = answers.get("numbers", {})
    rows = []
    for item in fw.items:
        if item.dimension != step.code:
            continue
        if posted is not None:
            chosen = set(filter(None, str(posted["choices"].get(item.code, "")).split(";")))
        else:
            chosen = set(stored_choices.get(item.code, []))
        numbers = []
        for n in fw.collected:
            if n.item != item.code:
                continue
            value = (
                posted["numbers"].get(n.code, "") if posted is not None else stored_numbers.get(n.code, "")
            )
            numbers.append({"spec": n, "value": value, "id": f"number-{n.code}"})
        computed = derive_option(fw, item.code, selectors.stored_answers_numbers(answers))
        rows.append(
            {
                "item": item,
                "indicator": fw.indicators[item.indicator].name,
                "points": format_points(item.points),
                "options": [
                    {
                        "key": o.key,
                        "text": o.text,
                        "points": format_points(o.points),
                        "checked": o.key in chosen,
                    }
                    for o in item.options
                ],
                "numbers": numbers,
                "derivable": fw.derived_for(item.code) is not None,
                "computed": computed,
                "contradiction": bool(computed and chosen and chosen != {computed}),
                "answered": bool(chosen) or computed is not None,
            }
        )
    return rows


def _scenario_rows(
    fw: Compiled, step: Step, answers: dict[str, Any], posted: dict[str, Any] | None
) -> list[dict[str, Any]]:
    stored = answers.get("scenarios", {})
    rows = []
    for s in fw.scenarios:
        if s.group_code != step.code:
            continue
        value = posted["scenarios"].get(s.code, "") if posted is not None else stored.get(s.code, "")
        rows.append(
            {
                "scenario": s,
                "value": "" if value is None else str(value),
                "levels": [{"level": i + 1, "text": text} for i, text in enumerate(s.levels)],
                "answered": str(value) != "",
            }
        )
    return rows


def _with_evidence(rows: list[dict[str, Any]], assessment: Assessment) -> list[dict[str, Any]]:
    """On-site: each item shows the evidence filed for it, so the expert sees what is attached where."""
    if assessment.kind != Kind.ONSITE:
        return rows
    by_item: dict[str, list[Any]] = {}
    for e in assessment.evidence.order_by("created_at", "pk"):
        by_item.setdefault(e.item_code, []).append(e)
    for row in rows:
        row["evidence"] = by_item.get(row["item"].code, [])
    return rows


def _progress(fw: Compiled, assessment: Assessment) -> dict[str, Any]:
    items, scenarios = selectors.completeness(assessment)
    total = len(fw.items) + len(fw.scenarios)
    done = total - len(items) - len(scenarios)
    return {
        "done": done,
        "total": total,
        "pct": round(done * 100 / total) if total else 0,
        "missing_items": [i for i in fw.items if i.code in items],
        "missing_scenarios": [s for s in fw.scenarios if s.code in scenarios],
    }


def _render_step(
    request: HttpRequest,
    viewer: Viewer,
    assessment: Assessment,
    index: int,
    *,
    posted: dict[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    fw = for_display(selectors.compiled(assessment))  # the index's texts in the page's language
    steps = steps_for(fw)
    step = steps[index]
    answers = assessment.answers or {}
    progress = _progress(fw, assessment)
    missing_by_step: dict[int, int] = {}
    missing_items = {i.code for i in progress["missing_items"]}
    missing_scen = {s.code for s in progress["missing_scenarios"]}
    for i, st in enumerate(steps):
        if st.kind == "dimension":
            missing_by_step[i] = sum(
                1 for it in fw.items if it.dimension == st.code and it.code in missing_items
            )
        elif st.kind == "scenarios":
            missing_by_step[i] = sum(
                1 for s in fw.scenarios if s.group_code == st.code and s.code in missing_scen
            )
    context = {
        "assessment": assessment,
        "fw": fw,
        "translation_note": translation_note(fw),
        "steps": [
            {"index": i, "step": st, "missing": missing_by_step.get(i, 0), "current": i == index}
            for i, st in enumerate(steps)
        ],
        "step": step,
        "index": index,
        "count": len(steps),
        "prev_index": index - 1 if index > 0 else None,
        "next_index": index + 1 if index + 1 < len(steps) else None,
        "item_rows": _with_evidence(_item_rows(fw, step, answers, posted), assessment)
        if step.kind == "dimension"
        else [],
        "scenario_rows": _scenario_rows(fw, step, answers, posted) if step.kind == "scenarios" else [],
        "progress": progress,
        "problems": problems or [],
        "pledge_text": services.PLEDGE_TEXT,
        "can_submit": permissions.can_submit(viewer, assessment),
        "crumbs": [
            (_("数字化评测"), reverse("assessment:list")),
            (str(assessment.enterprise), reverse("assessment:detail", args=[assessment.pk])),
            (step.title, ""),
        ],
        "saved_at": assessment.updated_at,
    }
    return render(request, "assessment/fill.html", context, status=status)


@login_required
def fill(request: HttpRequest, pk: int, step: int | None = None) -> HttpResponse:
    viewer, assessment = _editable(request, pk)
    if is_dma(assessment):  # the EU DMA has its own questionnaire (views/dma.py)
        if step is None or request.method == "POST":
            return redirect("assessment:dma_fill", pk=pk)
        return redirect("assessment:dma_fill_step", pk=pk, step=step)
    decision = permissions.can_edit(viewer, assessment)
    if not decision:
        messages.info(request, decision.reason)
        return redirect("assessment:detail", pk=assessment.pk)
    fw = selectors.compiled(assessment)
    count = len(steps_for(fw))
    if step is None:
        return redirect("assessment:fill_step", pk=pk, step=min(assessment.current_step, count - 1))
    if not 0 <= step < count:
        raise Http404
    if request.method != "POST":
        return _render_step(request, viewer, assessment, step)
    current = steps_for(fw)[step]
    posted = _step_answers(fw, current, request.POST)
    action = request.POST.get("action", "save")
    target = {"next": step + 1, "prev": step - 1}.get(action, step)
    target = max(0, min(count - 1, target))
    try:
        parsed = services.assessment_save_answers(
            actor=request.user, assessment=assessment, step=target, **posted
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:detail", pk=assessment.pk)
    if parsed.problems:
        # Stay on the step and show what was typed, with each problem linked to its field.
        return _render_step(
            request,
            viewer,
            assessment,
            step,
            posted=posted,
            problems=_problem_targets(fw, parsed),
            status=400,
        )
    if action == "save":
        messages.success(request, _("草稿已保存，可以随时回来继续填写。"))
    return redirect("assessment:fill_step", pk=pk, step=target)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """htmx: save the step's fields as they change; answer with a small status line."""
    viewer, assessment = _editable(request, pk)
    if is_dma(assessment):
        return dma.autosave(request, pk, step)
    if not permissions.can_edit(viewer, assessment):
        raise Http404
    fw = selectors.compiled(assessment)
    steps = steps_for(fw)
    if not 0 <= step < len(steps):
        raise Http404
    posted = _step_answers(fw, steps[step], request.POST)
    parsed = services.assessment_save_answers(
        actor=request.user,
        assessment=assessment,
        choices=posted["choices"],
        scenarios=posted["scenarios"],
        numbers=posted["numbers"],
    )
    context = {
        "problems": _problem_targets(fw, parsed),
        "saved_at": timezone.now(),
        "progress": _progress(for_display(fw), assessment),
    }
    return render(request, "assessment/_autosave_status.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _editable(request, pk)
    if is_dma(assessment):
        return dma.submit(request, pk)
    # Submitting twice is 409 with the reason, as in the API (ARCHITECTURE.md convention 15).
    require(permissions.can_submit(viewer, assessment))
    try:
        services.assessment_submit(
            actor=request.user, assessment=assessment, pledge=bool(request.POST.get("pledge"))
        )
    except ValidationError as exc:
        fw = selectors.compiled(assessment)
        problems = [
            {"message": m, "target": "pledge" if "pledge" in str(m).lower() else ""} for m in exc.messages
        ]
        return _render_step(
            request, viewer, assessment, len(steps_for(fw)) - 1, problems=problems, status=400
        )
    messages.success(request, _("已提交并完成评分。"))
    return redirect("assessment:detail", pk=assessment.pk)


urlpatterns = [
    path("<int:pk>/fill/", fill, name="fill"),
    path("<int:pk>/fill/<int:step>/", fill, name="fill_step"),
    path("<int:pk>/fill/<int:step>/autosave/", autosave, name="autosave"),
    path("<int:pk>/submit/", submit, name="submit"),
]

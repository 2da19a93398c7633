"""The EU DMA questionnaire (DOMAIN.md 9.1): one dimension per step (six) and a review step, progress, htmx
autosave, the questions in Chinese with the English original beneath, and validation that keeps what was
ticked. Answers go through services.assessment_save_dma_answers; submitting takes the same workflow as the
MIIT questionnaire (pledge → submitted → scored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

from dengta.assessment import dma, permissions, services
from dengta.assessment.dma import TICKED_TYPES, Choice, answer_keys, dma_compiled, pick
from dengta.assessment.models import Assessment
from dengta.assessment.scoring.eu_dma import DmaFramework, Question
from dengta.core.access import Viewer, get_visible_or_404, request_viewer
from dengta.core.problems import Problem


@dataclass(frozen=True)
class DmaStep:
    kind: str  # "dimension" or "review"
    code: str
    title: str


def dma_steps(fw: DmaFramework) -> list[DmaStep]:
    steps = [DmaStep("dimension", d.code, pick(d.name, d.name_zh)) for d in fw.dimensions]
    steps.append(DmaStep("review", "review", _("检查并提交")))
    return steps


def _questions(fw: DmaFramework, step: DmaStep) -> tuple[Question, ...]:
    for dim in fw.dimensions:
        if dim.code == step.code:
            return dim.questions
    return ()


def _lookup(request: HttpRequest, pk: int) -> tuple[Viewer, Assessment]:
    viewer = request_viewer(request)
    assessment = get_visible_or_404(
        Assessment.objects.select_related("enterprise", "enterprise__region", "framework"), viewer, pk=pk
    )
    if not dma.is_dma(assessment):
        raise Http404
    return viewer, assessment


def step_answers(
    fw: DmaFramework, step: DmaStep, post: Any, stored: Mapping[str, Any], *, explicit: bool
) -> dict[str, Any]:
    """One step's values as posted. A checkbox question or an invested/planned row with nothing ticked is
    recorded as [] ("none") when the step is saved by its buttons, and by autosave only where an answer was
    stored before (its last box was unticked); a scale row with no choice is not sent."""
    out: dict[str, Any] = {}
    for q in _questions(fw, step):
        for key in answer_keys(q):
            name = f"dma:{key}"
            if q.type in TICKED_TYPES:
                values = post.getlist(name)
                if values or explicit or key in stored:
                    out[key] = values
            elif post.get(name, "") != "":
                out[key] = post.get(name)
    return out


def _cells(key: str, value: Any, labels: tuple[Choice, ...], row_label: str) -> list[dict[str, Any]]:
    chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
    return [
        {
            "value": c.value,
            "label": c.label,
            "row_label": row_label,
            "id": f"dma-{key}-{c.value}".replace(".", "-"),
            "checked": value is not None and c.value in chosen,
        }
        for c in labels
    ]


def _question_context(
    q: Question, number: int, values: Mapping[str, Any], labels: tuple[Choice, ...]
) -> dict[str, Any]:
    english = dma.english()
    context: dict[str, Any] = {
        "q": q,
        "number": number,
        "text": pick(q.text, q.text_zh),
        "text_en": "" if english else q.text,
        "table": q.type not in dma.CHECKBOX_TYPES,
        "multiple": q.type in TICKED_TYPES,
        "columns": labels,
        "english": english,
    }
    if not context["table"]:
        ticked = {str(v) for v in values.get(q.code) or ()}
        context["items"] = [
            {
                "code": row.code,
                "label": pick(row.text, row.text_zh),
                "label_en": "" if english else row.text,
                "negative": row.negative,
                "checked": row.code in ticked,
                "id": f"dma-{q.code}-{row.code}",
            }
            for row in q.rows
        ]
        return context
    rows = []
    for row in q.rows:
        key = f"{q.code}.{row.code}"
        label = pick(row.text, row.text_zh)
        rows.append(
            {
                "key": key,
                "id": f"dma-{q.code}-{row.code}",
                "label": label,
                "label_en": "" if english else row.text,
                "cells": _cells(key, values.get(key), labels, label),
            }
        )
    context["rows"] = rows
    return context


def dma_progress(fw: DmaFramework, assessment: Assessment) -> dict[str, Any]:
    missing = dma.missing_questions(fw, assessment.answers_part("dma"))
    total = sum(len(d.questions) for d in fw.dimensions)
    done = total - len(missing)
    return {
        "done": done,
        "total": total,
        "pct": round(done * 100 / total) if total else 0,
        "missing": missing,
    }


def _problem_targets(problems: tuple[Problem, ...] | list[Problem]) -> list[dict[str, str]]:
    """Each problem with the id of its question (the error summary links to it; UI.md)."""
    out = []
    for problem in problems:
        code = str(problem.params.get("q", "")).partition(".")[0]
        out.append({"message": problem.render(_), "target": f"dma-{code}" if code else ""})
    return out


def _render_step(
    request: HttpRequest,
    viewer: Viewer,
    assessment: Assessment,
    index: int,
    *,
    posted: Mapping[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    fw = dma_compiled(assessment)
    steps = dma_steps(fw)
    step = steps[index]
    progress = dma_progress(fw, assessment)
    missing = {q.code for q in progress["missing"]}
    values = {**assessment.answers_part("dma"), **(posted or {})}
    labels = dma.choices(assessment.framework)
    numbers = {q.code: n for n, q in enumerate((q for d in fw.dimensions for q in d.questions), start=1)}
    context = {
        "assessment": assessment,
        "fw": fw,
        "steps": [
            {
                "index": i,
                "step": st,
                "missing": sum(1 for q in _questions(fw, st) if q.code in missing),
                "current": i == index,
            }
            for i, st in enumerate(steps)
        ],
        "step": step,
        "index": index,
        "prev_index": index - 1 if index > 0 else None,
        "next_index": index + 1 if index + 1 < len(steps) else None,
        "questions": [
            _question_context(q, numbers[q.code], values, labels.get(q.code, ()))
            for q in _questions(fw, step)
        ],
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
        "english": dma.english(),
    }
    return render(request, "assessment/dma_fill.html", context, status=status)


@login_required
def fill(request: HttpRequest, pk: int, step: int | None = None) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    decision = permissions.can_edit(viewer, assessment)
    if not decision:
        messages.info(request, decision.reason)
        return redirect("assessment:detail", pk=assessment.pk)
    fw = dma_compiled(assessment)
    steps = dma_steps(fw)
    if step is None:
        return redirect("assessment:dma_fill_step", pk=pk, step=min(assessment.current_step, len(steps) - 1))
    if not 0 <= step < len(steps):
        raise Http404
    if request.method != "POST" or steps[step].kind == "review":
        return _render_step(request, viewer, assessment, step)
    action = request.POST.get("action", "save")
    target = max(0, min(len(steps) - 1, {"next": step + 1, "prev": step - 1}.get(action, step)))
    posted = step_answers(fw, steps[step], request.POST, assessment.answers_part("dma"), explicit=True)
    try:
        saved = services.assessment_save_dma_answers(
            actor=request.user, assessment=assessment, answers=posted, step=target
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:detail", pk=assessment.pk)
    if saved.problems:
        # Stay on the step and show what was ticked, with each problem linked to its question.
        problems = _problem_targets(saved.problems)
        return _render_step(request, viewer, assessment, step, posted=posted, problems=problems, status=400)
    if action == "save":
        messages.success(request, _("草稿已保存，可以随时回来继续填写。"))
    return redirect("assessment:dma_fill_step", pk=pk, step=target)


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """htmx: save the step's fields as they change; answer with a small status line."""
    viewer, assessment = _lookup(request, pk)
    if not permissions.can_edit(viewer, assessment):
        raise Http404
    fw = dma_compiled(assessment)
    steps = dma_steps(fw)
    if not 0 <= step < len(steps):
        raise Http404
    posted = step_answers(fw, steps[step], request.POST, assessment.answers_part("dma"), explicit=False)
    saved = services.assessment_save_dma_answers(actor=request.user, assessment=assessment, answers=posted)
    context = {
        "problems": _problem_targets(saved.problems),
        "saved_at": timezone.now(),
        "progress": dma_progress(fw, assessment),
    }
    return render(request, "assessment/_autosave_status.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, assessment = _lookup(request, pk)
    decision = permissions.can_submit(viewer, assessment)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("assessment:detail", pk=assessment.pk)
    try:
        services.assessment_submit(
            actor=request.user, assessment=assessment, pledge=bool(request.POST.get("pledge"))
        )
    except ValidationError as exc:
        problems = [
            {"message": m, "target": "pledge" if "pledge" in str(m).lower() else ""} for m in exc.messages
        ]
        review = len(dma_steps(dma_compiled(assessment))) - 1
        return _render_step(request, viewer, assessment, review, problems=problems, status=400)
    messages.success(request, _("已提交并完成评分。"))
    return redirect("assessment:detail", pk=assessment.pk)


urlpatterns = [
    path("<int:pk>/dma/", fill, name="dma_fill"),
    path("<int:pk>/dma/<int:step>/", fill, name="dma_fill_step"),
    path("<int:pk>/dma/<int:step>/autosave/", autosave, name="dma_autosave"),
    path("<int:pk>/dma/submit/", submit, name="dma_submit"),
]

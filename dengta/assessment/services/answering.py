"""Writes that fill a draft: MIIT answers (choices, scenarios, numbers) and EU DMA answers, each merged into
the stored draft so an invalid value is reported and never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from dengta.assessment import dma
from dengta.assessment.models import Assessment
from dengta.assessment.scoring.answers import Parsed, parse_answers
from dengta.assessment.scoring.eu_dma import parse_dma
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.selectors import compiled
from dengta.assessment.services.guards import lock_draft
from dengta.core.actors import Actor
from dengta.core.problems import Problem

DMA_ANSWERS_ONLY = gettext_lazy("此评测按欧盟数字成熟度评估填报，答案请放在 dma 下")


MIIT_ANSWERS_ONLY = gettext_lazy("此评测不是欧盟数字成熟度评估，不接受 dma 答案")


@transaction.atomic
def assessment_save_answers(
    *,
    actor: Actor,
    assessment: Assessment,
    choices: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, Any] | None = None,
    numbers: Mapping[str, Any] | None = None,
    step: int | None = None,
) -> Parsed:
    """Merge answers into the draft. Valid values are saved; each invalid one is reported and the value
    stored before it is kept (a draft never holds an invalid answer). Blank values clear an answer."""
    locked = lock_draft(assessment)
    if dma.is_dma(locked):
        raise ValidationError(DMA_ANSWERS_ONLY)
    fw = compiled(locked)
    parsed = parse_answers(fw, choices=choices, scenarios=scenarios, numbers=numbers)
    bad = {str(p.params.get(k, "")) for p in parsed.problems for k in ("item", "scenario", "label", "part")}
    data = {part: locked.answers_part(part) for part in ("choices", "scenarios", "numbers")}
    fresh = parsed.answers.to_json()
    for part, given in (("choices", choices), ("scenarios", scenarios), ("numbers", numbers)):
        for code in given or {}:
            if code in fresh[part]:
                data[part][code] = fresh[part][code]
            elif not _has_problem(fw, part, code, bad):
                data[part].pop(code, None)  # left blank: the answer is cleared
    cross = _revert_impossible_numbers(fw, data["numbers"], locked.answers_part("numbers"))
    if cross:
        known = {(p.code, str(p.params)) for p in parsed.problems}
        extra = tuple(p for p in cross if (p.code, str(p.params)) not in known)
        parsed = Parsed(answers=parsed.answers, problems=parsed.problems + extra)
    locked.answers = data
    if step is not None:
        locked.current_step = max(0, step)
    locked.save(update_fields=["answers", "current_step", "updated_at"])
    assessment.answers, assessment.current_step = locked.answers, locked.current_step
    return parsed


@dataclass(frozen=True)
class DmaSaved:
    answers: dict[str, Any]  # all DMA answers stored in the draft after the save
    problems: tuple[Problem, ...]


@transaction.atomic
def assessment_save_dma_answers(
    *, actor: Actor, assessment: Assessment, answers: Mapping[str, Any], step: int | None = None
) -> DmaSaved:
    """Merge EU DMA answers (parse_dma's format, see dengta.assessment.dma) into the draft. Valid values are
    saved; each invalid one is reported with parse_dma's bilingual Problem and the value stored before it is
    kept. null clears an answer, as "" does for a scale row; for a checkbox question or an invested/planned
    row, "" or [] records "nothing ticked"."""
    locked = lock_draft(assessment)
    if not dma.is_dma(locked):
        raise ValidationError(MIIT_ANSWERS_ONLY)
    fw = dma.dma_compiled(locked)
    stored = locked.answers_part("dma")
    given = {str(key): value for key, value in answers.items()}
    blank = {key for key, value in given.items() if dma.is_blank(fw, key, value)}
    clean, problems = parse_dma(fw, {k: v for k, v in given.items() if k not in blank})
    for key in blank:
        stored.pop(key, None)
    stored.update({key: dma.to_stored(value) for key, value in clean.items()})
    locked.answers = {**(locked.answers or {}), "dma": dict(sorted(stored.items()))}
    if step is not None:
        locked.current_step = max(0, step)
    locked.save(update_fields=["answers", "current_step", "updated_at"])
    assessment.answers, assessment.current_step = locked.answers, locked.current_step
    return DmaSaved(answers=locked.answers["dma"], problems=tuple(problems))


_CROSS = {"number_exceeds_total", "number_zero_total", "number_zero_denominator"}


def _revert_impossible_numbers(
    fw: Compiled, numbers: dict[str, Any], before: dict[str, Any]
) -> list[Problem]:
    """Numbers valid alone but impossible together (more networked devices than devices) are checked on the
    merged draft, since the two may arrive in different saves. Only the numbers of the rule they break go
    back to their earlier values; other numbers of the same save are kept. Repeats while a reverted value
    breaks another rule that shares it (revenue serves three)."""
    problems: list[Problem] = []
    for _attempt in range(len(fw.derived) + 1):
        broken = False
        for rule in fw.derived:
            subset = {k: numbers[k] for k in rule.inputs if k in numbers}
            bad = [p for p in parse_answers(fw, numbers=subset).problems if p.code in _CROSS]
            if not bad:
                continue
            broken = True
            problems.extend(p for p in bad if p not in problems)
            for key in rule.inputs:
                if key in before and before[key] != numbers.get(key):
                    numbers[key] = before[key]
                elif key not in before:
                    numbers.pop(key, None)
            if all(numbers.get(k) == before.get(k) for k in rule.inputs):
                # Already the earlier values and still impossible: drop the rule's numbers altogether.
                still = parse_answers(fw, numbers={k: numbers[k] for k in rule.inputs if k in numbers})
                if any(p.code in _CROSS for p in still.problems):
                    for key in rule.inputs:
                        numbers.pop(key, None)
        if not broken:
            break
    return problems


def _has_problem(fw: Compiled, part: str, code: str, bad: set[str]) -> bool:
    if part == "choices":
        item = fw.item(code)
        return (item is not None and item.name in bad) or code in bad
    if part == "scenarios":
        scenario = fw.scenario(code)
        return (scenario is not None and scenario.name in bad) or code in bad
    spec = fw.collected_number(code)
    return (spec is not None and spec.label_zh in bad) or code in bad

"""Workflows as tables (ARCHITECTURE.md convention 6): states, and transitions as data.

An app's ``workflows.py`` lists its ``Transition`` rows; ``run_transition`` is the one place that changes a
status: it locks the row, checks the source state and the guard, sets the target state (and any fields the
caller passes), saves after ``full_clean`` of what changed and writes the event — all in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from dengta.core.actors import Actor
from dengta.core.decisions import Decision
from dengta.core.events import record_event

M = TypeVar("M", bound=models.Model)


def _always(obj: Any) -> Decision:
    return Decision.allow("")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    verb: str
    guard: Callable[[Any], Decision] = field(default=_always)


class TransitionRefused(ValidationError):
    """The object is not in a state the transition starts from, or its guard refused."""


def transition_named(transitions: Iterable[Transition], name: str) -> Transition:
    for t in transitions:
        if t.name == name:
            return t
    raise KeyError(name)


@transaction.atomic
def run_transition(
    obj: M,
    transition: Transition,
    *,
    actor: Actor,
    state_field: str = "state",
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    organization_id: int | None = None,
    scope_path: str = "",
) -> M:
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, state_field)
    if current not in transition.sources:
        raise TransitionRefused(
            _("当前状态（%(state)s）不能执行此操作")
            % {"state": locked.get_state_display() if hasattr(locked, "get_state_display") else current}
        )
    decision = transition.guard(locked)
    if not decision:
        raise TransitionRefused(decision.reason)
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    setattr(locked, state_field, transition.target)
    # Validate what the transition changes: the other fields were valid when the row was saved, and checking
    # them again costs a query per foreign key and per constraint (Django skips the constraints and fields
    # that ``exclude`` names) on the busiest writes, the ledger's approvals and payments among them.
    changed = {state_field, *(changes or {})}
    locked.full_clean(exclude=[f.name for f in locked._meta.concrete_fields if f.name not in changed])
    locked.save()
    record_event(
        actor=actor,
        verb=transition.verb,
        target=locked,
        payload={"from": current, "to": transition.target, **(payload or {})},
        organization_id=organization_id,
        scope_path=scope_path,
    )
    return locked

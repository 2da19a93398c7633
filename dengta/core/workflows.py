"""Workflows as tables (ARCHITECTURE.md convention 6): states, and transitions as data.

An app's ``workflows.py`` lists its ``Transition`` rows; ``run_transition`` is the one place that changes a
status: it locks the row (unless the caller hands over the row it has locked), checks the source state and
the guard, sets the target state (and any fields the caller passes), saves what changed after ``full_clean``
of it and writes the event — all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
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
    locked: bool = False,
    event_target: models.Model | None = None,
) -> M:
    """``locked=True``: ``obj`` is the row the caller read with ``select_for_update`` in this transaction
    (read again, it would cost a query on the ledger's busiest writes for the same values).
    ``event_target``: the record whose history the step belongs to, when not the row itself (a project's
    gain statement is a step of the project's timeline); the payload then names the row."""
    if not locked:
        with transaction.atomic():
            row = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            return run_transition(
                row,
                transition,
                actor=actor,
                state_field=state_field,
                changes=changes,
                payload=payload,
                locked=True,
                organization_id=organization_id,
                scope_path=scope_path,
                event_target=event_target,
            )
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("run_transition(locked=True) needs the caller's transaction, which holds the lock")
    current = getattr(obj, state_field)
    touched = _prepare(obj, transition, state_field, changes)
    # Written without a savepoint of its own: the checks above write nothing, and a failure from here on
    # must undo the caller's whole transaction, which holds the row's lock.
    obj.save(update_fields=touched)
    record_event(
        actor=actor,
        verb=transition.verb,
        target=obj if event_target is None else event_target,
        payload={"from": current, "to": transition.target, **(payload or {})},
        organization_id=organization_id,
        scope_path=scope_path,
    )
    return obj


@cache
def _constrained_fields(model: type[models.Model]) -> frozenset[str] | None:
    """The fields the model's constraints read (None when one of them reads an expression): a transition
    that changes none of them skips the constraint checks, which Django would prepare for every constraint
    only to skip each one for reading a field the transition did not change."""
    names: set[str] = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint) and isinstance(constraint.condition, Q):
            names |= constraint.condition.referenced_base_fields
        elif (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and not constraint.expressions
        ):
            names |= set(constraint.fields)
            if constraint.condition is not None:
                names |= constraint.condition.referenced_base_fields
        else:
            return None
    return frozenset(names)


def _prepare(obj: M, transition: Transition, state_field: str, changes: dict[str, Any] | None) -> list[str]:
    """Check the source state and the guard, set the target state and the changes, validate them; the
    fields to write. Writes nothing."""
    current = getattr(obj, state_field)
    if current not in transition.sources:
        raise TransitionRefused(
            _("当前状态（%(state)s）不能执行此操作")
            % {"state": obj.get_state_display() if hasattr(obj, "get_state_display") else current}
        )
    decision = transition.guard(obj)
    if not decision:
        raise TransitionRefused(decision.reason)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    setattr(obj, state_field, transition.target)
    # Validate what the transition changes: the other fields were valid when the row was saved, and checking
    # them again costs a query per foreign key and per constraint (Django skips the constraints and fields
    # that ``exclude`` names) on the busiest writes, the ledger's approvals and payments among them.
    fields = obj._meta.concrete_fields
    # A change may name a foreign key by its column ("disputed_by_id"): validated and written as its field.
    given = {state_field, *(changes or {})}
    changed = {f.name for f in fields if f.name in given or f.attname in given}
    constrained = _constrained_fields(type(obj))
    obj.full_clean(
        exclude=[f.name for f in fields if f.name not in changed],
        validate_constraints=constrained is None or bool(constrained & changed),
    )
    # Only what changed is written (and the timestamps that change on every save): the rest of the row is as
    # it was read, under the lock.
    return [f.name for f in fields if f.name in changed or getattr(f, "auto_now", False)]

"""Who performs a service (ARCHITECTURE.md convention 1: every service takes an ``actor``).

The actor is the person signed in (``request.user``, a ``dengta.accounts.models.User``) or, for the platform
itself (management commands, seeding, scheduled jobs), ``None``. Core cannot import the accounts app (the
layer rule in ARCHITECTURE.md), so the type says what core relies on: a primary key for the event log.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias


class Person(Protocol):
    """A user as the services see it: identified by its primary key (written to the event log)."""

    @property
    def pk(self) -> Any: ...

    def get_username(self) -> str: ...


# A person, or None when the platform acts on its own.
Actor: TypeAlias = Person | None


def actor_id(actor: Actor) -> Any:
    """The actor's primary key for a ``*_by`` foreign key, or None for the platform (or an anonymous user)."""
    return None if actor is None else actor.pk

"""Writing and verifying the hash-chained event log (PRODUCT.md: every state change, tamper-evident)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dengta.core.actors import Actor
from dengta.core.models import Event, EventChainHead

GENESIS_HASH = "0" * 64
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    organization_id: int | None,
    verb: str,
    target_type: str,
    target_id: str,
    target_label: str,
    scope_path: str,
    payload: Any,
) -> str:
    body = json.dumps(
        [
            seq,
            _canonical_time(created_at),
            actor_id,
            actor_label,
            organization_id,
            verb,
            target_type,
            target_id,
            target_label,
            scope_path,
            payload,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _target_parts(target: models.Model | tuple[str, str, str]) -> tuple[str, str, str]:
    if isinstance(target, tuple):
        return target
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:300]


def _clean(value: Any) -> Any:
    """Values every database stores and returns unchanged, so the hash recomputes identically:
    floats become strings (PostgreSQL's JSONB turns 1e16 into an integer and -0.0 into 0.0), NUL characters
    (refused by PostgreSQL) and lone surrogates (not encodable as UTF-8) become U+FFFD."""
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    return value


def _normalise_payload(payload: dict[str, Any] | None) -> Any:
    # Round-trip through JSON so the stored value and the hashed value are the same object.
    return json.loads(json.dumps(_clean(payload or {}), ensure_ascii=False, default=str))


# No savepoint of its own: the event belongs to the caller's transaction, and a failure here must undo it all.
@transaction.atomic(savepoint=False)
def record_event(
    *,
    actor: Actor,
    verb: str,
    target: models.Model | tuple[str, str, str],
    payload: dict[str, Any] | None = None,
    organization_id: int | None = None,
    scope_path: str = "",
    actor_label: str | None = None,
) -> Event:
    """Append one event. Call inside the service's transaction so the event and the change commit together."""
    head, _created = EventChainHead.objects.select_for_update().get_or_create(id=1)
    target_type, target_id, target_label = _target_parts(target)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    label = actor_label or (actor.get_username() if actor is not None and actor_id else "system")
    clean_payload = _normalise_payload(payload)
    created_at = timezone.now()
    seq = head.last_seq + 1
    digest = compute_hash(
        prev_hash=head.last_hash,
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        organization_id=organization_id,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        scope_path=scope_path,
        payload=clean_payload,
    )
    event = Event(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        organization_id_ref=organization_id,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        scope_path=scope_path,
        payload=clean_payload,
        prev_hash=head.last_hash,
        hash=digest,
    )
    event.save()
    EventChainHead.objects.filter(id=1).update(last_seq=seq, last_hash=digest)
    return event


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first row whose link or content does not match."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    qs = Event.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"row {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "previous-hash link does not match")
        digest = compute_hash(
            prev_hash=prev_hash,
            seq=event.seq,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            organization_id=event.organization_id_ref,
            verb=event.verb,
            target_type=event.target_type,
            target_id=event.target_id,
            target_label=event.target_label,
            scope_path=event.scope_path,
            payload=event.payload,
        )
        if digest != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash (row edited)")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = EventChainHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != checked:
        return ChainReport(False, checked, checked + 1, "rows after the last intact row were deleted")
    return ChainReport(True, checked)


# --- display ---------------------------------------------------------------------------------------------
# What people read on the event pages: names, not the codes the hash covers (ARCHITECTURE.md, "Users see
# names, not internal codes"). The codes stay on the detail page's technical toggle, in the API and in the
# export's technical columns.


@dataclass(frozen=True)
class ShownEvent:
    event: Event
    action: str  # the verb's label (dengta.core.verbs)
    target_kind: str  # the target model's verbose name
    actor_name: str  # the person's full name, or "系统" for changes made by the platform itself
    actor_organization: str  # the organisations the person acts for, "" when none


def _actors(actor_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each actor's full name and the organisations they belong to, in two queries for a whole page."""
    from django.apps import apps

    if not actor_ids:
        return {}
    people = {u.pk: str(u) for u in apps.get_model("accounts", "User").objects.filter(pk__in=actor_ids)}
    orgs: dict[int, list[str]] = {}
    memberships = (
        apps.get_model("orgs", "Membership")
        .objects.active()
        .filter(user_id__in=actor_ids)
        .order_by("organization__name")
        .values_list("user_id", "organization__name")
    )
    for user_id, name in memberships:
        orgs.setdefault(user_id, []).append(name)
    return {pk: (name, "、".join(orgs.get(pk, []))) for pk, name in people.items()}


def shown_events(events: Iterable[Event]) -> list[ShownEvent]:
    from django.utils.translation import gettext as _

    from dengta.core.verbs import target_type_label, verb_label

    rows = list(events)
    actors = _actors({e.actor_id for e in rows if e.actor_id})
    shown = []
    for e in rows:
        if e.actor_id is None:
            name, organization = _("系统"), ""
        else:
            name, organization = actors.get(e.actor_id, (e.actor_label, ""))
        shown.append(ShownEvent(e, verb_label(e.verb), target_type_label(e.target_type), name, organization))
    return shown


def export_headers() -> list[str]:
    """The event export's columns: what people read first, then the technical columns (codes, hash)."""
    from django.utils.translation import gettext as _

    return [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("操作人所属机构"),
        _("动作"),
        _("对象类型"),
        _("对象"),
        _("动作代码"),
        _("对象类型代码"),
        _("对象ID"),
        _("哈希"),
    ]


class ExportRow:
    """One event → its export row; actors are looked up once each, however many rows they wrote."""

    def __init__(self) -> None:
        self._actors: dict[int, tuple[str, str]] = {}

    def __call__(self, e: Event) -> tuple[Any, ...]:
        from dengta.core.verbs import target_type_label, verb_label

        if e.actor_id is not None and e.actor_id not in self._actors:
            self._actors.update(_actors({e.actor_id}))
        name, organization = self._actor(e)
        return (
            e.seq,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            name,
            organization,
            verb_label(e.verb),
            target_type_label(e.target_type),
            e.target_label,
            e.verb,
            e.target_type,
            e.target_id,
            e.hash,
        )

    def _actor(self, e: Event) -> tuple[str, str]:
        from django.utils.translation import gettext as _

        if e.actor_id is None:
            return _("系统"), ""
        return self._actors.get(e.actor_id, (e.actor_label, ""))

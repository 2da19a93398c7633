"""The hash-chained event log: chaining, verification, tampering, append-only guards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dengta.core.events import GENESIS_HASH, compute_hash, record_event, verify_chain
from dengta.core.models import AppendOnlyError, Event, EventChainHead
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

IS_PG = connection.vendor == "postgresql"


# --- helpers -------------------------------------------------------------------------------------------


def _record(
    n: int = 1, *, verb: str = "thing.changed", payload: dict[str, Any] | None = None, **kw: Any
) -> Event:
    return record_event(
        actor=kw.pop("actor", None),
        verb=verb,
        target=("tests.thing", str(n), f"对象{n}"),
        payload=payload if payload is not None else {"n": n},
        **kw,
    )


def _chain(length: int = 3) -> list[Event]:
    return [_record(i) for i in range(1, length + 1)]


@contextmanager
def _tampering() -> Iterator[None]:
    """Lift the PostgreSQL append-only trigger for the duration, as an attacker with table rights would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            # ALTER TABLE refuses while deferred foreign-key checks are pending in the test's transaction.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_event DISABLE TRIGGER core_event_append_only")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ALTER TABLE core_event ENABLE TRIGGER core_event_append_only")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _raw_set(seq: int, column: str, value: Any) -> None:
    """UPDATE one column of one event with raw SQL (bypassing the model's guards)."""
    field: Any = Event._meta.get_field(column)
    prepared = field.get_db_prep_save(value, connection)
    sql = f"UPDATE core_event SET {connection.ops.quote_name(field.column)} = %s WHERE seq = %s"
    with _tampering(), connection.cursor() as cur:
        cur.execute(sql, [prepared, seq])
        assert cur.rowcount == 1


def _raw_delete(seq: int) -> None:
    with _tampering(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE seq = %s", [seq])
        assert cur.rowcount == 1


def _recompute(event: Event) -> str:
    return compute_hash(
        prev_hash=event.prev_hash,
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


# --- chaining ------------------------------------------------------------------------------------------


def test_record_event_chains_rows() -> None:
    first, second, third = _chain(3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    for event in (first, second, third):
        stored = Event.objects.get(seq=event.seq)
        assert len(stored.hash) == 64
        assert stored.hash == event.hash
        assert _recompute(stored) == stored.hash
    head = EventChainHead.objects.get(id=1)
    assert (head.last_seq, head.last_hash) == (3, third.hash)


def test_record_event_describes_actor_and_model_target(regions: Any) -> None:
    user: Any = UserFactory.create(username="auditor_zhang")
    org: Any = OrganizationFactory.create(
        name="广州数智服务有限公司", type="provider", region=regions["440106"]
    )
    event = record_event(
        actor=user, verb="organization.updated", target=org, organization_id=org.pk, scope_path="440000/"
    )
    stored = Event.objects.get(seq=event.seq)
    assert stored.actor_id == user.pk
    assert stored.actor_label == "auditor_zhang"
    assert stored.target_type == "orgs.organization"
    assert stored.target_id == str(org.pk)
    assert stored.target_label == "广州数智服务有限公司"
    assert stored.organization_id_ref == org.pk
    assert stored.scope_path == "440000/"
    assert stored.payload == {}

    system = _record(9)
    assert system.actor_id is None
    assert system.actor_label == "system"
    named = _record(10, actor_label="import job")
    assert named.actor_label == "import job"


def test_rolled_back_event_does_not_advance_the_chain() -> None:
    first = _record(1)
    with transaction.atomic():
        _record(2)
        transaction.set_rollback(True)
    again = _record(3)
    assert again.seq == 2
    assert again.prev_hash == first.hash
    assert verify_chain().intact


@pytest.mark.parametrize(
    "field, other",
    [
        ("prev_hash", "f" * 64),
        ("seq", 2),
        ("created_at", datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)),
        ("actor_id", 7),
        ("actor_label", "someone else"),
        ("organization_id", 8),
        ("verb", "thing.deleted"),
        ("target_type", "tests.other"),
        ("target_id", "2"),
        ("target_label", "对象2"),
        ("scope_path", "330000/"),
        ("payload", {"n": 2}),
    ],
)
def test_hash_depends_on_every_field(field: str, other: Any) -> None:
    base: dict[str, Any] = {
        "prev_hash": GENESIS_HASH,
        "seq": 1,
        "created_at": datetime(2024, 1, 1, tzinfo=UTC),
        "actor_id": None,
        "actor_label": "system",
        "organization_id": None,
        "verb": "thing.changed",
        "target_type": "tests.thing",
        "target_id": "1",
        "target_label": "对象1",
        "scope_path": "440000/",
        "payload": {"n": 1},
    }
    assert compute_hash(**base) != compute_hash(**{**base, field: other})


def test_hash_ignores_timezone_representation_and_key_order() -> None:
    when_utc = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
    when_shanghai = when_utc.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    common: dict[str, Any] = {
        "prev_hash": GENESIS_HASH,
        "seq": 1,
        "actor_id": 1,
        "actor_label": "a",
        "organization_id": 2,
        "verb": "v",
        "target_type": "t",
        "target_id": "1",
        "target_label": "l",
        "scope_path": "",
    }
    a = compute_hash(created_at=when_utc, payload={"甲": 1, "乙": [1, 2]}, **common)
    b = compute_hash(created_at=when_shanghai, payload={"乙": [1, 2], "甲": 1}, **common)
    assert a == b


# --- verification --------------------------------------------------------------------------------------


def test_verify_chain_on_empty_log_is_intact() -> None:
    report = verify_chain()
    assert report.intact
    assert report.checked == 0
    assert report.broken_seq is None


def test_verify_chain_intact() -> None:
    _chain(5)
    report = verify_chain(batch_size=2)  # several chunks
    assert report.intact
    assert report.checked == 5
    assert report.broken_seq is None
    assert report.reason == ""


@pytest.mark.parametrize(
    "column, value",
    [
        ("payload", {"n": 999}),
        ("payload", {"n": 2, "extra": "添加的字段"}),
        ("verb", "thing.deleted"),
        ("actor_label", "冒名顶替"),
        ("created_at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("target_label", "别的对象"),
        ("scope_path", "330000/"),
        ("organization_id_ref", 424242),
    ],
)
def test_edited_row_is_detected_at_its_seq(column: str, value: Any) -> None:
    _chain(3)
    assert verify_chain().intact
    _raw_set(2, column, value)
    report = verify_chain()
    assert not report.intact
    assert report.broken_seq == 2
    assert report.checked == 1
    assert "edited" in report.reason


def test_created_at_shift_of_one_microsecond_is_detected() -> None:
    events = _chain(3)
    _raw_set(3, "created_at", events[2].created_at + timedelta(microseconds=1))
    report = verify_chain()
    assert (report.intact, report.broken_seq) == (False, 3)


def test_rewritten_row_with_recomputed_hash_breaks_the_next_link() -> None:
    _chain(3)
    _raw_set(2, "payload", {"n": "forged"})
    forged = Event.objects.get(seq=2)
    _raw_set(2, "hash", _recompute(forged))
    report = verify_chain()
    assert not report.intact
    assert report.broken_seq == 3
    assert "link" in report.reason


def test_deleting_a_middle_row_is_detected() -> None:
    _chain(4)
    _raw_delete(2)
    report = verify_chain()
    assert not report.intact
    assert report.broken_seq == 2
    assert "missing" in report.reason


def test_deleting_the_first_row_is_detected() -> None:
    _chain(3)
    _raw_delete(1)
    report = verify_chain()
    assert (report.intact, report.broken_seq) == (False, 1)


def test_deleting_the_last_row_is_detected() -> None:
    _chain(3)
    _raw_delete(3)
    report = verify_chain()
    assert not report.intact
    assert report.broken_seq == 3
    assert report.checked == 2


def test_raw_sql_changes_are_refused_on_postgresql_and_detected_on_sqlite() -> None:
    """PostgreSQL refuses raw UPDATE/DELETE with a trigger; SQLite has no such trigger, so there a raw
    change goes through and the hash chain is what catches it."""
    _chain(2)
    if not IS_PG:
        with connection.cursor() as cur:
            cur.execute("UPDATE core_event SET verb = 'x' WHERE seq = 1")
        report = verify_chain()
        assert not report.intact and report.broken_seq == 1
        return
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_event SET verb = 'x' WHERE seq = 1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE seq = 2")
    assert Event.objects.count() == 2
    assert verify_chain().intact


# --- append-only guards in the model -------------------------------------------------------------------


def test_model_refuses_to_save_an_existing_row() -> None:
    event = _record(1)
    event.verb = "thing.deleted"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert Event.objects.get(seq=1).verb == "thing.changed"


def test_model_refuses_delete() -> None:
    event = _record(1)
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert Event.objects.filter(seq=1).exists()


def test_queryset_refuses_update_and_delete() -> None:
    _chain(2)
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(seq=1).update(verb="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.update(verb="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(seq=2).delete()
    events = list(Event.objects.order_by("seq"))
    for e in events:
        e.verb = "x"
    # bulk_update opens an atomic block without a savepoint; give it one so the test transaction survives.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        Event.objects.bulk_update(events, ["verb"])
    assert set(Event.objects.values_list("verb", flat=True)) == {"thing.changed"}
    assert verify_chain().intact


# --- management command --------------------------------------------------------------------------------


def test_verify_events_command_reports_intact() -> None:
    _chain(3)
    out = StringIO()
    call_command("verify_events", stdout=out)
    assert "intact" in out.getvalue()
    assert "3" in out.getvalue()


def test_verify_events_command_names_the_broken_seq() -> None:
    _chain(4)
    _raw_set(3, "payload", {"n": "篡改"})
    with pytest.raises(CommandError, match=r"#3\b"):
        call_command("verify_events", stdout=StringIO())


def test_verify_events_command_names_a_deleted_row() -> None:
    _chain(4)
    _raw_delete(2)
    with pytest.raises(CommandError, match=r"#2\b"):
        call_command("verify_events", stdout=StringIO())


# --- payload round-trips -------------------------------------------------------------------------------


def test_chinese_decimal_and_date_payload_hashes_stably() -> None:
    payload = {
        "企业名称": "天河精密零部件有限公司",
        "营业收入（万元）": Decimal("12345.60"),
        "补助": [Decimal("0.10"), Decimal("1E+3")],
        "认定日期": date(2024, 1, 31),
        "时间": datetime(2024, 1, 31, 8, 30, tzinfo=UTC),
        "嵌套": {"说明": "全角！？（）", "空": None, "是": True},
    }
    event = _record(1, payload=payload)
    stored = Event.objects.get(seq=event.seq)
    assert stored.payload["企业名称"] == "天河精密零部件有限公司"
    assert stored.payload["营业收入（万元）"] == "12345.60"  # Decimals kept exactly, as text
    assert stored.payload["补助"] == ["0.10", "1E+3"]
    assert stored.payload["认定日期"] == "2024-01-31"
    assert stored.payload["嵌套"] == {"说明": "全角！？（）", "空": None, "是": True}
    assert stored.payload == event.payload
    assert _recompute(stored) == event.hash
    # Recording the same content twice from fresh objects gives the same normalised payload.
    again = _record(2, payload=dict(reversed(list(payload.items()))))
    assert json.dumps(Event.objects.get(seq=again.seq).payload, sort_keys=True) == json.dumps(
        stored.payload, sort_keys=True
    )
    assert verify_chain().intact


@pytest.mark.parametrize("value", [0.1, 1.5, 2.5e-7, -0.0, 1e16, 12345678.9])
def test_float_payloads_survive_the_database_round_trip(value: float) -> None:
    # Scores and ratios are floats in places; the hash must match what the database gives back.
    _record(1, payload={"score": value, "list": [value]})
    report = verify_chain()
    assert report.intact, report


# --- property: any payload verifies, any one-character change is caught --------------------------------

_chars = st.one_of(
    st.characters(codec="utf-8", exclude_characters="\x00"),
    st.sampled_from("灯塔中小企业数字化转型广东深圳兵团（）！、"),
)
_text = st.text(alphabet=_chars, max_size=12)
_key = st.text(alphabet=_chars, min_size=1, max_size=6)
_leaf = st.one_of(_text, st.integers(), st.integers(min_value=-1000, max_value=1000))
_value = st.recursive(
    _leaf,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_key, children, max_size=3)),
    max_leaves=12,
)
_payload = st.dictionaries(_key, _value, min_size=1, max_size=5)


def _spots(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every place in a payload where one character can be changed: keys, non-empty strings, int digits."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield "key", (*path, key)
            yield from _spots(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _spots(value, (*path, i))
    elif isinstance(obj, str) and obj:
        yield "str", path
    elif isinstance(obj, int) and not isinstance(obj, bool):
        yield "int", path


def _other_char(c: str) -> str:
    return "X" if c != "X" else "Y"


def _flip(payload: Any, kind: str, path: tuple[Any, ...], index: int) -> Any:
    """A deep copy of payload with exactly one character changed at the given spot."""
    copy = json.loads(json.dumps(payload, ensure_ascii=False))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "key":
        old = last
        i = index % len(old)
        new = next(
            candidate
            for candidate in (old[:i] + c + old[i + 1 :] for c in "XYZWVUTS")
            if candidate != old and candidate not in parent
        )
        parent[new] = parent.pop(old)
    elif kind == "str":
        old = parent[last]
        i = index % len(old)
        parent[last] = old[:i] + _other_char(old[i]) + old[i + 1 :]
    else:
        old_int = parent[last]
        digits = str(abs(old_int))
        i = index % len(digits)
        digits = digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]
        parent[last] = -int(digits) if old_int < 0 else int(digits)
    assert copy != payload
    return copy


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=_payload, data=st.data())
def test_property_any_payload_verifies_and_any_flip_is_caught(payload: dict[str, Any], data: Any) -> None:
    with transaction.atomic():
        before = _record(1, payload={"before": True})
        target = _record(2, payload=payload)
        _record(3, payload={"after": True})
        stored = Event.objects.get(seq=target.seq)
        assert stored.payload == json.loads(json.dumps(payload, ensure_ascii=False))
        report = verify_chain()
        assert report.intact, report
        assert report.checked == 3

        spots = list(_spots(stored.payload))
        kind, path = data.draw(st.sampled_from(spots), label="spot")
        index = data.draw(st.integers(min_value=0, max_value=50), label="index")
        _raw_set(target.seq, "payload", _flip(stored.payload, kind, path, index))
        broken = verify_chain()
        assert not broken.intact
        assert broken.broken_seq == target.seq
        assert before.seq < target.seq
        transaction.set_rollback(True)

"""The subsidy ledger: envelopes from the pilot's allocation, commitments at approval, payments on claim.

Why it is built this way (PRODUCT.md: a ledger that never overspends; DOMAIN.md 2.1 the 80/20 use, 8.15):
- every movement is an immutable ``LedgerEntry``; a correction is a reversing entry, never an edit;
- an envelope keeps its running totals on its row, so one row lock decides whether money fits, and the
  database's check constraints (paid ≤ committed ≤ allocated; a project's paid ≤ its committed) refuse any
  write that would overspend even if a code path forgot the lock;
- every total is also derivable from the entries (``reconcile``), which is how the totals are audited;
- a payment carries an idempotency key: the same request twice pays once, and a project is paid once
  (its funding rows are locked and must not be paid yet).

Locks are always taken in one order — the project, then its pilot's envelopes by id, then the project's
funding rows by id, then the event chain's head (the first event written) — so concurrent approvals and
payments never deadlock: approval commits the money before its workflow step writes its event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from dengta.core import tallies
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.programmes.models import Allocation, Pilot
from dengta.projects.models import (
    EntryKind,
    Envelope,
    EnvelopeKind,
    Funding,
    LedgerEntry,
    PaymentBatch,
    Project,
)
from dengta.projects.tallies import FUNDS

ZERO = Decimal("0.00")
# Which envelope pays which part of a project's subsidy: the central part from the retrofit envelope (≥ 80 %
# of the award, DOMAIN.md 2.1), the local part from the local matching funds.
SOURCES = ((EnvelopeKind.RETROFIT, "central_yuan"), (EnvelopeKind.LOCAL, "local_yuan"))
MAX_KEY = 80


class LedgerRefused(ValidationError):
    """The money does not fit, or was paid already; nothing was written."""


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# ------------------------------------------------------------------------------------------------ envelopes


@transaction.atomic
def envelopes_open(*, actor: Actor, pilot: Pilot) -> list[Envelope]:
    """The pilot's three envelopes from its allocation, each with its allocation entry; once (a second call
    returns them as they are)."""
    Pilot.objects.select_for_update().get(pk=pilot.pk)
    existing = list(Envelope.objects.filter(pilot=pilot).order_by("id"))
    if existing:
        return existing
    try:
        money = pilot.allocation
    except Allocation.DoesNotExist as exc:
        raise LedgerRefused(_("该试点尚未分配资金，不能建立资金额度")) from exc
    amounts = {
        EnvelopeKind.RETROFIT: money.retrofit_yuan,
        EnvelopeKind.SERVICE: money.service_yuan,
        EnvelopeKind.LOCAL: money.local_matching_yuan,
    }
    envelopes = []
    for kind, amount in amounts.items():
        envelope = Envelope.objects.create(pilot=pilot, kind=kind, allocated_yuan=amount)
        if amount > 0:
            LedgerEntry.objects.create(
                envelope=envelope,
                kind=EntryKind.ALLOCATE,
                amount_yuan=amount,
                memo=_("按资金分配下达（规则版本 %(version)s）") % {"version": money.rules_version},
                actor_id=actor_id(actor),
            )
        envelopes.append(envelope)
    record_event(
        actor=actor,
        verb="ledger.opened",
        target=pilot,
        organization_id=pilot.authority_id,
        scope_path=region.path if (region := pilot.authority.region) is not None else "",
        payload={kind: str(amount) for kind, amount in amounts.items()},
    )
    tallies.changed(FUNDS)
    return envelopes


def _locked_envelopes(pilot_id: int) -> dict[str, Envelope]:
    rows = Envelope.objects.select_for_update().filter(pilot_id=pilot_id).order_by("id")
    return {row.kind: row for row in rows}


def _event(actor: Actor, verb: str, project: Project, payload: dict[str, object]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        target=project,
        **project.event_place(),
        payload=payload,
    )


# ------------------------------------------------------------------------------------------------ commitments


def commit(*, actor: Actor, project: Project) -> list[Funding]:
    """Reserve the project's subsidy: the central part in the retrofit envelope, the local part in the local
    envelope. Refused, with the shortfall named, when an envelope has less left than the part it must hold.
    Runs inside the approval's transaction, after the project row is locked; the approval's event records
    the amounts (the entries are the ledger's own record), so one request writes one event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("commit() must run inside the approval's transaction")
    envelopes = _locked_envelopes(project.pilot_id)
    if not envelopes:
        envelopes_open(actor=actor, pilot=project.pilot)
        envelopes = _locked_envelopes(project.pilot_id)
    if any(kind not in envelopes for kind, _field in SOURCES):
        raise LedgerRefused(_("该试点的资金额度不完整，不能承诺补贴"))
    wanted = [(envelopes[kind], getattr(project, field)) for kind, field in SOURCES]
    short = [
        _("%(envelope)s余额 %(left)s 元，不足本项目的 %(need)s 元")
        % {
            "envelope": envelope.get_kind_display(),
            "left": _money(envelope.available_yuan),
            "need": _money(amount),
        }
        for envelope, amount in wanted
        if amount > envelope.available_yuan
    ]
    if short:
        raise LedgerRefused("；".join(short))
    # A project is approved once (only a filed project is, and none returns to filed: workflows.py), so its
    # funding rows are new (the unique project-and-envelope constraint stops a second set): written together
    # with what they hold, beside the commitment entries, then each envelope's running total.
    funding = Funding.objects.bulk_create(
        [Funding(project=project, envelope=envelope, committed_yuan=amount) for envelope, amount in wanted]
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                envelope=envelope,
                project=project,
                kind=EntryKind.COMMIT,
                amount_yuan=amount,
                memo=_("项目批准，承诺补贴"),
                actor_id=actor_id(actor),
            )
            for envelope, amount in wanted
            if amount > 0
        ]
    )
    for envelope, amount in wanted:
        if amount > 0:
            Envelope.objects.filter(pk=envelope.pk).update(committed_yuan=F("committed_yuan") + amount)
    tallies.changed(FUNDS)
    return funding


def release(*, actor: Actor, project: Project, memo: str) -> Decimal:
    """Give back what the project holds and has not been paid (a withdrawal, a disqualification or a failed
    acceptance). Returns the amount released. Runs inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("release() must run inside the caller's transaction")
    _locked_envelopes(project.pilot_id)
    released = ZERO
    for funding in Funding.objects.select_for_update().filter(project=project).order_by("id"):
        left = funding.committed_yuan - funding.paid_yuan
        if left <= 0:
            continue
        LedgerEntry.objects.create(
            envelope_id=funding.envelope_id,
            project=project,
            kind=EntryKind.RELEASE,
            amount_yuan=left,
            memo=memo[:200],
            actor_id=actor_id(actor),
        )
        Funding.objects.filter(pk=funding.pk).update(committed_yuan=F("committed_yuan") - left)
        Envelope.objects.filter(pk=funding.envelope_id).update(committed_yuan=F("committed_yuan") - left)
        released += left
    if released:
        _event(actor, "ledger.released", project, {"amount": str(released)})
        tallies.changed(FUNDS)
    return released


# ------------------------------------------------------------------------------------------------ payments


@dataclass(frozen=True)
class Paid:
    project: Project
    amount_yuan: Decimal
    replayed: bool  # the same idempotency key was seen before: nothing new was paid


def check_key(key: str) -> str:
    """A payment request's key: its entries are stored as "<key>/<envelope id>", so a key may not hold "/"
    (it could then stand for another request's entry)."""
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY - 12 or not key.isprintable() or "/" in key:
        raise LedgerRefused(_("请提供付款请求编号（1–68 个可见字符，不含“/”），同一请求重复提交只付款一次"))
    return key


def _payable(rows: list[Funding]) -> list[Funding]:
    """The project's funding rows that hold money to pay; refused when any was paid or none holds any."""
    if any(row.paid_yuan > 0 for row in rows):
        raise LedgerRefused(_("该项目的补贴已经拨付，不能重复拨付"))
    due = [row for row in rows if row.committed_yuan > 0]
    if not due:
        raise LedgerRefused(_("该项目没有已承诺的补贴，无法拨付"))
    return due


def pay(*, actor: Actor, project: Project, idempotency_key: str, batch: PaymentBatch | None = None) -> Paid:
    """Pay what the project holds, once. The caller holds the project's row lock (the pay transition) and
    has checked its state; its event records the amount and the key. A key already used for this project
    replays the earlier payment; a key used for another project, or a project paid under another key, is
    refused."""
    key = check_key(idempotency_key)
    earlier = list(LedgerEntry.objects.filter(idempotency_key__startswith=f"{key}/"))
    if earlier:
        if any(entry.project_id != project.pk for entry in earlier):
            raise LedgerRefused(_("该付款请求编号已用于另一个项目"))
        return Paid(project, sum((e.amount_yuan for e in earlier), ZERO), replayed=True)
    # A refusal writes nothing, so it is decided on the rows as they are, without waiting for the pilot's
    # envelopes (which every payment of the pilot locks); a payment decides again under the locks.
    _payable(list(Funding.objects.filter(project=project)))
    _locked_envelopes(project.pilot_id)
    due = _payable(list(Funding.objects.select_for_update().filter(project=project).order_by("id")))
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                envelope_id=row.envelope_id,
                project=project,
                kind=EntryKind.PAY,
                amount_yuan=row.committed_yuan,
                idempotency_key=f"{key}/{row.envelope_id}",
                batch=batch,
                memo=_("拨付补贴"),
                actor_id=actor_id(actor),
            )
            for row in due
        ]
    )
    # Nothing of these rows was paid (checked above, under their locks): each is now paid what it holds.
    Funding.objects.filter(pk__in=[row.pk for row in due]).update(paid_yuan=F("committed_yuan"))
    total = ZERO
    for row in due:
        Envelope.objects.filter(pk=row.envelope_id).update(paid_yuan=F("paid_yuan") + row.committed_yuan)
        total += row.committed_yuan
    tallies.changed(FUNDS)
    return Paid(project, total, replayed=False)


# ------------------------------------------------------------------------------------------------ corrections


@transaction.atomic
def reverse(*, actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct an entry by a reversing one (the entry itself never changes). Refused when it was reversed
    already, when it is itself a reversal, or when undoing it would take a total below what depends on it
    (an allocation already committed, a commitment already paid)."""
    text = (reason or "").strip()
    if not text:
        raise LedgerRefused({"reason": [_("请说明冲正理由")]})
    locked_envelopes = _locked_envelopes(entry.envelope.pilot_id)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.kind == EntryKind.REVERSE:
        raise LedgerRefused(_("冲正分录不能再冲正"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise LedgerRefused(_("该分录已经冲正"))
    envelope = next(e for e in locked_envelopes.values() if e.pk == entry.envelope_id)
    funding = (
        Funding.objects.select_for_update().filter(project_id=entry.project_id, envelope=envelope).first()
        if entry.project_id
        else None
    )
    amount = entry.amount_yuan
    if entry.kind == EntryKind.ALLOCATE:
        if envelope.allocated_yuan - amount < envelope.committed_yuan:
            raise LedgerRefused(_("该额度已承诺的金额超过冲正后的下达金额，不能冲正"))
        Envelope.objects.filter(pk=envelope.pk).update(allocated_yuan=F("allocated_yuan") - amount)
    elif entry.kind == EntryKind.COMMIT:
        assert funding is not None
        if funding.committed_yuan - amount < funding.paid_yuan:
            raise LedgerRefused(_("该承诺已经拨付，请先冲正拨付"))
        Funding.objects.filter(pk=funding.pk).update(committed_yuan=F("committed_yuan") - amount)
        Envelope.objects.filter(pk=envelope.pk).update(committed_yuan=F("committed_yuan") - amount)
    elif entry.kind == EntryKind.RELEASE:
        if envelope.available_yuan < amount:
            raise LedgerRefused(_("该额度余额不足，不能恢复已释放的承诺"))
        assert funding is not None
        Funding.objects.filter(pk=funding.pk).update(committed_yuan=F("committed_yuan") + amount)
        Envelope.objects.filter(pk=envelope.pk).update(committed_yuan=F("committed_yuan") + amount)
    else:  # a payment: the money comes back and the commitment is open again
        assert funding is not None
        Funding.objects.filter(pk=funding.pk).update(paid_yuan=F("paid_yuan") - amount)
        Envelope.objects.filter(pk=envelope.pk).update(paid_yuan=F("paid_yuan") - amount)
    reversal = LedgerEntry.objects.create(
        envelope=envelope,
        project_id=entry.project_id,
        kind=EntryKind.REVERSE,
        amount_yuan=amount,
        reverses=entry,
        memo=text[:200],
        actor_id=actor_id(actor),
    )
    pilot = envelope.pilot
    record_event(
        actor=actor,
        verb="ledger.reversed",
        target=pilot,
        organization_id=pilot.authority_id,
        scope_path=region.path if (region := pilot.authority.region) is not None else "",
        payload={"entry": entry.pk, "kind": entry.kind, "amount": str(amount), "reason": text},
    )
    tallies.changed(FUNDS)
    return reversal


# --------------------------------------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class EnvelopeBalance:
    envelope: Envelope
    allocated_yuan: Decimal  # derived from the entries
    committed_yuan: Decimal
    paid_yuan: Decimal

    @property
    def remaining_yuan(self) -> Decimal:
        return self.allocated_yuan - self.committed_yuan

    @property
    def matches_row(self) -> bool:
        row = self.envelope
        return (row.allocated_yuan, row.committed_yuan, row.paid_yuan) == (
            self.allocated_yuan,
            self.committed_yuan,
            self.paid_yuan,
        )

    @property
    def within_limits(self) -> bool:
        return ZERO <= self.paid_yuan <= self.committed_yuan <= self.allocated_yuan


@dataclass(frozen=True)
class Reconciliation:
    pilot: Pilot
    envelopes: tuple[EnvelopeBalance, ...]
    projects_paid_twice: int
    central_paid_yuan: Decimal
    retrofit_paid_share: Decimal | None  # of the central money paid, the share that went to retrofits

    @property
    def balanced(self) -> bool:
        return (
            all(b.matches_row and b.within_limits for b in self.envelopes) and self.projects_paid_twice == 0
        )

    def balance(self, kind: str) -> EnvelopeBalance | None:
        return next((b for b in self.envelopes if b.envelope.kind == kind), None)


def derived_totals(entries: Iterable[tuple[str, str | None, Decimal]]) -> dict[str, Decimal]:
    """Allocated, committed and paid from (kind, kind of the reversed entry, amount) rows: a pure fold, the
    definition of every balance."""
    totals = {"allocated": ZERO, "committed": ZERO, "paid": ZERO}
    effect = {
        EntryKind.ALLOCATE: ("allocated", 1),
        EntryKind.COMMIT: ("committed", 1),
        EntryKind.RELEASE: ("committed", -1),
        EntryKind.PAY: ("paid", 1),
    }
    for kind, reversed_kind, amount in entries:
        if kind == EntryKind.REVERSE:
            assert reversed_kind is not None
            total, sign = effect[EntryKind(reversed_kind)]
            totals[total] -= sign * amount
        else:
            total, sign = effect[EntryKind(kind)]
            totals[total] += sign * amount
    return totals


def reconcile(pilot: Pilot) -> Reconciliation:
    """Every envelope's totals derived from its entries beside the totals on its row, the projects paid more
    than once, and the 80/20 use of the central money paid so far (DOMAIN.md 2.1)."""
    balances = []
    for envelope in Envelope.objects.filter(pilot=pilot).order_by("id"):
        rows = LedgerEntry.objects.filter(envelope=envelope).values_list(
            "kind", "reverses__kind", "amount_yuan"
        )
        totals = derived_totals(rows)
        balances.append(EnvelopeBalance(envelope, totals["allocated"], totals["committed"], totals["paid"]))
    paid_per_project = (
        LedgerEntry.objects.filter(envelope__pilot=pilot, kind=EntryKind.PAY, reversed_by__isnull=True)
        .values("project_id", "envelope_id")
        .annotate(n=Count("id"))
    )
    twice = sum(1 for row in paid_per_project if row["n"] > 1)
    retrofit = next((b.paid_yuan for b in balances if b.envelope.kind == EnvelopeKind.RETROFIT), ZERO)
    service = next((b.paid_yuan for b in balances if b.envelope.kind == EnvelopeKind.SERVICE), ZERO)
    central = retrofit + service
    share = (retrofit / central).quantize(Decimal("0.0001")) if central else None
    return Reconciliation(pilot, tuple(balances), twice, central, share)


def balances_of(projects: Sequence[Project]) -> dict[int, tuple[Decimal, Decimal]]:
    """(committed, paid) per project id, from the funding rows."""
    out: dict[int, tuple[Decimal, Decimal]] = {p.pk: (ZERO, ZERO) for p in projects}
    rows = (
        Funding.objects.filter(project__in=projects)
        .values("project_id")
        .annotate(committed=Sum("committed_yuan"), paid=Sum("paid_yuan"))
    )
    for row in rows:
        out[row["project_id"]] = (row["committed"] or ZERO, row["paid"] or ZERO)
    return out


# ------------------------------------------------------------------------------------------------ batches


@dataclass(frozen=True)
class BatchOutcome:
    project: Project
    paid: Paid | None
    refusal: str  # why this project was not paid ("" when it was)


def pay_batch(
    *, actor: Actor, projects: Sequence[Project], token: str, note: str = ""
) -> tuple[list[PaymentBatch], list[BatchOutcome]]:
    """Pay the ticked claimed projects, one batch per pilot (the finance department pays a pilot's subsidies
    together and exports the batch). Each project is paid in its own transaction, so one refusal does not
    undo the others; each payment's key is the form's token and the project, so the same form sent twice
    pays once. A batch that paid nothing is not kept."""
    from dengta.projects.services.steps import project_pay

    base = check_key(token)
    batches: dict[int, PaymentBatch] = {}
    outcomes = []
    for project in sorted(projects, key=lambda p: (p.pilot_id, p.pk)):
        batch = batches.get(project.pilot_id)
        if batch is None:
            batch = batches[project.pilot_id] = PaymentBatch.objects.create(
                pilot_id=project.pilot_id, created_by_id=actor_id(actor), note=note[:200]
            )
        try:
            paid = project_pay(
                actor=actor, project=project, idempotency_key=f"{base}-{project.pk}"[:68], batch=batch
            )
        except ValidationError as exc:
            outcomes.append(BatchOutcome(project, None, " ".join(exc.messages)))
        else:
            outcomes.append(BatchOutcome(project, paid, ""))
    kept = []
    for batch in batches.values():
        if batch.entries.exists():
            kept.append(batch)
        else:  # everything in it was refused or replayed an earlier batch's payment
            batch.delete()
    return kept, outcomes

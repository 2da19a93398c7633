"""The clock the programme services read, set to each historic moment the demo replays.

Why a clock and not rows written directly: the demo's applications must be what the services would have
produced — the eligibility check stored with its rules version, the checklist, the transitions' events, the
pilot's period from the day of approval, the allocation split under the batch's rules, the reviews' totals.
The services read the present from ``django.utils.timezone.now`` only: directly (``timezone.now()``), through
``timezone.localdate()`` (the batch window in ``services._in_window``, the eligibility check's day, the
pilot's start), through the models' ``auto_now``/``auto_now_add`` fields and through ``record_event``. None
takes a ``today`` parameter, and the shipped batch files' windows (2022–2025) are history, so run at the
present they refuse ("not in the application window"). The batch files must not change (they are the notices'
rules), so the seeder sets that one clock to the moment each step happened, in Asia/Shanghai office hours,
and the services run unchanged. The events they write carry those moments, as they would have.

The clock is set only inside ``running``, which the seeding enters once in its own thread (the demo seed is a
single management command) and leaves with the real clock restored, even when a step fails.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

TZ = ZoneInfo("Asia/Shanghai")


class ServiceClock:
    """A settable present. ``now`` stands in for ``timezone.now`` while ``running``."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def now(self) -> datetime:
        if self.moment is None:
            raise RuntimeError("the demo clock is read before a step set it")
        return self.moment

    def set(self, moment: datetime) -> None:
        if timezone.is_naive(moment):
            raise ValueError(f"{moment} has no time zone")
        # Stored in UTC, as timezone.now() returns it (ARCHITECTURE.md convention 10).
        self.moment = moment.astimezone(UTC)

    @contextmanager
    def running(self) -> Iterator[ServiceClock]:
        real = timezone.now
        timezone.now = self.now
        try:
            yield self
        finally:
            timezone.now = real


def office_hour(rng: random.Random, day: date, start: int = 9, end: int = 17) -> datetime:
    """A moment during office hours of ``day`` in Beijing time."""
    return datetime.combine(day, time(rng.randint(start, end - 1), rng.randint(0, 59)), TZ)


def later(rng: random.Random, moment: datetime, low_days: float, high_days: float) -> datetime:
    """A moment ``low``–``high`` days after ``moment``, moved into the next office hours when it falls outside
    them (evenings, nights, weekends)."""
    out = (moment + timedelta(days=rng.uniform(low_days, high_days))).astimezone(TZ)
    if out.hour >= 18:
        out = datetime.combine(out.date() + timedelta(days=1), time(9, rng.randint(0, 59)), TZ)
    elif out.hour < 9:
        out = out.replace(hour=9, minute=rng.randint(0, 59))
    while out.weekday() >= 5:
        out += timedelta(days=1)
    return out


def closing(day: date, hour: int = 17) -> datetime:
    """The last office hour of ``day`` (a window's closing day)."""
    return datetime.combine(day, time(hour, 0), TZ)

"""The dashboard benchmark's assessments: two per bench enterprise, through the bulk inserter."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

from bench.dashboard.common import CHUNK, EXPERT_USERNAME, MAX_DRAWN, SEED, SEED_USERNAME, Say
from bench.dashboard.rows import local_zone, seed_user

# ------------------------------------------------------------------------------- assessments (Django)

# The columns that differ between generated assessments; the others come from one template row.
ASSESSMENT_COLUMNS = (
    "enterprise_id",
    "kind",
    "phase",
    "state",
    "author_organization_id",
    "created_by_id",
    "answers",
    "result",
    "engine_version",
    "total",
    "points_base",
    "points_mgmt",
    "points_results",
    "level",
    "pledged_at",
    "pledge_text",
    "submitted_at",
    "scored_at",
    "assessed_on",
    "created_at",
    "updated_at",
    "assessor_id",
    "signed_off_at",
    "signed_off_by_id",
    "coi_declared_at",
    "coi_statement",
)
SCORE_COLUMNS = ASSESSMENT_COLUMNS[6:14]


@dataclass(frozen=True)
class Drawn:
    """One scored answer set, its columns already in the database's form (JSON serialised once, not once
    per row), and its level."""

    values: tuple[Any, ...]
    level: int


@dataclass(frozen=True)
class Writer:
    """What every generated row shares: the people, the texts, the drawn answer sets."""

    creator_id: int
    expert_id: int
    expert_org_id: int
    pledge: str
    coi: str
    pairs: Sequence[tuple[Drawn, Drawn]]  # (before, after a retrofit)


def _prepared(drawn: Any) -> Drawn:
    from django.db import connection

    from dengta.assessment.models import Assessment
    from dengta.demo.assessments import score_fields

    by_name = {f.attname: f for f in Assessment._meta.concrete_fields}
    values = score_fields(drawn)
    return Drawn(
        tuple(by_name[c].get_db_prep_save(values[c], connection) for c in SCORE_COLUMNS),
        int(values["level"] or 0),
    )


def drawn_pairs(count: int, rng: random.Random) -> list[tuple[Drawn, Drawn]]:
    """``count`` answer sets drawn as the demo draws a pilot baseline, each with the answers after a
    retrofit along the engine's path to 二级 (dengta.demo.assessments.improved)."""
    from dengta.assessment.scoring.framework import Framework as Compiled
    from dengta.demo.assessments import Firm, baseline, framework_row, improved

    compiled = framework_row().compiled()
    assert isinstance(compiled, Compiled)  # the MIIT 2024 framework scores by items and scenarios
    sample = Firm(0, 0, "", 40, Decimal("1500"))
    pairs = []
    for _ in range(count):
        before = baseline(compiled, rng, sample)
        pairs.append((_prepared(before), _prepared(improved(compiled, rng, sample, before))))
    return pairs


def _moment(rng: random.Random, period: tuple[date, date], start_hour: int = 9) -> datetime:
    from django.utils import timezone

    first, last = period
    last = min(last, timezone.localdate() - timedelta(days=7))
    day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
    return datetime.combine(day, clock(rng.randint(start_hour, 17), rng.randint(0, 59)), tzinfo=local_zone())


def _row(
    writer: Writer,
    enterprise: tuple[int, int],
    drawn: Drawn,
    moment: datetime,
    *,
    kind: str,
    phase: str,
    state: str,
) -> tuple[Any, ...]:
    """One assessment's varying columns: a self-assessment by the enterprise, or an on-site one by the
    bench's expert (signed off, or scored and waiting for the expert's signature)."""
    from django.db import connection

    ops = connection.ops
    onsite = kind == "onsite"
    signed = moment + timedelta(days=1) if state == "signed_off" else None
    return (
        enterprise[0],
        kind,
        phase,
        state,
        writer.expert_org_id if onsite else enterprise[1],
        writer.creator_id,
        *drawn.values,
        ops.adapt_datetimefield_value(moment),
        writer.pledge,
        ops.adapt_datetimefield_value(moment),
        ops.adapt_datetimefield_value(moment + timedelta(seconds=1)),
        ops.adapt_datefield_value(moment.date()),
        ops.adapt_datetimefield_value(moment - timedelta(days=3)),
        ops.adapt_datetimefield_value(signed or moment + timedelta(seconds=1)),
        writer.expert_id if onsite else None,
        ops.adapt_datetimefield_value(signed),
        writer.expert_id if signed else None,
        ops.adapt_datetimefield_value(moment - timedelta(hours=2)) if onsite else None,
        writer.coi if onsite else "",
    )


def _later(writer: Writer, enterprise: tuple[int, int], pooled: bool, rng: random.Random) -> tuple[Any, ...]:
    """The result of 2026 after the T0: for a pilot enterprise mostly the signed-off on-site T1 after its
    retrofit (one in seven still waits for the signature, and does not count), else a second
    self-assessment, improved now and then."""
    from dengta.assessment.models import Kind, Phase, State
    from dengta.demo.assessments import T1_PERIOD

    before, after = rng.choice(writer.pairs)
    moment = _moment(rng, T1_PERIOD, start_hour=13)
    roll = rng.random()
    if pooled and roll < 0.7:
        state = State.SIGNED_OFF if roll < 0.6 else State.SCORED
        return _row(writer, enterprise, after, moment, kind=Kind.ONSITE, phase=Phase.T1, state=state)
    drawn = after if rng.random() < (0.5 if pooled else 0.25) else before
    return _row(writer, enterprise, drawn, moment, kind=Kind.SELF, phase=Phase.OTHER, state=State.SCORED)


def add_assessments(target: int, say: Say) -> bool:
    """Assessments of bench enterprises until they hold ``target``: a scored T0 self-assessment for each
    enterprise without one, and a later result for each with one only."""
    from django.db import connection, transaction
    from django.db.models import Count

    from bench.lists_data import bench_batches as bench_enterprises
    from dengta.assessment.models import Assessment, Kind, Phase, State
    from dengta.assessment.services import COI_TEXT, PLEDGE_TEXT
    from dengta.demo.assessments import T0_PERIOD, framework_row
    from dengta.programmes.models import PoolEnterprise
    from dengta.registry.importing.writing import RowInserter

    need = target - Assessment.objects.filter(enterprise__in=bench_enterprises()).count()
    if need <= 0:
        return False
    rng = random.Random(SEED + need)
    pooled = set(
        PoolEnterprise.objects.filter(application__pilot__isnull=False).values_list(
            "enterprise_id", flat=True
        )
    )
    creator = seed_user(SEED_USERNAME, "基准测试数据（看板）")
    expert = seed_user(EXPERT_USERNAME, "基准测试评定专家")
    started = time.perf_counter()
    writer = Writer(
        creator_id=creator.pk,
        expert_id=expert.pk,
        expert_org_id=_expert_pool().pk,
        pledge=str(PLEDGE_TEXT),
        coi=str(COI_TEXT),
        pairs=drawn_pairs(min(MAX_DRAWN, max(8, need // 500)), rng),
    )
    say(f"assessments: {len(writer.pairs)} answer sets drawn in {time.perf_counter() - started:.1f} s")
    inserter = RowInserter(
        Assessment,
        ASSESSMENT_COLUMNS,
        Assessment(framework=framework_row(), kind=Kind.SELF, created_by=creator),
    )
    written, last = 0, 0
    while need > 0:
        chunk = list(
            bench_enterprises()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "organization_id")[:CHUNK]
        )
        if not chunk:
            break
        last = chunk[-1][0]
        held = dict(
            Assessment.objects.filter(enterprise_id__gte=chunk[0][0], enterprise_id__lte=last)
            .order_by()
            .values("enterprise_id")
            .annotate(n=Count("pk"))
            .values_list("enterprise_id", "n")
        )
        rows = []
        for enterprise in chunk:
            has = held.get(enterprise[0], 0)
            if has == 0 and need > 0:
                before = rng.choice(writer.pairs)[0]
                moment = _moment(rng, T0_PERIOD)
                rows.append(
                    _row(
                        writer, enterprise, before, moment, kind=Kind.SELF, phase=Phase.T0, state=State.SCORED
                    )
                )
                need -= 1
            if has <= 1 and need > 0:
                rows.append(_later(writer, enterprise, enterprise[0] in pooled, rng))
                need -= 1
        if rows:
            with transaction.atomic(), connection.cursor() as cursor:
                inserter.insert(cursor, rows)
            written += len(rows)
            say(f"  {written:,} assessments written")
    return written > 0


def _expert_pool() -> Any:
    """The organisation the bench's on-site assessments are written by (the national expert pool's)."""
    from dengta.orgs.models import Organization, OrgType
    from dengta.orgs.services import organization_create

    name = "灯塔看板基准测试专家库"
    found = Organization.objects.filter(name=name, type=OrgType.EXPERT_POOL).first()
    return found or organization_create(actor=None, name=name, type=OrgType.EXPERT_POOL)


def analyze(say: Say, *, vacuum: bool, tables: Sequence[str] = ()) -> None:
    """Fresh statistics for the planner (of ``tables``, or of every table), and with ``vacuum`` on
    PostgreSQL (outside a transaction) the visibility map that index-only scans need, which autovacuum
    would build in production over time (docs/operations.md: after a bulk load, VACUUM ANALYZE)."""
    from django.db import connection

    vacuum = vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute(command)
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
    say(f"{command} {', '.join(tables) or 'all tables'} in {time.perf_counter() - started:.1f} s")

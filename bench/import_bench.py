"""Benchmark of the enterprise import: ``manage.py bench_import --rows 100000``.

Generates a valid spreadsheet of ``rows`` enterprises over the loaded regions and class-level industries,
imports it through the same code path as the page (a job with the file as its input, run by
dengta.core.jobs.run_job), and compares the rate with saving a sample of the same rows one Model.save()
at a time (organisation and enterprise, size computed, inside one transaction that is rolled back:
the baseline most favourable to save(), since a commit per row would be far slower still). The imported
rows are deleted afterwards unless ``keep`` is set; the one ``enterprise.imported`` event stays, as the
log is append-only.

The last line printed is ``bench import: rows_per_s=… ratio_vs_save=…`` (ARCHITECTURE.md, Tests).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction

from dengta.core.jobs import job_create, run_job
from dengta.core.models import Job
from dengta.core.spreadsheets import Book
from dengta.orgs.models import Organization, OrgType
from dengta.reference.models import Industry, ReferenceDataset, Region
from dengta.reference.selectors import current_size_rules
from dengta.registry import uscc
from dengta.registry.importing.columns import COLUMNS
from dengta.registry.importing.validation import registered_codes
from dengta.registry.models import Enterprise, ImportBatch
from dengta.registry.selectors import IMPORT_JOB_KIND
from dengta.registry.sizing import size_for

Say = Callable[[str], None]
TIERS = ("", "", "", "", "", "", "创新型", "专精特新", "小巨人")


@dataclass(frozen=True)
class GeneratedRow:
    uscc: str
    name: str
    region_code: str
    industry_code: str
    employees: int
    revenue_10k: Decimal
    assets_10k: Decimal
    tier: str


@dataclass(frozen=True)
class BenchResult:
    rows: int
    seconds: float
    rows_per_s: float
    save_rows: int
    save_seconds: float
    save_rows_per_s: float

    @property
    def ratio(self) -> float:
        return self.rows_per_s / self.save_rows_per_s if self.save_rows_per_s else 0.0

    def line(self) -> str:
        return f"bench import: rows_per_s={self.rows_per_s:.0f} ratio_vs_save={self.ratio:.1f}"


def ensure_reference(say: Say) -> None:
    """Run ``load_reference`` when this database lacks the regions, industries or size standard."""
    loaded = set(ReferenceDataset.objects.filter(is_current=True).values_list("kind", flat=True))
    if not {"regions", "industries", "size_standard"} <= loaded:
        say("reference data missing: running load_reference")
        call_command("load_reference")


def _codes(rng: random.Random, regions: list[str], count: int, taken: set[str]) -> list[tuple[str, str]]:
    """(credit code, its region) pairs: "91" (market regulation, enterprise) + region + 9 random + check."""
    pairs: list[tuple[str, str]] = []
    alphabet = uscc.ALPHABET
    while len(pairs) < count:
        region = rng.choice(regions)
        body = "91" + region + "".join(rng.choice(alphabet) for _ in range(9))
        code = body + uscc.check_character(body)
        if code not in taken:
            taken.add(code)
            pairs.append((code, region))
    return pairs


def generate_rows(count: int, *, seed: int, exclude: set[str] | None = None) -> list[GeneratedRow]:
    rng = random.Random(seed)
    regions = list(Region.objects.filter(level=3, is_custom=False).values_list("code", flat=True))
    regions = regions or list(Region.objects.filter(is_custom=False).values_list("code", flat=True))
    industries = list(Industry.objects.filter(level=Industry.Level.CLASS).values_list("code", flat=True))
    if not regions or not industries:
        raise RuntimeError("no regions or class-level industries loaded; run manage.py load_reference")
    taken = set(exclude or ())
    rows = []
    for number, (code, region) in enumerate(_codes(rng, regions, count, taken), start=1):
        employees = int(rng.lognormvariate(4.0, 1.2)) % 5000
        revenue = Decimal(int(rng.lognormvariate(8.0, 1.5) * 100)) / 100  # 万元, 2 decimals
        assets = Decimal(int(rng.lognormvariate(7.5, 1.5) * 100)) / 100
        rows.append(
            GeneratedRow(
                uscc=code,
                name=f"基准测试{region}制造有限公司{number:06d}",
                region_code=region,
                industry_code=rng.choice(industries),
                employees=employees,
                revenue_10k=min(revenue, Decimal("9000000")),
                assets_10k=min(assets, Decimal("9000000")),
                tier=rng.choice(TIERS),
            )
        )
    return rows


def workbook_bytes(rows: list[GeneratedRow]) -> bytes:
    # Through the one safe cell writer like every workbook the project writes (ARCHITECTURE.md rule 17).
    book = Book(write_only=True)
    sheet = book.sheet("企业名单")
    sheet.row([c.title for c in COLUMNS])
    sheet.rows(
        [
            r.uscc,
            r.name,
            r.region_code,
            r.industry_code,
            r.employees,
            # Numbers as numbers, as people type them into Excel (read back as doubles).
            float(r.revenue_10k),
            float(r.assets_10k),
            r.tier,
        ]
        for r in rows
    )
    return book.to_bytes()


def time_import(data: bytes, say: Say) -> tuple[float, Job]:
    """Run the import exactly as the page does: a job holding the file, run by the job runner."""
    job = job_create(kind=IMPORT_JOB_KIND, actor=None, params={"file_name": "bench.xlsx", "dry_run": False})
    job.input_file.save(f"bench-{job.pk}.xlsx", ContentFile(data), save=False)
    Job.objects.filter(pk=job.pk).update(input_file=job.input_file.name)
    started = time.perf_counter()
    run_job(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED or job.result.get("imported") != job.result.get("rows_total"):
        raise RuntimeError(
            f"the import did not succeed: {job.status} {job.message} {job.result.get('errors')}"
        )
    say(f"imported {job.result['imported']} rows in {elapsed:.2f} s")
    return elapsed, job


def time_single_saves(rows: list[GeneratedRow]) -> float:
    """Seconds to save ``rows`` one Model.save() at a time (size computed per row), rolled back."""
    size_rules = current_size_rules()
    started = time.perf_counter()
    with transaction.atomic():
        for r in rows:
            org = Organization(name=r.name, type=OrgType.ENTERPRISE, region_id=r.region_code)
            org.save()
            revenue, assets = r.revenue_10k * 10_000, r.assets_10k * 10_000
            Enterprise(
                organization=org,
                uscc=r.uscc,
                name=r.name,
                region_id=r.region_code,
                industry_id=r.industry_code,
                employees=r.employees,
                revenue=revenue,
                total_assets=assets,
                tier="",
                **size_for(
                    size_rules,
                    industry_code=r.industry_code,
                    employees=r.employees,
                    revenue=revenue,
                    total_assets=assets,
                ).as_model_fields(),
            ).save()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def remove_import(job: Job) -> None:
    batch_id = job.result.get("batch_id")
    with transaction.atomic():
        org_ids = list(
            Enterprise.objects.filter(import_batch_id=batch_id).values_list("organization_id", flat=True)
        )
        Enterprise.objects.filter(import_batch_id=batch_id).delete()
        for start in range(0, len(org_ids), 5000):
            Organization.objects.filter(pk__in=org_ids[start : start + 5000]).delete()
        ImportBatch.objects.filter(pk=batch_id).delete()
    job.input_file.delete(save=False)
    Job.objects.filter(pk=job.pk).delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Deleted rows stay as dead tuples until vacuumed; without this each run would insert into tables and
        # indexes bloated by the previous one and measure a slower import every time.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_enterprise, orgs_organization")


def run(*, rows: int, sample: int, seed: int, keep: bool, say: Say) -> BenchResult:
    ensure_reference(say)
    say(f"database: {connection.vendor}; generating {rows} rows (+{sample} for the save() baseline)")
    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    generated = generate_rows(rows + sample, seed=seed, exclude=existing)
    imported, baseline = generated[:rows], generated[rows:]
    assert not registered_codes(r.uscc for r in generated)
    data = workbook_bytes(imported)
    say(f"workbook: {len(data) / 1048576:.1f} MB")
    seconds, job = time_import(data, say)
    save_seconds = time_single_saves(baseline)
    say(f"saved {len(baseline)} rows one save() at a time in {save_seconds:.2f} s")
    if not keep:
        remove_import(job)
    return BenchResult(
        rows=rows,
        seconds=seconds,
        rows_per_s=rows / seconds,
        save_rows=len(baseline),
        save_seconds=save_seconds,
        save_rows_per_s=len(baseline) / save_seconds if save_seconds else 0.0,
    )

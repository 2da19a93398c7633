"""Writing an import in one transaction: organisations and profiles, one ImportBatch, one event.

Two ways, one result. ``write_rows`` writes rows already checked (SQLite). ``stream_rows`` writes while the
check runs and rolls everything back if any row fails (PostgreSQL, where the server works in parallel).

Rows were validated by dengta.registry.importing.validation with the same rules as the single-enterprise
service (credit code, region line, industry class, numbers), so the bulk path neither runs full_clean()
nor builds model instances per row. Measured on the 2-core reference machine (bench/import_bench.py),
``bulk_create`` spent about 400 µs per row in Python (instances, per-field preparation, and on SQLite at
most 999 parameters per statement), which alone caps an import near 2,500 rows/s; the issue asks for
5,000. So rows go in as plain tuples: ``executemany`` in chunks on SQLite, one COPY stream per table on
PostgreSQL. Django still prepares every column that is the same for all rows (defaults, timestamps, the
batch) from a template instance, and the JSON column through the field itself, so stored values are what
the ORM would store; the database's unique, foreign-key and check constraints still guard the tables,
and a code registered by someone else between validation and writing makes the whole transaction roll
back.

Organisation ids are reserved before inserting (PostgreSQL: nextval on the id sequence; SQLite: above the
AUTOINCREMENT high-water mark while this transaction holds the write lock), so each profile can name its
organisation without reading rows back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from dengta.core.actors import actor_id
from dengta.core.events import record_event
from dengta.core.grams import name_grams
from dengta.core.importing.scope import ImportScope
from dengta.core.places import place_of
from dengta.orgs.models import Organization, OrgType
from dengta.reference.models import Region
from dengta.reference.sizing import SizeRules
from dengta.registry.importing.validation import SheetCheck, ValidRow
from dengta.registry.models import Enterprise, ImportBatch
from dengta.registry.sizing import BatchClassifier, SizeFields

CHUNK = 2000

# The derived columns as Organization.save() derives them: the organisation lies at its enterprise's
# region, so its province and prefecture codes are the profile's, and (with no short name) so are its
# name's bigrams: computed once per row (PROVINCE, PREFECTURE, GRAMS below).
ORGANIZATION_COLUMNS = ("id", "name", "region_id", "name_grams", "province_code", "prefecture_code")
ENTERPRISE_COLUMNS = (
    "organization_id",
    "uscc",
    "name",
    "region_id",
    "industry_id",
    "employees",
    "revenue",
    "total_assets",
    "tier",
    "size_class",
    "is_above_designated_size",
    "size_sector",
    "size_standard_version",
    "size_explanation",
    # Derived as Enterprise.save() derives them (dengta.core.places, dengta.core.grams).
    "province_code",
    "prefecture_code",
    "name_grams",
)
GRAMS = ENTERPRISE_COLUMNS.index("name_grams")  # where enterprise_row() puts the bigrams
PROVINCE = ENTERPRISE_COLUMNS.index("province_code")
PREFECTURE = ENTERPRISE_COLUMNS.index("prefecture_code")


class RowInserter:
    """INSERT of many rows of one model: ``varying`` columns per row, every other column from ``template``."""

    def __init__(self, model: type[models.Model], varying: Sequence[str], template: models.Model) -> None:
        meta = model._meta
        qn = connection.ops.quote_name
        constant_fields = [
            f
            for f in meta.concrete_fields
            if f.attname not in varying and not (f.primary_key and f.auto_created)
        ]
        self.constants = tuple(
            f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in constant_fields
        )
        by_attname = {f.attname: f for f in meta.concrete_fields}
        fields = [*constant_fields, *(by_attname[name] for name in varying)]
        columns = ", ".join(qn(str(f.column)) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        self.table = meta.db_table
        self.columns = [str(f.column) for f in fields]

    def insert(self, cursor: CursorWrapper, rows: Iterable[tuple[Any, ...]]) -> None:
        constants = self.constants
        if connection.vendor == "postgresql":
            # PostgreSQL's bulk-loading path: one COPY stream instead of a statement per row (about 6 times
            # faster than executemany in bench/import_bench.py), in binary form (about 12% less server time
            # than text: nothing to parse). Binary COPY needs each column's type, read from the catalogue.
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [self.table],
            )
            types = dict(cursor.fetchall())
            # The driver's own cursor runs the COPY; its errors become Django's (IntegrityError, ...).
            with connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                copy.set_types([types[column] for column in self.columns])
                for row in rows:
                    copy.write_row(constants + row)
            return
        # SQLite: executemany over chunks runs the statement in C for each row without building one huge list.
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(constants + row)
            if len(batch) == CHUNK:
                cursor.executemany(self.sql, batch)
                batch = []
        if batch:
            cursor.executemany(self.sql, batch)


def reserve_ids(cursor: CursorWrapper, model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, not used before and not usable by anyone else."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        # The caller has already written in this transaction, so it holds SQLite's write lock and nobody can
        # insert between this read and our inserts. AUTOINCREMENT never reuses a deleted row's id, so the
        # high-water mark in sqlite_sequence counts too.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, int(row[0]) if row else 0) + 1
        return list(range(start, start + count))
    # ARCHITECTURE.md: the two supported databases are SQLite (embedded) and PostgreSQL (production).
    raise ImproperlyConfigured(f"bulk import supports SQLite and PostgreSQL, not {connection.vendor}")


# SQLite's default page cache (2 MB) is smaller than the indexes a large import touches; while it runs,
# dirty pages spill to the WAL mid-transaction. 64 MB for the duration of the import cut the insert time
# of 100,000 rows by about a third in a direct test; the previous size is restored afterwards.
SQLITE_IMPORT_CACHE_KIB = 65536


@contextmanager
def _sqlite_cache(cursor: CursorWrapper) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    previous = int(cursor.fetchone()[0])
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {previous}")


class _Writer:
    def __init__(self, batch: ImportBatch, size_rules: SizeRules) -> None:
        self.classify = BatchClassifier(size_rules)
        self.organizations = RowInserter(
            Organization, ORGANIZATION_COLUMNS, Organization(type=OrgType.ENTERPRISE, name="", region=None)
        )
        self.enterprises = RowInserter(Enterprise, ENTERPRISE_COLUMNS, Enterprise(import_batch=batch))
        self.explanation_field = Enterprise._meta.get_field("size_explanation")
        self._json: dict[int, Any] = {}
        self.sizes: Counter[str] = Counter()
        self.above = 0
        self.regions = 0
        self.places = {code: place_of(path) for code, path in Region.objects.values_list("code", "path")}

    def _explanation(self, size: SizeFields) -> Any:
        # BatchClassifier hands out one SizeFields per outcome, so its JSON is prepared once per outcome.
        prepared = self._json.get(id(size))
        if prepared is None:
            prepared = self._json[id(size)] = self.explanation_field.get_db_prep_save(
                size.size_explanation, connection
            )
        return prepared

    def enterprise_row(self, row: ValidRow, organization_id: int) -> tuple[Any, ...]:
        size = self.classify(
            industry_code=row.industry_code,
            employees=row.employees,
            revenue=row.revenue,
            total_assets=row.total_assets,
        )
        self.sizes[size.size_class] += 1
        self.above += size.is_above_designated_size
        place = self.places[row.region_code]
        return (
            organization_id,
            row.uscc,
            row.name,
            row.region_code,
            row.industry_code,
            row.employees,
            row.revenue,
            row.total_assets,
            row.tier,
            size.size_class,
            size.is_above_designated_size,
            size.size_sector,
            size.size_standard_version,
            self._explanation(size),
            place.province_code,
            place.prefecture_code,
            name_grams(row.name),
        )

    def write(self, cursor: CursorWrapper, rows: Sequence[ValidRow]) -> None:
        ids = reserve_ids(cursor, Organization, len(rows))
        profiles = [self.enterprise_row(r, oid) for oid, r in zip(ids, rows, strict=True)]
        # Organisations first, then profiles, each as one stream (the foreign key is checked at commit).
        self.organizations.insert(
            cursor,
            (
                (oid, r.name, r.region_code, p[GRAMS], p[PROVINCE], p[PREFECTURE])
                for oid, r, p in zip(ids, rows, profiles, strict=True)
            ),
        )
        self.enterprises.insert(cursor, profiles)
        self.regions = len({r.region_code for r in rows})

    def stream(self, cursor: CursorWrapper, check: SheetCheck) -> None:
        """Profiles streamed while ``check`` is still checking later rows; organisations after.

        Foreign keys are checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED), so the
        profiles may go first. Once a row fails, the remaining rows are still checked, for the report, but
        no longer written: the caller rolls the transaction back.
        """
        ids = iter(reserve_ids(cursor, Organization, check.prepared.rows_total))
        organizations: list[tuple[int, str, str, str, str, str]] = []

        def profiles() -> Iterator[tuple[Any, ...]]:
            for row in check:
                if check.failed:
                    continue
                organization_id = next(ids)
                profile = self.enterprise_row(row, organization_id)
                organizations.append(
                    (
                        organization_id,
                        row.name,
                        row.region_code,
                        profile[GRAMS],
                        profile[PROVINCE],
                        profile[PREFECTURE],
                    )
                )
                yield profile

        self.enterprises.insert(cursor, profiles())
        if not check.failed:
            self.organizations.insert(cursor, organizations)
            self.regions = len({organization[2] for organization in organizations})


def _new_batch(scope: ImportScope, *, file_name: str, sha256: str, rows: int) -> ImportBatch:
    batch = ImportBatch(
        created_by_id=actor_id(scope.actor),
        organization_id=scope.organization_id,
        file_name=file_name[:255],
        file_sha256=sha256,
        rows=rows,
    )
    batch.full_clean()
    batch.save()
    return batch


def _record(batch: ImportBatch, writer: _Writer, *, scope: ImportScope, file_name: str, sha256: str) -> None:
    record_event(
        actor=scope.actor,
        verb="enterprise.imported",
        target=batch,
        organization_id=scope.organization_id,
        scope_path=scope.region_path,
        payload={
            "file_name": file_name,
            "file_sha256": sha256,
            "rows": batch.rows,
            "imported": batch.rows,
            "rejected": 0,
            "by_size_class": dict(sorted(writer.sizes.items())),
            "above_designated_size": writer.above,
            "regions": writer.regions,
            "size_standard_version": writer.classify.rules.version,
        },
    )


@transaction.atomic
def write_rows(
    rows: Sequence[ValidRow],
    *,
    scope: ImportScope,
    file_name: str,
    sha256: str,
    size_rules: SizeRules,
) -> ImportBatch:
    """Write rows already checked (the SQLite path, where nothing could run beside the check anyway)."""
    batch = _new_batch(scope, file_name=file_name, sha256=sha256, rows=len(rows))
    writer = _Writer(batch, size_rules)
    with connection.cursor() as cursor, _sqlite_cache(cursor):
        writer.write(cursor, rows)
    _record(batch, writer, scope=scope, file_name=file_name, sha256=sha256)
    return batch


class _Discard(Exception):
    """Raised inside the transaction to roll back what was streamed before a bad row turned up."""


def stream_rows(
    check: SheetCheck,
    *,
    scope: ImportScope,
    file_name: str,
    sha256: str,
    size_rules: SizeRules,
) -> ImportBatch | None:
    """Check and write at once, or write nothing (PostgreSQL).

    The database inserts and indexes the profiles on its own process while this one checks the next rows,
    so checking and writing overlap on a 2-core machine instead of taking turns (bench/import_bench.py:
    about a fifth less time for 100,000 rows). Any invalid row rolls the whole transaction back, so a file
    with errors still writes nothing. Returns None in that case.
    """
    try:
        with transaction.atomic():
            batch = _new_batch(scope, file_name=file_name, sha256=sha256, rows=check.prepared.rows_total)
            writer = _Writer(batch, size_rules)
            with connection.cursor() as cursor:
                writer.stream(cursor, check)
            if check.failed:
                raise _Discard
            _record(batch, writer, scope=scope, file_name=file_name, sha256=sha256)
            return batch
    except _Discard:
        return None

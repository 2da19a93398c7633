"""Loading the versioned reference data files into the database (ARCHITECTURE.md convention 12).

Each kind has its data file(s) under dengta/reference/data/ with the source stated next to the data. A load
records one ReferenceDataset row (version, source, date, SHA-256 of the files, row count). Loading is
idempotent: when the current dataset of a kind already has the files' checksum and the table still holds
that many rows, nothing is written. Otherwise rows are upserted in bulk and rows no longer in the file are
removed (unless something still refers to them, in which case they are kept and reported).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from dengta.reference.models import Industry, ReferenceDataset, Region, SubIndustry
from dengta.reference.sizing import load_rules

DATA_DIR = Path(__file__).resolve().parent / "data"

REGIONS_CSV = DATA_DIR / "regions" / "regions.csv"
REGIONS_SOURCE = DATA_DIR / "regions" / "source.json"
# Unofficial English names, generated once by scripts/build_region_names_en.py (pypinyin) and committed.
REGIONS_NAMES_EN = DATA_DIR / "regions" / "names-en.csv"
INDUSTRIES_CSV = DATA_DIR / "industries" / "gbt4754-2017.csv"
INDUSTRIES_SOURCE = DATA_DIR / "industries" / "source.json"
SUB_INDUSTRIES_JSON = DATA_DIR / "sub-industries" / "catalogue-v1.json"
SIZE_STANDARD_JSON = DATA_DIR / "size-standard" / "miit-2011-300.json"

KINDS = ("regions", "industries", "sub_industries", "size_standard")
# Kinds that must be loaded first: sub-industries bind GB/T 4754 codes.
DEPENDS_ON = {"sub_industries": ("industries",)}
# Part of every checksum, so that a change in how rows are derived from the files (paths, full names) reloads
# them even though the files are unchanged. Bump it with any such change.
LOADER_REVISION = b"reference-loader-3"
_BATCH = 1000


class ReferenceDataError(RuntimeError):
    """A data file is missing, malformed or refers to codes that do not exist."""


@dataclass(frozen=True)
class LoadResult:
    kind: str
    version: str
    rows: int
    skipped: bool  # the same files were already loaded
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept_in_use: int = 0  # rows gone from the file but still referenced, so not deleted

    def summary(self) -> str:
        if self.skipped:
            return f"{self.kind}: {self.version} already loaded ({self.rows} rows), skipped"
        text = (
            f"{self.kind}: {self.version} loaded, {self.rows} rows "
            f"({self.created} new, {self.updated} updated, {self.deleted} removed)"
        )
        if self.kept_in_use:
            text += f", {self.kept_in_use} obsolete rows kept because they are in use"
        return text


@dataclass(frozen=True)
class Meta:
    version: str
    title: str
    source: str
    source_date: date | None


# -------------------------------------------------------------------------------------------- reading


def _read_bytes(paths: Iterable[Path]) -> tuple[list[bytes], str]:
    blobs = []
    digest = hashlib.sha256(LOADER_REVISION)
    for path in paths:
        try:
            blob = path.read_bytes()
        except FileNotFoundError as exc:
            raise ReferenceDataError(f"reference data file missing: {path}") from exc
        digest.update(path.name.encode() + b"\0" + blob + b"\0")
        blobs.append(blob)
    return blobs, digest.hexdigest()


def _meta(raw: dict[str, Any]) -> Meta:
    try:
        version = str(raw["version"])
        when = raw.get("source_date")
        return Meta(
            version=version,
            title=str(raw["title"]),
            source=str(raw["source"]),
            source_date=date.fromisoformat(when) if when else None,
        )
    except (KeyError, ValueError) as exc:
        raise ReferenceDataError(f"source note incomplete: {exc}") from exc


def _csv_rows(blob: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8"))))


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes"}


# ------------------------------------------------------------------------------------------- writing


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field.attname


def _upsert(
    model: type[models.Model], objs: list[Any], fields: list[str], key: str
) -> tuple[set[str], set[str]]:
    """Insert new rows and update changed ones in bulk; returns the keys (created, updated)."""
    # Compare foreign keys by their column (parent_id), not the related object, to avoid a query per row.
    attnames = [_attname(model, f) for f in fields]
    keys = [getattr(o, key) for o in objs]
    existing = {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": keys})}
    new = [o for o in objs if getattr(o, key) not in existing]
    changed = [
        o
        for o in objs
        if getattr(o, key) in existing
        and any(getattr(o, a) != getattr(existing[getattr(o, key)], a) for a in attnames)
    ]
    model._default_manager.bulk_create(new, batch_size=_BATCH)
    if changed:
        model._default_manager.bulk_update(changed, fields, batch_size=_BATCH)
    return {getattr(o, key) for o in new}, {getattr(o, key) for o in changed}


def _delete_obsolete(
    model: type[models.Model], keep: set[str], order: tuple[str, ...] = ("pk",)
) -> tuple[int, int]:
    """Remove rows no longer in the file (children first, by ``order``); keep those still referred to.

    Organisations and enterprises point at regions and industries with PROTECT, so a code that disappears
    from a new edition stays while it is in use rather than breaking those records.
    """
    stale = list(model._default_manager.exclude(pk__in=keep).order_by(*order))
    deleted = kept = 0
    for obj in stale:
        try:
            with transaction.atomic():
                obj.delete()
            deleted += 1
        except ProtectedError:
            kept += 1
    return deleted, kept


def _record(kind: str, meta: Meta, checksum: str, rows: int, data: dict[str, Any] | None = None) -> None:
    ReferenceDataset.objects.filter(kind=kind, is_current=True).exclude(version=meta.version).update(
        is_current=False
    )
    ReferenceDataset.objects.update_or_create(
        kind=kind,
        version=meta.version,
        defaults={
            "title": meta.title,
            "source": meta.source,
            "source_date": meta.source_date,
            "checksum": checksum,
            "rows": rows,
            "is_current": True,
            "data": data or {},
        },
    )


def _already_loaded(kind: str, checksum: str, table: type[models.Model] | None) -> ReferenceDataset | None:
    current = ReferenceDataset.objects.filter(kind=kind, is_current=True, checksum=checksum).first()
    if current is None:
        return None
    if (
        table is not None
        and table._default_manager.filter(dataset_version=current.version).count() != current.rows
    ):
        return None
    return current


# ------------------------------------------------------------------------------------------- regions


def parse_regions(blob: bytes) -> list[dict[str, Any]]:
    rows = []
    for raw in _csv_rows(blob):
        rows.append(
            {
                "code": raw["code"],
                "name": raw["name"],
                "level": int(raw["level"]),
                "parent_code": raw["parent_code"] or None,
                "is_separately_planned": _flag(raw["is_separately_planned"]),
                "is_reporting_unit": _flag(raw["is_reporting_unit"]),
                "is_custom": _flag(raw["is_custom"]),
            }
        )
    return rows


# Names of pseudo-divisions that group counties without being a place of their own (统计用区划代码 uses them
# for 直辖市 districts and 省直辖县级行政区划); they are skipped when building a readable full name.
PSEUDO_REGION_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def parse_region_names_en(blob: bytes, codes: set[str]) -> dict[str, str]:
    names = {raw["code"]: raw["name_en"].strip() for raw in _csv_rows(blob)}
    missing = sorted(codes - set(names))
    if missing or any(not n for n in names.values()):
        raise ReferenceDataError(f"names-en.csv lacks English names for {missing[:5] or 'some rows'}")
    return names


def _region_objects(
    rows: list[dict[str, Any]], version: str, names_en: dict[str, str] | None = None
) -> list[Region]:
    by_code = {r["code"]: r for r in rows}
    names_en = names_en or {}
    paths: dict[str, str] = {}
    # English full names run from the smallest unit up ("Nanshan District, Shenzhen, Guangdong"); like the
    # Chinese ones they skip the pseudo-divisions, so these hold what a node contributes to its descendants.
    suffixes_en: dict[str, str] = {}
    # What a node contributes to its descendants' full names: pseudo-divisions contribute nothing, so
    # 110101 reads 北京市东城区 while 110100 itself still reads 北京市市辖区.
    prefixes: dict[str, str] = {}
    objs = []
    for row in sorted(rows, key=lambda r: (r["level"], r["code"])):
        parent = row["parent_code"]
        if parent is not None and parent not in by_code:
            raise ReferenceDataError(f"region {row['code']}: parent {parent} not in the file")
        if (parent is None) != (row["level"] == 1) or (
            parent and by_code[parent]["level"] != row["level"] - 1
        ):
            raise ReferenceDataError(f"region {row['code']}: level does not match its parent")
        inherited = prefixes[parent] if parent else ""
        prefixes[row["code"]] = inherited + ("" if row["name"] in PSEUDO_REGION_NAMES else row["name"])
        name_en = names_en.get(row["code"], "")
        inherited_en = suffixes_en[parent] if parent else ""
        own_en = "" if row["name"] in PSEUDO_REGION_NAMES else name_en
        suffixes_en[row["code"]] = ", ".join(p for p in (own_en, inherited_en) if p)
        paths[row["code"]] = (paths[parent] if parent else "") + row["code"] + "/"
        objs.append(
            Region(
                code=row["code"],
                name=row["name"],
                name_en=name_en,
                level=row["level"],
                parent_id=parent,
                path=paths[row["code"]],
                full_name=inherited + row["name"],
                full_name_en=", ".join(p for p in (name_en, inherited_en) if p),
                is_separately_planned=row["is_separately_planned"],
                is_reporting_unit=row["is_reporting_unit"],
                is_custom=row["is_custom"],
                dataset_version=version,
            )
        )
    return objs


def _load_regions(blobs: list[bytes], meta: Meta) -> tuple[int, int, int, int, int]:
    rows = parse_regions(blobs[0])
    names_en = parse_region_names_en(blobs[2], {r["code"] for r in rows})
    objs = _region_objects(rows, meta.version, names_en)
    fields = [
        "name",
        "name_en",
        "full_name_en",
        "level",
        "parent",
        "path",
        "full_name",
        "is_separately_planned",
        "is_reporting_unit",
        "is_custom",
        "dataset_version",
    ]
    created = updated = 0
    # Parents first, so a new child never points at a row that does not exist yet.
    for level in (1, 2, 3):
        new, changed = _upsert(Region, [o for o in objs if o.level == level], fields, "code")
        created, updated = created + len(new), updated + len(changed)
    deleted, kept = _delete_obsolete(Region, {o.code for o in objs}, ("-level", "code"))
    return len(objs), created, updated, deleted, kept


# ---------------------------------------------------------------------------------------- industries

_INDUSTRY_CODE_LEN = {1: 1, 2: 3, 3: 4, 4: 5}


def parse_industries(blob: bytes) -> list[dict[str, Any]]:
    rows = []
    for raw in _csv_rows(blob):
        level = int(raw["level"])
        code = raw["code"].strip()
        if len(code) != _INDUSTRY_CODE_LEN.get(level, -1):
            raise ReferenceDataError(f"industry {code}: length does not match level {level}")
        rows.append(
            {
                "code": code,
                "name": raw["name"].strip(),
                "name_en": (raw.get("name_en") or "").strip(),
                "level": level,
                "parent": raw["parent"].strip() or None,
                "focus_sector": raw.get("focus_sector", "").strip(),
            }
        )
    return rows


def _industry_objects(rows: list[dict[str, Any]], version: str) -> list[Industry]:
    by_code = {r["code"]: r for r in rows}
    if len(by_code) != len(rows):
        raise ReferenceDataError("industry codes repeat")
    objs = []
    for row in rows:
        parent = row["parent"]
        if parent is None:
            if row["level"] != 1:
                raise ReferenceDataError(f"industry {row['code']}: only sections have no parent")
        elif (
            parent not in by_code
            or not row["code"].startswith(parent)
            or by_code[parent]["level"] >= row["level"]
        ):
            raise ReferenceDataError(f"industry {row['code']}: bad parent {parent}")
        objs.append(
            Industry(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                level=row["level"],
                parent_id=parent,
                focus_sector=row["focus_sector"],
                dataset_version=version,
            )
        )
    return objs


def _load_industries(blobs: list[bytes], meta: Meta) -> tuple[int, int, int, int, int]:
    objs = _industry_objects(parse_industries(blobs[0]), meta.version)
    fields = ["name", "name_en", "level", "parent", "focus_sector", "dataset_version"]
    created = updated = 0
    for level in (1, 2, 3, 4):
        new, changed = _upsert(Industry, [o for o in objs if o.level == level], fields, "code")
        created, updated = created + len(new), updated + len(changed)
    deleted, kept = _delete_obsolete(Industry, {o.code for o in objs}, ("-level", "code"))
    return len(objs), created, updated, deleted, kept


# ------------------------------------------------------------------------------------ sub-industries


def parse_sub_industries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise ReferenceDataError("sub-industry catalogue has no entries list")
    seen: set[str] = set()
    for entry in entries:
        code = entry.get("code", "")
        if not code or code in seen:
            raise ReferenceDataError(f"sub-industry code missing or repeated: {code!r}")
        seen.add(code)
        if not entry.get("industries"):
            raise ReferenceDataError(f"sub-industry {code}: no GB/T 4754 codes")
    return entries


def _load_sub_industries(blobs: list[bytes], meta: Meta) -> tuple[int, int, int, int, int]:
    entries = parse_sub_industries(json.loads(blobs[0]))
    known = set(Industry.objects.values_list("code", flat=True))
    missing = sorted({c for e in entries for c in e["industries"] if c not in known})
    if missing:
        raise ReferenceDataError(
            f"sub-industries refer to unknown GB/T 4754 codes {missing}; load industries first"
        )
    objs = [
        SubIndustry(
            code=e["code"],
            name=e["name"],
            name_en=e.get("name_en", ""),
            is_focus=bool(e.get("is_focus")),
            focus_sector=e.get("focus_sector", ""),
            used_by="、".join(e.get("used_by", [])),
            source=e.get("source", ""),
            dataset_version=meta.version,
        )
        for e in entries
    ]
    fields = ["name", "name_en", "is_focus", "focus_sector", "used_by", "source", "dataset_version"]
    new, changed = _upsert(SubIndustry, objs, fields, "code")
    through = SubIndustry.industries.through
    wanted = {(e["code"], c) for e in entries for c in e["industries"]}
    have = set(through.objects.values_list("subindustry_id", "industry_id"))
    for sub_code, ind_code in have - wanted:
        through.objects.filter(subindustry_id=sub_code, industry_id=ind_code).delete()
    through.objects.bulk_create(
        [through(subindustry_id=s, industry_id=c) for s, c in sorted(wanted - have)], batch_size=_BATCH
    )
    deleted, kept = _delete_obsolete(SubIndustry, {o.code for o in objs})
    # A sub-industry whose codes changed counts as updated even when its own fields did not.
    relinked = {sub for sub, _ in have ^ wanted} & {o.code for o in objs}
    return len(objs), len(new), len((changed | relinked) - new), deleted, kept


# ------------------------------------------------------------------------------------- size standard


def _load_size_standard(blobs: list[bytes], meta: Meta) -> tuple[int, int, int, int, int]:
    """The size standard is rules, not rows: validate it; the whole document is kept on the dataset."""
    try:
        rules = load_rules(json.loads(blobs[0]))
    except ValueError as exc:
        raise ReferenceDataError(f"size standard: {exc}") from exc
    existed = ReferenceDataset.objects.filter(kind="size_standard", version=meta.version).exists()
    rows = len(rules.sectors)
    return rows, 0 if existed else rows, rows if existed else 0, 0, 0


# ---------------------------------------------------------------------------------------------- entry


@dataclass(frozen=True)
class _Spec:
    files: tuple[Path, ...]
    table: type[models.Model] | None  # the table of rows, or None when the data is one document
    meta: Callable[[list[bytes]], dict[str, Any]]  # where the version and source note are
    load: Callable[[list[bytes], Meta], tuple[int, int, int, int, int]]
    keep_document: bool = False  # store the whole file on ReferenceDataset.data


def _provenance(raw_meta: dict[str, Any]) -> dict[str, Any]:
    """The source note without the rows (a catalogue's entries): what pages show about where data is from."""
    return {key: value for key, value in raw_meta.items() if key != "entries"}


def _first_json(blobs: list[bytes]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(blobs[0])
    return doc


def _second_json(blobs: list[bytes]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(blobs[1])
    return doc


SPECS: dict[str, _Spec] = {
    "regions": _Spec((REGIONS_CSV, REGIONS_SOURCE, REGIONS_NAMES_EN), Region, _second_json, _load_regions),
    "industries": _Spec((INDUSTRIES_CSV, INDUSTRIES_SOURCE), Industry, _second_json, _load_industries),
    "sub_industries": _Spec((SUB_INDUSTRIES_JSON,), SubIndustry, _first_json, _load_sub_industries),
    "size_standard": _Spec((SIZE_STANDARD_JSON,), None, _first_json, _load_size_standard, keep_document=True),
}


def load_dataset(kind: str) -> LoadResult:
    """Load one kind of reference data (and what it depends on); a no-op when the files are already loaded."""
    if kind not in SPECS:
        raise ValueError(f"unknown reference data kind {kind!r}; expected one of {', '.join(KINDS)}")
    for dependency in DEPENDS_ON.get(kind, ()):
        load_dataset(dependency)
    spec = SPECS[kind]
    blobs, checksum = _read_bytes(spec.files)
    current = _already_loaded(kind, checksum, spec.table)
    if current is not None:
        return LoadResult(kind=kind, version=current.version, rows=current.rows, skipped=True)
    raw_meta = spec.meta(blobs)
    meta = _meta(raw_meta)
    with transaction.atomic():
        rows, created, updated, deleted, kept = spec.load(blobs, meta)
        _record(kind, meta, checksum, rows, data=raw_meta if spec.keep_document else _provenance(raw_meta))
    return LoadResult(kind, meta.version, rows, False, created, updated, deleted, kept)


def load_all() -> list[LoadResult]:
    """Every kind in dependency order (sub-industries refer to industries)."""
    return [load_dataset(kind) for kind in KINDS]

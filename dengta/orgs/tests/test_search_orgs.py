"""The organisation list's search (name, short name, region name): exactly the rows of a substring match on
both databases, from the bigram index on PostgreSQL (dengta.core.search; docs/lists.md)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.http import QueryDict

from dengta.core.grams import name_grams
from dengta.core.tests.test_search import IS_PG, bitmap_plan, upper
from dengta.demo.services import seed
from dengta.orgs.exports import organizations_for
from dengta.orgs.models import Organization
from dengta.reference.loaders import load_all
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TERMS = [
    "轴承",
    "精密",
    "华信",
    "广州",
    "天河",
    "州市",
    "浙江",
    "轴",
    "工业和信息化",
    "ABC",
    "abc",
    "不存在",
    "信轴",
]


@pytest.fixture
def listed(cast: Any) -> dict[int, Organization]:
    for name, short, code in [
        ("广州华信轴承有限公司", "华信", "440106"),
        ("杭州精密机械有限公司", "", "330106"),
        ("深圳ABC精工有限公司", "ABC精工", "440305"),
        ("石河子轴承厂", "", "659001"),
        ("国家轴承质量检验中心", "轴承中心", None),
    ]:
        region = cast.regions[code] if code else None
        OrganizationFactory.create(name=name, short_name=short, region=region, type="provider")
    return {o.pk: o for o in Organization.objects.select_related("region")}


@pytest.mark.parametrize("term", TERMS)
def test_finds_name_short_name_and_region_name_matches(cast: Any, listed: dict[int, Any], term: str) -> None:
    q = upper(term)
    expected = {
        pk
        for pk, o in listed.items()
        if q in upper(o.name)
        or q in upper(o.short_name)
        or (o.region is not None and q in upper(o.region.name))
    }
    qs, filters, _sort = organizations_for(cast.viewer("ministry"), QueryDict(f"q={term}"))
    assert filters["q"] == term
    assert set(qs.values_list("pk", flat=True)) == expected


def test_the_seeded_set_matches_by_each_field(cast: Any, listed: dict[int, Any]) -> None:
    def names(term: str) -> set[str]:
        qs, _f, _s = organizations_for(cast.viewer("ministry"), QueryDict(f"q={term}"))
        return {o.name for o in qs}

    assert names("轴承") == {"广州华信轴承有限公司", "石河子轴承厂", "国家轴承质量检验中心"}
    assert names("ABC精工") == {"深圳ABC精工有限公司"}  # the short name (the name reads ABC精工有限 too)
    assert names("轴承中心") == {"国家轴承质量检验中心"}  # the short name only
    assert "广州华信轴承有限公司" in names("天河") and "广州华信轴承有限公司" not in names("轴承厂")  # region


def test_migration_fills_the_bigrams_of_existing_organisations(
    cast: Any, listed: dict[int, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = importlib.import_module("dengta.orgs.migrations.0002_organization_name_grams")
    Organization.objects.update(name_grams="")
    monkeypatch.setattr(migration, "CHUNK", 3)  # several chunks even for a handful of rows
    migration.fill(apps, SimpleNamespace(connection=connection))
    rows = list(Organization.objects.values_list("name", "short_name", "name_grams"))
    assert len(rows) > 6
    assert all(grams == name_grams(name, short) != "" for name, short, grams in rows)


def test_postgresql_reads_the_gin_index_for_the_organisation_list(cast: Any, listed: dict[int, Any]) -> None:
    def plan(term: str) -> str:
        qs, _f, _s = organizations_for(cast.viewer("ministry"), QueryDict(f"q={term}"))
        if not IS_PG:
            return str(qs.query)
        return bitmap_plan(qs)

    if IS_PG:
        # Asserted (see bitmap_plan): the name arm of the search is a bitmap scan of the
        # GIN index; where a region's name matches too (天河区), OR-ed with a scan of the region index
        # (the region ids are read first, so no join stands in the way).
        assert "orgs_organization_name_grams_gin" in plan("轴承")
        both = plan("天河")
        assert "orgs_organization_name_grams_gin" in both and "BitmapOr" in both, both
    else:
        assert "string_to_array" not in plan("轴承") and "string_to_array" not in plan("天河")


def test_the_demo_seed_writes_the_bigrams_of_the_organisations_it_bulk_creates() -> None:
    # dengta.demo.services bulk_creates enterprise and provider organisations (no save()): derive() sets
    # their bigrams, so the demo's names are searchable on PostgreSQL too.
    load_all()
    seed("24", 5, lambda _line: None)
    rows = list(Organization.objects.values_list("type", "name", "short_name", "name_grams"))
    assert {"enterprise", "provider"} <= {kind for kind, *_rest in rows}
    assert [(name, grams) for _kind, name, short, grams in rows if grams != name_grams(name, short)] == []

"""Enterprise and provider name search: exactly the rows of a substring match on both databases, bigrams
written by every way enterprises and their organisations arrive, and on PostgreSQL the GIN index in the
plan (dengta.core.search; docs/lists.md)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q

from dengta.core.grams import name_grams
from dengta.core.importing.scope import ImportScope
from dengta.core.search import name_search_q
from dengta.core.tests.test_search import IS_PG, NAMES, TERMS, bitmap_plan, upper
from dengta.orgs.models import Organization
from dengta.registry.importing.runner import run_import
from dengta.registry.models import Enterprise, Provider
from dengta.registry.selectors import (
    ChangeFilters,
    EnterpriseFilters,
    changes_for,
    enterprises_for,
    providers_for,
)
from dengta.registry.services import enterprise_change_submit, provider_register
from dengta.registry.text import compact_code

from .conftest import body, code_for, good_row, register, xlsx_bytes

pytestmark = pytest.mark.django_db

REGIONS = ("440106", "440305", "330106", "659001")


@pytest.fixture
def enterprises(sized: Any) -> dict[int, Enterprise]:
    names = [name for name in NAMES if name.strip()]
    made = [register(sized, REGIONS[n % len(REGIONS)], n, name) for n, name in enumerate(names, start=1)]
    return {e.pk: e for e in made}


@pytest.mark.parametrize("term", [*TERMS, "91440106"])
def test_enterprise_search_finds_the_substring_matches_and_the_code_prefixes(
    sized: Any, enterprises: dict[int, Enterprise], term: str
) -> None:
    f = EnterpriseFilters.from_params({"q": term})
    if not f.q:
        return  # a term of spaces only is no search (from_params strips it)
    code = compact_code(f.q)
    expected = {pk for pk, e in enterprises.items() if upper(f.q) in upper(e.name) or e.uscc.startswith(code)}
    got = set(enterprises_for(sized.viewer("ministry"), f).values_list("pk", flat=True))
    assert got == expected


def test_the_code_branch_and_the_name_branch_both_answer(
    sized: Any, enterprises: dict[int, Enterprise]
) -> None:
    ministry = sized.viewer("ministry")
    by_code = enterprises_for(ministry, EnterpriseFilters(q="91440106"))
    assert by_code.count() == sum(e.uscc.startswith("91440106") for e in enterprises.values()) > 0
    by_name = enterprises_for(ministry, EnterpriseFilters(q="轴承"))
    assert {e.name for e in by_name} == {
        "轴承",
        "精密轴承有限公司",
        "洛阳轴承研究所",
        "Abc-轴承",
        "承轴与轴承",
    }


def test_provider_search_finds_the_substring_matches(sized: Any) -> None:
    actor = sized.members["ministry"].user
    names = ["广州轴承数字科技有限公司", "杭州数智服务有限公司", "轴承云", "承轴软件"]
    for n, name in enumerate(names, start=40):
        provider_register(
            actor=actor, uscc=code_for("440106", body(n)), name=name, region=sized.regions["440106"]
        )
    # A short name holding the term: the provider search is by name, and the organisation's grams hold
    # the short name's bigrams too, so the index search must re-check to leave this one out.
    hangzhou = Organization.objects.get(name="杭州数智服务有限公司")
    hangzhou.short_name = "轴承数智"
    hangzhou.save()
    ministry = sized.viewer("ministry")
    everyone = {p.pk: p.organization.name for p in Provider.objects.select_related("organization")}
    for term in ("轴承", "数字科技", "轴", "有限公司", "不存在"):
        expected = {pk for pk, name in everyone.items() if upper(term) in upper(name)}
        assert set(providers_for(ministry, q=term).values_list("pk", flat=True)) == expected, term


def test_every_way_in_writes_the_bigrams(sized: Any) -> None:
    # The bulk import (on SQLite write_rows, on PostgreSQL stream_rows: the runner picks by backend)
    # writes them for the profiles and their organisations; the service through save().
    rows = [good_row("440106", 61, name="精密轴承有限公司"), good_row("330106", 62, name="ＡＢＣ 轴承")]
    outcome = run_import(data=xlsx_bytes(rows), file_name="名单.xlsx", scope=ImportScope.national_system())
    assert outcome.ok, outcome.errors
    registered = register(sized, "440305", 63, "南山轴承")
    for e in [*Enterprise.objects.filter(import_batch__isnull=False), registered]:
        e.refresh_from_db()
        assert e.name_grams == name_grams(e.name) != ""
        assert e.organization.name_grams == name_grams(e.organization.name, e.organization.short_name)
    found = enterprises_for(sized.viewer("ministry"), EnterpriseFilters(q="轴承"))
    assert {e.uscc[8:17] for e in found} == {body(61), body(62), body(63)}


def test_migration_0005_rederives_only_the_names_whose_fold_changed(sized: Any) -> None:
    migration = importlib.import_module("dengta.registry.migrations.0005_enterprise_name_grams_index")
    long_s = register(sized, "440106", 71, "ſtar 光电")
    sigma = register(sized, "440106", 72, "ΑΣΑ 贸易")
    plain = register(sized, "440106", 73, "精密轴承")
    # As 0004 left them: folded by str.lower() (ſ kept, Σ at a word's end made ς). The plain row gets a
    # marker that only a needless rewrite would remove.
    Enterprise.objects.filter(pk=long_s.pk).update(name_grams="ſt ta ar 光电")
    Enterprise.objects.filter(pk=sigma.pk).update(name_grams="ασ σα 贸易")
    Enterprise.objects.filter(pk=plain.pk).update(name_grams="untouched")
    migration.refold(apps, SimpleNamespace(connection=connection))
    got = dict(Enterprise.objects.values_list("pk", "name_grams"))
    assert got[long_s.pk] == name_grams("ſtar 光电") and "st" in got[long_s.pk].split()
    assert got[sigma.pk] == name_grams("ΑΣΑ 贸易")
    assert got[plain.pk] == "untouched"
    assert "ſ" in migration.refolded_characters() and "s" not in migration.refolded_characters()


def test_postgresql_reads_the_gin_indexes_for_the_enterprise_search(
    sized: Any, enterprises: dict[int, Any]
) -> None:
    def search(term: str) -> Any:
        return Enterprise.objects.filter(name_search_q(term) | Q(uscc__startswith=term)).order_by()

    if IS_PG:
        # Asserted (see bitmap_plan): the name arm of the OR is a bitmap scan of the bigram
        # GIN index for a two-character term (the query's expression is the index's) and of the trigram
        # index over UPPER(name) for a four-character one, OR-ed with the credit-code index.
        plan = bitmap_plan(search("轴承"))
        assert "registry_enterprise_name_grams_gin" in plan and "BitmapOr" in plan, plan
        assert "~~ '%轴承%'" not in plan, plan  # an enterprise's grams are its name's: no re-check
        plan = bitmap_plan(search("精密轴承"))
        assert "registry_enterprise_name_trgm" in plan and "BitmapOr" in plan, plan
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_enterprise' "
                "AND indexdef LIKE '%%USING gin%%'"
            )
            indexes = dict(cursor.fetchall())
        assert (
            "USING gin (string_to_array(name_grams, ' '::text))"
            in indexes["registry_enterprise_name_grams_gin"]
        )
        assert "USING gin (upper((name)::text) gin_trgm_ops)" in indexes["registry_enterprise_name_trgm"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'registry_enterprise_name_trgm'::regclass AND attnum = 1"
            )
            assert cursor.fetchone()[0] == 1000  # the finer histogram for LIKE estimates
    else:
        assert "string_to_array" not in str(search("轴承").query)


@pytest.mark.parametrize("term", TERMS)
def test_the_queue_of_changes_searches_enterprise_names_as_a_substring(
    sized: Any, enterprises: dict[int, Enterprise], term: str
) -> None:
    """The changes queue's ``q`` runs the same index-backed name search over the changed enterprise."""
    actor = sized.members["ministry"].user
    for enterprise in enterprises.values():
        change = enterprise_change_submit(
            actor=actor, enterprise=enterprise, employees=enterprise.employees + 7
        )
        assert change is not None
    f = ChangeFilters.from_params({"q": term})
    if not f.q:
        return
    code = compact_code(f.q)
    expected = {pk for pk, e in enterprises.items() if upper(f.q) in upper(e.name) or e.uscc.startswith(code)}
    got = set(changes_for(sized.viewer("ministry"), f).values_list("enterprise_id", flat=True))
    assert got == expected


def test_the_provider_region_filter_selects_the_subtree(sized: Any) -> None:
    """By the organisation's stored place codes: a province, a prefecture (深圳, 计划单列市, inside 广东),
    a county, and digits that are no region select nothing."""
    actor = sized.members["ministry"].user
    made = {
        code: provider_register(
            actor=actor, uscc=code_for(code, body(60 + n)), name=f"服务商{n}", region=sized.regions[code]
        )
        for n, code in enumerate(["440106", "440305", "330106", "659001"])
    }
    ministry = sized.viewer("ministry")

    def found(region: str) -> set[str]:
        listed = providers_for(ministry, region=region).filter(pk__in=[p.pk for p in made.values()])
        return {str(p.organization.region_id) for p in listed}

    assert found("440000") == {"440106", "440305"}
    assert found("440300") == {"440305"}
    assert found("330106") == {"330106"}
    assert found("660000") == {"659001"}
    assert found("999999") == set()

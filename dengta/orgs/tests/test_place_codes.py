"""Organisations store their province and prefecture codes (derived from the region's path, as enterprises
do: dengta.core.places), written by every way organisations arrive, and the jurisdiction filter is an
equality on them (dengta.core.access.region_q, coded) that returns the same organisations as before."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from dengta.core.importing.scope import ImportScope
from dengta.orgs.models import Organization
from dengta.registry.importing.runner import run_import
from dengta.registry.tests.conftest import good_row, organization, sized, xlsx_bytes

pytestmark = pytest.mark.django_db
__all__ = ["sized"]  # the registry's fixture: size rules loaded, so imports classify
MIGRATION = "dengta.orgs.migrations.0003_organization_place_codes_and_list_indexes"


def codes(org: Organization) -> tuple[str, str]:
    org.refresh_from_db()
    return org.province_code, org.prefecture_code


def test_save_derives_the_codes_from_the_region_path(regions: dict[str, Any]) -> None:
    tianhe = organization(name="天河某公司", type="enterprise", region=regions["440106"])
    assert codes(tianhe) == ("440000", "440100")
    # 兵团's cities (6590xx) lie under 660000 by path, not under 新疆 (65) by their digits.
    shihezi = organization(name="石河子某公司", type="enterprise", region=regions["659001"])
    assert codes(shihezi) == ("660000", "659001")
    province = organization(name="浙江省工业和信息化厅", type="authority", region=regions["330000"])
    assert codes(province) == ("330000", "")
    national = organization(name="某部委", type="ministry", region=None)
    assert codes(national) == ("", "")
    # A move with update_fields still writes the derived columns.
    tianhe.region = regions["330106"]
    tianhe.save(update_fields=["region", "updated_at"])
    assert codes(tianhe) == ("330000", "330100")


def test_the_bulk_import_writes_the_codes_of_each_organisation(sized: Any) -> None:
    data = xlsx_bytes([good_row("440106", 1), good_row("659001", 2), good_row("330106", 3)])
    outcome = run_import(data=data, file_name="名单.xlsx", scope=ImportScope.national_system())
    assert outcome.rows_imported == 3
    written = {
        org.region_id: (org.province_code, org.prefecture_code)
        for org in Organization.objects.filter(type="enterprise", enterprise__isnull=False)
    }
    assert written == {
        "440106": ("440000", "440100"),
        "659001": ("660000", "659001"),
        "330106": ("330000", "330100"),
    }
    # The organisation's codes are its enterprise's.
    for org in Organization.objects.filter(enterprise__isnull=False).select_related("enterprise"):
        assert (org.province_code, org.prefecture_code) == (
            org.enterprise.province_code,
            org.enterprise.prefecture_code,
        )


def test_the_migration_fills_the_codes_of_existing_organisations(regions: dict[str, Any]) -> None:
    made = [
        organization(name=f"机构{n}", type="enterprise", region=regions[code])
        for n, code in enumerate(["440106", "440305", "659001", "330000"])
    ]
    derived = {org.pk: codes(org) for org in made}
    Organization.objects.update(province_code="", prefecture_code="")
    migration = importlib.import_module(MIGRATION)
    migration.fill_place_codes(apps, connection.schema_editor())
    assert {org.pk: codes(org) for org in made} == derived
    assert derived[made[1].pk] == ("440000", "440300")  # 深圳 (计划单列市) is its own prefecture


def test_jurisdictions_see_the_same_organisations_as_by_region_path(cast: Any) -> None:
    """The coded filter equals the definition: organisations whose region path lies under an included path
    and under no excluded one, plus the viewer's own organisation."""
    for who in cast.members:
        viewer = cast.viewer(who)
        if viewer.sees_all or not viewer.include_paths:
            continue
        expected = {
            org.pk
            for org in Organization.objects.select_related("region")
            if org.pk == viewer.organization_id
            or (
                org.region is not None
                and any(org.region.path.startswith(p) for p in viewer.include_paths)
                and not any(org.region.path.startswith(p) for p in viewer.exclude_paths)
            )
        }
        assert set(Organization.objects.visible_to(viewer).values_list("pk", flat=True)) == expected, who

"""The demo data set: reproducible, plausible, idempotent, one login per role."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from stdnum.cn import uscc

from dengta.assessment.models import Assessment, DiagnosisInvitation, ReportIssue, ReportNumberSequence
from dengta.catalog.models import (
    Admission,
    AdmissionOpinion,
    Complaint,
    GovernanceAction,
    Pool,
    Product,
    ProviderRating,
    ProviderScore,
    QuoteRequest,
)
from dengta.core.events import verify_chain
from dengta.demo.generate import make_uscc, org_code_check
from dengta.demo.services import PILOT_CITIES, parse_scale, seed
from dengta.orgs.models import Membership, Organization
from dengta.reference.loaders import load_all
from dengta.registry.models import Enterprise, EnterpriseChange, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db: Any) -> None:
    load_all()


def test_scale_parsing():
    demo = parse_scale("demo")
    assert (demo.candidates, demo.others, demo.providers) == (6000, 30000, 300)
    small = parse_scale("240")
    assert small.candidates + small.others == 240 and small.candidates == 40 and small.providers == 10
    with pytest.raises(ValueError):
        parse_scale("5")
    with pytest.raises(ValueError):
        parse_scale("many")


def test_generated_codes_validate_and_carry_region():
    import random

    rng = random.Random(1)
    used: set[str] = set()
    codes = [make_uscc(rng, "330203", used) for _ in range(500)]
    assert len(set(codes)) == 500
    for code in codes:
        assert uscc.is_valid(code), code
        assert code[2:8] == "330203"
        assert org_code_check(code[8:16]) == code[16]


def test_seed_builds_a_plausible_reproducible_set(reference: None):
    out: list[str] = []
    run = seed("240", 11, out.append)
    assert run.enterprises == 240 and Enterprise.objects.count() == 240
    assert Provider.objects.count() == 10
    # Every province-level unit (31 + 兵团) has an authority, plus 计划单列市 and pilot cities.
    authorities = Organization.objects.filter(type="authority")
    assert authorities.filter(authority_level="province").count() == 31
    assert authorities.filter(authority_level="xpcc", region_id="660000").exists()
    assert authorities.filter(authority_level="separately_planned").count() == 5
    for code, _level, _divisions in PILOT_CITIES:
        assert authorities.filter(region_id=code).exists(), code
    # Each enterprise's organisation shares its name and region, and its code is valid.
    for ent in Enterprise.objects.select_related("organization", "region"):
        assert ent.organization.region_id == ent.region_id and ent.organization.name == ent.name
        assert uscc.is_valid(ent.uscc)
        assert ent.size_standard_version == "miit-2011-300-v2"
    sizes = Counter(Enterprise.objects.values_list("size_class", flat=True))
    assert sizes["small"] + sizes["micro"] > sizes["medium"] + sizes["large"]
    # Pilot candidates sit in the pilot cities' regions.
    pilot_paths = [f"{c[:2]}0000/" for c, _l, _d in PILOT_CITIES]
    in_pilot = Enterprise.objects.filter(region__path__regex=r"^(" + "|".join(pilot_paths) + ")").count()
    assert in_pilot >= run.enterprises // 6
    assert verify_chain().intact
    first = sorted(Enterprise.objects.values_list("uscc", flat=True))
    ReportIssue.objects.all().delete()  # issued reports protect their assessments
    ReportNumberSequence.objects.all().delete()  # so the same seed gives the same report numbers
    Assessment.objects.all().delete()  # the demo assessments protect their enterprises
    DiagnosisInvitation.objects.all().delete()  # so does demo-enterprise's invitation of demo-provider
    EnterpriseChange.objects.all().delete()  # and demo-enterprise's change awaiting confirmation
    # The demo catalogue protects its enterprises, providers and pools' owners.
    catalogue: tuple[type[Model], ...] = (ProviderRating, Complaint, QuoteRequest, ProviderScore, Product)
    catalogue += (GovernanceAction, AdmissionOpinion, Admission, Pool)
    for model in catalogue:
        model._default_manager.all().delete()
    Enterprise.objects.all().delete()  # the same seed rebuilds the same codes (reproducible)
    Provider.objects.all().delete()
    from dengta.demo.models import DemoRun

    DemoRun.objects.all().delete()
    Membership.objects.all().delete()
    Organization.objects.all().delete()
    seed("240", 11, out.append)
    assert sorted(Enterprise.objects.values_list("uscc", flat=True)) == first


def test_second_run_is_quick_and_changes_nothing(reference: None):
    seed("120", 3, lambda _m: None)
    before = (Enterprise.objects.count(), Organization.objects.count(), Membership.objects.count())
    out = StringIO()
    call_command("seed_demo", "--scale", "120", "--seed", "3", stdout=out)
    assert "already present" in out.getvalue()
    assert (Enterprise.objects.count(), Organization.objects.count(), Membership.objects.count()) == before
    with pytest.raises(CommandError, match="already holds demo data"):
        call_command("seed_demo", "--scale", "240", "--seed", "3", stdout=StringIO())


def test_one_login_per_role(reference: None):
    seed("120", 3, lambda _m: None)
    logins = {
        m.user.username: m
        for m in Membership.objects.select_related("user", "organization").filter(
            user__username__startswith="demo-"
        )
    }
    expected = {
        "demo-ministry": "ministry",
        "demo-finance": "ministry",
        "demo-province": "authority",
        "demo-city": "authority",
        "demo-provider": "provider",
        "demo-enterprise": "enterprise",
        "demo-expert": "expert_pool",
        "demo-auditor": "oversight",
    }
    for username, org_type in expected.items():
        assert username in logins, username
        assert any(
            m.organization.type == org_type for m in Membership.objects.filter(user__username=username)
        )
    assert Membership.objects.filter(user__username="demo-city").count() == 2  # shows the org switcher
    assert "auditor" in Membership.objects.get(user__username="demo-auditor").platform_roles
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "demo-auditor" in out.getvalue() and "dengta-demo-2026" in out.getvalue()
    assert "评审专家（孙国栋）" in out.getvalue()  # each login is a person with a name, shown with its role


def test_demo_enterprise_has_a_change_awaiting_its_city(reference: None):
    seed("120", 3, lambda _m: None)
    change = EnterpriseChange.objects.select_related("enterprise__organization").get()
    assert change.state == "pending" and change.warnings
    assert change.submitted_by is not None and change.submitted_by.username == "demo-enterprise"
    enterprise = change.enterprise
    assert change.revenue is not None and change.revenue == (enterprise.revenue * 25).quantize(Decimal("1"))
    # The official figures are untouched until demo-city confirms.
    assert enterprise.employees != change.employees


def test_refuses_without_reference_data(db: Any):
    with pytest.raises(CommandError, match="load_reference"):
        call_command("seed_demo", "--scale", "120", stdout=StringIO())

"""Registering and updating profiles through the services: rules, computed size, events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dengta.core.events import verify_chain
from dengta.core.models import Event
from dengta.orgs.models import Organization
from dengta.registry.models import Enterprise, Provider
from dengta.registry.services import DuplicateUscc, enterprise_update, provider_register

from .conftest import body, code_for, register

pytestmark = pytest.mark.django_db


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_register_creates_organisation_profile_size_and_events(sized: Any) -> None:
    actor = sized.members["guangzhou"].user
    enterprise = register(
        sized,
        "440106",
        1,
        "  天河（广州）精密零部件有限公司 ",
        actor=actor,
        uscc=" " + full_width(code_for("440106", body(1))).lower() + "　",
        employees="８５",
        revenue_10k_yuan="2100.50",
        assets_10k_yuan="1800",
        tier="专精特新",
        address="广州市天河区",
    )
    enterprise.refresh_from_db()
    assert enterprise.uscc == code_for("440106", body(1))
    assert enterprise.name == "天河（广州）精密零部件有限公司"
    assert enterprise.employees == 85
    assert enterprise.revenue == Decimal("21005000.00")
    assert enterprise.total_assets == Decimal("18000000.00")
    assert enterprise.tier == "specialised"
    # 工信部联企业〔2011〕300号 (industry): 85 staff < 300 for medium; ≥ 20 staff and ≥ 300万元 → small.
    assert enterprise.size_class == "small"
    assert enterprise.is_above_designated_size is True  # 2100.5万元 ≥ 2000万元
    assert enterprise.size_sector == "industry"
    assert enterprise.size_standard_version == "miit-2011-300-v2"
    assert enterprise.size_explanation["summary_zh"]
    org = enterprise.organization
    assert org.type == "enterprise" and org.region_id == "440106" and org.name == enterprise.name
    registered = Event.objects.get(verb="enterprise.registered", target_id=str(enterprise.pk))
    assert registered.actor == actor
    assert registered.organization_id_ref == org.pk
    assert registered.scope_path == "440000/440100/440106/"
    assert registered.payload["size_class"] == "small"
    assert Event.objects.filter(verb="organization.created", organization_id_ref=org.pk).exists()
    assert verify_chain().intact


def test_duplicate_code_is_refused_and_carries_the_existing_profile(sized: Any) -> None:
    first = register(sized, "440106", 1)
    with pytest.raises(DuplicateUscc) as caught:
        register(sized, "440106", 1, "另一家公司")
    assert caught.value.existing == first
    assert "已登记" in caught.value.message_dict["uscc"][0]
    assert Enterprise.objects.count() == 1
    assert Organization.objects.filter(type="enterprise").count() == 2  # the cast's own + the first


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"uscc": "91440106MA00000010"}, "uscc", "最后一位应为"),
        ({"uscc": "9144010"}, "uscc", "18位"),
        ({"region": "330106"}, "region", "不一致"),
        ({"industry": "C36"}, "industry", "小类"),
        ({"employees": -1}, "employees", "负数"),
        ({"employees": 600_000}, "employees", "上限"),
        ({"revenue_10k_yuan": "-5"}, "revenue_10k_yuan", "负数"),
        ({"assets_10k_yuan": "20000000"}, "assets_10k_yuan", "万元"),
        ({"revenue_10k_yuan": "1.1234567"}, "revenue_10k_yuan", "6位小数"),
        ({"tier": "隐形冠军"}, "tier", "创新型"),
        ({"name": "   "}, "name", "名称"),
        # Displayed as "天河精工司公限有" — a name that reads as another (Unicode TR 36).
        ({"name": "天河精工\u202e有限公司"}, "name", "U+202E"),
        ({"name": "天河\u200b精工有限公司"}, "name", "U+200B"),
        ({"name": "\ufeff天河精工有限公司"}, "name", "U+FEFF"),
        ({"name": "天河精工\x07有限公司"}, "name", "U+0007"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_written(
    sized: Any, changes: dict[str, Any], field: str, fragment: str
) -> None:
    if "region" in changes:
        changes["region"] = sized.regions[changes["region"]]
    if "industry" in changes:
        changes["industry"] = sized.industries[changes["industry"]]
    events_before = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        register(sized, "440106", 7, **changes)
    assert fragment in " ".join(caught.value.message_dict[field])
    assert Enterprise.objects.count() == 0
    assert Event.objects.count() == events_before


def test_xpcc_enterprise_registered_under_the_xpcc_unit(sized: Any) -> None:
    enterprise = register(
        sized, "659001", 1, uscc=code_for("659001", body(1)), region=sized.regions["660000"]
    )
    assert enterprise.region_id == "660000"


def test_update_recomputes_size_and_records_changes(sized: Any) -> None:
    enterprise = register(sized, "440106", 1)
    actor = sized.members["guangzhou"].user
    updated = enterprise_update(
        actor=actor,
        enterprise=enterprise,
        employees="350",
        revenue_10k_yuan="2500",
        name="天河精工股份有限公司",
    )
    assert updated.size_class == "medium"  # ≥ 300 staff and ≥ 2000万元
    assert updated.uscc == enterprise.uscc
    assert updated.organization.name == "天河精工股份有限公司"
    event = Event.objects.get(verb="enterprise.updated", target_id=str(enterprise.pk))
    assert event.payload["changes"]["employees"] == [120, 350]
    assert event.payload["changes"]["revenue"] == ["35000000.00", "25000000.00"]
    assert event.payload["size_class"] == "medium"
    assert event.actor == actor


def test_update_without_changes_writes_no_event(sized: Any) -> None:
    enterprise = register(sized, "440106", 1)
    before = Event.objects.count()
    enterprise_update(actor=None, enterprise=enterprise, employees=120, revenue_10k_yuan="3500")
    assert Event.objects.count() == before


def test_update_region_checks_the_code_and_moves_the_organisation(sized: Any) -> None:
    enterprise = register(sized, "440106", 1)
    moved = enterprise_update(actor=None, enterprise=enterprise, region=sized.regions["440100"])
    assert moved.region_id == "440100" and moved.organization.region_id == "440100"
    with pytest.raises(ValidationError) as caught:
        enterprise_update(actor=None, enterprise=enterprise, region=sized.regions["330106"])
    assert "region" in caught.value.message_dict
    assert Enterprise.objects.get(pk=enterprise.pk).region_id == "440100"


def test_update_refuses_bad_numbers_and_keeps_the_profile(sized: Any) -> None:
    enterprise = register(sized, "440106", 1)
    with pytest.raises(ValidationError):
        enterprise_update(actor=None, enterprise=enterprise, employees="-5")
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 120


def test_provider_register_and_duplicate(sized: Any) -> None:
    provider = provider_register(
        actor=sized.members["guangzhou"].user,
        uscc=code_for("440106", body(9)),
        name="广州智改数转服务有限公司",
        region=sized.regions["440106"],
        kind="integrated",
    )
    assert provider.organization.type == "provider"
    assert provider.kind.name == "总包/综合服务商"  # the kinds are data (data/provider-kinds.json)
    assert Event.objects.filter(verb="provider.registered", target_id=str(provider.pk)).exists()
    with pytest.raises(DuplicateUscc) as caught:
        provider_register(
            actor=None, uscc=code_for("440106", body(9)), name="重复", region=sized.regions["440106"]
        )
    assert caught.value.existing == provider
    with pytest.raises(ValidationError) as mismatch:
        provider_register(
            actor=None, uscc=code_for("440106", body(10)), name="错地区", region=sized.regions["330106"]
        )
    assert "region" in mismatch.value.message_dict
    with pytest.raises(ValidationError) as unknown_kind:
        provider_register(
            actor=None,
            uscc=code_for("440106", body(11)),
            name="未知类型",
            region=sized.regions["440106"],
            kind="no-such-kind",
        )
    assert "kind" in unknown_kind.value.message_dict
    assert not Provider.objects.filter(uscc=code_for("440106", body(11))).exists()


def test_names_with_brackets_and_full_width_characters_stay_allowed(sized: Any) -> None:
    enterprise = register(sized, "440106", 8, "广州天河（集团）精工ＡＢ有限公司·二厂")
    assert enterprise.name == "广州天河（集团）精工ＡＢ有限公司·二厂"

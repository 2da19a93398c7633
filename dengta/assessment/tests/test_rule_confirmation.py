"""Level-rule confirmation on the framework page: permission, form, service, and the report footnote that
disappears once the rule version is confirmed; the framework page names its source in plain words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from dengta.assessment import permissions
from dengta.assessment.models import LevelRuleConfirmation
from dengta.assessment.tests.conftest import self_assessment
from dengta.core.access import Viewer

URL_ARGS = ["miit-2024-manufacturing", "2024.1"]
DOCUMENT = {
    "document_title": "关于印发中小企业数字化水平评测指标（2024年版）的通知",
    "document_reference": "工信厅企业〔2024〕56号 附件第 7 页",
    "document_date": "2024-05-20",
}
FOOTNOTE = "等级判定规则（得分与场景门槛）尚待与工信厅企业〔2024〕56号官方文件核实"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("ministry", True),  # ministry admin with programme_staff
        ("guangzhou", False),  # an authority
        ("enterprise", False),
        ("provider", False),
        ("expert", False),
        ("oversight", False),
    ],
)
def test_who_may_confirm(world: Any, who: str, allowed: bool) -> None:
    framework = world.frameworks["miit-2024-manufacturing"]
    assert bool(permissions.can_confirm_level_rule(world.viewer(who), framework)) is allowed


def test_anonymous_and_band_or_dma_versions_may_not_be_confirmed(world: Any) -> None:
    framework = world.frameworks["miit-2024-manufacturing"]
    assert not permissions.can_confirm_level_rule(Viewer(user=AnonymousUser()), framework)
    for code in ("miit-2022", "eu-dma-sme"):
        decision = permissions.can_confirm_level_rule(world.viewer("ministry"), world.frameworks[code])
        assert not decision and decision.reason


def test_confirming_on_the_page_removes_the_footnote_from_reports(world: Any) -> None:
    assessment = self_assessment(world)
    report_url = reverse("assessment:detail", args=[assessment.pk])
    assert FOOTNOTE in world.client("enterprise").get(report_url).content.decode()
    client = world.client("ministry")
    page = client.get(reverse("assessment:framework_detail", args=URL_ARGS)).content.decode()
    assert "记录核实依据" in page
    response = client.post(reverse("assessment:framework_confirm", args=URL_ARGS), DOCUMENT)
    assert response.status_code == 302
    confirmation = LevelRuleConfirmation.objects.get()
    assert confirmation.document_reference == DOCUMENT["document_reference"]
    assert confirmation.confirmed_by == world.members["ministry"].user
    assert FOOTNOTE not in world.client("enterprise").get(report_url).content.decode()
    page = client.get(reverse("assessment:framework_detail", args=URL_ARGS)).content.decode()
    assert 'data-testid="rule-confirmed"' in page and "确认规则已核实" not in page
    # Confirmed once: a second post is a conflict, and nothing more is written.
    assert client.post(reverse("assessment:framework_confirm", args=URL_ARGS), DOCUMENT).status_code == 409
    assert LevelRuleConfirmation.objects.count() == 1


def test_bad_input_is_explained_and_kept(world: Any) -> None:
    client = world.client("ministry")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {**DOCUMENT, "document_date": tomorrow}
    page = client.post(reverse("assessment:framework_confirm", args=URL_ARGS), data).content.decode()
    assert "文件日期不能晚于今天" in page and DOCUMENT["document_reference"] in page
    page = client.post(
        reverse("assessment:framework_confirm", args=URL_ARGS), {**DOCUMENT, "document_title": ""}
    ).content.decode()
    assert "error-summary" in page and DOCUMENT["document_reference"] in page
    assert LevelRuleConfirmation.objects.count() == 0


def test_others_cannot_confirm(world: Any) -> None:
    response = world.client("guangzhou").post(
        reverse("assessment:framework_confirm", args=URL_ARGS), DOCUMENT
    )
    assert response.status_code == 403
    assert LevelRuleConfirmation.objects.count() == 0


def test_the_framework_page_names_the_official_source_and_hides_provenance_in_details(world: Any) -> None:
    page = (
        world.client("enterprise").get(reverse("assessment:framework_detail", args=URL_ARGS)).content.decode()
    )
    assert "工业和信息化部办公厅《中小企业数字化水平评测指标（2024年版）》（工信厅企业〔2024〕56号）" in page
    summary_end = page.index('data-testid="technical-info"')
    assert "Copied verbatim" not in page[:summary_end]
    assert "Copied verbatim" in page[summary_end:]  # behind the 技术信息 toggle
    assert "miit-2024-manufacturing@2024.1" not in page[:summary_end]


def test_english_pages_show_the_english_framework_title(world: Any) -> None:
    assessment = self_assessment(world)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    english = "SME digital level assessment indicators (2024 edition), manufacturing"
    for url in (
        reverse("assessment:framework_list"),
        reverse("assessment:framework_detail", args=URL_ARGS),
        reverse("assessment:detail", args=[assessment.pk]),
        reverse("assessment:detail", args=[self_assessment(world, submit=False).pk]),  # a draft
    ):
        page = client.get(url).content.decode()
        assert english in page, url
        assert "中小企业数字化水平评测指标（2024年版）制造业" not in page, url

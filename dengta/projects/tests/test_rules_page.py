"""A pilot's project rules page: the batch file's defaults shown before any project needs them, a change by
the pilot's own authority with a reason (a new revision whose event keeps the values before and after, filed
projects keeping their version), bad input named and kept with nothing written, and who may read or change
the rules (DOMAIN.md 2.7: the subsidy standard is set locally)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dengta.core.models import Event
from dengta.projects.forms import percent_text
from dengta.projects.models import ProjectRules
from dengta.projects.services import filing
from dengta.projects.tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client(cast: Cast, who: str, english: bool = False) -> Client:
    c = Client()
    c.force_login(cast.user(who))
    if english:
        c.cookies["django_language"] = "en"
    return c


def post_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subsidy_percent": "40",
        "cap_per_enterprise_yuan": "300000",
        "central_percent": "75",
        "eligible_categories": ["software", "cloud"],
        "acceptance_deadline_months": "6",
        "tolerance_yuan": "5",
        "filing_before_contract": "on",
        "one_project_per_enterprise": "on",
        "reason": "市财政局核定2026年度补贴标准",
    }
    data.update(extra)
    return data


def rules_events() -> list[Event]:
    return list(Event.objects.filter(verb__startswith="project_rules.").order_by("seq"))


def test_the_defaults_are_shown_without_being_written(cast: Cast) -> None:
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    page = client(cast, "guangzhou").get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "尚无项目使用" in text and "50%" in text  # the batch file's 50 % of eligible investment
    assert not ProjectRules.objects.exists() and not rules_events()


def test_the_authority_changes_its_rules_with_a_reason(cast: Cast) -> None:
    project = cast.filed()  # split under the defaults: r1
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    response = client(cast, "guangzhou").post(url, post_data())
    assert response.status_code == 302 and response["Location"] == url
    rules = ProjectRules.objects.get(pilot=cast.pilot)
    assert (rules.revision, rules.subsidy_rate, rules.central_share) == (2, Decimal("0.4"), Decimal("0.75"))
    assert rules.eligible_categories == ["software", "cloud"] and rules.acceptance_deadline_months == 6
    changed = rules_events()[-1]
    assert changed.verb == "project_rules.changed" and changed.actor_id == cast.user("guangzhou").pk
    assert changed.payload["reason"] == "市财政局核定2026年度补贴标准"
    assert changed.payload["before"]["subsidy_rate"] == "0.500000"
    assert changed.payload["after"]["subsidy_rate"] == "0.4"
    assert "tolerance_yuan" in changed.payload["after"]
    project.refresh_from_db()
    assert project.rules_version.endswith("/r1")  # a filed project keeps the version it was split with
    page = client(cast, "guangzhou").get(url).content.decode()
    assert "40%" in page and "理由：市财政局核定2026年度补贴标准" in page
    assert "补贴比例（%）：50% → 40%" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subsidy_percent", "120", "100"),
        ("subsidy_percent", "五十", "数"),
        ("central_percent", "-1", "0"),
        ("cap_per_enterprise_yuan", "-5", "0"),
        ("acceptance_deadline_months", "0", "1"),
        ("eligible_categories", [], "请至少选择一个可补贴的产品类别"),
        ("eligible_categories", ["weapons"], "weapons"),
        ("reason", "", "必填"),
    ],
)
def test_bad_input_is_named_and_kept_and_nothing_is_written(
    cast: Cast, field: str, value: Any, message: str
) -> None:
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    page = client(cast, "guangzhou").post(url, post_data(**{field: value, "tolerance_yuan": "7.5"}))
    text = page.content.decode()
    assert page.status_code == 200 and "提交的内容有问题" in text and message in text
    assert 'value="7.5"' in text  # what the person typed stays in the form
    assert not ProjectRules.objects.exists() and not rules_events()


def test_saving_the_same_rules_is_refused_as_no_change(cast: Cast) -> None:
    rules = filing.rules_for(cast.pilot)
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    same = post_data(
        subsidy_percent="50",
        cap_per_enterprise_yuan=str(rules.cap_per_enterprise_yuan),
        central_percent=f"{(rules.central_share * 100).normalize():f}",
        eligible_categories=list(rules.eligible_categories),
        acceptance_deadline_months="3",
        tolerance_yuan="1",
    )
    text = client(cast, "guangzhou").post(url, same).content.decode()
    assert "没有修改任何规则" in text
    assert ProjectRules.objects.get().revision == 1


def test_only_the_pilots_own_authority_changes_the_rules(cast: Cast) -> None:
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    province = client(cast, "guangdong")
    assert province.get(url).status_code == 200  # the province reads its city's rules
    assert "修改规则" not in province.get(url).content.decode()
    refused = province.post(url, post_data())
    assert refused.status_code == 403 and "只有该试点的主管部门可以修改项目规则" in refused.content.decode()
    assert client(cast, "provider").post(url, post_data()).status_code in (403, 404)
    assert client(cast, "zhejiang").get(url).status_code == 404
    assert not ProjectRules.objects.exists()


def test_the_page_reads_in_english(cast: Cast) -> None:
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    client(cast, "guangzhou").post(url, post_data())
    text = client(cast, "guangzhou", english=True).get(url).content.decode()
    assert "Project rules" in text and "Subsidy rate (%)" in text and "50% → 40%" in text
    assert "补贴比例" not in text and "修改理由" not in text
    assert "、" not in text.split("<main", 1)[-1]  # the categories run with English commas


@pytest.mark.parametrize(
    ("share", "text"),
    [("0.800000", "80"), ("0.333333", "33.3333"), ("1.000000", "100"), ("0.000000", "0"), ("0.05", "5")],
)
def test_shares_are_typed_and_read_in_plain_per_cent(share: str, text: str) -> None:
    assert percent_text(Decimal(share)) == text  # never "8E+1", which Decimal.normalize() gives for 80


def test_the_service_refuses_a_change_that_changes_nothing(cast: Cast) -> None:
    """The rule lives in rules_update: values equal to those in force (the categories in any order) are no
    change, refused with nothing written, whoever calls it."""
    rules = filing.rules_for(cast.pilot)
    events = len(rules_events())
    with pytest.raises(ValidationError) as refused:
        filing.rules_update(
            actor=cast.user("guangzhou"),
            rules=rules,
            reason="重复提交",
            subsidy_rate=Decimal("0.500"),
            eligible_categories=list(reversed(rules.eligible_categories)),
        )
    assert "没有修改任何规则" in refused.value.messages[0]
    assert ProjectRules.objects.get().revision == 1 and len(rules_events()) == events


def test_an_unchanged_save_of_the_defaults_stores_nothing(cast: Cast) -> None:
    """The defaults are stored by the first change; a save that changes nothing is refused before they are."""
    defaults = filing.rules_defaults(cast.pilot)
    same = post_data(
        subsidy_percent="50",
        cap_per_enterprise_yuan=str(defaults.cap_per_enterprise_yuan),
        central_percent=percent_text(defaults.central_share),
        eligible_categories=list(defaults.eligible_categories),
        acceptance_deadline_months="3",
        tolerance_yuan="1",
    )
    url = reverse("projects:pilot_rules", args=[cast.pilot.pk])
    text = client(cast, "guangzhou").post(url, same).content.decode()
    assert "没有修改任何规则" in text
    assert not ProjectRules.objects.exists() and not rules_events()

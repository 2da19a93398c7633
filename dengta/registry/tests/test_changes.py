"""Changes an enterprise proposes to its own figures: pending until its authority confirms or rejects them.

The done-when line: a pending size change does not alter eligibility (size class, 规上, the list filters)
until it is confirmed; confirming recomputes them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from dengta.core import tallies
from dengta.core.models import Event
from dengta.core.workflows import TransitionRefused
from dengta.reference.selectors import current_size_rules
from dengta.registry import services
from dengta.registry.models import ChangeState, Enterprise, EnterpriseChange
from dengta.registry.tallies import SIZES, enterprise_figures

from .conftest import Registered, body, code_for


def panel_above(cast: Any, who: str) -> int:
    """The home panel's 规上 figure, counted afresh (the panel reads the per-region tally)."""
    tallies.refresh(SIZES)
    return int(enterprise_figures(cast.viewer(who))["above"])


pytestmark = pytest.mark.django_db
LIST = "/registry/enterprises/"


def submit(cast: Any, enterprise: Enterprise, **values: Any) -> EnterpriseChange | None:
    return services.enterprise_change_submit(
        actor=cast.members["enterprise"].user, enterprise=enterprise, **values
    )


def shrink(cast: Any, registered: Registered) -> EnterpriseChange:
    """15 staff and 1,500 万元: small → micro, 规上 → 规下 (the own enterprise: 80 staff, 3,500 万元)."""
    change = submit(cast, registered.own, employees="15", revenue_10k_yuan="1500")
    assert change is not None
    return change


def listed(cast: Any, who: str, query: str) -> set[int]:
    return {e.pk for e in cast.client(who).get(f"{LIST}?{query}").context["object_list"]}


def change_url(change: EnterpriseChange, step: str = "") -> str:
    name = f"registry:change_{step}" if step else "registry:change_detail"
    return reverse(name, args=[change.pk])


# ------------------------------------------------------------------------------------------- done-when


def test_a_pending_size_change_does_not_alter_eligibility_until_confirmed(
    registered: Registered, cast: Any
) -> None:
    own = registered.own
    change = shrink(cast, registered)
    own.refresh_from_db()
    assert (own.employees, own.revenue, own.size_class, own.is_above_designated_size) == (
        80,
        35_000_000,
        "small",
        True,
    )
    # Lists, filters and the home panel's counts read the confirmed figures only.
    assert own.pk in listed(cast, "ministry", "above=1") and own.pk in listed(
        cast, "ministry", "size_class=small"
    )
    assert own.pk not in listed(cast, "ministry", "above=0")
    assert own.pk not in listed(cast, "ministry", "size_class=micro")
    assert panel_above(cast, "guangzhou") == 2  # 天河精工 and the own enterprise

    services.enterprise_change_confirm(actor=cast.members["guangzhou"].user, change=change)
    own.refresh_from_db()
    assert (own.employees, own.revenue, own.size_class, own.is_above_designated_size) == (
        15,
        15_000_000,
        "micro",
        False,
    )
    assert own.size_standard_version == current_size_rules().version  # the standard confirming used
    assert own.pk in listed(cast, "ministry", "above=0") and own.pk in listed(
        cast, "ministry", "size_class=micro"
    )
    assert own.pk not in listed(cast, "ministry", "above=1")
    assert panel_above(cast, "guangzhou") == 1


def test_each_step_writes_an_event_with_previous_and_new_values(registered: Registered, cast: Any) -> None:
    change = shrink(cast, registered)
    submitted = Event.objects.get(verb="enterprise_change.submitted", target_id=str(change.pk))
    assert submitted.actor == cast.members["enterprise"].user
    assert submitted.organization_id_ref == registered.own.organization_id
    assert submitted.payload["proposed"] == {"employees": 15, "revenue": "15000000.00"}
    assert submitted.payload["previous"] == {"employees": 80, "revenue": "35000000.00"}

    services.enterprise_change_confirm(actor=cast.members["ministry"].user, change=change)
    confirmed = Event.objects.get(verb="enterprise_change.confirmed", target_id=str(change.pk))
    assert confirmed.actor == cast.members["ministry"].user
    assert confirmed.payload["changes"]["employees"] == [80, 15]
    assert confirmed.payload["size_class"] == ["small", "micro"]
    assert confirmed.payload["above_designated_size"] == [True, False]

    second = submit(cast, registered.own, employees="25")
    assert second is not None
    services.enterprise_change_reject(
        actor=cast.members["guangdong"].user, change=second, reason="请附社保缴纳人数证明"
    )
    rejected = Event.objects.get(verb="enterprise_change.rejected", target_id=str(second.pk))
    assert rejected.payload["reason"] == "请附社保缴纳人数证明" and rejected.payload["from"] == "pending"


# ----------------------------------------------------------------------------------- one pending at a time


def test_a_newer_submission_replaces_the_pending_one(registered: Registered, cast: Any) -> None:
    first = shrink(cast, registered)
    second = submit(cast, registered.own, assets_10k_yuan="2100")
    assert second is not None and second.pk != first.pk
    first.refresh_from_db()
    assert first.state == ChangeState.SUPERSEDED
    # The newer change keeps what was still wanted from the one it replaces.
    assert (second.employees, second.revenue, second.total_assets) == (15, 15_000_000, 21_000_000)
    assert Event.objects.filter(verb="enterprise_change.superseded", target_id=str(first.pk)).exists()
    assert Event.objects.get(verb="enterprise_change.submitted", target_id=str(second.pk)).payload[
        "replaces"
    ] == (first.pk)
    # The same proposal again changes nothing; going back to the confirmed values withdraws it.
    assert submit(cast, registered.own, assets_10k_yuan="2100") == second
    assert (
        submit(cast, registered.own, employees="80", revenue_10k_yuan="3500", assets_10k_yuan="2000") is None
    )
    second.refresh_from_db()
    assert second.state == ChangeState.SUPERSEDED
    assert not EnterpriseChange.objects.filter(state=ChangeState.PENDING).exists()


def test_the_database_refuses_a_second_pending_change(registered: Registered, cast: Any) -> None:
    first = shrink(cast, registered)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseChange.objects.create(
            enterprise=registered.own,
            employees=5,
            submitted_by=first.submitted_by,
            submitted_at=first.submitted_at,
        )


# --------------------------------------------------------------------------------- warnings and refusals


def test_implausible_figures_need_the_person_to_say_they_checked_them(
    registered: Registered, cast: Any
) -> None:
    with pytest.raises(services.FiguresUnchecked) as caught:
        submit(cast, registered.own, employees="100000", revenue_10k_yuan="0.000001")
    assert {w.code for w in caught.value.warnings} == {
        "employees_beyond_sme",
        "revenue_per_employee_low",
        "employees_jump",
        "revenue_jump",
    }
    assert not EnterpriseChange.objects.exists()
    change = submit(
        cast, registered.own, employees="100000", revenue_10k_yuan="0.000001", figures_checked=True
    )
    assert change is not None and change.figures_checked
    assert {w["code"] for w in change.warnings} == {w.code for w in caught.value.warnings}
    registered.own.refresh_from_db()
    assert registered.own.employees == 80  # still only proposed


def test_a_tenfold_jump_is_a_warning_not_a_refusal(registered: Registered, cast: Any) -> None:
    with pytest.raises(services.FiguresUnchecked) as caught:
        submit(cast, registered.own, employees="800")
    assert [w.code for w in caught.value.warnings] == ["employees_jump"]
    assert submit(cast, registered.own, employees="800", figures_checked=True) is not None


def test_hard_limits_still_refuse(registered: Registered, cast: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(cast, registered.own, employees="-1", figures_checked=True)
    assert "employees" in caught.value.message_dict
    assert not EnterpriseChange.objects.exists()


def test_reject_needs_a_reason_and_nothing_changes(registered: Registered, cast: Any) -> None:
    change = shrink(cast, registered)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as caught:
            services.enterprise_change_reject(
                actor=cast.members["guangzhou"].user, change=change, reason=blank
            )
        assert "reason" in caught.value.message_dict
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING
    decided = services.enterprise_change_reject(
        actor=cast.members["guangzhou"].user, change=change, reason="营业收入与去年报表不符"
    )
    registered.own.refresh_from_db()
    assert decided.state == ChangeState.REJECTED and decided.decided_by == cast.members["guangzhou"].user
    assert registered.own.size_class == "small" and registered.own.employees == 80
    with pytest.raises(TransitionRefused):
        services.enterprise_change_confirm(actor=cast.members["guangzhou"].user, change=decided)


def test_an_authority_edit_applies_at_once_and_records_the_previous_values(
    registered: Registered, cast: Any
) -> None:
    services.enterprise_update(
        actor=cast.members["guangzhou"].user,
        enterprise=registered.own,
        employees="15",
        revenue_10k_yuan="1500",
    )
    own = Enterprise.objects.get(pk=registered.own.pk)
    assert own.size_class == "micro" and not own.is_above_designated_size
    event = Event.objects.get(verb="enterprise.updated", target_id=str(own.pk))
    assert event.payload["changes"]["employees"] == [80, 15]
    assert not EnterpriseChange.objects.exists()
    with pytest.raises(services.FiguresUnchecked):
        services.enterprise_update(actor=cast.members["guangzhou"].user, enterprise=own, employees="1500")


# ------------------------------------------------------------------------------------------------ pages


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "天河精密零部件有限公司",
        "address": "广州市天河区",
        "industry": "C3670",
        "employees": "80",
        "revenue_10k_yuan": "3500",
        "assets_10k_yuan": "2000",
        "tier": "",
    }
    data.update(overrides)
    return data


def test_the_form_keeps_input_and_shows_warnings_until_checked(registered: Registered, cast: Any) -> None:
    client = cast.client("enterprise")
    url = reverse("registry:enterprise_edit", args=[registered.own.pk])
    page = client.get(url).content.decode()
    assert "须经所在地主管部门确认才生效" in page
    response = client.post(url, form_data(employees="100000", revenue_10k_yuan="0.000001"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plausibility-warnings"' in html and "比任何中小企业都多一个数量级" in html
    assert "人均营业收入 &lt; 0.01 万元" in html
    assert 'value="100000"' in html and 'value="0.000001"' in html  # input kept
    assert 'name="figures_checked"' in html and 'id="error-summary"' in html
    assert not EnterpriseChange.objects.exists()

    response = client.post(
        url, form_data(employees="100000", revenue_10k_yuan="0.000001", figures_checked="on")
    )
    assert response.status_code == 302
    change = EnterpriseChange.objects.get()
    assert change.figures_checked and len(change.warnings) == 4
    own = cast.client("enterprise").get(reverse("registry:my_enterprise")).content.decode()
    assert "待确认的信息变更" in own and "100,000" in own and "比任何中小企业都多一个数量级" in own
    # Editing again starts from what was proposed, not from the confirmed figures.
    assert 'value="100000"' in client.get(url).content.decode()


def test_the_authority_reviews_side_by_side_and_confirms(registered: Registered, cast: Any) -> None:
    user = cast.members["enterprise"].user
    user.display_name = "王小明"
    user.save()
    change = shrink(cast, registered)
    client = cast.client("guangzhou")
    home = client.get(reverse("core:home")).content.decode()
    assert "待确认的企业信息变更" in home and "打开确认队列" in home
    queue = client.get(reverse("registry:change_list"))
    assert [c.pk for c in queue.context["object_list"]] == [change.pk]
    assert "王小明" in queue.content.decode() and "从业人员、营业收入" in queue.content.decode()

    page = client.get(change_url(change))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["can_review"]
    rows = {row["label"]: (row["current"], row["proposed"], row["changed"]) for row in page.context["rows"]}
    assert rows["从业人员（人）"] == ("80", "15", True)
    assert rows["营业收入（万元）"] == ("3,500.00", "1,500.00", True)
    assert rows["企业规模"] == ("小型", "微型", True) and rows["规上企业"] == ("规上", "规下", True)
    assert rows["资产总额（万元）"][2] is False
    assert "王小明" in html and "确认变更" in html and "退回" in html

    response = client.post(change_url(change, "confirm"))
    assert response.status_code == 302
    registered.own.refresh_from_db()
    assert registered.own.size_class == "micro"
    assert client.post(change_url(change, "confirm")).status_code == 409  # decided already
    assert not client.get(reverse("registry:change_list")).context["object_list"]
    timeline = cast.client("enterprise").get(reverse("registry:my_enterprise")).content.decode()
    assert "企业信息变更已确认" in timeline and "企业信息变更已提交" in timeline and "王小明" in timeline
    assert "enterprise_change." not in timeline


def test_rejecting_on_the_page_needs_a_reason_the_enterprise_then_sees(
    registered: Registered, cast: Any
) -> None:
    change = shrink(cast, registered)
    client = cast.client("guangdong")
    response = client.post(change_url(change, "reject"), {"reason": "  "})
    assert response.status_code == 200 and "退回时必须填写理由" in response.content.decode()
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING
    assert client.post(change_url(change, "reject"), {"reason": "从业人员与社保人数不符"}).status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeState.REJECTED
    own = cast.client("enterprise").get(reverse("registry:my_enterprise")).content.decode()
    assert "退回了本企业提交的信息变更" in own and "从业人员与社保人数不符" in own


@pytest.mark.parametrize("who", ["zhejiang", "shenzhen", "xpcc", "provider", "expert"])
def test_outsiders_get_404_and_cannot_decide(registered: Registered, cast: Any, who: str) -> None:
    change = shrink(cast, registered)
    client = cast.client(who)
    assert client.get(change_url(change)).status_code == 404
    assert client.post(change_url(change, "confirm")).status_code == 404
    assert client.post(change_url(change, "reject"), {"reason": "x"}).status_code == 404
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


def test_who_may_see_but_not_decide(registered: Registered, cast: Any) -> None:
    change = shrink(cast, registered)
    # The auditor in the jurisdiction reads, and is refused the decision with a reason (403).
    auditor = cast.client("oversight")
    assert auditor.get(change_url(change)).status_code == 200
    assert auditor.post(change_url(change, "confirm")).status_code == 403
    # The enterprise sees its change and cannot confirm it itself.
    own = cast.client("enterprise")
    page = own.get(change_url(change))
    assert page.status_code == 200 and not page.context["can_review"]
    assert own.post(change_url(change, "confirm")).status_code == 403
    # It lists its own changes (and nobody else's).
    assert [c.pk for c in own.get(reverse("registry:change_list")).context["object_list"]] == [change.pk]
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


def test_another_enterprise_cannot_see_the_change(registered: Registered, cast: Any) -> None:
    from .conftest import member

    change = shrink(cast, registered)
    other = registered.tianhe  # a second enterprise in the same district
    colleague = member(other.organization, "tianhe-staff")
    from django.test import Client

    client = Client()
    client.force_login(colleague.user)
    assert client.get(change_url(change)).status_code == 404
    assert client.post(change_url(change, "confirm")).status_code == 404
    assert not client.get(reverse("registry:change_list")).context["object_list"]


def test_queue_filters(registered: Registered, cast: Any) -> None:
    change = shrink(cast, registered)
    other = services.enterprise_change_submit(
        actor=cast.members["ministry"].user,
        enterprise=registered.xihu,
        employees="130",
    )
    assert other is not None
    client = cast.client("ministry")

    def pks(query: str) -> set[int]:
        return {c.pk for c in client.get(f"{reverse('registry:change_list')}?{query}").context["object_list"]}

    assert pks("") == {change.pk, other.pk}
    assert pks("region=330000") == {other.pk}
    assert pks("q=西湖") == {other.pk}
    assert pks("state=rejected") == set()
    services.enterprise_change_reject(actor=cast.members["ministry"].user, change=other, reason="重复申报")
    assert pks("state=rejected") == {other.pk} and pks("") == {change.pk}
    assert pks("state=") == {change.pk, other.pk}
    assert cast.client("guangzhou").get(reverse("registry:change_list")).context["object_list"][0] == change


def test_registering_is_unchanged_and_needs_no_review(sized: Any) -> None:
    data = {
        "uscc": code_for("440106", body(40)),
        "name": "新登记有限公司",
        "region": "440106",
        "industry": "C3670",
        "employees": "30",
        "revenue_10k_yuan": "500",
        "assets_10k_yuan": "400",
        "tier": "",
    }
    assert sized.client("guangzhou").post(reverse("registry:enterprise_register"), data).status_code == 302
    assert Enterprise.objects.get(uscc=data["uscc"]).size_class == "small"
    assert not EnterpriseChange.objects.exists()


def test_registering_implausible_figures_shows_warnings_until_checked(sized: Any) -> None:
    data = {
        "uscc": code_for("440106", body(41)),
        "name": "人多钱少有限公司",
        "region": "440106",
        "industry": "C3670",
        "employees": "5000",
        "revenue_10k_yuan": "100",
        "assets_10k_yuan": "400",
        "tier": "",
    }
    client = sized.client("guangzhou")
    response = client.post(reverse("registry:enterprise_register"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "人均营业收入 0.02 万元" in html and 'value="5000"' in html
    assert not Enterprise.objects.filter(uscc=data["uscc"]).exists()
    response = client.post(reverse("registry:enterprise_register"), {**data, "figures_checked": "on"})
    assert response.status_code == 302
    registered = Enterprise.objects.get(uscc=data["uscc"])
    event = Event.objects.get(verb="enterprise.registered", target_id=str(registered.pk))
    assert event.payload["warnings"] == ["revenue_per_employee_low"]


def test_the_enterprise_is_told_the_decision_in_its_inbox(registered: Registered, cast: Any) -> None:
    from dengta.core.models import Notification

    first = shrink(cast, registered)
    services.enterprise_change_confirm(actor=cast.members["guangzhou"].user, change=first)
    second = submit(cast, registered.own, employees="16")
    assert second is not None
    services.enterprise_change_reject(actor=cast.members["guangzhou"].user, change=second, reason="请附证明")
    inbox = Notification.objects.for_viewer(cast.viewer("enterprise")).order_by("created_at", "pk")
    assert [n.verb for n in inbox] == ["enterprise_change.confirmed", "enterprise_change.rejected"]
    assert inbox[1].text == "主管部门退回了本企业提交的信息变更，理由：请附证明"
    assert inbox[1].url == change_url(second)


def test_the_nearest_authority_is_told_of_a_change_in_its_inbox(registered: Registered, cast: Any) -> None:
    """天河区's enterprise: 广州市 is its nearest authority in the cast (no district one), not 广东省."""
    from dengta.core.models import Notification

    change = shrink(cast, registered)
    city = list(Notification.objects.for_viewer(cast.viewer("guangzhou")))
    assert [(n.verb, n.url) for n in city] == [("enterprise_change.submitted", change_url(change))]
    assert registered.own.name in city[0].text
    assert not Notification.objects.for_viewer(cast.viewer("guangdong")).exists()
    assert services.reviewing_authority(registered.own) == cast.orgs["guangzhou"]


# ------------------------------------------------------------------------------------- permission rules


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("guangzhou", "allowed"),  # the city covering 天河
        ("guangdong", "allowed"),  # the province covering it
        ("ministry", "allowed"),  # ministry programme staff
        ("oversight", "forbidden"),  # sees it, decides nothing
        ("enterprise", "forbidden"),  # cannot confirm its own declaration
        ("zhejiang", "not_found"),  # another authority
        ("shenzhen", "not_found"),  # a 计划单列市 beside 广州
        ("xpcc", "not_found"),
        ("provider", "not_found"),
        ("expert", "not_found"),
    ],
)
def test_who_may_review_row_by_row(registered: Registered, cast: Any, who: str, outcome: str) -> None:
    from dengta.registry.permissions import can_review_enterprise_change

    change = shrink(cast, registered)
    decision = can_review_enterprise_change(cast.viewer(who), change)
    assert (decision.allowed, decision.kind) == (outcome == "allowed", outcome)
    assert decision.reason


def test_review_rules_for_the_anonymous_and_after_a_decision(registered: Registered, cast: Any) -> None:
    from dengta.core.access import ANONYMOUS
    from dengta.registry.permissions import can_review_enterprise_change, can_submit_enterprise_change

    change = shrink(cast, registered)
    assert not can_review_enterprise_change(ANONYMOUS, change)
    assert not can_submit_enterprise_change(ANONYMOUS, registered.own)
    services.enterprise_change_reject(actor=cast.members["guangzhou"].user, change=change, reason="不符")
    change.refresh_from_db()
    assert can_review_enterprise_change(cast.viewer("guangzhou"), change).kind == "conflict"


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("enterprise", "allowed"),
        ("guangzhou", "forbidden"),  # authorities edit directly instead
        ("zhejiang", "not_found"),
        ("provider", "not_found"),
    ],
)
def test_who_submits_changes_row_by_row(registered: Registered, cast: Any, who: str, outcome: str) -> None:
    from dengta.registry.permissions import can_submit_enterprise_change

    decision = can_submit_enterprise_change(cast.viewer(who), registered.own)
    assert (decision.allowed, decision.kind) == (outcome == "allowed", outcome)

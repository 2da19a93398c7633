"""Who may do what with assessments, row by row (ARCHITECTURE.md convention 5), and which rows each kind of
organisation sees (``Assessment.objects.visible_to``).

People (see the root conftest for the cast): the enterprise's admin (owner) and a read-only member, another
enterprise (天河精工's own organisation), authorities inside and outside the jurisdiction — 广东 does not
cover 深圳 (计划单列市), 深圳 does — the ministry, a provider and another provider, the assigned expert and a
colleague in the same expert pool who is not assigned, oversight (广东, read-only), and anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from dengta.assessment import permissions
from dengta.assessment.invitations import invitation_accept, invitation_request, invitation_withdraw
from dengta.assessment.models import Assessment, DiagnosisInvitation, InvitationState, Kind, Phase
from dengta.assessment.services import (
    assessment_assign_onsite,
    assessment_correct,
    assessment_save_answers,
    assessment_start,
    assessment_submit,
    historical_record,
)
from dengta.core.access import ANONYMOUS, Viewer
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry.tests.conftest import member, organization

from .conftest import LEVEL2_CHOICES, declare, invite, scenarios_at, self_assessment

PEOPLE = (
    "owner",
    "owner_viewer",
    "other_enterprise",
    "ministry",
    "guangdong",
    "guangzhou",
    "guangzhou_viewer",
    "shenzhen",
    "zhejiang",
    "xpcc",
    "provider",
    "provider_viewer",
    "other_provider",
    "expert",
    "expert_other",
    "oversight",
    "anonymous",
)


@dataclass
class World:
    cast: Any
    viewers: dict[str, Viewer]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cast, name)


@pytest.fixture
def people(world: Any) -> World:
    extra = {
        "owner_viewer": member(world.orgs["enterprise"], "owner_viewer", "viewer"),
        "other_enterprise": member(world.registered.tianhe.organization, "tianhe_admin", "admin"),
        "guangzhou_viewer": member(world.orgs["guangzhou"], "gz_viewer", "viewer"),
        "provider_viewer": member(world.orgs["provider"], "provider_viewer", "viewer"),
        "other_provider": member(
            organization(name="深圳数改服务有限公司", type="provider"), "prov2", "admin"
        ),
        "expert_other": member(world.orgs["expert"], "expert_other", "staff"),
    }
    viewers: dict[str, Viewer] = {"anonymous": ANONYMOUS, "owner": world.viewer("enterprise")}
    for who in PEOPLE:
        if who in extra:
            viewers[who] = viewer_for_membership(extra[who])
        elif who not in viewers:
            viewers[who] = world.viewer(who)
    return World(world, viewers)


def allowed_for(people: World, rule: Callable[[Viewer], Any]) -> set[str]:
    return {who for who in PEOPLE if rule(people.viewers[who])}


def allowed_on(people: World, rule: Callable[[Viewer, Any], Any], assessment: Any) -> set[str]:
    return {who for who in PEOPLE if rule(people.viewers[who], assessment)}


def check_reasons(people: World, rule: Callable[[Viewer], Any]) -> None:
    """Every decision, allowed or not, says why."""
    for who in PEOPLE:
        assert rule(people.viewers[who]).reason, who


# --------------------------------------------------------------------------------------- assessments used


def diagnosis(people: World, enterprise: Any = None, submit: bool = False) -> Assessment:
    actor = people.members["provider"].user
    invite(people, enterprise or people.registered.own)
    assessment = assessment_start(
        actor=actor,
        enterprise=enterprise or people.registered.own,
        kind=Kind.PROVIDER,
        author_organization=people.orgs["provider"],
    )
    if submit:
        assessment_save_answers(
            actor=actor, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
        )
        assessment = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    return assessment


def onsite(
    people: World, enterprise: Any = None, *, declared: bool = True, submit: bool = False
) -> Assessment:
    assessment = assessment_assign_onsite(
        actor=people.members["guangzhou"].user,
        enterprise=enterprise or people.registered.own,
        expert=people.members["expert"].user,
        expert_organization=people.orgs["expert"],
        phase=Phase.T1,
    )
    if declared:
        assessment = declare(people.cast, assessment)
    if submit:
        actor = people.members["expert"].user
        assessment_save_answers(
            actor=actor, assessment=assessment, choices=LEVEL2_CHOICES, scenarios=scenarios_at(2)
        )
        assessment = assessment_submit(actor=actor, assessment=assessment, pledge=True)
    return assessment


def historical(people: World, enterprise: Any) -> Assessment:
    return historical_record(
        actor=people.members["ministry"].user,
        enterprise=enterprise,
        framework=people.frameworks["miit-2022"],
        total=Decimal("52.5"),
        assessed_on=date(2023, 6, 30),
    )


# ------------------------------------------------------------------------------------------------ starting


def test_start_self_assessment(people: World) -> None:
    own = people.registered.own
    assert allowed_for(people, lambda v: permissions.can_start_self(v, own)) == {"owner"}
    assert allowed_for(people, lambda v: permissions.can_start_self(v, people.registered.tianhe)) == {
        "other_enterprise"
    }
    reasons = {
        "owner_viewer": "只读角色不能填报",
        "other_enterprise": "企业自评只能由本企业填报",
        "guangzhou": "企业自评只能由本企业填报",
        "anonymous": "未登录",
    }
    for who, reason in reasons.items():
        assert permissions.can_start_self(people.viewers[who], own).reason == reason
    check_reasons(people, lambda v: permissions.can_start_self(v, own))


def test_start_diagnosis(people: World) -> None:
    assert allowed_for(people, permissions.can_start_diagnosis) == {"provider", "other_provider"}
    check_reasons(people, permissions.can_start_diagnosis)


# Staff (admin or staff role) of authorities, and ministry programme staff, within their jurisdiction.
ONSITE_ROWS = [
    ("own", {"ministry", "guangdong", "guangzhou"}),  # 广州天河
    ("tianhe", {"ministry", "guangdong", "guangzhou"}),
    ("nanshan", {"ministry", "shenzhen"}),  # 深圳南山: 计划单列市, outside 广东's jurisdiction
    ("xihu", {"ministry", "zhejiang"}),
    ("shihezi", {"ministry", "xpcc"}),
]


@pytest.mark.parametrize(("enterprise", "expected"), ONSITE_ROWS)
def test_assign_onsite_by_jurisdiction(people: World, enterprise: str, expected: set[str]) -> None:
    target = getattr(people.registered, enterprise)
    assert allowed_for(people, lambda v: permissions.can_assign_onsite(v, target)) == expected
    check_reasons(people, lambda v: permissions.can_assign_onsite(v, target))


def test_assign_onsite_reasons(people: World) -> None:
    v, nanshan = people.viewers, people.registered.nanshan
    assert permissions.can_assign_onsite(v["guangdong"], nanshan).reason == "该企业不在辖区范围内"
    assert permissions.can_assign_onsite(v["shenzhen"], nanshan).reason == "可以安排现场评定"
    for who in ("guangzhou_viewer", "oversight", "provider", "owner", "expert"):
        assert "只有主管部门" in permissions.can_assign_onsite(v[who], nanshan).reason


def test_ministry_needs_programme_staff_to_assign(people: World) -> None:
    plain = member(people.orgs["ministry"], "ministry_plain", "staff")
    viewer = viewer_for_membership(plain)
    assert not permissions.can_assign_onsite(viewer, people.registered.own)
    assert not permissions.can_import_history(viewer)


def test_import_history(people: World) -> None:
    assert allowed_for(people, permissions.can_import_history) == {
        "ministry",
        "guangdong",
        "guangzhou",
        "shenzhen",
        "zhejiang",
        "xpcc",
    }
    check_reasons(people, permissions.can_import_history)


# ------------------------------------------------------------------------------------------------ editing


def test_edit_self_assessment(people: World) -> None:
    draft = self_assessment(people.cast, submit=False)
    assert allowed_for(people, lambda v: permissions.can_edit(v, draft)) == {"owner"}
    assert allowed_for(people, lambda v: permissions.can_submit(v, draft)) == {"owner"}
    assert allowed_for(people, lambda v: permissions.can_add_evidence(v, draft)) == {"owner"}
    assert permissions.can_edit(people.viewers["owner_viewer"], draft).reason == "只有填报方可以填写此评测"
    check_reasons(people, lambda v: permissions.can_edit(v, draft))


def test_nobody_edits_a_scored_assessment(people: World) -> None:
    scored = self_assessment(people.cast)
    for rule in (permissions.can_edit, permissions.can_submit, permissions.can_add_evidence):
        assert allowed_on(people, rule, scored) == set()
    assert permissions.can_edit(people.viewers["owner"], scored).reason.startswith("评测已提交")


def test_edit_provider_diagnosis(people: World) -> None:
    draft = diagnosis(people)
    assert allowed_for(people, lambda v: permissions.can_edit(v, draft)) == {"provider"}
    check_reasons(people, lambda v: permissions.can_edit(v, draft))


def test_edit_onsite_only_by_the_assigned_expert_after_declaring(people: World) -> None:
    undeclared = onsite(people, declared=False)
    assert allowed_for(people, lambda v: permissions.can_edit(v, undeclared)) == set()
    assert permissions.can_edit(people.viewers["expert"], undeclared).reason == "请先声明无利益冲突"
    declared = onsite(people)
    assert allowed_for(people, lambda v: permissions.can_edit(v, declared)) == {"expert"}
    assert allowed_for(people, lambda v: permissions.can_add_evidence(v, declared)) == {"expert"}


def test_declare_conflict_of_interest(people: World) -> None:
    undeclared = onsite(people, declared=False)
    assert allowed_for(people, lambda v: permissions.can_declare_coi(v, undeclared)) == {"expert"}
    check_reasons(people, lambda v: permissions.can_declare_coi(v, undeclared))
    declared = declare(people.cast, undeclared)
    assert allowed_for(people, lambda v: permissions.can_declare_coi(v, declared)) == set()
    assert permissions.can_declare_coi(people.viewers["expert"], declared).reason == "已声明"
    draft = self_assessment(people.cast, submit=False)
    assert permissions.can_declare_coi(people.viewers["expert"], draft).reason == "无需声明"


def test_sign_off(people: World) -> None:
    draft = onsite(people)
    assert allowed_for(people, lambda v: permissions.can_sign_off(v, draft)) == set()
    scored = onsite(people, submit=True)
    assert allowed_for(people, lambda v: permissions.can_sign_off(v, scored)) == {"expert"}
    check_reasons(people, lambda v: permissions.can_sign_off(v, scored))


# ----------------------------------------------------------------------------------------------- correcting


def test_correct_self_assessment(people: World) -> None:
    scored = self_assessment(people.cast)
    assert allowed_for(people, lambda v: permissions.can_correct(v, scored)) == {"owner"}
    check_reasons(people, lambda v: permissions.can_correct(v, scored))
    assessment_correct(actor=people.members["enterprise"].user, assessment=scored)
    assert allowed_for(people, lambda v: permissions.can_correct(v, scored)) == set()
    assert permissions.can_correct(people.viewers["owner"], scored).reason == "此评测已有更正"


def test_correct_provider_diagnosis(people: World) -> None:
    scored = diagnosis(people, submit=True)
    assert allowed_for(people, lambda v: permissions.can_correct(v, scored)) == {"provider"}


def test_onsite_is_corrected_by_the_authority_that_arranges_it(people: World) -> None:
    scored = onsite(people, submit=True)
    assert allowed_for(people, lambda v: permissions.can_correct(v, scored)) == {
        "ministry",
        "guangdong",
        "guangzhou",
    }


def test_drafts_and_historical_results_are_not_corrected(people: World) -> None:
    draft = self_assessment(people.cast, submit=False)
    past = historical(people, people.registered.own)
    for assessment in (draft, past):
        assert allowed_on(people, permissions.can_correct, assessment) == set()
        assert (
            permissions.can_correct(people.viewers["owner"], assessment).reason == "只有已评分的评测可以更正"
        )


# ------------------------------------------------------------------------------------------------ visibility


@pytest.fixture
def rows(people: World) -> dict[str, Assessment]:
    r = people.registered
    return {
        "own_self": self_assessment(people.cast),
        "own_self_draft": self_assessment(people.cast, submit=False),
        "own_onsite_draft": onsite(people),
        "own_onsite_scored": onsite(people, submit=True),
        "own_diagnosis": diagnosis(people),
        "nanshan_diagnosis": diagnosis(people, r.nanshan),
        "nanshan_history": historical(people, r.nanshan),
        "tianhe_history": historical(people, r.tianhe),
        "xihu_history": historical(people, r.xihu),
        "shihezi_history": historical(people, r.shihezi),
    }


# Staff do not see an enterprise's or provider's unfinished drafts (own_self_draft and both diagnoses are
# drafts); on-site drafts are their own arrangements and stay visible.
DRAFTS = {"own_self_draft", "own_diagnosis", "nanshan_diagnosis"}
GUANGDONG_ROWS = {
    "own_self",
    "own_onsite_draft",
    "own_onsite_scored",
    "tianhe_history",
}
VISIBLE = [
    # An enterprise sees its own, but an on-site assessment only once its expert has scored it.
    ("owner", {"own_self", "own_self_draft", "own_onsite_scored", "own_diagnosis"}),
    ("owner_viewer", {"own_self", "own_self_draft", "own_onsite_scored", "own_diagnosis"}),
    ("other_enterprise", {"tianhe_history"}),
    ("ministry", "all but drafts"),
    ("guangdong", GUANGDONG_ROWS),  # not 深圳 (计划单列市)
    ("guangzhou", GUANGDONG_ROWS),
    ("guangzhou_viewer", GUANGDONG_ROWS),
    ("shenzhen", {"nanshan_history"}),
    ("zhejiang", {"xihu_history"}),
    ("xpcc", {"shihezi_history"}),
    ("provider", {"own_diagnosis", "nanshan_diagnosis"}),  # what it wrote
    ("provider_viewer", {"own_diagnosis", "nanshan_diagnosis"}),
    ("other_provider", set()),
    # Its assignments, and the final results of the enterprises it is assigned to (the T0 baseline).
    ("expert", {"own_onsite_draft", "own_onsite_scored", "own_self"}),
    ("expert_other", set()),
    ("oversight", GUANGDONG_ROWS),  # bound to 广东
    ("anonymous", set()),
]


@pytest.mark.parametrize(("who", "expected"), VISIBLE)
def test_visible_to(people: World, rows: dict[str, Assessment], who: str, expected: Any) -> None:
    names = {a.pk: name for name, a in rows.items()}
    visible = {
        names[pk] for pk in Assessment.objects.visible_to(people.viewers[who]).values_list("pk", flat=True)
    }
    assert visible == (set(rows) - DRAFTS if expected == "all but drafts" else expected)


def test_xinjiang_does_not_see_the_corps(people: World, rows: dict[str, Assessment]) -> None:
    # 石河子 belongs to the 兵团 (新疆生产建设兵团), a reporting unit of its own, not to 新疆维吾尔自治区.
    assert not Assessment.objects.visible_to(people.cast.viewer("xinjiang")).exists()


def test_an_expert_assigned_in_another_pool_sees_only_that_pools_assignments(
    people: World, rows: dict[str, Assessment]
) -> None:
    # The same person in a second expert pool: acting for that pool, the first pool's assignments are hidden.
    other_pool = organization(name="广东省专家库", type="expert_pool")
    second = member(other_pool, "expert", "staff")
    assert second.user == people.members["expert"].user
    assert not Assessment.objects.visible_to(viewer_for_membership(second)).exists()
    assert Assessment.objects.visible_to(people.viewers["expert"]).count() == 3  # 2 assignments + the T0


# ------------------------------------------------------------------------------ invitations and evidence


def test_diagnosis_needs_the_enterprise_invitation(people: World) -> None:
    own = people.registered.own
    assert allowed_for(people, lambda v: permissions.can_start_diagnosis(v, own)) == set()
    assert (
        permissions.can_start_diagnosis(people.viewers["provider"], own).reason
        == "该企业没有邀请本服务商开展诊断"
    )
    invitation = invite(people.cast, own)
    assert allowed_for(people, lambda v: permissions.can_start_diagnosis(v, own)) == {"provider"}
    # The invitation is for one enterprise: the other enterprise did not invite anyone.
    tianhe = people.registered.tianhe
    assert allowed_for(people, lambda v: permissions.can_start_diagnosis(v, tianhe)) == set()
    invitation_withdraw(actor=people.members["enterprise"].user, invitation=invitation)
    assert allowed_for(people, lambda v: permissions.can_start_diagnosis(v, own)) == set()
    check_reasons(people, lambda v: permissions.can_start_diagnosis(v, own))


def test_invitation_rules_row_by_row(people: World) -> None:
    own = people.registered.own
    assert allowed_for(people, lambda v: permissions.can_invite_provider(v, own)) == {"owner"}
    assert allowed_for(people, permissions.can_request_invitation) == {"provider", "other_provider"}
    requested = invitation_request(
        actor=people.members["provider"].user, provider=people.orgs["provider"], uscc=own.uscc
    )
    assert requested is not None and requested.state == InvitationState.REQUESTED
    assert allowed_on(people, permissions.can_answer_request, requested) == {"owner"}
    # A request can be withdrawn by the enterprise or by the provider that made it.
    assert allowed_on(people, permissions.can_withdraw_invitation, requested) == {"owner", "provider"}
    active = invitation_accept(actor=people.members["enterprise"].user, invitation=requested)
    assert allowed_on(people, permissions.can_answer_request, active) == set()
    # Consent once given is the enterprise's to withdraw; the provider may not end it.
    assert allowed_on(people, permissions.can_withdraw_invitation, active) == {"owner"}
    check_reasons(people, lambda v: permissions.can_answer_request(v, active))
    check_reasons(people, lambda v: permissions.can_withdraw_invitation(v, active))


def test_invitations_seen_by(people: World) -> None:
    invite(people.cast, people.registered.own)
    seen = {who for who in PEOPLE if DiagnosisInvitation.objects.visible_to(people.viewers[who]).exists()}
    # The enterprise, the invited provider (not its rival), and the authorities covering 广州天河.
    assert seen == {
        "owner",
        "owner_viewer",
        "provider",
        "provider_viewer",
        "ministry",
        "guangdong",
        "guangzhou",
        "guangzhou_viewer",
        "oversight",
    }


def test_evidence_and_calendar_rules_on_an_onsite_draft(people: World) -> None:
    draft = onsite(people)
    # Only the assigned expert (who declared) adds or removes evidence while it is a draft.
    assert allowed_on(people, permissions.can_remove_evidence, draft) == {"expert"}
    # Viewing follows the assessment's visibility: the expert, and staff of the jurisdiction (on-site
    # drafts are their arrangements); not the enterprise until it is scored, not providers or outsiders.
    assert allowed_on(people, permissions.can_view_evidence, draft) == {
        "expert",
        "ministry",
        "guangdong",
        "guangzhou",
        "guangzhou_viewer",
        "oversight",
    }
    # No visit time was given when it was arranged: no calendar for anyone.
    assert allowed_on(people, permissions.can_download_calendar, draft) == set()
    draft.visit_at = datetime(2027, 3, 15, 1, 30, tzinfo=UTC)
    assert allowed_on(people, permissions.can_download_calendar, draft) == {"expert"}
    submitted = onsite(people, people.registered.tianhe, submit=True)
    assert allowed_on(people, permissions.can_remove_evidence, submitted) == set()

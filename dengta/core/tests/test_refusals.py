"""Refusals are uniform (ARCHITECTURE.md convention 15): the Decision says 403, 404 or 409, and a page and the
API answer the same status, with the same reason, for the same situation."""

# The assessment app's fixtures are imported below, so every test's ``world`` argument "redefines" one.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    registered,
    self_assessment,
    sized,
    world,
)
from dengta.core.decisions import Conflict, Decision, Outcome, require

pytestmark = pytest.mark.django_db


def api(cast: Any, who: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=cast.members[who].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_each_kind_of_decision_raises_its_own_exception() -> None:
    assert Decision.allow("ok").status == 200
    require(Decision.allow("ok"))  # raises nothing
    assert Decision(False, "legacy").kind == Outcome.FORBIDDEN  # positional construction still works
    with pytest.raises(PermissionDenied, match="角色不够"):
        require(Decision.deny("角色不够"))
    with pytest.raises(Http404):
        require(Decision.hidden("不在辖区"))
    with pytest.raises(Conflict, match="已提交"):
        require(Decision.conflict("已提交"))
    assert [d.status for d in (Decision.deny("x"), Decision.hidden("x"), Decision.conflict("x"))] == [
        403,
        404,
        409,
    ]
    with pytest.raises(ValueError):
        Decision(True, "contradiction", Outcome.CONFLICT)


def test_outsider_reading_an_enterprise_is_404_on_page_and_api(world: Any) -> None:
    tianhe = world.registered.tianhe  # 广州 — outside 浙江's jurisdiction
    page = world.client("zhejiang").get(f"/registry/enterprises/{tianhe.pk}/")
    assert page.status_code == 404
    assert api(world, "zhejiang").get(f"/api/v1/enterprises/{tianhe.pk}/").status_code == 404
    # The page does not say the enterprise exists: no name, no reason, the in-app "not found" page.
    html = page.content.decode()
    assert tianhe.name not in html and 'data-status="404"' in html


def test_viewer_role_insider_editing_is_403_with_the_reason_on_page_and_api(world: Any) -> None:
    tianhe = world.registered.tianhe  # inside the oversight body's province; its member reads only
    reason = "只有部委项目管理人员和主管部门的管理员、经办人可以修改企业档案"
    page = world.client("oversight").get(f"/registry/enterprises/{tianhe.pk}/edit/")
    assert page.status_code == 403 and reason in page.content.decode()
    response = api(world, "oversight").patch(
        f"/api/v1/enterprises/{tianhe.pk}/", {"employees": "9"}, format="json"
    )
    assert response.status_code == 403 and response.json()["detail"] == reason


def test_member_whose_role_may_not_list_enterprises_gets_403_on_page_and_api(world: Any) -> None:
    reason = "企业库只对部委、主管部门和监督机构开放"
    page = world.client("provider").get("/registry/enterprises/")
    assert page.status_code == 403 and reason in page.content.decode()
    response = api(world, "provider").get("/api/v1/enterprises/")
    assert response.status_code == 403 and response.json()["detail"] == reason


def test_submitting_twice_is_409_with_the_reason_on_page_and_api(world: Any) -> None:
    scored = self_assessment(world)  # submitted and scored
    reason = "评测已提交，不能再修改；如需更正，请新建更正评测"
    page = world.client("enterprise").post(f"/assessments/{scored.pk}/submit/", {"pledge": "on"})
    assert page.status_code == 409
    html = page.content.decode()
    assert reason in html and 'data-status="409"' in html
    response = api(world, "enterprise").post(
        f"/api/v1/assessments/{scored.pk}/submit/", {"pledge": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["detail"] == reason


def test_correcting_twice_is_409_on_page_and_api(world: Any) -> None:
    scored = self_assessment(world)
    assert api(world, "enterprise").post(f"/api/v1/assessments/{scored.pk}/correct/").status_code == 201
    page = world.client("enterprise").post(f"/assessments/{scored.pk}/correct/")
    assert page.status_code == 409 and "此评测已有更正" in page.content.decode()
    response = api(world, "enterprise").post(f"/api/v1/assessments/{scored.pk}/correct/")
    assert response.status_code == 409 and response.json()["detail"] == "此评测已有更正"


def test_outsider_and_insider_on_the_event_log_and_organisations(world: Any) -> None:
    # The enterprise is a member refused by a rule (403); the same page and API for a ministry: allowed.
    assert world.client("enterprise").get("/events/").status_code == 403
    assert world.client("oversight").get("/events/").status_code == 200
    assert world.client("enterprise").get("/orgs/").status_code == 403
    assert api(world, "enterprise").get("/api/v1/organizations/").status_code == 403

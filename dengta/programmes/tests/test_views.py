"""Programme administration's pages: who may open them (200 for the right people, 404 for outsiders, 403
with the reason for insiders without the permission, a login for anonymous visitors), the application page
building an application through the services (sub-industries, providers, enterprises, the fund plan kept
on bad input), submission with the declaration, the staff's return with a reason, and the page in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dengta.assessment.tests.conftest import self_assessment
from dengta.catalog.tests.test_english import chinese_left, data_texts, english
from dengta.core.models import Event
from dengta.programmes import services
from dengta.programmes.models import Application, ApplicationState, Batch, PoolEnterprise
from dengta.programmes.tests.conftest import Market
from dengta.programmes.tests.test_services import complete_application
from dengta.reference.models import SubIndustry
from dengta.registry.models import Enterprise

pytestmark = pytest.mark.django_db

INSIDERS = ("guangzhou", "guangdong", "ministry", "oversight")  # the applicant, its province, the ministry
OUTSIDERS = ("zhejiang", "shenzhen", "xinjiang", "enterprise", "provider", "expert")


def url(application: Application, step: str = "") -> str:
    base = f"/programmes/applications/{application.pk}/"
    return f"{base}{step}/" if step else base


@pytest.fixture
def draft(world: Any, open_batch: Batch) -> Application:
    return services.application_create(
        actor=world.members["guangzhou"].user, applicant=world.orgs["guangzhou"], batch=open_batch
    )


@pytest.fixture
def ready(world: Any, market: Market, open_batch: Batch, sub_industry: SubIndustry) -> Application:
    self_assessment(world, level=1)  # the T0 the 2025 rules require
    market.admit()
    return complete_application(world, market, open_batch, sub_industry)


def texts(response: Any) -> str:
    return response.content.decode()


def said(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ----------------------------------------------------------------------------------------------- access


def test_the_batch_list_offers_the_open_batch_to_an_authority(world: Any, open_batch: Batch) -> None:
    page = texts(world.client("guangzhou").get("/programmes/"))
    assert open_batch.title in page and "申报中" in page and "不在申报时间内" in page
    assert f"/programmes/batches/{open_batch.pk}/apply/" in page
    staff = texts(world.client("ministry").get("/programmes/"))
    assert open_batch.title in staff and "/apply/" not in staff
    refused = world.client("enterprise").get("/programmes/")
    assert refused.status_code == 403 and "试点申报对部委、地方主管部门和监督机构开放" in texts(refused)


def test_an_authority_applies_from_the_batch_list_once(world: Any, open_batch: Batch) -> None:
    client = world.client("guangzhou")
    response = client.post(f"/programmes/batches/{open_batch.pk}/apply/")
    application = Application.objects.get(applicant=world.orgs["guangzhou"])
    assert response.status_code == 302 and response["Location"] == url(application)
    assert f'href="{url(application)}"' in texts(client.get("/programmes/"))  # "查看申报", no second button
    again = client.post(f"/programmes/batches/{open_batch.pk}/apply/", follow=True)
    assert "本单位已有该批次的申报，不能重复申报" in said(again)
    assert Application.objects.count() == 1


def test_a_closed_window_is_a_conflict(world: Any, open_batch: Batch) -> None:
    closed = Batch.objects.get(code="city-2024")
    response = world.client("shenzhen").post(f"/programmes/batches/{closed.pk}/apply/")
    assert response.status_code == 409 and "该批次现在不在申报时间内" in texts(response)
    assert world.client("ministry").post(f"/programmes/batches/{open_batch.pk}/apply/").status_code == 403
    assert not Application.objects.exists()


def test_the_application_page_is_for_insiders_only(world: Any, draft: Application) -> None:
    for who in INSIDERS:
        response = world.client(who).get(url(draft))
        assert response.status_code == 200, who
        assert world.orgs["guangzhou"].name in texts(response)
    for who in OUTSIDERS:
        assert world.client(who).get(url(draft)).status_code == 404, who
    anonymous = Client().get(url(draft))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_application_list_shows_each_viewer_their_own_or_their_jurisdiction(
    world: Any, draft: Application
) -> None:
    name = world.orgs["guangzhou"].name
    for who in ("guangzhou", "guangdong", "ministry"):
        response = world.client(who).get("/programmes/applications/")
        assert response.status_code == 200 and url(draft) in texts(response), who
    assert url(draft) not in texts(world.client("zhejiang").get("/programmes/applications/"))
    found = world.client("ministry").get("/programmes/applications/", {"q": "广州", "state": "draft"})
    assert name in texts(found)
    none = world.client("ministry").get("/programmes/applications/", {"state": "submitted"})
    assert url(draft) not in texts(none) and "没有符合筛选条件的申报" in texts(none)
    by_name = world.client("ministry").get("/programmes/applications/", {"sort": "applicant"})
    assert by_name.status_code == 200
    assert world.client("enterprise").get("/programmes/applications/").status_code == 403


def test_insiders_without_the_permission_are_refused_with_the_reason(world: Any, draft: Application) -> None:
    province = world.client("guangdong").post(url(draft, "plan"), {"plan": "省里改的"})
    assert province.status_code == 403 and "只有申报单位可以修改、提交或撤回本单位的申报" in texts(province)
    oversight = world.client("oversight").post(url(draft, "withdraw"))
    assert oversight.status_code == 403 and "只有地方主管部门的管理员或经办人可以申报试点" in texts(oversight)
    authority = world.client("guangzhou").post(url(draft, "return"), {"reason": "自己退回"})
    assert authority.status_code == 403 and "只有部委的项目管理人员可以评审、退回或否决申报" in texts(
        authority
    )
    assert world.client("zhejiang").post(url(draft, "plan"), {"plan": "外省"}).status_code == 404
    draft.refresh_from_db()
    assert draft.plan == "" and draft.state == ApplicationState.DRAFT


# ------------------------------------------------------------------------------------------ the builder


def test_bad_figures_keep_the_input_and_say_what_is_wrong(world: Any, draft: Application) -> None:
    client = world.client("guangzhou")
    response = client.post(
        url(draft, "plan"),
        {"award_requested_yuan": "十万", "retrofit_share": "0.8", "plan": "围绕汽车零部件推进改造"},
    )
    page = texts(response)
    assert response.status_code == 200
    assert "提交的内容有问题" in page and 'href="#id_award_requested_yuan"' in page
    assert "请输入数字" in page and 'value="十万"' in page and 'value="0.8"' in page
    assert "围绕汽车零部件推进改造" in page
    draft.refresh_from_db()
    assert draft.plan == "" and draft.retrofit_share is None  # nothing half-saved
    shares = client.post(url(draft, "plan"), {"retrofit_share": "0.9", "service_share": "0.2"})
    assert "改造比例与服务能力提升比例之和不能超过 1" in texts(shares)
    saved = client.post(
        url(draft, "plan"),
        {
            "award_requested_yuan": "150,000,000",
            "retrofit_share": "0.8",
            "service_share": "0.2",
            "target_share": "0.9",
            "target_level": "2",
            "plan": "方案",
        },
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (str(draft.award_requested_yuan), str(draft.retrofit_share), draft.target_level) == (
        "150000000.00",
        "0.8000",
        2,
    )
    assert 'value="150000000"' in texts(client.get(url(draft)))


def test_sub_industries_providers_and_enterprises_are_added_through_the_page(
    world: Any, market: Market, draft: Application, sub_industry: SubIndustry
) -> None:
    market.admit()
    client = world.client("guangzhou")
    client.post(url(draft, "sub-industries"), {"sub_industry": sub_industry.pk, "local_name": "汽配"})
    entry = draft.sub_industries.get()
    assert entry.local_name == "汽配"
    twice = client.post(url(draft, "sub-industries"), {"sub_industry": sub_industry.pk}, follow=True)
    assert any("已经选过" in m for m in said(twice))
    page = texts(client.get(url(draft)))
    assert market.provider.organization.name in page  # offered: it is admitted
    client.post(url(draft, "providers"), {"entry": entry.pk, "provider": market.provider.pk})
    assert list(entry.providers.values_list("provider", flat=True)) == [market.provider.pk]
    own = world.registered.own
    added = client.post(url(draft, "enterprises"), {"entry": entry.pk, "uscc": own.uscc.lower()}, follow=True)
    assert f"{own.name} 已加入试点企业库" in said(added)
    assert list(draft.pool.values_list("enterprise", flat=True)) == [own.pk]
    # 西湖 is registered, but outside 广州's jurisdiction: not found for 广州.
    xihu = world.registered.xihu
    missing = client.post(url(draft, "enterprises"), {"entry": entry.pk, "uscc": xihu.uscc}, follow=True)
    assert any("没有找到本辖区统一社会信用代码为" in m and xihu.uscc in m for m in said(missing))
    wrong = own.uscc[:-1] + ("0" if own.uscc[-1] != "0" else "1")
    broken = client.post(url(draft, "enterprises"), {"entry": entry.pk, "uscc": wrong}, follow=True)
    assert f"统一社会信用代码校验位错误：最后一位应为 {own.uscc[-1]}" in said(broken)
    row = PoolEnterprise.objects.get(application=draft)
    removed = client.post(url(draft, "enterprises/remove"), {"row": row.pk}, follow=True)
    assert f"{own.name} 已移出试点企业库" in said(removed) and not draft.pool.exists()
    assert Event.objects.filter(verb="application.enterprise_removed").count() == 1


def test_the_page_shows_the_checklist_and_the_failures_by_subject(world: Any, ready: Application) -> None:
    xihu = world.registered.xihu
    services.application_add_enterprise(
        actor=world.members["guangzhou"].user, entry=ready.sub_industries.get(), enterprise=xihu
    )
    page = texts(world.client("guangzhou").get(url(ready)))
    assert "完整性清单" in page and "已完成" in page
    ready.refresh_from_db()
    sentence = next(f for f in ready.eligibility if f["code"] == "outside_jurisdiction")["sentence_zh"]
    assert f"企业{'：'}{xihu.name}" in page and sentence in page


# ------------------------------------------------------------------------------------ submit and review


def test_submit_needs_the_declaration(world: Any, ready: Application) -> None:
    client = world.client("guangzhou")
    refused = client.post(url(ready, "submit"), follow=True)
    assert "提交前请确认申报承诺声明" in said(refused)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.DRAFT
    done = client.post(url(ready, "submit"), {"declared": "on"}, follow=True)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.SUBMITTED and any("申报已提交" in m for m in said(done))
    again = client.post(url(ready, "plan"), {"plan": "改"}, follow=True)
    assert "申报已提交，退回补充前不能修改" in said(again)
    assert 'action="' + url(ready, "plan") not in texts(again)  # the form is gone once submitted


def test_staff_return_with_a_reason_and_the_authority_sees_it(world: Any, ready: Application) -> None:
    services.application_submit(actor=world.members["guangzhou"].user, application=ready, declared=True)
    staff = world.client("ministry")
    assert "退回补充" in texts(staff.get(url(ready)))
    blank = staff.post(url(ready, "return"), {"reason": "  "}, follow=True)
    assert "请写明理由" in said(blank)
    staff.post(url(ready, "review"))
    ready.refresh_from_db()
    assert ready.state == ApplicationState.UNDER_REVIEW
    staff.post(url(ready, "return"), {"reason": "请补充企业清单"})
    ready.refresh_from_db()
    assert ready.state == ApplicationState.RETURNED and ready.reason == "请补充企业清单"
    page = texts(world.client("guangzhou").get(url(ready)))
    assert "退回理由" in page and "请补充企业清单" in page and url(ready, "plan") in page


def test_staff_reject_and_then_no_withdrawal(world: Any, ready: Application) -> None:
    services.application_submit(actor=world.members["guangzhou"].user, application=ready, declared=True)
    world.client("ministry").post(url(ready, "reject"), {"reason": "细分行业过于分散"})
    ready.refresh_from_db()
    assert ready.state == ApplicationState.REJECTED and ready.decided_at is not None
    late = world.client("guangzhou").post(url(ready, "withdraw"), follow=True)
    assert "申报进入评审或已有决定后不能撤回" in said(late)


def test_an_authority_withdraws_its_draft(world: Any, draft: Application) -> None:
    response = world.client("guangzhou").post(url(draft, "withdraw"), follow=True)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN and "申报已撤回" in said(response)


# ---------------------------------------------------------------------------------------------- English


def test_the_application_page_is_english_apart_from_data(world: Any, ready: Application) -> None:
    actor = world.members["guangzhou"].user
    services.application_add_enterprise(
        actor=actor, entry=ready.sub_industries.get(), enterprise=world.registered.xihu
    )
    ready.refresh_from_db()
    data = [
        *data_texts(),
        *Enterprise.objects.values_list("name", flat=True),
        *ready.sub_industries.values_list("local_name", flat=True),
        *Batch.objects.values_list("notice", flat=True),  # the notices' own titles and numbers
        ready.plan,
    ]
    data = sorted({t for t in data if t}, key=len, reverse=True)
    client = english(world.client("guangzhou"))
    for page_url, expected in (
        (url(ready), "Eligibility check"),
        ("/programmes/", "Pilot batches"),
        ("/programmes/applications/", "Pilot applications"),
    ):
        response = client.get(page_url)
        page = texts(response)
        assert response.status_code == 200 and '<html lang="en">' in page and expected in page, page_url
        assert not chinese_left(page, data), (page_url, chinese_left(page, data))
    bad = client.post(url(ready, "plan"), {"award_requested_yuan": "abc", "plan": ready.plan})
    assert "Enter a number" in texts(bad) and not chinese_left(texts(bad), data)
    services.application_remove_enterprise(actor=actor, row=ready.pool.get(enterprise=world.registered.xihu))
    services.application_submit(actor=actor, application=ready, declared=True)
    staff = english(world.client("ministry"))
    page = texts(staff.get(url(ready)))
    assert "Start the review" in page and not chinese_left(page, data)


@pytest.fixture
def reviewing_app(world: Any, ready: Application) -> Application:
    services.application_submit(actor=world.members["guangzhou"].user, application=ready, declared=True)
    return services.application_start_review(actor=world.members["ministry"].user, application=ready)


def test_programme_staff_approve_on_the_page_and_the_pilot_and_its_money_show(
    world: Any, reviewing_app: Any
) -> None:
    from dengta.programmes.models import Pilot

    staff = world.client("ministry")
    url = f"/programmes/applications/{reviewing_app.pk}/"
    page = staff.get(url).content.decode()
    assert "批准并设立试点" in page and 'value="150000000.00"' in page
    response = staff.post(f"{url}approve/", {"award": "200000000"}, follow=True)
    assert "150,000,000" in response.content.decode()  # over the cap: refused with the rule's figure
    assert not Pilot.objects.exists()
    response = staff.post(f"{url}approve/", {"award": "120000000"}, follow=True)
    html = response.content.decode()
    assert "试点已设立" in html and "96,000,000.00" in html and "24,000,000.00" in html
    assert Pilot.objects.get().allocation.retrofit_yuan == 96_000_000
    # The authority sees its pilot and money too; it cannot approve.
    assert "96,000,000.00" in world.client("guangzhou").get(url).content.decode()
    assert world.client("guangzhou").post(f"{url}approve/", {"award": "1"}).status_code == 403


def test_the_fund_plan_autosaves_whole_or_says_what_to_correct(world: Any, draft: Application) -> None:
    client = world.client("guangzhou")
    autosave = url(draft, "plan/autosave")
    plan = {
        "award_requested_yuan": "120000000",
        "retrofit_share": "0.8",
        "service_share": "0.2",
        "local_matching_yuan": "",
        "target_share": "0.9",
        "target_level": "2",
        "plan": "围绕汽车零部件推进改造",
    }
    saved = client.post(autosave, plan, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "已自动保存" in texts(saved)
    draft.refresh_from_db()
    assert draft.award_requested_yuan == 120_000_000 and draft.plan == "围绕汽车零部件推进改造"
    bad = client.post(autosave, plan | {"retrofit_share": "八成", "plan": "改了"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "未保存" in texts(bad) and "用于企业改造的比例" in texts(bad)
    draft.refresh_from_db()
    assert draft.plan == "围绕汽车零部件推进改造"  # nothing of a refused form is written
    assert world.client("ministry").post(autosave, plan).status_code == 403
    assert world.client("zhejiang").post(autosave, plan).status_code == 404
    page = texts(client.get(url(draft)))
    assert 'hx-post="' + autosave + '"' in page and "修改会自动保存" in page

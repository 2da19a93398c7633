"""Registry pages: happy paths, kept input on error, 404 for outsiders reaching in by URL and 403 with the
rule's reason for members whose role lacks the capability (ARCHITECTURE.md convention 15)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dengta.core.models import Event, Job
from dengta.registry.models import Enterprise, Provider
from dengta.registry.services import provider_register
from tests.exports import exported

from .conftest import Registered, body, code_for, good_row, member, organization, xlsx_bytes

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST = "/registry/enterprises/"


def detail(enterprise: Enterprise) -> str:
    return reverse("registry:enterprise_detail", args=[enterprise.pk])


def test_navigation_url_names_exist() -> None:
    assert reverse("registry:enterprise_list") == LIST
    assert reverse("registry:my_enterprise") == "/registry/mine/"
    assert reverse("registry:provider_list") == "/registry/providers/"
    assert reverse("registry:import_start") == "/registry/import/"


def test_pages_require_login(registered: Registered) -> None:
    for url in (LIST, detail(registered.tianhe), "/registry/import/", "/registry/mine/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------------------------------------ list


def test_list_shows_the_jurisdiction_only(registered: Registered, cast: Any) -> None:
    response = cast.client("guangdong").get(LIST)
    assert response.status_code == 200
    names = {e.name for e in response.context["object_list"]}
    assert names == {registered.tianhe.name, registered.own.name}
    html = response.content.decode()
    assert "南山电子有限公司" not in html and "西湖智造有限公司" not in html
    assert "营业收入（万元）" in html and 'class="num"' in html


@pytest.mark.parametrize("who", ["provider", "enterprise", "expert"])
def test_list_is_403_for_providers_enterprises_and_experts(
    registered: Registered, cast: Any, who: str
) -> None:
    response = cast.client(who).get(LIST)
    assert response.status_code == 403
    assert "企业库只对部委、主管部门和监督机构开放" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=西湖", {"xihu"}),
        ("q=" + "9133010", {"xihu"}),
        ("region=330000", {"xihu"}),
        ("region=4403", {"nanshan"}),
        ("region=660000", {"shihezi"}),
        ("industry=C36", {"tianhe", "nanshan", "xihu", "shihezi", "own"}),
        ("industry=C39", set()),
        ("focus=汽车零部件及配件制造", {"tianhe", "nanshan", "xihu", "shihezi", "own"}),
        ("size_class=small&above=1", {"tianhe", "nanshan", "xihu", "shihezi", "own"}),
        ("size_class=large", set()),
        ("above=0", set()),
        ("tier=none", {"tianhe", "nanshan", "xihu", "shihezi", "own"}),
        ("tier=little_giant", set()),
    ],
)
def test_filters(registered: Registered, cast: Any, query: str, expected: set[str]) -> None:
    response = cast.client("ministry").get(f"{LIST}?{query}")
    assert {e.pk for e in response.context["object_list"]} == {getattr(registered, k).pk for k in expected}


def test_sorting_by_numbers_both_ways(registered: Registered, cast: Any) -> None:
    Enterprise.objects.filter(pk=registered.xihu.pk).update(employees=900)
    client = cast.client("ministry")
    first = client.get(f"{LIST}?sort=-employees").context["object_list"][0]
    assert first.pk == registered.xihu.pk
    last = list(client.get(f"{LIST}?sort=employees").context["object_list"])[-1]
    assert last.pk == registered.xihu.pk


def test_export_to_excel_respects_jurisdiction_and_filters(registered: Registered, cast: Any) -> None:
    response = exported(cast.client("guangzhou"), LIST)  # a job, then its download
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称" and "营业收入（万元）" in rows[0]
    assert {r[0] for r in rows[1:]} == {registered.tianhe.name, registered.own.name}
    tianhe = next(r for r in rows if r[0] == registered.tianhe.name)
    assert tianhe[7] == 3500 and tianhe[10] == "是"


# ---------------------------------------------------------------------------------------------- detail


def test_detail_shows_summary_explanation_and_timeline(registered: Registered, cast: Any) -> None:
    response = cast.client("guangzhou").get(detail(registered.tianhe))
    assert response.status_code == 200
    html = response.content.decode()
    assert registered.tianhe.uscc in html
    assert "3,500" in html and "35,000,000.00" in html  # 万元, and yuan in full
    assert "是否属于中小微企业" in html and "工信部联企业〔2011〕300号" in html
    # 规上 names the statistical scope, its cut-off and the documents it was checked against, without tags.
    assert "达到规模以上工业的标准" in html and "年主营业务收入2000万元及以上的工业法人单位" in html
    assert "楚雄市统计局" in html and "UNCONFIRMED" not in html
    # The timeline names the step and the person, not the event's code.
    timeline = html[html.index('id="tab-events"') :]
    assert "企业已登记" in timeline and "enterprise.registered" not in timeline
    assert response.context["can_edit"]


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("guangdong", "nanshan"),  # 深圳 is not in 广东's jurisdiction
        ("guangzhou", "nanshan"),
        ("shenzhen", "tianhe"),
        ("zhejiang", "tianhe"),
        ("xinjiang", "shihezi"),  # 兵团 is not 新疆's
        ("xpcc", "tianhe"),
        ("provider", "tianhe"),
        ("expert", "tianhe"),
        ("enterprise", "tianhe"),  # another enterprise's profile
    ],
)
def test_outsiders_get_404_by_url(registered: Registered, cast: Any, who: str, key: str) -> None:
    enterprise = getattr(registered, key)
    client = cast.client(who)
    assert client.get(detail(enterprise)).status_code == 404
    assert client.get(reverse("registry:enterprise_edit", args=[enterprise.pk])).status_code == 404
    assert (
        client.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), {"name": "x"}).status_code
        == 404
    )


def test_missing_id_is_404_too(registered: Registered, cast: Any) -> None:
    assert (
        cast.client("ministry").get(reverse("registry:enterprise_detail", args=[999999])).status_code == 404
    )


def test_xpcc_sees_its_city_enterprise(registered: Registered, cast: Any) -> None:
    assert cast.client("xpcc").get(detail(registered.shihezi)).status_code == 200


def test_read_only_staff_see_but_cannot_edit(registered: Registered, cast: Any) -> None:
    client = cast.client("oversight")
    assert client.get(detail(registered.tianhe)).status_code == 200
    assert client.get(reverse("registry:enterprise_edit", args=[registered.tianhe.pk])).status_code == 403


# -------------------------------------------------------------------------------------------- register


def form_data(region: str = "440106", n: int = 20, **overrides: str) -> dict[str, str]:
    data = {
        "uscc": code_for(region, body(n)),
        "name": "天河新登记精密有限公司",
        "region": region,
        "address": "广州市天河区",
        "industry": "C3670",
        "employees": "85",
        "revenue_10k_yuan": "2100.5",
        "assets_10k_yuan": "1800",
        "tier": "innovative",
    }
    data.update(overrides)
    return data


def test_register_happy_path(sized: Any) -> None:
    client = sized.client("guangzhou")
    assert client.get(reverse("registry:enterprise_register")).status_code == 200
    response = client.post(reverse("registry:enterprise_register"), form_data())
    enterprise = Enterprise.objects.get(uscc=code_for("440106", body(20)))
    assert response.status_code == 302 and response["Location"] == detail(enterprise)
    assert enterprise.size_class == "small" and enterprise.tier == "innovative"
    assert Event.objects.filter(verb="enterprise.registered", actor=sized.members["guangzhou"].user).exists()


def test_register_errors_keep_input_and_list_every_problem(sized: Any) -> None:
    right = code_for("440106", body(20))
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    data = form_data(uscc=wrong, employees="-3", revenue_10k_yuan="１２３４．５")
    response = sized.client("guangzhou").post(reverse("registry:enterprise_register"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f"最后一位应为 {right[-1]}" in html and "check character should be" not in html
    assert "负数" in html
    assert f'value="{wrong}"' in html and 'value="天河新登记精密有限公司"' in html  # input kept
    assert 'aria-invalid="true"' in html
    assert not Enterprise.objects.exists()


def test_register_outside_jurisdiction_is_refused_on_the_form(sized: Any) -> None:
    data = form_data(region="440305", uscc=code_for("440305", body(21)))
    response = sized.client("guangzhou").post(reverse("registry:enterprise_register"), data)
    assert response.status_code == 200 and "不在本机构辖区内" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_duplicate_links_to_the_existing_record_when_visible(registered: Registered, cast: Any) -> None:
    data = form_data(uscc=registered.tianhe.uscc)
    response = cast.client("guangzhou").post(reverse("registry:enterprise_register"), data)
    html = response.content.decode()
    assert "已登记" in html and detail(registered.tianhe) in html and registered.tianhe.name in html


def test_duplicate_in_another_jurisdiction_is_named_but_not_shown(registered: Registered, cast: Any) -> None:
    # 南山 (深圳) is outside 广州's jurisdiction: say where it is registered, never link or name it.
    data = form_data(uscc=registered.nanshan.uscc)
    response = cast.client("guangzhou").post(reverse("registry:enterprise_register"), data)
    html = response.content.decode()
    assert "其他辖区登记" in html
    assert detail(registered.nanshan) not in html and registered.nanshan.name not in html


@pytest.mark.parametrize("who", ["provider", "enterprise", "expert", "oversight"])
def test_register_page_is_403_for_those_who_cannot_register(sized: Any, who: str) -> None:
    assert sized.client(who).get(reverse("registry:enterprise_register")).status_code == 403


# ------------------------------------------------------------------------------------------------ edit


def test_enterprise_edits_its_own_profile_but_not_code_or_region(registered: Registered, cast: Any) -> None:
    client = cast.client("enterprise")
    url = reverse("registry:enterprise_edit", args=[registered.own.pk])
    page = client.get(url)
    assert page.status_code == 200 and "region" not in page.context["form"].fields
    data = form_data(employees="350", revenue_10k_yuan="2500", region="330106", uscc="91110108551385082Q")
    response = client.post(url, data)
    assert response.status_code == 302
    own = Enterprise.objects.get(pk=registered.own.pk)
    # The figures wait for the authority (docs/registry.md); the name applies at once.
    assert own.employees == 80 and own.size_class == "small" and own.name == "天河新登记精密有限公司"
    change = own.changes.get(state="pending")
    assert (change.employees, change.revenue, change.tier) == (350, 25_000_000, "innovative")
    assert (
        own.region_id == "440106" and own.uscc == registered.own.uscc
    )  # ignored: not the enterprise's to change


def test_authority_moves_an_enterprise_within_its_jurisdiction(registered: Registered, cast: Any) -> None:
    url = reverse("registry:enterprise_edit", args=[registered.tianhe.pk])
    client = cast.client("guangzhou")
    response = client.post(url, form_data(region="440100", name=registered.tianhe.name))
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=registered.tianhe.pk).region_id == "440100"
    response = client.post(url, form_data(region="330106", name=registered.tianhe.name))
    assert response.status_code == 200 and "不在本机构辖区内" in response.content.decode()


def test_my_enterprise(registered: Registered, cast: Any) -> None:
    response = cast.client("enterprise").get(reverse("registry:my_enterprise"))
    assert response.status_code == 200 and response.context["enterprise"] == registered.own
    assert cast.client("guangzhou").get(reverse("registry:my_enterprise")).status_code == 403


def test_my_enterprise_without_a_profile_explains_what_to_do(sized: Any) -> None:
    response = sized.client("enterprise").get(reverse("registry:my_enterprise"))
    assert response.status_code == 200 and "主管部门登记" in response.content.decode()


def test_home_panels(registered: Registered, cast: Any) -> None:
    staff = cast.client("guangzhou").get(reverse("core:home")).content.decode()
    assert "辖区企业" in staff and "其中规上" in staff
    own = cast.client("enterprise").get(reverse("core:home")).content.decode()
    assert "本企业档案" in own and registered.own.uscc in own


# ------------------------------------------------------------------------------------------- providers


def test_providers_list_detail_and_404(sized: Any) -> None:
    provider = provider_register(
        actor=None,
        uscc=code_for("440305", body(30)),
        name="深圳数转服务有限公司",
        region=sized.regions["440305"],
    )
    assert sized.client("shenzhen").get("/registry/providers/").context["object_list"][0] == provider
    assert not sized.client("guangdong").get("/registry/providers/").context["object_list"]
    url = reverse("registry:provider_detail", args=[provider.pk])
    assert sized.client("shenzhen").get(url).status_code == 200
    assert sized.client("guangdong").get(url).status_code == 404
    assert sized.client("enterprise").get(url).status_code == 404


def test_provider_sees_its_own_profile(sized: Any) -> None:
    provider = Provider.objects.create(organization=sized.orgs["provider"], uscc=code_for("440106", body(31)))
    assert (
        sized.client("provider").get(reverse("registry:provider_detail", args=[provider.pk])).status_code
        == 200
    )
    assert sized.client("provider").get("/registry/providers/").status_code == 403
    assert "本机构服务商档案" in sized.client("provider").get(reverse("core:home")).content.decode()


def test_provider_register_page(sized: Any) -> None:
    data = {
        "uscc": code_for("440106", body(32)),
        "name": "广州工业互联网平台",
        "region": "440106",
        "kind": "platform",
    }
    response = sized.client("guangzhou").post(reverse("registry:provider_register"), data)
    provider = Provider.objects.get(uscc=data["uscc"])
    assert response.status_code == 302 and provider.organization.region_id == "440106"
    assert sized.client("enterprise").get(reverse("registry:provider_register")).status_code == 403


# ---------------------------------------------------------------------------------------------- import


def upload(cast: Any, who: str, data: bytes, capture: Any, name: str = "名单.xlsx", **extra: str) -> Any:
    client = cast.client(who)
    with capture(execute=True):
        return client.post(
            reverse("registry:import_start"), {"file": SimpleUploadedFile(name, data), **extra}
        )


def test_import_page_and_template(sized: Any) -> None:
    client = sized.client("guangzhou")
    assert client.get(reverse("registry:import_start")).status_code == 200
    template = client.get(reverse("registry:import_template"))
    assert template.status_code == 200 and template["Content-Type"] == XLSX


@pytest.mark.parametrize("who", ["provider", "enterprise", "expert", "oversight"])
def test_import_is_403_for_those_who_cannot_import(sized: Any, who: str) -> None:
    client = sized.client(who)
    assert client.get(reverse("registry:import_start")).status_code == 403
    assert client.get(reverse("registry:import_template")).status_code == 403


def test_upload_runs_the_job_and_shows_the_result(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = xlsx_bytes([good_row("440106", 1), good_row("440106", 2)])
    response = upload(sized, "guangzhou", data, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="registry.import_enterprises")
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import_result", args=[job.pk]
    )
    assert job.status == "succeeded", job.message
    assert job.result["imported"] == 2 and job.result["redirect"].endswith(f"/import/{job.pk}/")
    assert job.progress_total and job.progress_done == job.progress_total
    page = sized.client("guangzhou").get(response["Location"])
    assert page.status_code == 200 and "已导入 2 家企业" in page.content.decode()
    assert Enterprise.objects.filter(import_batch__isnull=False).count() == 2


def test_upload_with_errors_shows_them_and_offers_the_report(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = xlsx_bytes([good_row("440106", 1), good_row("440305", 2), good_row("440106", 3, employees=-1)])
    response = upload(sized, "guangzhou", data, django_capture_on_commit_callbacks)
    page = sized.client("guangzhou").get(response["Location"])
    html = page.content.decode()
    assert "没有写入任何数据" in html and "辖区" in html and "负数" in html
    job = Job.objects.get()
    report = sized.client("guangzhou").get(reverse("registry:import_errors", args=[job.pk]))
    assert report.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("行号", "列", "值", "原因")
    assert [r[0] for r in rows[1:]] == [3, 4]
    assert not Enterprise.objects.exists()


def test_renamed_binary_upload_is_refused_with_a_message(
    sized: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(
        sized, "guangzhou", bytes(range(256)) * 4, django_capture_on_commit_callbacks, "名单.xlsx"
    )
    html = sized.client("guangzhou").get(response["Location"]).content.decode()
    assert "文件未被接受" in html and "无法识别" in html


def test_dry_run_upload(sized: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = xlsx_bytes([good_row("440106", 1)])
    response = upload(sized, "guangzhou", data, django_capture_on_commit_callbacks, dry_run="on")
    assert "校验通过" in sized.client("guangzhou").get(response["Location"]).content.decode()
    assert not Enterprise.objects.exists()


def test_someone_elses_import_is_404(sized: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = xlsx_bytes([good_row("440106", 1, employees=-1)])
    response = upload(sized, "guangzhou", data, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    colleague = member(sized.orgs["guangzhou"], "gz2")
    other = Client()
    other.force_login(colleague.user)
    assert other.get(response["Location"]).status_code == 404
    assert other.get(reverse("registry:import_errors", args=[job.pk])).status_code == 404
    assert sized.client("guangdong").get(response["Location"]).status_code == 404


def test_import_job_rechecks_rights_when_it_runs(sized: Any, django_capture_on_commit_callbacks: Any) -> None:
    # The job looks the importer's membership up again: rights lost meanwhile make it fail, writing nothing.
    org = organization(
        name="临时机构", type="authority", authority_level="city", region=sized.regions["440100"]
    )
    person = member(org, "temp", "staff")
    client = Client()
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("registry:import_start"),
            {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes([good_row("440106", 1)]))},
        )
    person.role = "viewer"
    person.save()
    with pytest.raises(PermissionDenied):  # the test settings run jobs inline and re-raise their errors
        for callback in callbacks:
            callback()
    job = Job.objects.get()
    assert job.status == "failed" and not Enterprise.objects.exists()

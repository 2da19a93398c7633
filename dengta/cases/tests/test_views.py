"""The case pages: the public library shows published cases only, anonymised without consent, with a PDF;
the workbench generates, writes, consents, submits and publishes; outsiders get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dengta.cases import services
from dengta.cases.models import Case, CaseState, Consent
from dengta.cases.tests.conftest import Cast
from dengta.projects.models import Project

pytestmark = pytest.mark.django_db
NARRATIVE = {
    "title": "质量追溯改造",
    "problem": "纸质记录难以追溯",
    "solution": "上线质量追溯SaaS",
    "results": "投诉处理时间缩短",
    "lessons": "",
}


def client(retrofit: Cast, who: str) -> Client:
    c = Client()
    c.force_login(retrofit.user(who))
    return c


def published(retrofit: Cast, case: Case, *, anonymised: bool) -> Case:
    services.case_update(actor=retrofit.user("provider"), case=case, anonymised=anonymised, **NARRATIVE)
    if not anonymised:
        services.case_consent(actor=retrofit.user("enterprise"), case=case, given=True)
    submitted = services.case_submit(actor=retrofit.user("provider"), case=case)
    return services.case_publish(actor=retrofit.user("guangzhou"), case=submitted)


def test_the_public_library_lists_published_cases_only(retrofit: Cast, case: Case) -> None:
    anonymous = Client()
    assert case.title not in anonymous.get(reverse("cases:public_list")).content.decode()
    assert anonymous.get(reverse("cases:public_detail", args=[case.pk])).status_code == 404
    published(retrofit, case, anonymised=False)
    listing = anonymous.get(reverse("cases:public_list"))
    assert listing.status_code == 200 and listing["Cache-Control"] == "public, max-age=300"
    page = listing.content.decode()
    assert "质量追溯改造" in page and retrofit.enterprise.name in page
    detail = anonymous.get(reverse("cases:public_detail", args=[case.pk])).content.decode()
    assert "纸质记录难以追溯" in detail and f"{case.project.contract_yuan:,.2f}" in detail
    # Filters: another level finds nothing; the case's own level finds it.
    assert "质量追溯改造" not in anonymous.get(reverse("cases:public_list"), {"level": "4"}).content.decode()
    assert "质量追溯改造" in anonymous.get(reverse("cases:public_list"), {"level": "2"}).content.decode()


def test_an_anonymised_case_names_no_enterprise_and_bands_its_amounts(retrofit: Cast, case: Case) -> None:
    published(retrofit, case, anonymised=True)
    page = Client().get(reverse("cases:public_detail", args=[case.pk])).content.decode()
    assert retrofit.enterprise.name not in page
    assert "广东省某" in page
    assert f"{case.project.contract_yuan:,.2f}" not in page  # the exact amount is not shown
    assert "天河区" not in page  # the region only to the province
    assert "匿名案例" in page


def test_the_pdf_is_a_pdf(retrofit: Cast, case: Case) -> None:
    published(retrofit, case, anonymised=True)
    response = Client().get(reverse("cases:public_pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_workbench_from_generation_to_publication(retrofit: Cast, accepted: Project) -> None:
    provider = client(retrofit, "provider")
    listing = provider.get(reverse("cases:work_list")).content.decode()
    assert accepted.title in listing  # a candidate to generate from
    answer = provider.post(reverse("cases:generate", args=[accepted.pk]))
    case = Case.objects.get(project=accepted)
    assert answer.status_code == 302 and answer["Location"] == reverse("cases:work_detail", args=[case.pk])
    # The form writes the narrative; a figure posted with it is ignored (no field carries one).
    saved = provider.post(
        reverse("cases:work_detail", args=[case.pk]),
        {**NARRATIVE, "contract_yuan": "1.00", "level_after": "4"},
    )
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.problem == "纸质记录难以追溯" and case.contract_yuan == accepted.contract_yuan
    assert case.level_after == 2
    enterprise = client(retrofit, "enterprise")
    assert enterprise.post(reverse("cases:consent", args=[case.pk]), {"given": "yes"}).status_code == 302
    assert Case.objects.get(pk=case.pk).consent == Consent.GIVEN
    provider.post(reverse("cases:submit", args=[case.pk]))
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
    # The provider may not publish; the pilot's authority may.
    assert provider.post(reverse("cases:publish", args=[case.pk])).status_code == 403
    client(retrofit, "guangzhou").post(reverse("cases:publish", args=[case.pk]))
    assert Case.objects.get(pk=case.pk).state == CaseState.PUBLISHED


def test_bad_input_keeps_what_was_typed(retrofit: Cast, case: Case) -> None:
    page = client(retrofit, "provider").post(
        reverse("cases:work_detail", args=[case.pk]), {**NARRATIVE, "title": "", "problem": "问题描述"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "问题描述" in body and "标题：该字段是必填项" in body


def test_outsiders_get_404_and_members_without_the_right_403(retrofit: Cast, case: Case) -> None:
    url = reverse("cases:work_detail", args=[case.pk])
    assert client(retrofit, "zhejiang").get(url).status_code == 404
    assert client(retrofit, "expert").get(url).status_code == 403
    assert client(retrofit, "guangzhou").get(url).status_code == 200
    assert client(retrofit, "enterprise").get(url).status_code == 200
    refused = client(retrofit, "enterprise").post(reverse("cases:submit", args=[case.pk]))
    assert refused.status_code == 403


def test_the_return_needs_a_reason(retrofit: Cast, case: Case) -> None:
    services.case_update(actor=retrofit.user("provider"), case=case, anonymised=True, **NARRATIVE)
    services.case_submit(actor=retrofit.user("provider"), case=case)
    city: Any = client(retrofit, "guangzhou")
    city.post(reverse("cases:return", args=[case.pk]), {"reason": ""})
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
    city.post(reverse("cases:return", args=[case.pk]), {"reason": "请补充成效"})
    assert Case.objects.get(pk=case.pk).state == CaseState.RETURNED


def test_enterprises_like_you_page_and_home_panel(retrofit: Cast, case: Case) -> None:
    from dengta.cases.tests.test_recommend import assess
    from dengta.cases.tests.test_recommend import publish as publish_named

    neighbour = retrofit.world.registered.tianhe
    assess(retrofit, neighbour)
    publish_named(retrofit, case)
    url = reverse("cases:similar", args=[neighbour.pk])
    page = client(retrofit, "guangzhou").get(url)
    assert page.status_code == 200
    assert [s.case.pk for s in page.context["similar"]] == [case.pk]
    body = page.content.decode()
    assert case.title in body and "相似度" in body and "同属" in body
    assert client(retrofit, "zhejiang").get(url).status_code == 404
    assert client(retrofit, "expert").get(url).status_code == 403
    # The case's own enterprise is not offered its own case; its home shows the panel.
    home = client(retrofit, "enterprise").get(reverse("core:home")).content.decode()
    assert "与您相似的小灯塔案例" in home
    own = client(retrofit, "enterprise").get(reverse("cases:similar", args=[retrofit.enterprise.pk]))
    assert own.status_code == 200 and own.context["similar"] == []


def test_the_public_library_exports_what_it_shows(retrofit: Cast, case: Case) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    case = published(retrofit, case, anonymised=True)
    response = Client().get(reverse("cases:public_list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "标题" and len(rows) == 2
    title, enterprise, _sub, province, _before, after, contract, _published = rows[1]
    assert title == case.title and retrofit.enterprise.name not in str(enterprise)
    assert province == "广东省" and after == "二级"
    assert contract == "100,000–200,000 元"  # the band, not the amount
    # A filter that matches nothing exports the header alone.
    empty = Client().get(reverse("cases:public_list"), {"export": "xlsx", "level": "4"})
    assert len(list(load_workbook(BytesIO(empty.content)).active.iter_rows(values_only=True))) == 1

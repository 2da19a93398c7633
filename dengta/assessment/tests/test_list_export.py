"""The assessment list's export (dengta.assessment.exports): read as values, each column as on the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dengta.assessment.models import Phase
from tests.exports import exported

from .conftest import self_assessment

pytestmark = pytest.mark.django_db
HEADERS = ("企业名称", "统一社会信用代码", "评测方式", "阶段", "状态", "评测框架", "评测日期", "总分", "等级")


def test_each_column_of_the_assessment_export(world: Any) -> None:
    t0 = self_assessment(world, level=2)
    t1 = self_assessment(world, phase=Phase.T1, level=3)
    download = exported(world.client("guangzhou"), reverse("assessment:list"), {"sort": "created"})
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1:] == [
        (
            t.enterprise.name,
            t.enterprise.uscc,
            t.get_kind_display(),
            t.get_phase_display(),
            t.get_state_display(),
            t.framework.label,
            str(t.assessed_on),  # as text (ISO), as before
            pytest.approx(float(str(t.total))),
            t.level,
        )
        for t in (t0, t1)
    ]
    assert [r[2:5] for r in rows[1:]] == [
        ("企业自评", "改造前（T0）", "已评分"),
        ("企业自评", "改造后（T1）", "已评分"),
    ]


def test_the_list_searches_enterprise_names_as_a_substring_or_the_whole_code(world: Any) -> None:
    """``q`` on the assessment list (and so its export) is the one name search over the enterprise's name,
    or the enterprise's full credit code."""
    from django.http import QueryDict

    from dengta.assessment.exports import assessments_filtered
    from dengta.core.tests.test_search import upper

    self_assessment(world, level=2)
    viewer = world.viewer("ministry")
    everyone = list(assessments_filtered(viewer, QueryDict())[0].select_related("enterprise"))
    assert everyone
    name, code = everyone[0].enterprise.name, everyone[0].enterprise.uscc
    for term in (name[:2], name[-4:], name, "不存在", code, code.lower(), code[:6]):
        got = {a.pk for a in assessments_filtered(viewer, QueryDict(f"q={term}"))[0]}
        expected = {
            a.pk
            for a in everyone
            if upper(term) in upper(a.enterprise.name) or a.enterprise.uscc == term.upper()
        }
        assert got == expected, term
    assert not {a.pk for a in assessments_filtered(viewer, QueryDict(f"q={code[:6]}"))[0]}

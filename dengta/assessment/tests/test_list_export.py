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

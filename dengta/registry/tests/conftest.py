"""Fixtures for the registry tests: the size standard loaded, credit codes made for any region, and a few
enterprises registered through the service in different corners of the cast's region tree."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import cast as typing_cast

import pytest
from openpyxl import Workbook

from dengta.orgs.models import Membership, Organization
from dengta.reference.loaders import load_dataset
from dengta.registry import uscc
from dengta.registry.importing.columns import COLUMNS
from dengta.registry.models import Enterprise
from dengta.registry.services import enterprise_register
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

HEADER = [c.title for c in COLUMNS]


def member(organization: Organization, username: str, role: str = "staff") -> Membership:
    """One more person in an organisation (factory_boy's return type is not known to mypy)."""
    made = MembershipFactory(user=UserFactory(username=username), organization=organization, role=role)
    return typing_cast(Membership, made)


def organization(**values: Any) -> Organization:
    return typing_cast(Organization, OrganizationFactory(**values))


def code_for(region6: str, body9: str = "MA5ABCDE1", authority: str = "91") -> str:
    """A valid credit code registered in ``region6`` (check character computed)."""
    body = authority + region6 + body9
    return body + uscc.check_character(body)


def body(n: int) -> str:
    """A distinct 9-character organisation code for test number ``n``."""
    digits = f"{n:08d}"
    return "MA" + digits[-7:]


@pytest.fixture
def sized(cast: Any) -> Any:
    """The cast, with the SME size standard (工信部联企业〔2011〕300号) loaded."""
    load_dataset("size_standard")
    return cast


def register(cast: Any, region_code: str, n: int, name: str = "", **extra: Any) -> Enterprise:
    values: dict[str, Any] = {
        "actor": cast.members["ministry"].user,
        "uscc": code_for(region_code, body(n)),
        "name": name or f"测试企业{n}有限公司",
        "region": cast.regions[region_code],
        "industry": cast.industries["C3670"],
        "employees": 120,
        "revenue_10k_yuan": "3500",
        "assets_10k_yuan": "2000",
    }
    values.update(extra)
    return enterprise_register(**values)


@dataclass
class Registered:
    tianhe: Enterprise  # 广州市天河区: in 广东 and 广州
    nanshan: Enterprise  # 深圳市南山区: 计划单列市, not in 广东's jurisdiction
    xihu: Enterprise  # 杭州市西湖区: 浙江
    shihezi: Enterprise  # 石河子市: 兵团
    own: Enterprise  # the cast's enterprise organisation's own profile (天河)


@pytest.fixture
def registered(sized: Any) -> Registered:
    from dengta.registry.models import Enterprise as E

    tianhe = register(sized, "440106", 1, "天河精工有限公司")
    nanshan = register(sized, "440305", 2, "南山电子有限公司")
    xihu = register(sized, "330106", 3, "西湖智造有限公司")
    shihezi = register(sized, "659001", 4, "石河子机械有限公司")
    own_org = sized.orgs["enterprise"]
    own = E.objects.create(
        organization=own_org,
        uscc=code_for("440106", body(5)),
        name=own_org.name,
        region=sized.regions["440106"],
        industry=sized.industries["C3670"],
        employees=80,
        revenue=35_000_000,
        total_assets=20_000_000,
        size_class="small",
        is_above_designated_size=True,
        size_sector="industry",
        size_standard_version="miit-2011-300-v2",
        size_explanation={"summary_zh": "小型", "summary_en": "small"},
    )
    return Registered(tianhe, nanshan, xihu, shihezi, own)


def xlsx_bytes(rows: Sequence[Sequence[Any]], header: Sequence[Any] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(HEADER if header is None else header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", header: Sequence[Any] | None = None
) -> bytes:
    lines = [",".join(str(c) for c in (HEADER if header is None else header))]
    lines += [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def good_row(region: str, n: int, **overrides: Any) -> list[Any]:
    values = {
        "uscc": code_for(region, body(n)),
        "name": f"导入企业{n}有限公司",
        "region_code": region,
        "industry_code": "C3670",
        "employees": 120,
        "revenue_10k_yuan": 3500.5,
        "assets_10k_yuan": 2000,
        "tier": "",
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]

"""The fixed cast every test can use: a small region tree and one person per role (ARCHITECTURE.md, Tests).

Regions: 广东省 440000 ⊃ 广州市 440100 ⊃ 天河区 440106, 深圳市 440300 (计划单列市) ⊃ 南山区 440305;
浙江省 330000 ⊃ 杭州市 330100 ⊃ 西湖区 330106; 新疆 650000 ⊃ 乌鲁木齐市 650100; 兵团 660000 ⊃ 石河子市 659001.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from dengta.orgs.models import Membership, Organization
from dengta.orgs.viewer import viewer_for_membership
from dengta.reference.models import Industry, Region
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, industry, region


@dataclass
class Cast:
    regions: dict[str, Region]
    industries: dict[str, Industry]
    orgs: dict[str, Organization]
    members: dict[str, Membership]

    def viewer(self, who: str) -> Any:
        return viewer_for_membership(self.members[who])

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.members[who].user)
        return client


@pytest.fixture
def regions(db: Any) -> dict[str, Region]:
    gd = region("440000", "广东省", is_reporting_unit=True)
    gz = region("440100", "广州市", gd)
    th = region("440106", "天河区", gz)
    sz = region("440300", "深圳市", gd, is_separately_planned=True, is_reporting_unit=True)
    ns = region("440305", "南山区", sz)
    zj = region("330000", "浙江省", is_reporting_unit=True)
    hz = region("330100", "杭州市", zj)
    xh = region("330106", "西湖区", hz)
    xj = region("650000", "新疆维吾尔自治区", is_reporting_unit=True)
    urumqi = region("650100", "乌鲁木齐市", xj)
    xpcc = region("660000", "新疆生产建设兵团", is_reporting_unit=True, is_custom=True)
    shz = region("659001", "石河子市", xpcc)
    return {r.code: r for r in (gd, gz, th, sz, ns, zj, hz, xh, xj, urumqi, xpcc, shz)}


@pytest.fixture
def industries(db: Any) -> dict[str, Industry]:
    c = industry("C", "制造业")
    c36 = industry("C36", "汽车制造业", c)
    c367 = industry("C367", "汽车零部件及配件制造", c36, focus="汽车零部件及配件制造")
    c3670 = industry("C3670", "汽车零部件及配件制造", c367, focus="汽车零部件及配件制造")
    c39 = industry("C39", "计算机、通信和其他电子设备制造业", c, focus="计算机和通讯电子")
    c397 = industry("C397", "电子器件制造", c39, focus="计算机和通讯电子")
    c3971 = industry("C3971", "电子真空器件制造", c397, focus="计算机和通讯电子")
    f = industry("F", "批发和零售业")
    f51 = industry("F51", "批发业", f)
    return {i.code: i for i in (c, c36, c367, c3670, c39, c397, c3971, f, f51)}


@pytest.fixture
def cast(regions: dict[str, Region], industries: dict[str, Industry]) -> Cast:
    """One organisation per type and level, and one member each (username = key)."""
    orgs = {
        "ministry": OrganizationFactory.create(name="工业和信息化部", type="ministry"),
        "guangdong": OrganizationFactory.create(
            name="广东省工业和信息化厅",
            type="authority",
            authority_level="province",
            region=regions["440000"],
        ),
        "guangzhou": OrganizationFactory.create(
            name="广州市工业和信息化局", type="authority", authority_level="city", region=regions["440100"]
        ),
        "shenzhen": OrganizationFactory.create(
            name="深圳市工业和信息化局",
            type="authority",
            authority_level="separately_planned",
            region=regions["440300"],
        ),
        "zhejiang": OrganizationFactory.create(
            name="浙江省经济和信息化厅",
            type="authority",
            authority_level="province",
            region=regions["330000"],
        ),
        "xpcc": OrganizationFactory.create(
            name="兵团工业和信息化局", type="authority", authority_level="xpcc", region=regions["660000"]
        ),
        "xinjiang": OrganizationFactory.create(
            name="新疆维吾尔自治区工业和信息化厅",
            type="authority",
            authority_level="province",
            region=regions["650000"],
        ),
        "provider": OrganizationFactory.create(
            name="广州数智服务有限公司", type="provider", region=regions["440106"]
        ),
        "enterprise": OrganizationFactory.create(
            name="天河精密零部件有限公司", type="enterprise", region=regions["440106"]
        ),
        "expert": OrganizationFactory.create(name="国家中小企业数字化转型专家库", type="expert_pool"),
        "oversight": OrganizationFactory.create(
            name="广东省财政厅监督评价局", type="oversight", region=regions["440000"]
        ),
    }
    roles = {
        "ministry": ("admin", ["programme_staff"]),
        "guangdong": ("staff", ["programme_staff"]),
        "guangzhou": ("staff", ["programme_staff", "finance"]),
        "shenzhen": ("staff", ["programme_staff"]),
        "zhejiang": ("staff", []),
        "xpcc": ("staff", []),
        "xinjiang": ("staff", []),
        "provider": ("admin", []),
        "enterprise": ("admin", []),
        "expert": ("staff", ["reviewer"]),
        "oversight": ("viewer", ["auditor"]),
    }
    members = {
        key: MembershipFactory.create(
            user=UserFactory.create(username=key),
            organization=orgs[key],
            role=roles[key][0],
            platform_roles=roles[key][1],
        )
        for key in orgs
    }
    return Cast(regions=regions, industries=industries, orgs=orgs, members=members)

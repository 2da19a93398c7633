"""A wider world around the fixed cast: one more organisation in each corner of the region tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from dengta.core.access import Viewer
from dengta.orgs.models import Membership, Organization
from dengta.orgs.viewer import viewer_for_membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@dataclass
class World:
    cast: Any
    orgs: dict[str, Organization]
    members: dict[str, Membership]

    def viewer(self, who: str) -> Viewer:
        return viewer_for_membership(self.members[who])


@pytest.fixture
def world(cast: Any) -> World:
    r = cast.regions
    extra: dict[str, Any] = {
        "tianhe_district": OrganizationFactory.create(
            name="天河区工业和信息化局", type="authority", authority_level="district", region=r["440106"]
        ),
        "nanshan_enterprise": OrganizationFactory.create(
            name="南山智能装备有限公司", type="enterprise", region=r["440305"]
        ),
        "hangzhou": OrganizationFactory.create(
            name="杭州市经济和信息化局", type="authority", authority_level="city", region=r["330100"]
        ),
        "xihu_enterprise": OrganizationFactory.create(
            name="西湖数控机床有限公司", type="enterprise", region=r["330106"]
        ),
        "urumqi_enterprise": OrganizationFactory.create(
            name="乌鲁木齐纺织有限公司", type="enterprise", region=r["650100"]
        ),
        "shihezi_enterprise": OrganizationFactory.create(
            name="石河子食品有限公司", type="enterprise", region=r["659001"]
        ),
        "national_oversight": OrganizationFactory.create(name="国家中小企业发展资金监督组", type="oversight"),
    }
    members = dict(cast.members)
    members["national_oversight"] = MembershipFactory.create(
        user=UserFactory.create(username="national_oversight"),
        organization=extra["national_oversight"],
        role="viewer",
        platform_roles=["auditor"],
    )
    members["tianhe_district"] = MembershipFactory.create(
        user=UserFactory.create(username="tianhe_district"),
        organization=extra["tianhe_district"],
        role="staff",
    )
    return World(cast=cast, orgs={**cast.orgs, **extra}, members=members)

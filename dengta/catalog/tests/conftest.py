"""Fixtures for the catalogue's tests: the cast with frameworks and enterprises (the assessment's ``world``),
the cast provider's profile, a pool of the 广州 authority, and helpers that admit a provider and list
products through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    _default_language,
    frameworks,
    self_assessment,
    world,
)
from dengta.catalog.models import Admission, Pool, Product
from dengta.catalog.services import admissions, products
from dengta.orgs.models import Organization, OrgType
from dengta.registry.models import Provider
from dengta.registry.tests.conftest import registered, sized  # noqa: F401  (fixtures)

REFERENCES = [
    {"enterprise": "广州甲机械有限公司", "project": "设备联网", "year": "2024", "contact": "020-1"},
    {"enterprise": "广州乙电子有限公司", "project": "质量追溯", "year": "2025", "contact": ""},
    {"enterprise": "佛山丙五金有限公司", "project": "能耗监测", "year": "", "contact": ""},
]


def complete(**extra: Any) -> dict[str, Any]:
    """An application's fields, complete enough to be submitted."""
    return {
        "qualifications": "高新技术企业；ISO 9001",
        "capacity": 8,
        "references": REFERENCES,
        "scenarios": ["quality", "equipment"],
        "revenue_yuan": Decimal("12000000"),
        "net_assets_yuan": Decimal("5000000"),
        **extra,
    }


class Market:
    """The cast's catalogue: who acts, the pool, the provider, and helpers over the services."""

    def __init__(self, cast_world: Any) -> None:
        self.world = cast_world
        self.provider = Provider.objects.create(
            organization=cast_world.orgs["provider"], uscc="91440106MA5ABCDE99", kind_id="scenario"
        )
        self.pool = admissions.pool_create(
            actor=self.user("guangzhou"),
            owner=cast_world.orgs["guangzhou"],
            name="广州市数字化转型服务商库",
            period=2026,
            min_references=3,
        )

    def user(self, who: str) -> Any:
        return self.world.members[who].user

    def sub_industry(self) -> Any:
        from dengta.reference.models import SubIndustry

        sub, _created = SubIndustry.objects.get_or_create(
            code="auto-parts", defaults={"name": "汽车零部件", "dataset_version": "test"}
        )
        return sub

    def apply(self, provider: Provider | None = None, pool: Pool | None = None, **extra: Any) -> Admission:
        return admissions.admission_create(
            actor=self.user("provider"),
            pool=pool or self.pool,
            provider=provider or self.provider,
            kind=(provider or self.provider).kind,
            sub_industries=[self.sub_industry()],
            **complete(**extra),
        )

    def admit(self, provider: Provider | None = None) -> Admission:
        admission = self.apply(provider)
        admission = admissions.admission_submit(actor=self.user("provider"), admission=admission)
        return admissions.admission_decide(
            actor=self.user("guangzhou"), admission=admission, decision="admit"
        )

    def other_provider(
        self, name: str = "深圳云智科技有限公司", code: str = "91440305MA5FGHIJ12"
    ) -> Provider:
        org = Organization.objects.create(
            name=name, type=OrgType.PROVIDER, region=self.world.regions["440305"]
        )
        return Provider.objects.create(organization=org, uscc=code, kind_id="integrated")

    def product(
        self,
        provider: Provider | None = None,
        *,
        name: str = "质量追溯SaaS",
        lifts: list[dict[str, Any]] | None = None,
        list_price: str = "30000",
        pilot_price: str = "24000",
        listed: bool = True,
        **extra: Any,
    ) -> Product:
        owner = provider or self.provider
        product = products.product_create(
            actor=self.user("provider"),
            provider=owner,
            name=name,
            description=extra.pop("description", "轻量化的质量管理与追溯系统"),
            category=extra.pop("category", "software"),
            deployment=extra.pop("deployment", "saas"),
            list_price=list_price,
            pilot_price=pilot_price,
            delivery_days=extra.pop("delivery_days", 30),
            lifts=lifts if lifts is not None else [{"kind": "scenario", "code": "quality", "level": 2}],
            sub_industries=[self.sub_industry()],
            **extra,
        )
        if listed:
            product = products.product_submit(actor=self.user("provider"), product=product)
            product = products.product_review(actor=self.user("guangzhou"), product=product, decision="list")
        return product


@pytest.fixture
def market(world: Any) -> Market:  # noqa: F811  (the fixture of that name)
    return Market(world)

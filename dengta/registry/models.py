"""The registry: enterprises and providers as profiles of organisations, and enterprise imports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dengta.core.access import Viewer, scope_q
from dengta.core.grams import name_grams
from dengta.core.language import in_english
from dengta.core.models import TimeStampedModel
from dengta.core.places import place_of
from dengta.orgs.models import OrgType


class SizeClass(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Tier(models.TextChoices):
    NONE = "", _("无")
    INNOVATIVE = "innovative", _("创新型中小企业")
    SPECIALISED = "specialised", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, viewer: Viewer) -> EnterpriseQuerySet:
        return self.filter(scope_q(viewer, region_field="region", org_field="organization_id", coded=True))


# The enterprise list's sorts (dengta.registry.exports.ENTERPRISE_SORTS) as stored columns. Keyset pages
# walk an index of (column, id) nationally and of (province, column, id) inside a province, so the first
# and the last page, in any sort, read about one page of rows (measured: bench_lists, docs/benchmarks.md).
ENTERPRISE_SORT_COLUMNS = {
    "name": "name",
    "uscc": "uscc",
    "region": "region_id",
    "industry": "industry_id",
    "employees": "employees",
    "revenue": "revenue",
    "assets": "total_assets",
    "created": "created_at",
}


def enterprise_list_indexes() -> list[models.Index]:
    indexes = []
    for key, column in ENTERPRISE_SORT_COLUMNS.items():
        if key != "uscc":  # uscc is unique: its own index orders (uscc, id) already
            indexes.append(models.Index(fields=[column, "id"], name=f"ent_sort_{key}"))
        indexes.append(models.Index(fields=["province_code", column, "id"], name=f"ent_prov_{key}"))
    # A prefecture's default list and its count, from the index alone (province and prefecture are both in
    # the jurisdiction condition, dengta.core.access.region_q).
    indexes.append(
        models.Index(fields=["province_code", "prefecture_code", "name", "id"], name="ent_place_name")
    )
    # A prefecture inside its province's index: the credit code starts with the registering region's code and
    # the region is the place itself, so in (province, uscc|region, id) a city's rows lie in one run after
    # every other prefecture's before it, each read from the table to check its prefecture (苏州's page
    # sorted by -uscc read 73,000 rows of 江苏: 277 ms; now 26 rows). An industry is filtered, not sorted:
    # (province, industry, id) left the prefecture to check on each of the province's rows of the industry
    # (docs/lists.md: the jurisdiction's columns first).
    for key in ("uscc", "region", "industry"):
        column = ENTERPRISE_SORT_COLUMNS[key]
        indexes.append(
            models.Index(fields=["province_code", "prefecture_code", column, "id"], name=f"ent_pref_{key}")
        )
    # The rare tiers (专精特新, 小巨人) are filtered and counted from a small partial index.
    indexes.append(models.Index(fields=["tier", "id"], condition=~models.Q(tier=""), name="ent_tier"))
    return indexes


class ImportBatch(TimeStampedModel):
    """One accepted bulk import: what file, by whom, how many rows (the rows point back here)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("导入行数"), default=0)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class Enterprise(TimeStampedModel):
    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.PROTECT, related_name="enterprise", verbose_name=_("机构")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    # No index of its own (nor the LIKE twin Django adds for a text key): ent_sort_region (region, id)
    # answers every lookup by region, and each index costs every import (docs/benchmarks.md, bench_import).
    region = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所在地区"),
        db_index=False,
    )
    industry = models.ForeignKey(
        "reference.Industry", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("行业")
    )
    employees = models.PositiveIntegerField(_("从业人员（人）"))
    revenue = models.DecimalField(_("营业收入（元）"), max_digits=16, decimal_places=2)
    total_assets = models.DecimalField(_("资产总额（元）"), max_digits=16, decimal_places=2)
    tier = models.CharField(_("专精特新"), max_length=20, choices=Tier.choices, blank=True, default="")
    size_class = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices)
    is_above_designated_size = models.BooleanField(_("规上企业"), default=False)
    size_sector = models.CharField(_("划型行业"), max_length=40)
    size_standard_version = models.CharField(_("划型标准版本"), max_length=40)
    size_explanation = models.JSONField(_("划型说明"), default=dict)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    # Derived on every save (and by the bulk writers) so that lists at national scale are served by indexes:
    # the codes of the province and prefecture the region lies in (dengta.core.places), and the bigrams of
    # the name for substring search (dengta.core.grams; on PostgreSQL a GIN index over them).
    province_code = models.CharField(_("省级区划代码"), max_length=6, editable=False, default="")
    prefecture_code = models.CharField(_("地级区划代码"), max_length=6, editable=False, default="")
    name_grams = models.TextField(_("名称检索词"), editable=False, default="")

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revenue__gte=0), name="registry_enterprise_revenue_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(total_assets__gte=0), name="registry_enterprise_assets_nonneg"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "size_class"]),
            *enterprise_list_indexes(),
        ]

    def __str__(self) -> str:
        return self.name

    def derive(self) -> None:
        """Set the derived columns from the region and the name (bulk_create does not call save())."""
        self.province_code, self.prefecture_code = place_of(self.region.path)
        self.name_grams = name_grams(self.name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "province_code", "prefecture_code", "name_grams"}
        super().save(*args, **kwargs)


class ChangeState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已退回")
    SUPERSEDED = "superseded", _("已被替换")


class EnterpriseChangeQuerySet(models.QuerySet["EnterpriseChange"]):
    def visible_to(self, viewer: Viewer) -> EnterpriseChangeQuerySet:
        return self.filter(
            scope_q(
                viewer,
                region_field="enterprise__region",
                org_field="enterprise__organization_id",
                coded=True,
            )
        )


class EnterpriseChange(TimeStampedModel):
    """A change an enterprise proposed to its own classification-relevant figures (docs/registry.md).

    The enterprise's row keeps its confirmed figures, size class and 规上 flag until the authority covering
    the enterprise confirms the change (the values apply, the size is computed again) or rejects it with a
    reason. A proposed field left empty (NULL) is not part of the change. ``previous`` is what the official
    figures were when the change was submitted; ``warnings`` are the plausibility warnings the person saw
    (dengta.registry.plausibility), kept so the reviewer sees them too.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="changes", verbose_name=_("企业")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ChangeState.choices, default=ChangeState.PENDING, db_index=True
    )
    industry = models.ForeignKey(
        "reference.Industry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("行业"),
    )
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    revenue = models.DecimalField(_("营业收入（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets = models.DecimalField(
        _("资产总额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # NULL: the tier is not part of the change; "" proposes "no tier".
    tier = models.CharField(  # noqa: DJ001
        _("专精特新"), max_length=20, choices=Tier.choices, null=True, blank=True
    )
    previous = models.JSONField(_("变更前的数据"), default=dict)
    warnings = models.JSONField(_("合理性提示"), default=list, blank=True)
    figures_checked = models.BooleanField(_("已核对数据"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("退回理由"), blank=True)

    objects = EnterpriseChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("企业信息变更")
        verbose_name_plural = _("企业信息变更")
        # One index per order the queue and the API list in (docs/lists.md: every sort needs an index
        # ending with the primary key): the queue of pending changes by (submitted_at, id) and every state
        # by the default ordering; the API by id within a state. PostgreSQL then reads the changes in
        # order and looks up each one's enterprise by its primary key for the jurisdiction, stopping at a
        # page, instead of joining and sorting every change (bench_lists: 110-200 ms down to 1-15 ms).
        indexes = [
            models.Index(fields=["state", "submitted_at", "id"], name="chg_state_submitted"),
            models.Index(fields=["submitted_at", "id"], name="chg_submitted"),
            models.Index(fields=["state", "id"], name="chg_state_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(state="pending"),
                name="registry_enterprisechange_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(revenue__isnull=True) | models.Q(revenue__gte=0),
                name="registry_enterprisechange_revenue_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(total_assets__isnull=True) | models.Q(total_assets__gte=0),
                name="registry_enterprisechange_assets_nonneg",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(reason=""),
                name="registry_enterprisechange_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.enterprise)

    def proposed(self) -> dict[str, object]:
        """The proposed values by model field name (industry as the Industry), only the fields changed."""
        values: dict[str, object] = {}
        if self.industry_id is not None:
            values["industry"] = self.industry
        for name in ("employees", "revenue", "total_assets", "tier"):
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        return values


class ProviderQuerySet(models.QuerySet["Provider"]):
    def visible_to(self, viewer: Viewer) -> ProviderQuerySet:
        # A provider's organisation is of the provider type (services.provider_register). Saying so lets
        # PostgreSQL reach the few thousand provider organisations through the (type, …) indexes instead
        # of joining a million organisations, most of them enterprises; their place codes make the
        # jurisdiction an equality (docs/lists.md).
        return self.filter(
            scope_q(viewer, region_field="organization__region", org_field="organization_id", coded=True),
            organization__type=OrgType.PROVIDER,
        )


class ProviderKind(models.Model):
    """A kind of provider (公共服务平台, 总包/综合服务商, 专业服务商): data, loaded from
    ``data/provider-kinds.json`` and editable by programme staff (DOMAIN.md 1.4, 2.8)."""

    code = models.SlugField(_("编号"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    description_en = models.CharField(_("英文说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(pgettext_lazy("active flag", "有效"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("服务商类型")
        verbose_name_plural = _("服务商类型")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if in_english() and self.name_en else self.name

    @property
    def display_description(self) -> str:
        return self.description_en if in_english() and self.description_en else self.description


class Provider(TimeStampedModel):
    """A digital-transformation service provider (数字化转型服务商); its admission to pools, products and
    ratings are the catalogue's (dengta.catalog)."""

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.PROTECT, related_name="provider", verbose_name=_("机构")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    # The column keeps its name: the kinds were choices before they became data.
    kind = models.ForeignKey(
        ProviderKind,
        on_delete=models.PROTECT,
        db_column="kind",
        related_name="providers",
        verbose_name=_("服务商类型"),
        default="scenario",
    )
    sub_industries = models.ManyToManyField(
        "reference.SubIndustry", blank=True, related_name="providers", verbose_name=_("服务细分行业")
    )
    website = models.CharField(_("网址"), max_length=200, blank=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")

    def __str__(self) -> str:
        return self.organization.name

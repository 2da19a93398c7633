"""The supply side: provider pools and admission (服务商入库), governance, the 小快轻准 product catalogue,
shortlists and quote requests (DOMAIN.md 2.7, 2.8, 6, 8.13–8.14, 9.2; docs/catalogue.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dengta.core.access import Viewer, scope_q
from dengta.core.grams import name_grams
from dengta.core.language import in_english
from dengta.core.models import TimeStampedModel
from dengta.orgs.models import OrgType

# ------------------------------------------------------------------------------------------------ pools


class PoolQuerySet(models.QuerySet["Pool"]):
    def visible_to(self, viewer: Viewer) -> PoolQuerySet:
        """Staff see the pools of their jurisdiction and the ministry's; providers see every open pool (a
        provider may serve anywhere: the national unified market, DOMAIN.md 6.2) and those it applied to."""
        if not viewer.is_authenticated:
            return self.none()
        national = Q(owner__type=OrgType.MINISTRY)
        if viewer.org_type == OrgType.PROVIDER:
            # A subquery, not a join: joined, a pool with several applications came back once per application
            # (get() then raised MultipleObjectsReturned).
            applied = Admission.objects.filter(Q(provider__organization_id=viewer.organization_id))
            return self.filter(Q(is_open=True) | Q(pk__in=applied.values("pool_id")))
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT, OrgType.EXPERT_POOL):
            if viewer.sees_all:
                # scope_q answers Q() for a national viewer, and "x | Q()" is x in Django: say "all" outright.
                return self.all()
            return self.filter(national | scope_q(viewer, region_field="owner__region", org_field="owner_id"))
        return self.filter(national, is_open=True)


class Pool(TimeStampedModel):
    """A provider pool (服务商库) of the ministry or an authority, for one period (DOMAIN.md 2.7)."""

    owner = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="provider_pools",
        verbose_name=_("主管单位"),
    )
    name = models.CharField(_("名称"), max_length=200)
    period = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("说明"), blank=True)
    kinds = models.ManyToManyField(
        "registry.ProviderKind", blank=True, related_name="pools", verbose_name=_("接受的服务商类型")
    )
    # Singapore's pre-approval asks for SME references (DOMAIN.md 9.2); each pool sets its own number.
    min_references = models.PositiveSmallIntegerField(_("至少企业案例数"), default=3)
    expert_review = models.BooleanField(_("需专家评审"), default=False)
    is_open = models.BooleanField(_("接受申请"), default=True)

    objects = PoolQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "name"]
        verbose_name = _("服务商库")
        verbose_name_plural = _("服务商库")
        constraints = [
            models.UniqueConstraint(fields=["owner", "period", "name"], name="catalog_pool_unique_name"),
            models.CheckConstraint(
                condition=Q(period__gte=2022, period__lte=2100), name="catalog_pool_period"
            ),
        ]
        # One (column, id) index per sort of the pool list (docs/lists.md, "Adding a list").
        indexes = [
            models.Index(fields=["period", "name", "id"], name="catalog_pool_by_period"),
            models.Index(fields=["name", "id"], name="catalog_pool_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})" if in_english() else f"{self.name}（{self.period}）"


class AdmissionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审核中")
    RETURNED = "returned", _("退回补充")
    ADMITTED = "admitted", _("已入库")
    REFUSED = "refused", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Standing(models.TextChoices):
    """An admitted provider's standing: 新乡's sanctions are a warning with a rectification deadline, then
    disqualification (DOMAIN.md 2.7)."""

    GOOD = "good", _("正常")
    WARNED = "warned", _("限期整改")
    SUSPENDED = "suspended", _("暂停")
    REMOVED = "removed", _("已移出")


class AdmissionQuerySet(models.QuerySet["Admission"]):
    def visible_to(self, viewer: Viewer) -> AdmissionQuerySet:
        """The provider sees its own applications; staff those to pools of their jurisdiction and the
        ministry's pools when the provider lies in their jurisdiction."""
        if not viewer.is_authenticated:
            return self.none()
        own = Q(provider__organization_id=viewer.organization_id)
        if viewer.org_type == OrgType.EXPERT_POOL:
            # Experts review for pools that ask for it: the applications waiting for a decision there, and
            # those they gave an opinion on (DOMAIN.md 2.7; the pool's expert_review flag).
            opined = AdmissionOpinion.objects.filter(expert_id=getattr(viewer.user, "pk", None))
            return self.filter(
                Q(pool__expert_review=True, state__in=["submitted", "under_review"])
                | Q(pk__in=opined.values("admission_id"))
            )
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:  # national: every row (scope_q's Q() would vanish inside the OR below)
                return self.all()
            return self.filter(
                own
                | scope_q(viewer, region_field="pool__owner__region", org_field="pool__owner_id")
                | (
                    Q(pool__owner__type=OrgType.MINISTRY)
                    & scope_q(
                        viewer, region_field="provider__organization__region", org_field="pool__owner_id"
                    )
                )
            )
        return self.filter(own)


class Admission(TimeStampedModel):
    """A provider's application to a pool, and once admitted its membership and standing."""

    pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, related_name="admissions", verbose_name=_("服务商库")
    )
    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="admissions", verbose_name=_("服务商")
    )
    kind = models.ForeignKey(
        "registry.ProviderKind", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请类型")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AdmissionState.choices, default=AdmissionState.DRAFT
    )
    standing = models.CharField(_("履约状态"), max_length=20, choices=Standing.choices, default=Standing.GOOD)
    qualifications = models.TextField(_("资质情况"), blank=True)
    sub_industries = models.ManyToManyField(
        "reference.SubIndustry", blank=True, related_name="+", verbose_name=_("服务细分行业")
    )
    # Scenario codes of the MIIT 2024 index (the framework's scenarios) the provider serves.
    scenarios = models.JSONField(_("服务场景"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("同时承接项目数"), default=0)
    # [{"enterprise": name, "uscc": code, "project": what was done, "year": 2025, "contact": phone}]
    references = models.JSONField(_("企业案例"), default=list, blank=True)
    revenue_yuan = models.DecimalField(
        _("上年营业收入（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    net_assets_yuan = models.DecimalField(
        _("净资产（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    security_certification = models.CharField(_("网络安全认证"), max_length=200, blank=True)
    security_valid_until = models.DateField(_("认证有效期至"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("意见"), blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("入库申请")
        verbose_name_plural = _("入库申请")
        constraints = [
            # One application per provider per pool (and a pool is one period): a returned application is
            # completed and resubmitted, a refused one waits for the next period (DOMAIN.md 9.2).
            models.UniqueConstraint(fields=["pool", "provider"], name="catalog_admission_once_per_pool"),
            models.CheckConstraint(
                condition=~Q(state__in=["returned", "refused"]) | ~Q(reason=""),
                name="catalog_admission_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="admitted") | Q(standing="good"),
                name="catalog_admission_standing_if_admitted",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "pool"]),
            models.Index(fields=["provider", "state"]),
            # The pool page's list of applications sorts within its pool (docs/lists.md, "Adding a list").
            models.Index(fields=["pool", "state", "id"], name="catalog_admission_pool_state"),
            models.Index(fields=["pool", "updated_at", "id"], name="catalog_admission_pool_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.pool}"

    @property
    def in_good_standing(self) -> bool:
        return self.state == AdmissionState.ADMITTED and self.standing in (Standing.GOOD, Standing.WARNED)


class AdmissionOpinion(TimeStampedModel):
    """An expert's opinion on an application, where the pool asks for expert review before a decision."""

    admission = models.ForeignKey(
        Admission, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("入库申请")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审专家")
    )
    recommend = models.BooleanField(_("建议入库"))
    comment = models.TextField(_("评审意见"), max_length=2000)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("专家评审意见")
        verbose_name_plural = _("专家评审意见")
        constraints = [
            models.UniqueConstraint(fields=["admission", "expert"], name="catalog_admissionopinion_once"),
            models.CheckConstraint(condition=~Q(comment=""), name="catalog_admissionopinion_has_comment"),
        ]


class AdmissionDocument(TimeStampedModel):
    """A file attached to an application or to an annual review, recognised by its content."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("资质证明")
        FINANCIAL = "financial", _("财务报表")
        SECURITY = "security", _("网络安全认证")
        REFERENCE = "reference", _("企业案例证明")
        ANNUAL_REVIEW = "annual_review", _("年度复核材料")
        APPEAL = "appeal", _("申诉材料")

    admission = models.ForeignKey(
        Admission, on_delete=models.PROTECT, related_name="documents", verbose_name=_("入库申请")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="catalog/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.original_name


class GovernanceActionQuerySet(models.QuerySet["GovernanceAction"]):
    def visible_to(self, viewer: Viewer) -> GovernanceActionQuerySet:
        """A measure is visible where its admission is."""
        return self.filter(admission__in=Admission.objects.visible_to(viewer).values("pk"))


class GovernanceAction(TimeStampedModel):
    """A warning, suspension, removal or reinstatement of an admitted provider, with the provider's appeal."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("警告并限期整改")
        SUSPENSION = "suspension", _("暂停资格")
        REMOVAL = "removal", _("移出服务商库")
        REINSTATEMENT = "reinstatement", _("恢复正常")

    class Appeal(models.TextChoices):
        NONE = "", _("未申诉")
        PENDING = "pending", _("申诉待处理")
        UPHELD = "upheld", _("维持原决定")
        OVERTURNED = "overturned", _("撤销原决定")

    admission = models.ForeignKey(
        Admission, on_delete=models.PROTECT, related_name="actions", verbose_name=_("入库记录")
    )
    kind = models.CharField(_("措施"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("理由"))
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    standing_before = models.CharField(_("原履约状态"), max_length=20, choices=Standing.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("决定人")
    )
    appeal = models.CharField(
        _("申诉"), max_length=20, choices=Appeal.choices, default=Appeal.NONE, blank=True
    )
    appeal_text = models.TextField(_("申诉理由"), blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_reason = models.TextField(_("申诉处理意见"), blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(_("申诉处理时间"), null=True, blank=True)

    objects = GovernanceActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("管理措施")
        verbose_name_plural = _("管理措施")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="catalog_governanceaction_has_reason"),
            models.CheckConstraint(
                condition=~Q(kind="warning") | Q(rectify_by__isnull=False),
                name="catalog_governanceaction_warning_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.admission}"


# --------------------------------------------------------------------------------------------- products


class Category(models.TextChoices):
    CONSULTING = "consulting", _("咨询")
    DIAGNOSIS = "diagnosis", _("诊断评估")
    SOFTWARE = "software", _("SaaS/软件")
    CLOUD = "cloud", _("云服务")
    HARDWARE = "hardware", _("数据采集硬件")
    EQUIPMENT = "equipment", _("设备改造")
    INTEGRATION = "integration", _("系统集成")


class Deployment(models.TextChoices):
    SAAS = "saas", _("公有云 SaaS")
    PRIVATE = "private", _("私有化部署")
    HYBRID = "hybrid", _("混合部署")
    ON_SITE = "on_site", _("现场实施")


class ProductState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    LISTED = "listed", _("已上架")
    REJECTED = "rejected", _("未通过")
    DELISTED = "delisted", _("已下架")


def offered_q(prefix: str = "provider") -> Q:
    """Rows whose provider may be offered now: admitted to a pool in good (or warned) standing and suspended
    in none (docs/catalogue.md, governance). ``prefix`` is the path to the provider ("" on providers)."""
    field = f"{prefix}_id" if prefix else "pk"
    admitted = Admission.objects.filter(
        provider=OuterRef(field), state=AdmissionState.ADMITTED, standing__in=[Standing.GOOD, Standing.WARNED]
    )
    suspended = Admission.objects.filter(
        provider=OuterRef(field), state=AdmissionState.ADMITTED, standing=Standing.SUSPENDED
    )
    return Q(Exists(admitted)) & ~Q(Exists(suspended))


class ProductQuerySet(models.QuerySet["Product"]):
    def listed(self) -> ProductQuerySet:
        return self.filter(state=ProductState.LISTED)

    def visible_to(self, viewer: Viewer) -> ProductQuerySet:
        """Listed products of providers that may be offered now are public (ARCHITECTURE.md convention 18);
        the provider sees all of its own; staff see the products of providers in their jurisdiction, as they
        review listings."""
        listed = Q(state=ProductState.LISTED) & offered_q()
        if not viewer.is_authenticated:
            return self.filter(listed)
        own = Q(provider__organization_id=viewer.organization_id)
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:  # national staff review every listing (scope_q's Q() vanishes in an OR)
                return self.all()
            return self.filter(
                listed
                | own
                | scope_q(
                    viewer,
                    region_field="provider__organization__region",
                    org_field="provider__organization_id",
                )
            )
        return self.filter(listed | own)


class Product(TimeStampedModel):
    """A 小快轻准 product or service: what it lifts in the MIIT index, its prices and delivery time."""

    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="products", verbose_name=_("服务商")
    )
    name = models.CharField(_("产品名称"), max_length=120)
    description = models.TextField(_("产品介绍"), max_length=4000)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    deployment = models.CharField(_("部署方式"), max_length=20, choices=Deployment.choices)
    sub_industries = models.ManyToManyField(
        "reference.SubIndustry", blank=True, related_name="products", verbose_name=_("适用细分行业")
    )
    list_price = models.DecimalField(_("市场价（元）"), max_digits=16, decimal_places=2)
    pilot_price = models.DecimalField(_("试点优惠价（元）"), max_digits=16, decimal_places=2)
    price_unit = models.CharField(_("计价单位"), max_length=20, default="套")
    delivery_days = models.PositiveSmallIntegerField(_("交付周期（天）"))
    references = models.TextField(_("应用案例"), blank=True)
    version = models.CharField(_("版本"), max_length=40, blank=True)
    # The framework version the lifts were checked against (a result keeps the version it used).
    framework_code = models.CharField(_("评测框架"), max_length=60)
    framework_version = models.CharField(_("评测框架版本"), max_length=20)
    state = models.CharField(
        _("状态"), max_length=20, choices=ProductState.choices, default=ProductState.DRAFT
    )
    reason = models.TextField(_("意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    listed_at = models.DateTimeField(_("上架时间"), null=True, blank=True)
    # The provider's star rating when last computed, copied here so the catalogue filters and sorts by it.
    rating = models.PositiveSmallIntegerField(_("服务商星级"), null=True, blank=True)
    name_grams = models.TextField(_("名称检索词"), editable=False, default="")
    NAME_GRAMS_OF = ("name", "description")  # substring search over both (dengta.core.search)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="catalog_product_list_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(pilot_price__gte=0), name="catalog_product_pilot_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(pilot_price__lte=F("list_price")), name="catalog_product_pilot_within_list"
            ),
            models.CheckConstraint(condition=Q(delivery_days__gte=1), name="catalog_product_delivery_days"),
            models.CheckConstraint(
                condition=~Q(state__in=["rejected", "delisted"]) | ~Q(reason=""),
                name="catalog_product_decision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "name", "id"], name="catalog_product_name"),
            models.Index(fields=["state", "pilot_price", "id"], name="catalog_product_price"),
            models.Index(fields=["state", "delivery_days", "id"], name="catalog_product_days"),
            models.Index(fields=["state", "listed_at", "id"], name="catalog_product_listed"),
            models.Index(fields=["provider", "state"], name="catalog_product_provider"),
            # The listing queue (pending products, oldest first) and a provider's own products sorted within
            # the provider (docs/lists.md, "Adding a list").
            models.Index(fields=["state", "submitted_at", "id"], name="catalog_product_submitted"),
            models.Index(fields=["provider", "updated_at", "id"], name="catalog_product_own_updated"),
            models.Index(fields=["provider", "name", "id"], name="catalog_product_own_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def concession_yuan(self) -> Any:
        return self.list_price - self.pilot_price

    @property
    def concession_pct(self) -> Any:
        """The concession as a share of the list price, in % (None for a free product)."""
        if not self.list_price:
            return None
        return (self.concession_yuan * 100 / self.list_price).quantize(self.list_price.__class__("0.1"))

    def derive(self) -> None:
        self.name_grams = name_grams(self.name, self.description)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_grams"}
        super().save(*args, **kwargs)


class ProductLift(models.Model):
    """What a product claims to lift: a scenario to a level (1–4), or an item to an answer."""

    class Kind(models.TextChoices):
        SCENARIO = "scenario", _("场景")
        ITEM = "item", _("评测项")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="lifts", verbose_name=_("产品")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("编号"), max_length=80)
    level = models.PositiveSmallIntegerField(_("达到等级"), default=0)
    options = models.JSONField(_("达到选项"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("提升项")
        verbose_name_plural = _("提升项")
        constraints = [
            models.UniqueConstraint(fields=["product", "kind", "code"], name="catalog_productlift_once"),
            models.CheckConstraint(
                condition=~Q(kind="scenario") | Q(level__gte=1, level__lte=4),
                name="catalog_productlift_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.level or ','.join(self.options)}"


# -------------------------------------------------------------------------------- enterprises' side


class Shortlist(TimeStampedModel):
    """A product an enterprise keeps for comparison and a quote request."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="shortlist", verbose_name=_("企业")
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("产品"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("备选产品")
        verbose_name_plural = _("备选产品")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "product"], name="catalog_shortlist_once"),
        ]


class QuoteState(models.TextChoices):
    OPEN = "open", _("待报价")
    ANSWERED = "answered", _("已报价")
    DECLINED = "declined", _("服务商谢绝")
    ACCEPTED = "accepted", _("企业已接受")
    WITHDRAWN = "withdrawn", _("企业已撤回")


class QuoteRequestQuerySet(models.QuerySet["QuoteRequest"]):
    def visible_to(self, viewer: Viewer) -> QuoteRequestQuerySet:
        """The enterprise and the provider see their own; staff of the enterprise's jurisdiction see them
        for the concentration watch (DOMAIN.md 6.1)."""
        if not viewer.is_authenticated:
            return self.none()
        own = Q(enterprise__organization_id=viewer.organization_id) | Q(
            provider__organization_id=viewer.organization_id
        )
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:  # national staff watch every market (scope_q's Q() vanishes in an OR)
                return self.all()
            return self.filter(
                own
                | scope_q(
                    viewer,
                    region_field="enterprise__region",
                    org_field="enterprise__organization_id",
                    coded=True,
                )
            )
        return self.filter(own)


class QuoteRequest(TimeStampedModel):
    """An enterprise asks a provider to quote for products (one provider per request)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="quote_requests", verbose_name=_("企业")
    )
    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="quote_requests", verbose_name=_("服务商")
    )
    products = models.ManyToManyField(Product, related_name="quote_requests", verbose_name=_("产品"))
    # The sub-industry the enterprise asks as (its own, from its industry code): the concentration watch
    # counts shares per sub-industry.
    sub_industry = models.ForeignKey(
        "reference.SubIndustry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("细分行业"),
    )
    message = models.TextField(_("需求说明"), max_length=2000, blank=True)
    # The recommendation the request came from, as shown (bundle, level reached, shares): kept as evidence.
    bundle = models.JSONField(_("推荐组合"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=QuoteState.choices, default=QuoteState.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    quote_yuan = models.DecimalField(_("报价（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    valid_until = models.DateField(_("报价有效期至"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = QuoteRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("报价请求")
        verbose_name_plural = _("报价请求")
        constraints = [
            models.CheckConstraint(
                condition=Q(quote_yuan__isnull=True) | Q(quote_yuan__gte=0), name="catalog_quoterequest_quote"
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | Q(quote_yuan__isnull=False),
                name="catalog_quoterequest_answer_has_quote",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "state", "-created_at"], name="catalog_quote_inbox"),
            models.Index(fields=["enterprise", "-created_at"], name="catalog_quote_enterprise"),
            # The quote list's keyset pages end with the id (docs/lists.md): the provider's inbox, and
            # the staff's list over the whole table.
            models.Index(fields=["provider", "created_at", "id"], name="catalog_quote_provider_created"),
            models.Index(fields=["created_at", "id"], name="catalog_quote_created"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.provider}"


class ProviderRating(TimeStampedModel):
    """An enterprise's satisfaction with a provider it worked with (厦门's acceptance asks for it,
    DOMAIN.md 2.7)."""

    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("服务商")
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        related_name="provider_ratings",
        verbose_name=_("企业"),
    )
    stars = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.TextField(_("评价"), max_length=1000, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价人")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["provider", "enterprise"], name="catalog_providerrating_once"),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="catalog_providerrating_stars"
            ),
        ]


class Complaint(TimeStampedModel):
    """A complaint about a provider, recorded by staff (an input of the star rating, DOMAIN.md 9.2)."""

    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("服务商")
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(_("投诉内容"), max_length=2000)
    upheld = models.BooleanField(pgettext_lazy("complaint", "属实"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")


class ProviderScore(TimeStampedModel):
    """A provider's star rating as last computed, with the formula version and every input (so a rating is
    explained and re-derivable: the formula is data, dengta/catalog/data/rating-formula.json)."""

    provider = models.OneToOneField(
        "registry.Provider", on_delete=models.CASCADE, related_name="score", verbose_name=_("服务商")
    )
    stars = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True)
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=4, null=True, blank=True)
    components = models.JSONField(_("得分构成"), default=list)
    formula_version = models.CharField(_("公式版本"), max_length=20)

    class Meta:
        verbose_name = _("服务商星级")
        verbose_name_plural = _("服务商星级")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="catalog_providerscore_stars",
            ),
        ]

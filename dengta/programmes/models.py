"""Programmes, their batches with rules as data, and authorities' applications (申报) with their
sub-industries, nominated providers and pilot-enterprise pools (DOMAIN.md 1, 2, 5, 8; the pure rules in
``rules.py``)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer, scope_q
from dengta.core.language import in_english
from dengta.core.models import TimeStampedModel
from dengta.orgs.models import OrgType
from dengta.programmes import rules as batch_rules


class ProgrammeModel(models.TextChoices):
    """The two pilot models Dengta runs (DOMAIN.md 1, 2): provinces nominate service platforms per
    sub-industry (2022), or cities apply for a fixed award (2023–2025)."""

    PLATFORM = batch_rules.PLATFORM, _("平台试点")
    CITY = batch_rules.CITY, _("城市试点")


class Programme(TimeStampedModel):
    code = models.SlugField(_("编号"), max_length=40, unique=True)
    model = models.CharField(_("试点模式"), max_length=20, choices=ProgrammeModel.choices)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if in_english() and self.name_en else self.name


class ReviewMethod(models.TextChoices):
    """How a batch combines its experts' totals (review.AggregationMethod; Hypha lets each round choose,
    DOMAIN.md 9.4)."""

    MEAN = "mean", _("平均分")
    TRIMMED_MEAN = "trimmed_mean", _("去掉最高分和最低分后的平均分")
    MEDIAN = "median", _("中位数")


class Batch(TimeStampedModel):
    """One batch (批次) of a programme. Its rules are the batch file as loaded (``manage.py load_batches``),
    with the file's version: every decision on an application stores the version it used (ARCHITECTURE.md
    convention 12). The windows are days in Asia/Shanghai (ARCHITECTURE.md convention 10)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="batches", verbose_name=_("试点项目")
    )
    code = models.SlugField(_("编号"), max_length=40, unique=True)  # the rules file's stem: "city-2025"
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    title_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    notice = models.CharField(_("通知文号"), max_length=80, blank=True)
    application_opens = models.DateField(_("申报开始"))
    application_closes = models.DateField(_("申报截止"))
    review_closes = models.DateField(_("评审截止"))
    pilot_period_months = models.PositiveSmallIntegerField(_("试点期（月）"))
    # The rules file's text as loaded: its decimals stay exact (a JSON column would make them floats).
    rules = models.TextField(_("批次规则文件内容"))
    rules_version = models.CharField(_("规则版本"), max_length=40)
    # How the experts' totals are combined: the programme staff's choice, not part of the notice's rules.
    review_method = models.CharField(
        _("评审汇总方式"), max_length=20, choices=ReviewMethod.choices, default=ReviewMethod.MEAN
    )

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2022, year__lte=2100), name="programmes_batch_year"),
            models.CheckConstraint(
                condition=Q(application_opens__lte=models.F("application_closes"))
                & Q(application_closes__lte=models.F("review_closes")),
                name="programmes_batch_windows_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title

    def parsed_rules(self) -> batch_rules.BatchRules:
        """The stored rules as the pure module reads them (validated again: a stored file is data too)."""
        return batch_rules.parse_batch_rules(json.loads(self.rules, parse_float=Decimal), self.code)


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("评审中")
    RETURNED = "returned", _("退回补充")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未获批准")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which an application holds its enterprises and its place in the province's quota.
LIVE_STATES = frozenset(
    {
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.UNDER_REVIEW,
        ApplicationState.RETURNED,
        ApplicationState.APPROVED,
    }
)


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, viewer: Viewer) -> ApplicationQuerySet:
        """The applicant authority sees its own; the staff of a jurisdiction those of authorities inside it (a
        province recommends its cities, DOMAIN.md 2.1); national staff every application."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:  # scope_q's Q() would vanish inside the OR below
                return self.all()
            return self.filter(scope_q(viewer, region_field="applicant__region", org_field="applicant_id"))
        return self.filter(applicant_id=viewer.organization_id)


class Application(TimeStampedModel):
    """An authority's application for a batch: its sub-industries, providers, pilot-enterprise pool, targets
    and fund plan (DOMAIN.md 2.1, 8)."""

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="applications", verbose_name=_("批次")
    )
    applicant = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报单位")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    award_requested_yuan = models.DecimalField(
        _("申请奖补资金（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    retrofit_share = models.DecimalField(
        _("用于企业改造的比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    service_share = models.DecimalField(
        _("用于服务能力提升的比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    local_matching_yuan = models.DecimalField(
        _("地方配套资金（元）"), max_digits=16, decimal_places=2, default=0
    )
    target_share = models.DecimalField(
        _("目标：规上试点企业达标比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    target_level = models.PositiveSmallIntegerField(_("目标等级"), null=True, blank=True)
    plan = models.TextField(_("实施方案要点"), blank=True)
    declared_at = models.DateTimeField(_("承诺声明时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    reason = models.TextField(_("意见"), blank=True)
    # The last eligibility check: its failures (code, subject, params) and the rules version it used.
    eligibility = models.JSONField(_("资格检查结果"), default=list, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    rules_version = models.CharField(_("使用的规则版本"), max_length=40, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        constraints = [
            # One application per authority and batch; a withdrawn one leaves room for a new one.
            models.UniqueConstraint(
                fields=["batch", "applicant"],
                condition=~Q(state=ApplicationState.WITHDRAWN),
                name="programmes_application_one_live_per_batch",
            ),
            models.CheckConstraint(
                condition=Q(award_requested_yuan__isnull=True) | Q(award_requested_yuan__gte=0),
                name="programmes_application_award_nonneg",
            ),
            models.CheckConstraint(
                condition=(Q(retrofit_share__isnull=True) | Q(retrofit_share__gte=0, retrofit_share__lte=1))
                & (Q(service_share__isnull=True) | Q(service_share__gte=0, service_share__lte=1))
                & (Q(target_share__isnull=True) | Q(target_share__gte=0, target_share__lte=1)),
                name="programmes_application_shares_in_range",
            ),
            models.CheckConstraint(
                condition=Q(local_matching_yuan__gte=0), name="programmes_application_matching_nonneg"
            ),
        ]
        # The list's filters and its default sort (docs/lists.md, "Adding a list"); sorting by the applicant's
        # name orders through the join: a batch has at most a few hundred applications.
        indexes = [
            models.Index(fields=["batch", "state"], name="programmes_app_batch_state"),
            models.Index(fields=["updated_at", "id"], name="programmes_app_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.batch}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class ApplicationSubIndustry(models.Model):
    """A sub-industry the application chooses (from the reference catalogue), with the name used locally."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="sub_industries", verbose_name=_("申报")
    )
    sub_industry = models.ForeignKey(
        "reference.SubIndustry", on_delete=models.PROTECT, related_name="+", verbose_name=_("细分行业")
    )
    local_name = models.CharField(_("本地名称"), max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("申报细分行业")
        verbose_name_plural = _("申报细分行业")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sub_industry"], name="programmes_subindustry_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return self.local_name or str(self.sub_industry)


class NominatedProvider(models.Model):
    """A provider the application names for one of its sub-industries (in the platform model, the nominated
    service platform, DOMAIN.md 1.4)."""

    entry = models.ForeignKey(
        ApplicationSubIndustry, on_delete=models.CASCADE, related_name="providers", verbose_name=_("细分行业")
    )
    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("服务商")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("推荐服务商")
        verbose_name_plural = _("推荐服务商")
        constraints = [
            models.UniqueConstraint(fields=["entry", "provider"], name="programmes_provider_once_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.entry}"


class PoolEnterprise(models.Model):
    """An enterprise in the application's pilot-enterprise pool (试点企业库, DOMAIN.md 2.7), under one of its
    sub-industries; an enterprise is in an application once."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pool", verbose_name=_("申报")
    )
    entry = models.ForeignKey(
        ApplicationSubIndustry,
        on_delete=models.CASCADE,
        related_name="enterprises",
        verbose_name=_("细分行业"),
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="pilot_pools", verbose_name=_("企业")
    )
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("试点企业")
        verbose_name_plural = _("试点企业")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "enterprise"], name="programmes_enterprise_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.entry}"

    def clean(self) -> None:
        super().clean()
        if self.entry_id and self.application_id and self.entry.application_id != self.application_id:
            raise ValidationError({"entry": _("该细分行业不属于这份申报")})


# ---------------------------------------------------------------------------------------------- expert review


class ReviewAssignment(TimeStampedModel):
    """One expert's review of one application under the batch's rubric (竞争性评审, DOMAIN.md 2.1): scores per
    criterion (0–5 or n/a), comments, submitted once before the deadline with its total and the rubric
    version it used."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("申报")
    )
    expert = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="application_reviews",
        verbose_name=_("评审专家"),
    )
    deadline = models.DateTimeField(_("评审截止时间"))
    scores = models.JSONField(_("评分"), default=dict, blank=True)  # criterion code -> 0–5, or None for n/a
    comments = models.JSONField(_("评语"), default=dict, blank=True)  # criterion code -> text
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    rubric_version = models.CharField(_("评审细则版本"), max_length=40)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="programmes_review_once_per_expert"
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="programmes_review_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.application}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class ConflictDeclaration(TimeStampedModel):
    """An expert's declared conflict of interest with an organisation (an applicant or a provider): the expert
    is never assigned an application it is a party to."""

    expert = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
        verbose_name=_("评审专家"),
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("机构")
    )
    reason = models.CharField(_("说明"), max_length=300)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organization"], name="programmes_conflict_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.organization}"


# ------------------------------------------------------------------------------------------ pilots and money


class PilotQuerySet(models.QuerySet["Pilot"]):
    def visible_to(self, viewer: Viewer) -> PilotQuerySet:
        """The pilot's authority sees its own; the staff of a jurisdiction those of authorities inside it;
        national staff every pilot. Other members see none (their projects show what concerns them)."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:
                return self.all()
            return self.filter(scope_q(viewer, region_field="authority__region", org_field="authority_id"))
        return self.none()


class Pilot(TimeStampedModel):
    """An approved application: the pilot of its authority, with its period, its targets and the central
    award (定额奖励, DOMAIN.md 2.1). One per application: approval creates it, once."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="pilot", verbose_name=_("申报")
    )
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("批次"))
    authority = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="pilots", verbose_name=_("试点单位")
    )
    starts_on = models.DateField(_("试点开始"))
    ends_on = models.DateField(_("试点结束"))
    target_share = models.DecimalField(_("目标：规上试点企业达标比例"), max_digits=5, decimal_places=4)
    target_level = models.PositiveSmallIntegerField(_("目标等级"))
    central_award_yuan = models.DecimalField(_("中央奖补资金（元）"), max_digits=16, decimal_places=2)
    rules_version = models.CharField(_("使用的规则版本"), max_length=40)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("试点")
        verbose_name_plural = _("试点")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("ends_on")), name="programmes_pilot_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(central_award_yuan__gte=0), name="programmes_pilot_award_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} · {self.batch}"


class Allocation(TimeStampedModel):
    """The pilot's award split into the retrofit and service-capacity envelopes (≥ 80 % / ≤ 20 %, DOMAIN.md
    2.1) beside the local matching funds: the budgets retrofit projects draw on, with the rule that made
    them (``allocation.split_award``)."""

    pilot = models.OneToOneField(
        Pilot, on_delete=models.PROTECT, related_name="allocation", verbose_name=_("试点")
    )
    award_yuan = models.DecimalField(_("中央奖补资金（元）"), max_digits=16, decimal_places=2)
    retrofit_share = models.DecimalField(_("用于企业改造的比例"), max_digits=5, decimal_places=4)
    service_share = models.DecimalField(_("用于服务能力提升的比例"), max_digits=5, decimal_places=4)
    retrofit_yuan = models.DecimalField(_("企业改造资金（元）"), max_digits=16, decimal_places=2)
    service_yuan = models.DecimalField(_("服务能力提升资金（元）"), max_digits=16, decimal_places=2)
    local_matching_yuan = models.DecimalField(_("地方配套资金（元）"), max_digits=16, decimal_places=2)
    total_yuan = models.DecimalField(_("资金合计（元）"), max_digits=16, decimal_places=2)
    cap_yuan = models.DecimalField(_("奖补上限（元）"), max_digits=16, decimal_places=2)
    rules_version = models.CharField(_("使用的规则版本"), max_length=40)
    explanation = models.JSONField(_("计算说明"), default=list)

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        constraints = [
            # The envelopes add up to the award to the fen (allocation.split_award rounds the retrofit
            # envelope down and gives the service envelope the rest).
            models.CheckConstraint(
                condition=Q(award_yuan=models.F("retrofit_yuan") + models.F("service_yuan")),
                name="programmes_allocation_envelopes_add_up",
            ),
            models.CheckConstraint(
                condition=Q(total_yuan=models.F("award_yuan") + models.F("local_matching_yuan")),
                name="programmes_allocation_total",
            ),
            models.CheckConstraint(
                condition=Q(retrofit_yuan__gte=0, service_yuan__gte=0, local_matching_yuan__gte=0),
                name="programmes_allocation_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pilot)

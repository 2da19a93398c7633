"""Retrofit projects (改造项目) of pilot enterprises and the money that pays for them (DOMAIN.md 2.6, 2.7,
8.10, 8.11, 8.15): the pilot's project rules, the filed project with its catalogue lines and cost split,
milestones, the 一企一档 dossier, invoices and the enterprise's payments, on-site evaluations, and the
subsidy ledger (envelopes, commitments, payments) whose balances never go below zero.

The pure calculations are ``cost_split.py`` and ``gain_share.py``; the workflow table is ``workflows.py``;
writes go through ``services/``; reads through ``selectors.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer, scope_q
from dengta.core.models import AppendOnlyError, TimeStampedModel
from dengta.orgs.models import OrgType


class ProjectRules(TimeStampedModel):
    """A pilot's rules for its retrofit projects: the subsidy rate, the per-enterprise cap, the central share,
    what counts as eligible, the acceptance deadline and tolerance, and the filing guards. Set locally
    (DOMAIN.md 2.7, 8.5: e.g. 杭州 50 % of eligible investment, at most 500,000 yuan per enterprise), so the
    batch file carries defaults that the pilot's authority may change; every change raises the revision, and a
    project keeps the version it was split with (ARCHITECTURE.md convention 12)."""

    pilot = models.OneToOneField(
        "programmes.Pilot", on_delete=models.PROTECT, related_name="project_rules", verbose_name=_("试点")
    )
    subsidy_rate = models.DecimalField(_("补贴比例"), max_digits=7, decimal_places=6)
    cap_per_enterprise_yuan = models.DecimalField(_("单户补贴上限（元）"), max_digits=16, decimal_places=2)
    central_share = models.DecimalField(_("中央资金分担比例"), max_digits=7, decimal_places=6)
    eligible_categories = models.JSONField(_("可补贴类别"), default=list)
    acceptance_deadline_months = models.PositiveSmallIntegerField(_("完工后申请验收期限（月）"), default=3)
    tolerance_yuan = models.DecimalField(
        _("票据核对容差（元）"), default=Decimal("1.00"), max_digits=16, decimal_places=2
    )
    filing_before_contract = models.BooleanField(_("须先备案后签约付款"), default=True)
    one_project_per_enterprise = models.BooleanField(
        _("每家企业在同一试点项目中限一个补贴项目"), default=True
    )
    source_version = models.CharField(_("默认规则来源版本"), max_length=40)
    revision = models.PositiveIntegerField(_("修订号"), default=1)

    class Meta:
        verbose_name = _("改造项目规则")
        verbose_name_plural = _("改造项目规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    subsidy_rate__gte=0, subsidy_rate__lte=1, central_share__gte=0, central_share__lte=1
                ),
                name="projects_rules_rates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(cap_per_enterprise_yuan__gte=0, tolerance_yuan__gte=0),
                name="projects_rules_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} · {self.version}"

    @property
    def version(self) -> str:
        """The batch file's version and the local revision: "2025-v1/r2"."""
        return f"{self.source_version}/r{self.revision}"


class ProjectState(models.TextChoices):
    """DOMAIN.md 8.10: 项目备案 → 改造 → 申请验收 (within 3 months of completion) → 区县预审 →
    现场评定与验收 → 申请奖补 → 拨付 → 归档; withdrawn or disqualified from any open state."""

    DRAFT = "draft", _("草稿")
    FILED = "filed", _("已备案待审核")
    APPROVED = "approved", _("已批准")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完工")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("已申请验收")
    PRE_CHECKED = "pre_checked", _("已通过预审")
    ON_SITE = "on_site", _("现场评定中")
    RECTIFICATION = "rectification", _("整改中")
    ACCEPTED = "accepted", _("验收通过")
    FAILED = "failed", _("验收未通过")
    SUBSIDY_CLAIMED = "subsidy_claimed", _("已申请奖补")
    PAID = "paid", _("已拨付")
    ARCHIVED = "archived", _("已归档")
    WITHDRAWN = "withdrawn", _("已撤回")
    DISQUALIFIED = "disqualified", _("已取消资格")


# A project holds money (a commitment) from approval until it is paid or ends otherwise.
FUNDED_STATES: frozenset[str] = frozenset(
    {
        ProjectState.APPROVED,
        ProjectState.IN_PROGRESS,
        ProjectState.COMPLETED,
        ProjectState.ACCEPTANCE_REQUESTED,
        ProjectState.PRE_CHECKED,
        ProjectState.ON_SITE,
        ProjectState.RECTIFICATION,
        ProjectState.ACCEPTED,
        ProjectState.SUBSIDY_CLAIMED,
        ProjectState.PAID,
        ProjectState.ARCHIVED,
    }
)
CLOSED_STATES: frozenset[str] = frozenset(
    {ProjectState.ARCHIVED, ProjectState.WITHDRAWN, ProjectState.DISQUALIFIED, ProjectState.FAILED}
)
OPEN_STATES: frozenset[str] = frozenset(ProjectState.values) - CLOSED_STATES - {ProjectState.PAID}


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, viewer: Viewer) -> ProjectQuerySet:
        """The provider and the enterprise see their own projects; staff those of enterprises in their
        jurisdiction; an expert those whose on-site evaluation is theirs."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:
                return self.all()
            return self.filter(scope_q(viewer, region_field="enterprise__region", org_field=None))
        if viewer.org_type == OrgType.EXPERT_POOL:
            return self.filter(evaluations__expert_id=getattr(viewer.user, "pk", None)).distinct()
        return self.filter(
            Q(provider__organization_id=viewer.organization_id)
            | Q(enterprise__organization_id=viewer.organization_id)
        )

    def with_place(self) -> ProjectQuerySet:
        """Annotate what every event of a project records (the provider's organisation and the enterprise's
        region path; Project.event_place), so that the services' locked reads need not join whole rows."""
        return self.annotate(
            place_organization=F("provider__organization_id"), place_path=F("enterprise__region__path")
        )

    def funded(self) -> ProjectQuerySet:
        return self.filter(state__in=FUNDED_STATES)


class Project(TimeStampedModel):
    """A retrofit project filed (备案) by a provider for a pilot enterprise, with its lines from the catalogue
    and the cost split computed from the pilot's rules when it was filed (kept with the rules' version)."""

    pilot = models.ForeignKey(
        "programmes.Pilot", on_delete=models.PROTECT, related_name="projects", verbose_name=_("试点")
    )
    # The programme, denormalised from the pilot, for the one-project-per-enterprise guard (DOMAIN.md 8.15).
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("试点项目")
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="projects", verbose_name=_("企业")
    )
    provider = models.ForeignKey(
        "registry.Provider", on_delete=models.PROTECT, related_name="projects", verbose_name=_("服务商")
    )
    title = models.CharField(_("项目名称"), max_length=120)
    state = models.CharField(
        _("状态"), max_length=24, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    scenarios = models.JSONField(_("改造场景"), default=list, blank=True)  # scenario codes of the framework
    target_level = models.PositiveSmallIntegerField(_("目标等级"), default=2)
    starts_on = models.DateField(_("计划开始"))
    ends_on = models.DateField(_("计划完成"))
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)
    first_payment_on = models.DateField(_("首次付款日期"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    acceptance_due_on = models.DateField(_("申请验收截止"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收通过时间"), null=True, blank=True)
    reason = models.TextField(_("意见"), blank=True)
    # The enterprise's rating of the provider for this project (the catalogue's ProviderRating holds it for
    # the star rating; kept here for the project's record).
    rated_stars = models.PositiveSmallIntegerField(_("企业满意度"), null=True, blank=True)
    # The split as filed (cost_split.split_cost), with the rules' version and its explanation.
    contract_yuan = models.DecimalField(
        _("合同金额（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    concession_yuan = models.DecimalField(
        _("服务商让利（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    eligible_yuan = models.DecimalField(
        _("可补贴投入（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    prior_subsidy_yuan = models.DecimalField(
        _("此前已获补贴（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    subsidy_yuan = models.DecimalField(_("补贴（元）"), default=Decimal(0), max_digits=16, decimal_places=2)
    central_yuan = models.DecimalField(
        _("中央资金（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    local_yuan = models.DecimalField(_("地方资金（元）"), default=Decimal(0), max_digits=16, decimal_places=2)
    enterprise_yuan = models.DecimalField(
        _("企业自筹（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    split_explanation = models.JSONField(_("计算说明"), default=list, blank=True)
    rules_version = models.CharField(_("使用的规则版本"), max_length=60, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="projects_project_schedule"
            ),
            models.CheckConstraint(
                condition=Q(
                    contract_yuan__gte=0,
                    concession_yuan__gte=0,
                    eligible_yuan__gte=0,
                    subsidy_yuan__gte=0,
                    central_yuan__gte=0,
                    local_yuan__gte=0,
                    enterprise_yuan__gte=0,
                    prior_subsidy_yuan__gte=0,
                ),
                name="projects_project_money_nonneg",
            ),
            # The three shares add up exactly (cost_split: local = subsidy − central, enterprise = contract −
            # subsidy), whatever wrote the row.
            models.CheckConstraint(
                condition=Q(subsidy_yuan=F("central_yuan") + F("local_yuan")),
                name="projects_project_subsidy_sources",
            ),
            models.CheckConstraint(
                condition=Q(contract_yuan=F("subsidy_yuan") + F("enterprise_yuan")),
                name="projects_project_contract_shares",
            ),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=4), name="projects_project_target_level"
            ),
        ]
        indexes = [
            models.Index(fields=["pilot", "state"], name="projects_project_pilot_state"),
            models.Index(fields=["enterprise", "programme"], name="projects_project_ent_prog"),
            models.Index(fields=["provider", "state"], name="projects_project_provider"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        """The project's reference as people quote it: "XM-2025-000123"."""
        return f"XM-{self.created_at:%Y}-{self.pk:06d}" if self.pk and self.created_at else ""

    @property
    def scope_path(self) -> str:
        region = self.enterprise.region
        return region.path if region is not None else ""

    def event_place(self) -> dict[str, Any]:
        """The organisation and region path of the project's events: from the row's with_place()
        annotations when it was read with them, from the related rows otherwise."""
        if "place_organization" in self.__dict__:
            return {
                "organization_id": self.__dict__["place_organization"],
                "scope_path": self.__dict__["place_path"] or "",
            }
        return {"organization_id": self.provider.organization_id, "scope_path": self.scope_path}


class ProjectLine(models.Model):
    """A catalogue product in the project, with the prices as they were when filed."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="lines", verbose_name=_("项目")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="project_lines", verbose_name=_("产品")
    )
    name = models.CharField(_("产品名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=20)
    list_price_yuan = models.DecimalField(_("市场价（元）"), max_digits=16, decimal_places=2)
    pilot_price_yuan = models.DecimalField(_("试点优惠价（元）"), max_digits=16, decimal_places=2)
    quantity = models.PositiveIntegerField(_("数量"))
    price_unit = models.CharField(_("计价单位"), max_length=20, default="套")

    class Meta:
        ordering = ["id"]
        verbose_name = _("投入明细")
        verbose_name_plural = _("投入明细")
        constraints = [
            models.CheckConstraint(
                condition=Q(pilot_price_yuan__gte=0, pilot_price_yuan__lte=F("list_price_yuan")),
                name="projects_line_prices",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="projects_line_quantity"),
            models.UniqueConstraint(fields=["project", "product"], name="projects_line_product_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def amount_yuan(self) -> Decimal:
        return self.pilot_price_yuan * self.quantity


class Milestone(TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目")
    )
    title = models.CharField(_("里程碑"), max_length=120)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("说明"), max_length=2000, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")

    def __str__(self) -> str:
        return self.title

    @property
    def on_time(self) -> bool | None:
        if self.done_on is None:
            return None
        return self.done_on <= self.due_on


def dossier_path(instance: DossierFile, filename: str) -> str:
    # The stored name is the hash, never the uploader's name (which may hold anything).
    return f"projects/{instance.project_id}/{instance.sha256}"


class DossierFile(TimeStampedModel):
    """One version of one document of the 一企一档 dossier (the kinds are data: dossier.py). A new upload of
    the same kind is a new version; the newest counts and the older ones stay."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="dossier", verbose_name=_("项目")
    )
    kind = models.CharField(_("材料类型"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("里程碑"),
    )
    file = models.FileField(_("文件"), upload_to=dossier_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("档案材料")
        verbose_name_plural = _("档案材料")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "version"], name="projects_dossier_version"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Invoice(TimeStampedModel):
    """An invoice for the project (发票). Its number is unique across all projects: the same invoice cannot be
    claimed twice (DOMAIN.md 6.4, 8.15)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("项目")
    )
    number = models.CharField(_("发票号码"), max_length=40, unique=True)
    issued_on = models.DateField(_("开票日期"))
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("发票")
        verbose_name_plural = _("发票")
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="projects_invoice_positive")
        ]

    def __str__(self) -> str:
        return self.number


class EnterprisePayment(TimeStampedModel):
    """A payment by the enterprise to the provider (付款凭证): together they must cover its share."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="enterprise_payments", verbose_name=_("项目")
    )
    paid_on = models.DateField(_("付款日期"))
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    reference = models.CharField(_("付款凭证号"), max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("企业付款")
        verbose_name_plural = _("企业付款")
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="projects_entpayment_positive"),
            models.UniqueConstraint(fields=["project", "reference"], name="projects_entpayment_reference"),
        ]


class EvaluationOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    RECTIFY = "rectify", _("限期整改")
    FAILED = "failed", _("不通过")


class Evaluation(TimeStampedModel):
    """An on-site evaluation (现场评定) of a project by an expert: the T1 assessment the expert signs off and
    the
    outcome. A rectification leads to a new evaluation (DOMAIN.md 2.6, 2.7 厦门)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("项目")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="project_evaluations",
        verbose_name=_("评定专家"),
    )
    assessment = models.ForeignKey(
        "assessment.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("改造后现场评定"),
    )
    level = models.PositiveSmallIntegerField(_("评定等级"), null=True, blank=True)
    outcome = models.CharField(_("结论"), max_length=10, choices=EvaluationOutcome.choices, blank=True)
    findings = models.TextField(_("评定意见"), max_length=4000, blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("现场评定")
        verbose_name_plural = _("现场评定")


# ----------------------------------------------------------------------------------------------------- ledger


class EnvelopeKind(models.TextChoices):
    """The pilot's money by source and use (DOMAIN.md 2.1: ≥ 80 % of the central award for retrofits, ≤ 20 %
    for service capacity; 宁波 accounts central and city funds apart, 2.7)."""

    RETROFIT = "retrofit", _("中央资金·企业改造")
    SERVICE = "service", _("中央资金·服务能力提升")
    LOCAL = "local", _("地方配套资金")


class Envelope(models.Model):
    """A budget of a pilot. Its three running totals are kept on the row so that one locked row decides
    whether a commitment or a payment fits, and the database refuses any write that would take it below
    zero; every total is also derivable from the ledger entries (``ledger.reconcile``)."""

    pilot = models.ForeignKey(
        "programmes.Pilot", on_delete=models.PROTECT, related_name="envelopes", verbose_name=_("试点")
    )
    kind = models.CharField(_("资金"), max_length=20, choices=EnvelopeKind.choices)
    allocated_yuan = models.DecimalField(_("下达（元）"), default=Decimal(0), max_digits=16, decimal_places=2)
    committed_yuan = models.DecimalField(
        _("已承诺（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    paid_yuan = models.DecimalField(_("已拨付（元）"), default=Decimal(0), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["pilot", "kind"]
        verbose_name = _("资金额度")
        verbose_name_plural = _("资金额度")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "kind"], name="projects_envelope_once"),
            # Never overspent: paid ≤ committed ≤ allocated, none below zero.
            models.CheckConstraint(
                condition=Q(paid_yuan__gte=0, paid_yuan__lte=F("committed_yuan")),
                name="projects_envelope_paid_within_committed",
            ),
            models.CheckConstraint(
                condition=Q(committed_yuan__lte=F("allocated_yuan")),
                name="projects_envelope_committed_within_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} · {self.get_kind_display()}"

    @property
    def available_yuan(self) -> Decimal:
        return self.allocated_yuan - self.committed_yuan


class Funding(models.Model):
    """What one envelope holds for one project: committed at approval, paid once on claim. The row is locked
    with its envelope; its constraints make a second payment or a payment above the commitment impossible."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="funding", verbose_name=_("项目")
    )
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="funding")
    committed_yuan = models.DecimalField(
        _("已承诺（元）"), default=Decimal(0), max_digits=16, decimal_places=2
    )
    paid_yuan = models.DecimalField(_("已拨付（元）"), default=Decimal(0), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("项目资金")
        verbose_name_plural = _("项目资金")
        constraints = [
            models.UniqueConstraint(fields=["project", "envelope"], name="projects_funding_once"),
            models.CheckConstraint(
                condition=Q(paid_yuan__gte=0, paid_yuan__lte=F("committed_yuan")),
                name="projects_funding_paid_within_committed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.envelope}"


class EntryKind(models.TextChoices):
    ALLOCATE = "allocate", _("下达")
    COMMIT = "commit", _("承诺")
    RELEASE = "release", _("释放承诺")
    PAY = "pay", _("拨付")
    REVERSE = "reverse", _("冲正")


class PaymentBatchQuerySet(models.QuerySet["PaymentBatch"]):
    def visible_to(self, viewer: Viewer) -> PaymentBatchQuerySet:
        """A batch is seen by whoever sees its pilot (the staff of its jurisdiction)."""
        from dengta.programmes.models import Pilot

        return self.filter(pilot__in=Pilot.objects.visible_to(viewer).values("pk"))


class PaymentBatch(TimeStampedModel):
    """Payments made together and exported to Excel for the finance department (拨付批次)."""

    pilot = models.ForeignKey(
        "programmes.Pilot", on_delete=models.PROTECT, related_name="payment_batches", verbose_name=_("试点")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = PaymentBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Ledger entries are immutable; correct with a reversing entry.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger entries are immutable; correct with a reversing entry.")


class LedgerEntry(models.Model):
    """One movement of money, never changed or deleted: a correction is a reversing entry (``reverses``).
    Amounts are positive; the kind says which total they move. A payment carries its idempotency key, unique,
    so a repeated request pays once."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="entries")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True, unique=True)
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("资金台账分录")
        verbose_name_plural = _("资金台账")
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="projects_entry_positive"),
            models.CheckConstraint(
                condition=Q(kind="reverse", reverses__isnull=False)
                | (~Q(kind="reverse") & Q(reverses__isnull=True)),
                name="projects_entry_reversal_names_its_entry",
            ),
        ]
        indexes = [models.Index(fields=["envelope", "kind"], name="projects_entry_envelope_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_yuan}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Ledger entries are immutable; correct with a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger entries are immutable; correct with a reversing entry.")


from dengta.projects.gain_models import GainContract, GainStatement  # noqa: E402,F401

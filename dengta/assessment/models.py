"""Framework versions, assessments and their evidence.

A framework version is stored with the exact content of its data files and their SHA-256; once an assessment
uses it, it is never changed (a correction to the data is a new version). An assessment keeps its answers,
the framework version, the engine version and the full score it was given; once scored it is never edited —
a correction is a new assessment linked to the old one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dengta.assessment.scoring.definitions import Compiled, canonical, compile_content
from dengta.core.access import Viewer, scope_q
from dengta.core.indexes import NullsLastIndex
from dengta.core.models import TimeStampedModel
from dengta.orgs.models import OrgType
from dengta.orgs.roles import STAFF_ORG_TYPES


class Framework(models.Model):
    class Kind(models.TextChoices):
        MIIT2024 = "miit2024", _("评分加场景（2024年版）")
        BANDS = "bands", _("仅总分分档（2022年版）")
        EU_DMA = "eu_dma", _("欧盟数字成熟度评估")

    code = models.CharField(_("框架"), max_length=60)
    version = models.CharField(_("版本"), max_length=40)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    document = models.CharField(_("文号"), max_length=100, blank=True)
    provisional = models.BooleanField(_("等级规则待核实"), default=False)
    content = models.JSONField(_("内容"))
    checksum = models.CharField(_("校验和"), max_length=64)
    is_current = models.BooleanField(_("当前版本"), default=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("评测框架版本")
        verbose_name_plural = _("评测框架版本")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="assessment_framework_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="assessment_framework_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def compiled(self) -> Compiled:
        return compile_content(canonical(self.content))

    @property
    def label(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def display_title(self) -> str:
        """The title shown to people, in the active language."""
        return self.title_in(english=(get_language() or "").startswith("en"))

    def title_in(self, *, english: bool) -> str:
        """The title of the data (its English title in English, where the data has one). The EU DMA's data
        has only the English title, so in Chinese it goes by its kind's (translated) name."""
        content = self.content or {}
        if english:
            return str((content.get("rules") or {}).get("title_en") or content.get("title_en") or self.title)
        if self.kind == self.Kind.EU_DMA:
            return str(self.get_kind_display())
        return self.title


class Kind(models.TextChoices):
    SELF = "self", _("企业自评")
    PROVIDER = "provider", _("服务商诊断")
    ONSITE = "onsite", _("现场评定")
    HISTORICAL = "historical", _("历史结果")


class Phase(models.TextChoices):
    T0 = "t0", _("改造前（T0）")
    T1 = "t1", _("改造后（T1）")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    SCORED = "scored", _("已评分")
    SIGNED_OFF = "signed_off", _("已签署")


_FINAL = models.Q(state=State.SIGNED_OFF) | models.Q(state=State.SCORED) & ~models.Q(kind=Kind.ONSITE)


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, viewer: Viewer) -> AssessmentQuerySet:
        """An enterprise sees its own; authorities their jurisdiction; a provider what it wrote; an expert
        what is assigned to them."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type in STAFF_ORG_TYPES:
            # An enterprise's or provider's draft is its own unfinished work; staff see it once submitted.
            # On-site drafts are staff's own arrangements, so they stay visible.
            return self.filter(
                scope_q(
                    viewer,
                    region_field="enterprise__region",
                    org_field="enterprise__organization_id",
                    coded=True,
                )
            ).exclude(~models.Q(kind=Kind.ONSITE) & models.Q(state=State.DRAFT))
        if viewer.org_type == OrgType.ENTERPRISE:
            # On-site assessments become the enterprise's to see once the expert has scored them.
            return self.filter(enterprise__organization_id=viewer.organization_id).exclude(
                kind=Kind.ONSITE, state__in=[State.DRAFT, State.SUBMITTED]
            )
        if viewer.org_type == OrgType.PROVIDER:
            return self.filter(author_organization_id=viewer.organization_id)
        if viewer.org_type == OrgType.EXPERT_POOL:
            mine = models.Q(
                assessor_id=getattr(viewer.user, "pk", None), author_organization_id=viewer.organization_id
            )
            # An expert assigned to an enterprise also sees its final results: the on-site assessment is
            # judged against the baseline (T0 → T1), and the report shows that change.
            assigned = Assessment.objects.filter(mine, kind=Kind.ONSITE).values("enterprise_id")
            return self.filter(mine | models.Q(enterprise_id__in=assigned) & _FINAL)
        return self.none()

    def final(self) -> AssessmentQuerySet:
        """Assessments with a result that counts: scored, or signed off for on-site ones."""
        return self.filter(_FINAL)


# The assessment list's sort keys (dengta.assessment.exports.SORTS) by column, and its filters. The enterprise
# sort is served by the enterprise's name indexes (the registry's), walked in order.
LIST_SORT_COLUMNS = ("kind", "phase", "state", "total", "level", "assessed_on", "created_at")
LIST_FILTER_COLUMNS = ("kind", "phase", "state", "level")


def assessment_list_indexes() -> list[models.Index]:
    """The indexes that let the list read one page, not sort every assessment (docs/lists.md: every sort a
    list offers needs an index (column, id)).

    - (column, id) per sort key. A nullable column is sorted with empty values last in both directions
      (dengta.core.lists.order_expressions), so it also needs (column DESC NULLS LAST, id DESC): read
      forwards for the descending sort, backwards for the ascending sort's last page.
    - (filter column, created_at, id): a filtered list in the default order (newest first) walks only the
      rows that pass the filter.
    - The jurisdiction lies on the enterprise (province_code, prefecture_code), so a city's count joins the
      city's enterprises to the assessments: "asmt_enterprise_cover" holds every column the list filters on,
      so the join reads this small index instead of the wide rows (answers and result are ~1 KB a row).
    """
    indexes = [
        models.Index(fields=[column, "id"], name=f"asmt_sort_{column}") for column in LIST_SORT_COLUMNS
    ]
    indexes += [
        NullsLastIndex(
            models.F(column).desc(nulls_last=True), models.F("id").desc(), name=f"asmt_sort_{column}_desc"
        )
        for column in LIST_SORT_COLUMNS
        if column in ("total", "level", "assessed_on")
    ]
    indexes += [
        models.Index(fields=[column, "created_at", "id"], name=f"asmt_{column}_created")
        for column in LIST_FILTER_COLUMNS
    ]
    indexes.append(
        models.Index(
            fields=["enterprise"],
            include=["id", "kind", "state", "phase", "level", "framework"],
            name="asmt_enterprise_cover",
        )
    )
    return indexes


class Assessment(TimeStampedModel):
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("企业")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("评测框架")
    )
    kind = models.CharField(_("评测方式"), max_length=20, choices=Kind.choices)
    phase = models.CharField(_("阶段"), max_length=10, choices=Phase.choices, default=Phase.T0)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    author_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="authored_assessments",
        verbose_name=_("填报机构"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_assessments",
        verbose_name=_("评定专家"),
    )
    answers = models.JSONField(_("答卷"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("当前步骤"), default=0)
    result = models.JSONField(_("评分结果"), default=dict, blank=True)
    engine_version = models.CharField(_("评分程序版本"), max_length=20, blank=True)
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=4, null=True, blank=True)
    points_base = models.DecimalField(
        _("数字化基础得分"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    points_mgmt = models.DecimalField(
        _("数字化管理得分"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    points_results = models.DecimalField(
        _("数字化成效得分"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    level = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    pledged_at = models.DateTimeField(_("真实性承诺时间"), null=True, blank=True)
    pledge_text = models.TextField(_("真实性承诺"), blank=True)
    coi_declared_at = models.DateTimeField(_("无利益冲突声明时间"), null=True, blank=True)
    coi_statement = models.TextField(_("无利益冲突声明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签署人"),
    )
    assessed_on = models.DateField(_("评测日期"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("更正的评测"),
    )
    note = models.TextField(_("备注"), blank=True)
    # The arrangement of an on-site assessment (现场评定, DOMAIN.md 2.6): set by the arranging authority so
    # the expert knows where to go, whom to ask for, when, and by when the result is due.
    arranged_by_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("安排机构"),
    )
    visit_at = models.DateTimeField(_("现场评定时间"), null=True, blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    contact_name = models.CharField(_("企业联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    arrangement_note = models.TextField(_("安排说明"), blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("评测")
        verbose_name_plural = _("评测")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__lte=4), name="assessment_level_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="onsite") | models.Q(assessor__isnull=False),
                name="assessment_onsite_has_assessor",
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(total__gte=0) & models.Q(total__lte=100),
                name="assessment_total_range",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["state", "kind"]),
            *assessment_list_indexes(),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} · {self.get_phase_display()}"

    @property
    def is_final(self) -> bool:
        if self.kind == Kind.ONSITE:
            return self.state == State.SIGNED_OFF
        return self.state in (State.SCORED, State.SIGNED_OFF)

    @property
    def has_score(self) -> bool:
        return self.state in (State.SCORED, State.SIGNED_OFF)

    @property
    def is_editable(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_overdue(self) -> bool:
        """An on-site assignment past its deadline and not yet signed off (dates in Asia/Shanghai)."""
        from django.utils import timezone

        return (
            self.kind == Kind.ONSITE
            and self.due_on is not None
            and self.state != State.SIGNED_OFF
            and self.due_on < timezone.localdate()
        )

    def points(self) -> dict[str, Decimal | None]:
        return {"base": self.points_base, "mgmt": self.points_mgmt, "results": self.points_results}

    def answers_part(self, part: str) -> dict[str, Any]:
        value = (self.answers or {}).get(part) or {}
        return dict(value)


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"assessments/{instance.assessment_id}/{instance.sha256[:16]}-{filename}"


class Evidence(TimeStampedModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("评测")
    )
    item_code = models.CharField(_("评测项"), max_length=80)
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        ordering = ["item_code", "created_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class LevelRuleConfirmation(TimeStampedModel):
    """A level-rule version checked against a named official document by programme staff. Until a version has
    one, reports scored with it carry a footnote that the level rule is unverified (miit-2024-level-rule.md).
    The framework row itself is never changed once used, so the confirmation is a row of its own."""

    framework = models.OneToOneField(
        Framework, on_delete=models.PROTECT, related_name="rule_confirmation", verbose_name=_("评测框架版本")
    )
    document_title = models.CharField(_("文件名称"), max_length=200)
    document_reference = models.CharField(_("文号及页码"), max_length=120)
    document_date = models.DateField(_("文件日期"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("等级规则核实记录")
        verbose_name_plural = _("等级规则核实记录")

    def __str__(self) -> str:
        return f"{self.framework} · {self.document_reference}"


class ReportNumberSequence(models.Model):
    """The last report number used per year and region. Numbers are allocated under this row's lock
    (select_for_update), so two reports issued at the same moment never share one."""

    prefix = models.CharField(_("编号前缀"), max_length=30, unique=True)
    last = models.PositiveIntegerField(_("已用到"), default=0)

    class Meta:
        verbose_name = _("报告编号序列")
        verbose_name_plural = _("报告编号序列")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class ReportIssue(TimeStampedModel):
    """The issue of a final assessment's report: its number, issuer, date and the digest of its key figures,
    which the public verification page recomputes from the stored assessment (ARCHITECTURE.md convention 18).
    The figures as issued are kept too, so the page shows what the report said even if the data changed."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="issue", verbose_name=_("评测")
    )
    number = models.CharField(_("报告编号"), max_length=40, unique=True)
    token = models.CharField(_("核验码"), max_length=40, unique=True)
    issuer = models.CharField(_("出具机构"), max_length=200)
    issuer_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出具机构（组织）"),
    )
    issued_at = models.DateTimeField(_("出具时间"))
    issued_on = models.DateField(_("出具日期"))
    framework_title = models.CharField(_("评测框架名称"), max_length=200)
    framework_version = models.CharField(_("评测框架版本"), max_length=40)
    signer_name = models.CharField(_("签署专家"), max_length=150, blank=True)
    figures = models.JSONField(_("签发时的关键数据"))
    digest = models.CharField(_("摘要（SHA-256）"), max_length=64)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("被替代为"),
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("报告签发")
        verbose_name_plural = _("报告签发")

    def __str__(self) -> str:
        return self.number


class InvitationState(models.TextChoices):
    REQUESTED = "requested", _("服务商申请中")
    ACTIVE = "active", _("已邀请")
    DECLINED = "declined", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_INVITATION_STATES = (InvitationState.REQUESTED, InvitationState.ACTIVE)


class DiagnosisInvitationQuerySet(models.QuerySet["DiagnosisInvitation"]):
    def visible_to(self, viewer: Viewer) -> DiagnosisInvitationQuerySet:
        """The enterprise and the provider each see their own; authorities their jurisdiction's."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type == OrgType.ENTERPRISE:
            return self.filter(enterprise__organization_id=viewer.organization_id)
        if viewer.org_type == OrgType.PROVIDER:
            return self.filter(provider_id=viewer.organization_id)
        if viewer.org_type in STAFF_ORG_TYPES:
            return self.filter(scope_q(viewer, region_field="enterprise__region", org_field=None, coded=True))
        return self.none()

    def active(self) -> DiagnosisInvitationQuerySet:
        return self.filter(state=InvitationState.ACTIVE)


class DiagnosisInvitation(TimeStampedModel):
    """An enterprise's consent that a provider diagnoses it (服务商诊断).

    It lives in the assessment app, not the registry: it exists for one purpose, to gate the provider
    diagnosis, and the rule that reads it (permissions.can_start_diagnosis) is here; the registry sits above
    assessment (ARCHITECTURE.md layout) and knows nothing of diagnoses. A provider may ask (requested); only
    the enterprise makes it active (invites, or accepts the request) and may withdraw it at any time.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        related_name="diagnosis_invitations",
        verbose_name=_("企业"),
    )
    provider = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="diagnosis_invitations",
        verbose_name=_("服务商"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=InvitationState.choices, default=InvitationState.ACTIVE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("邀请人"),
    )
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤回或拒绝人"),
    )
    ended_at = models.DateTimeField(_("撤回或拒绝时间"), null=True, blank=True)

    objects = DiagnosisInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("诊断邀请")
        verbose_name_plural = _("诊断邀请")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "provider"],
                condition=models.Q(state__in=["requested", "active"]),
                name="assessment_invitation_one_open",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="active") | models.Q(invited_at__isnull=False),
                name="assessment_invitation_active_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.provider}"

"""Lighthouse cases (小灯塔案例): an accepted retrofit told so that other SMEs can copy it (看样学样).

A case belongs to one accepted project. Its figures are a derived snapshot (``figures``, with the digest of
what they were derived from and when): the services write them, from the project only (dengta.cases.sources
and figures.derive); no form or API field carries them. The narrative (problem, solution, results,
lessons) is written by the pilot's authority or the project's provider. The enterprise consents to being
named, or the case is published anonymised. The filter columns (sub-industry, province, levels) are copied
from the figures on every derivation so that the public list filters without reading the JSON.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer, scope_q
from dengta.core.models import TimeStampedModel
from dengta.orgs.models import OrgType


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")


class Consent(models.TextChoices):
    PENDING = "pending", _("待企业确认")
    GIVEN = "given", _("企业同意署名")
    DECLINED = "declined", _("企业不同意署名")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, viewer: Viewer) -> CaseQuerySet:
        """Staff see the cases of enterprises in their jurisdiction; a provider those of its projects; an
        enterprise its own. Anyone sees the published ones on the public pages (``published``)."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.org_type in (OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT):
            if viewer.sees_all:
                return self.all()
            return self.filter(scope_q(viewer, region_field="project__enterprise__region", org_field=None))
        if viewer.org_type == OrgType.PROVIDER:
            return self.filter(project__provider__organization_id=viewer.organization_id)
        if viewer.org_type == OrgType.ENTERPRISE:
            return self.filter(project__enterprise__organization_id=viewer.organization_id)
        return self.none()

    def published(self) -> CaseQuerySet:
        return self.filter(state=CaseState.PUBLISHED)


class Case(TimeStampedModel):
    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="case", verbose_name=_("改造项目")
    )
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT)
    title = models.CharField(_("标题"), max_length=120)
    problem = models.TextField(_("面临的问题"), blank=True)
    solution = models.TextField(_("解决方案"), blank=True)
    results = models.TextField(_("取得的成效"), blank=True)
    lessons = models.TextField(_("经验与启示"), blank=True)
    anonymised = models.BooleanField(_("匿名发布"), default=False)
    consent = models.CharField(
        _("企业署名意见"), max_length=20, choices=Consent.choices, default=Consent.PENDING
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(_("署名意见时间"), null=True, blank=True)
    # The derived figures (figures.CaseFigures.to_json), their digest, and when they were derived.
    figures = models.JSONField(_("案例数据"), default=dict)
    figures_digest = models.CharField(_("数据摘要"), max_length=64)
    derived_at = models.DateTimeField(_("数据生成时间"))
    # Filter columns, copied from the figures and the project on every derivation.
    sub_industry = models.ForeignKey(
        "reference.SubIndustry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("细分行业"),
    )
    province = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("省份"),
    )
    level_before = models.PositiveSmallIntegerField(_("改造前等级"), null=True, blank=True)
    level_after = models.PositiveSmallIntegerField(_("改造后等级"))
    contract_yuan = models.DecimalField(_("合同金额（元）"), max_digits=16, decimal_places=2)
    reason = models.CharField(_("退回或撤下理由"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("小灯塔案例")
        verbose_name_plural = _("小灯塔案例")
        indexes = [models.Index(fields=["state", "sub_industry"], name="cases_state_sub_industry")]
        constraints = [
            # A named case needs the enterprise's consent; without it the case is published anonymised.
            models.CheckConstraint(
                condition=~Q(state=CaseState.PUBLISHED) | Q(anonymised=True) | Q(consent=Consent.GIVEN),
                name="cases_case_published_named_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(state=CaseState.PUBLISHED) | Q(published_at__isnull=False),
                name="cases_case_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_kind(self) -> str:
        """The status colour of the state (UI.md: grey draft, blue in review, green done, orange action)."""
        return {
            CaseState.DRAFT: "draft",
            CaseState.SUBMITTED: "submitted",
            CaseState.PUBLISHED: "approved",
            CaseState.RETURNED: "action",
        }.get(CaseState(self.state), "draft")

    def event_place(self) -> dict[str, Any]:
        """Where the case's events are written: the project's place (provider, enterprise's region)."""
        return self.project.event_place()


class TypicalModelSummary(TimeStampedModel):
    """The editable summary of a sub-industry's typical model (典型模式): the ministry's words beside the
    figures computed from the published cases (dengta.cases.typical), which are never stored."""

    sub_industry = models.OneToOneField(
        "reference.SubIndustry", on_delete=models.PROTECT, related_name="+", verbose_name=_("细分行业")
    )
    summary = models.TextField(_("典型模式概述"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("典型模式概述")
        verbose_name_plural = _("典型模式概述")

    def __str__(self) -> str:
        return str(self.sub_industry_id)

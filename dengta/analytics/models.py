"""Alerts: the early warnings the checks raise (dengta.analytics.alerts) for a pilot's authority, kept
while they hold and resolved when they no longer do; each is one row per (kind, pilot, project) while
open, so a daily check raises it once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dengta.core.models import TimeStampedModel


class AlertKind(models.TextChoices):
    STALLED = "stalled", _("项目停滞")
    ACCEPTANCE_OVERDUE = "acceptance_overdue", _("验收申请逾期")
    UNDERSPENT = "underspent", _("资金使用偏慢")
    TARGET_AT_RISK = "target_at_risk", _("目标可能无法完成")


class Alert(TimeStampedModel):
    kind = models.CharField(_("预警类型"), max_length=30, choices=AlertKind.choices)
    key = models.CharField(_("预警标识"), max_length=80)  # kind:pilot:project (alerts.key)
    pilot = models.ForeignKey(
        "programmes.Pilot", on_delete=models.PROTECT, related_name="alerts", verbose_name=_("试点")
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("项目"),
    )
    params = models.JSONField(_("参数"), default=dict)
    rules_version = models.CharField(_("预警规则版本"), max_length=40)
    # Where the alert is seen: the project's enterprise's region, or the pilot's authority's.
    region_path = models.CharField(_("区划路径"), max_length=64, blank=True)
    organization_id_ref = models.BigIntegerField(_("负责机构ID"))
    raised_at = models.DateTimeField(_("预警时间"))
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="analytics_alert_open_once"
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "region_path"], name="analytics_alert_open_region")]

    def __str__(self) -> str:
        return self.key


class UpwardReport(models.Model):
    """A pilot's upward report as received from a city or province instance (dengta.analytics.upward): the
    document exactly as validated, so that the receiving platform gives back what it was sent."""

    batch_code = models.CharField(_("批次"), max_length=40)
    authority_name = models.CharField(_("试点单位"), max_length=200)
    authority_region = models.CharField(_("试点单位区划"), max_length=12, blank=True)
    digest = models.CharField(_("内容摘要"), max_length=64)
    document = models.JSONField(_("上报内容"))
    enterprises = models.PositiveIntegerField(_("企业数"))
    projects = models.PositiveIntegerField(_("项目数"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("试点上报")
        verbose_name_plural = _("试点上报")
        constraints = [
            models.UniqueConstraint(
                fields=["batch_code", "authority_region", "authority_name", "digest"],
                name="analytics_upward_report_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_name} · {self.batch_code}"

"""Organisations, memberships and roles. An authority's jurisdiction is the subtree of its region."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dengta.core.access import Viewer, scope_q
from dengta.core.grams import name_grams
from dengta.core.models import TimeStampedModel


class OrgType(models.TextChoices):
    MINISTRY = "ministry", _("主管部委")
    AUTHORITY = "authority", _("地方主管部门")
    PROVIDER = "provider", _("服务商")
    ENTERPRISE = "enterprise", _("企业")
    EXPERT_POOL = "expert_pool", _("专家库")
    OVERSIGHT = "oversight", _("监督机构")


class AuthorityLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    SEPARATELY_PLANNED = "separately_planned", _("计划单列市")
    XPCC = "xpcc", _("新疆生产建设兵团")
    CITY = "city", _("地市")
    DISTRICT = "district", _("区县")


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    STAFF = "staff", _("经办人")
    VIEWER = "viewer", _("只读")


class PlatformRole(models.TextChoices):
    PROGRAMME_STAFF = "programme_staff", _("项目管理")
    FINANCE = "finance", _("财务")
    REVIEWER = "reviewer", _("评审专家")
    AUDITOR = "auditor", _("审计监督")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def visible_to(self, viewer: Viewer) -> OrganizationQuerySet:
        return self.filter(scope_q(viewer, region_field="region", org_field="pk"))


class Organization(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    type = models.CharField(_("机构类型"), max_length=20, choices=OrgType.choices, db_index=True)
    authority_level = models.CharField(
        _("行政层级"), max_length=20, choices=AuthorityLevel.choices, blank=True
    )
    region = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("所在地区"),
    )
    # A province sees the 计划单列市 inside it only when configured (DOMAIN.md 4.4: they report directly).
    includes_separately_planned = models.BooleanField(_("辖区含计划单列市"), default=False)
    is_active = models.BooleanField(pgettext_lazy("active flag", "有效"), default=True)
    # Derived on every save (and by the bulk writers): the bigrams of the name and the short name, for
    # substring search from an index at national scale (dengta.core.search; on PostgreSQL a GIN index).
    name_grams = models.TextField(_("名称检索词"), editable=False, default="")
    NAME_GRAMS_OF = ("name", "short_name")  # what name_grams holds the bigrams of (dengta.core.search)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["type", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="authority") | models.Q(region__isnull=False),
                name="orgs_organization_authority_has_region",
            ),
            models.CheckConstraint(
                condition=models.Q(type="authority") | models.Q(authority_level=""),
                name="orgs_organization_level_only_for_authority",
            ),
        ]
        indexes = [models.Index(fields=["type", "region"])]

    def __str__(self) -> str:
        return self.name

    def derive(self) -> None:
        """Set the derived column from the names (bulk_create does not call save())."""
        self.name_grams = name_grams(*(getattr(self, field) for field in self.NAME_GRAMS_OF))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_grams"}
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class Membership(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.STAFF)
    # Platform roles a person holds in this organisation: a list of PlatformRole values.
    platform_roles = models.JSONField(_("平台角色"), default=list, blank=True)
    is_active = models.BooleanField(pgettext_lazy("active flag", "有效"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="orgs_membership_unique_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    def has_platform_role(self, role: str) -> bool:
        return role in (self.platform_roles or [])

    @property
    def platform_role_labels(self) -> list[str]:
        labels = dict(PlatformRole.choices)
        return [str(labels[r]) for r in self.platform_roles or [] if r in labels]

"""Organisations, memberships and roles. An authority's jurisdiction is the subtree of its region."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dengta.core.access import Viewer, scope_q
from dengta.core.grams import name_grams
from dengta.core.indexes import NullsLastIndex
from dengta.core.models import TimeStampedModel
from dengta.core.places import place_of


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
        return self.filter(scope_q(viewer, region_field="region", org_field="pk", coded=True))


# The organisation list's sort columns (dengta.orgs.exports.SORTS: type sorts by type then name).
ORGANIZATION_SORT_COLUMNS = {"type_name": ("type", "name"), "name": ("name",), "created": ("created_at",)}


def organization_list_indexes() -> list[models.Index]:
    """Per sort: ``(column…, id)`` nationally and ``(province_code, column…, id)`` within a province (the
    family that also serves a prefecture's or a county's list, as for enterprises). The region is the one
    nullable sort column; the lists put organisations without a region last in both directions
    (dengta.core.lists.order_expressions), which a plain index serves one way only, so its descending
    order has its own indexes (NullsLastIndex)."""
    indexes = [models.Index(fields=["type", "region"])]
    for key, columns in ORGANIZATION_SORT_COLUMNS.items():
        indexes.append(models.Index(fields=[*columns, "id"], name=f"org_sort_{key}"))
        indexes.append(models.Index(fields=["province_code", *columns, "id"], name=f"org_prov_{key}"))
    region_desc = (F("region").desc(nulls_last=True), F("id").desc())
    indexes += [
        models.Index(fields=["region", "id"], name="org_sort_region"),
        NullsLastIndex(*region_desc, name="org_sort_region_desc"),
        models.Index(fields=["province_code", "region", "id"], name="org_prov_region"),
        NullsLastIndex(F("province_code"), *region_desc, name="org_prov_region_desc"),
        # A prefecture sorted by region: the province's region order would walk the province's other
        # prefectures first (measured: 200,000 rows read for a page of 苏州).
        models.Index(fields=["province_code", "prefecture_code", "region", "id"], name="org_place_region"),
        NullsLastIndex(F("province_code"), F("prefecture_code"), *region_desc, name="org_place_region_desc"),
        # The few authorities by level, from a small partial index instead of a walk past every enterprise.
        models.Index(fields=["authority_level", "id"], condition=~Q(authority_level=""), name="org_level"),
    ]
    return indexes


class Organization(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    # No index of its own: (type, region) and (type, name, id) start with it (organization_list_indexes);
    # each index costs every enterprise import, which writes an organisation per enterprise.
    type = models.CharField(_("机构类型"), max_length=20, choices=OrgType.choices)
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
        db_index=False,  # org_sort_region (region, id) answers lookups by region
    )
    # A province sees the 计划单列市 inside it only when configured (DOMAIN.md 4.4: they report directly).
    includes_separately_planned = models.BooleanField(_("辖区含计划单列市"), default=False)
    is_active = models.BooleanField(pgettext_lazy("active flag", "有效"), default=True)
    # Derived on every save (and by the bulk writers): the bigrams of the name and the short name, for
    # substring search from an index at national scale (dengta.core.search; on PostgreSQL a GIN index).
    name_grams = models.TextField(_("名称检索词"), editable=False, default="")
    # Derived from the region, as on enterprises (dengta.core.places): every enterprise is an organisation,
    # so a province's organisation list filters a million rows, and an equality on an indexed column
    # serves it where a lookup of the region's subtree does not (dengta.core.access.region_q, coded).
    province_code = models.CharField(_("省级区划代码"), max_length=6, editable=False, default="")
    prefecture_code = models.CharField(_("地级区划代码"), max_length=6, editable=False, default="")
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
        # Every enterprise is an organisation, so the national list holds a million rows: one index per
        # sort the list offers (dengta.orgs.exports.SORTS), each ending with the id that ends every
        # ordering, so a page is an index walk from the cursor (docs/lists.md, sorting and pages).
        indexes = organization_list_indexes()

    def __str__(self) -> str:
        return self.name

    def derive(self) -> None:
        """Set the derived columns from the names and the region (bulk_create does not call save())."""
        self.name_grams = name_grams(*(getattr(self, field) for field in self.NAME_GRAMS_OF))
        self.province_code, self.prefecture_code = place_of(self.region.path) if self.region else ("", "")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_grams", "province_code", "prefecture_code"}
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

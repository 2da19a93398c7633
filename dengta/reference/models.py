"""Reference data: administrative divisions, industry codes, sub-industries and the SME size standard.

All of it is loaded from versioned data files under dengta/reference/data/ by ``manage.py load_reference``;
nothing here is edited by hand (ARCHITECTURE.md, convention 12).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dengta.core.language import in_english


class ReferenceDataset(models.Model):
    """One loaded version of one data file, with where it came from."""

    class Kind(models.TextChoices):
        REGIONS = "regions", _("行政区划 GB/T 2260")
        INDUSTRIES = "industries", _("国民经济行业分类 GB/T 4754-2017")
        SUB_INDUSTRIES = "sub_industries", _("细分行业目录")
        SIZE_STANDARD = "size_standard", _("中小企业划型标准")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("版本"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    source = models.TextField(_("来源"))
    source_date = models.DateField(_("来源日期"), null=True, blank=True)
    checksum = models.CharField(_("校验和"), max_length=64)
    rows = models.PositiveIntegerField(_("条数"), default=0)
    is_current = models.BooleanField(_("当前版本"), default=True)
    data = models.JSONField(_("规则数据"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="reference_dataset_unique_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_current=True), name="reference_dataset_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class Region(models.Model):
    """An administrative division (GB/T 2260 code), or a province-level reporting unit such as 兵团."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        PREFECTURE = 2, _("地级")
        COUNTY = 3, _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    # Unofficial romanisation (data/regions/names-en.csv, scripts/build_region_names_en.py).
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    # "110000/110100/110101/": the codes from the root down; jurisdiction checks are prefix matches.
    path = models.CharField(_("路径"), max_length=30, unique=True)
    full_name = models.CharField(_("全称"), max_length=120)
    # "Nanshan District, Shenzhen, Guangdong": English runs from the smallest unit up.
    full_name_en = models.CharField(_("英文全称"), max_length=300, blank=True)
    # 计划单列市 report directly to the ministries and are not in their province's jurisdiction by default.
    is_separately_planned = models.BooleanField(_("计划单列市"), default=False)
    # Province-level units that report upward on their own: provinces, 计划单列市, 新疆生产建设兵团.
    is_reporting_unit = models.BooleanField(_("独立上报单位"), default=False)
    # Codes not in GB/T 2260 (兵团 as a province-level unit) are marked so that USCC checks skip them.
    is_custom = models.BooleanField(_("自定义代码"), default=False)
    dataset_version = models.CharField(_("数据版本"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: the (unofficial) English name on English pages, if any."""
        return self.name_en if in_english() and self.name_en else self.name

    @property
    def display_full_name(self) -> str:
        """The full name (province, city, county) in the active language."""
        return self.full_name_en if in_english() and self.full_name_en else (self.full_name or self.name)


class Industry(models.Model):
    """A GB/T 4754-2017 code: section (门类 "C"), division (大类 "C36"), group ("C367") or class ("C3670")."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("门类")
        DIVISION = 2, _("大类")
        GROUP = 3, _("中类")
        CLASS = 4, _("小类")

    code = models.CharField(_("行业代码"), max_length=5, primary_key=True)
    name = models.CharField(_("名称"), max_length=120)
    # Unofficial translation (data/industries, ISIC Rev.4 wording where it has an obvious equivalent).
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    focus_sector = models.CharField(_("重点行业"), max_length=40, blank=True)
    dataset_version = models.CharField(_("数据版本"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_focus(self) -> bool:
        return bool(self.focus_sector)

    @property
    def display_name(self) -> str:
        """The name in the active language: the (unofficial) English name on English pages, if any."""
        return self.name_en if in_english() and self.name_en else self.name


class SubIndustry(models.Model):
    """A 细分行业 as pilots name it, bound to one or more GB/T 4754 codes (DOMAIN.md 5.1, 5.2)."""

    code = models.SlugField(_("编号"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    industries = models.ManyToManyField(Industry, related_name="sub_industries", verbose_name=_("行业代码"))
    is_focus = models.BooleanField(_("重点行业"), default=False)
    focus_sector = models.CharField(_("重点行业"), max_length=40, blank=True)
    used_by = models.CharField(_("采用城市"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    dataset_version = models.CharField(_("数据版本"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("细分行业")
        verbose_name_plural = _("细分行业")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if in_english() and self.name_en else self.name

"""Forms for registering and editing profiles and for uploading an import. They validate with the same
rules as the services and the importer (dengta.registry.uscc and .rules); they compute nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer
from dengta.core.problems import Problem
from dengta.reference.models import Industry, Region, SubIndustry
from dengta.registry import rules, uscc
from dengta.registry.models import Enterprise, EnterpriseChange, ProviderKind, Tier
from dengta.registry.selectors import class_industries
from dengta.registry.text import compact_code


def _fail(problem: Problem) -> forms.ValidationError:
    return forms.ValidationError(problem.render(gettext), code=problem.code)


class StyledForm(forms.Form):
    """Bootstrap classes and the ARIA links to help and error text that components/field.html renders."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-help"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                described = f"{attrs.get('aria-describedby', '')} id_{self.add_prefix(name)}-error".strip()
                attrs["aria-describedby"] = described


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class RegionCodeField(forms.CharField):
    """A 6-digit GB/T 2260 code typed by the person (full-width digits accepted), cleaned to a Region."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> Any:
        text = compact_code(super().clean(value) or "")
        if not text:
            return None
        if len(text) != 6 or not text.isdigit():
            raise forms.ValidationError(
                gettext("行政区划代码应为6位数字，如 440106"),
                code="region_format",
            )
        region = Region.objects.filter(code=text).first()
        if region is None:
            raise forms.ValidationError(
                gettext("行政区划代码 %(code)s 不存在") % {"code": text},
                code="region_unknown",
            )
        return region


def region_in_jurisdiction(viewer: Viewer, region: Region | None) -> Region:
    """Staff register and move profiles only inside their jurisdiction (a 404 elsewhere would hide it)."""
    if region is None:
        raise forms.ValidationError(gettext("请填写所在地区"), code="required")
    if not viewer.covers_path(region.path):
        raise forms.ValidationError(
            gettext("地区 %(code)s 不在本机构辖区内") % {"code": region.code},
            code="region_outside",
        )
    return region


class EnterpriseFieldsMixin(StyledForm):
    name = forms.CharField(label=_("企业名称"), max_length=200, help_text=_("营业执照上的全称"))
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    industry = IndustryChoiceField(
        label=_("行业（GB/T 4754-2017 小类）"),
        queryset=Industry.objects.none(),
        to_field_name="code",
        help_text=_("选择到小类，例如 C3670 汽车零部件及配件制造"),
    )
    employees = forms.CharField(label=_("从业人员（人）"), max_length=20)
    revenue_10k_yuan = forms.CharField(
        label=_("营业收入（万元）"), max_length=30, help_text=_("上年营业收入，单位万元，最多6位小数")
    )
    assets_10k_yuan = forms.CharField(
        label=_("资产总额（万元）"), max_length=30, help_text=_("年末资产总额，单位万元，最多6位小数")
    )
    tier = forms.ChoiceField(label=_("专精特新"), choices=Tier.choices, required=False)
    # Shown with the plausibility warnings (dengta.registry.plausibility): a warning never refuses figures.
    figures_checked = forms.BooleanField(
        label=_("我已核对这些数据"),
        required=False,
        help_text=_("数据确实如此（例如企业规模发生了重大变化）时勾选，再次提交"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        industry_field = self.fields["industry"]
        assert isinstance(industry_field, forms.ModelChoiceField)
        industry_field.queryset = class_industries()
        for name, mode in (
            ("employees", "numeric"),
            ("revenue_10k_yuan", "decimal"),
            ("assets_10k_yuan", "decimal"),
        ):
            self.fields[name].widget.attrs["inputmode"] = mode

    def clean_employees(self) -> int:
        value = rules.parse_employees(self.cleaned_data.get("employees"))
        if isinstance(value, Problem):
            raise _fail(value)
        return value

    def clean_revenue_10k_yuan(self) -> Any:
        value = rules.parse_amount_10k(self.cleaned_data.get("revenue_10k_yuan"), kind="revenue")
        if isinstance(value, Problem):
            raise _fail(value)
        return value

    def clean_assets_10k_yuan(self) -> Any:
        value = rules.parse_amount_10k(self.cleaned_data.get("assets_10k_yuan"), kind="assets")
        if isinstance(value, Problem):
            raise _fail(value)
        return value


class EnterpriseRegisterForm(EnterpriseFieldsMixin):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，营业执照左上角；空格、连字符和全角字符会自动去掉或转换"),
    )
    region = RegionCodeField(
        label=_("所在地区（行政区划代码）"),
        help_text=_("6位代码，通常与信用代码第3–8位相同或为其下级，如 440106"),
    )
    field_order = ["uscc", "name", "region", "address", "industry", "employees", "revenue_10k_yuan"]

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(*args, **kwargs)
        self.fields["uscc"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_uscc(self) -> str:
        checked = uscc.validate(self.cleaned_data.get("uscc", ""))
        if checked.problem is not None:
            raise _fail(checked.problem)
        return checked.value

    def clean_region(self) -> Region:
        return region_in_jurisdiction(self.viewer, self.cleaned_data.get("region"))


class EnterpriseEditForm(EnterpriseFieldsMixin):
    """The credit code never changes; the region only when the viewer may move the enterprise."""

    region = RegionCodeField(
        label=_("所在地区（行政区划代码）"),
        help_text=_("6位代码，须与统一社会信用代码第3–8位同属一条上下级线"),
    )

    def __init__(
        self,
        *args: Any,
        enterprise: Enterprise,
        viewer: Viewer,
        region_editable: bool,
        pending: EnterpriseChange | None = None,
        **kwargs: Any,
    ) -> None:
        initial = {
            "name": enterprise.name,
            "address": enterprise.address,
            "industry": enterprise.industry_id,
            "employees": enterprise.employees,
            "revenue_10k_yuan": rules.ten_k_from_yuan(enterprise.revenue),
            "assets_10k_yuan": rules.ten_k_from_yuan(enterprise.total_assets),
            "tier": enterprise.tier,
            "region": enterprise.region_id,
        }
        if pending is not None:
            # The enterprise edits what it proposed, not the figures it already asked to change.
            proposed = pending.proposed()
            if "industry" in proposed:
                initial["industry"] = pending.industry_id
            for name in ("employees", "tier"):
                if name in proposed:
                    initial[name] = proposed[name]
            if pending.revenue is not None:
                initial["revenue_10k_yuan"] = rules.ten_k_from_yuan(pending.revenue)
            if pending.total_assets is not None:
                initial["assets_10k_yuan"] = rules.ten_k_from_yuan(pending.total_assets)
        kwargs.setdefault("initial", initial)
        self.viewer = viewer
        super().__init__(*args, **kwargs)
        if not region_editable:
            del self.fields["region"]

    def clean_region(self) -> Region:
        return region_in_jurisdiction(self.viewer, self.cleaned_data.get("region"))


class ChangeRejectForm(StyledForm):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("企业会看到这段说明，请写明哪项数据有问题、需要提供什么依据"),
        error_messages={"required": _("退回时必须填写理由，企业会看到这段说明")},
    )


class ProviderRegisterForm(StyledForm):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    name = forms.CharField(label=_("服务商名称"), max_length=200)
    region = RegionCodeField(label=_("所在地区（行政区划代码）"))
    kind = forms.ModelChoiceField(
        label=_("服务商类型"), queryset=ProviderKind.objects.filter(is_active=True), empty_label=None
    )
    website = forms.CharField(label=_("网址"), max_length=200, required=False)
    sub_industries = forms.ModelMultipleChoiceField(
        label=_("服务细分行业"),
        queryset=SubIndustry.objects.none(),
        required=False,
        help_text=_("可多选（按住 Ctrl 或 ⌘ 键）"),
    )

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(*args, **kwargs)
        sub_field = self.fields["sub_industries"]
        assert isinstance(sub_field, forms.ModelMultipleChoiceField)
        sub_field.queryset = SubIndustry.objects.order_by("-is_focus", "name")
        sub_field.widget.attrs["size"] = 8

    def clean_uscc(self) -> str:
        checked = uscc.validate(self.cleaned_data.get("uscc", ""))
        if checked.problem is not None:
            raise _fail(checked.problem)
        return checked.value

    def clean_region(self) -> Region:
        return region_in_jurisdiction(self.viewer, self.cleaned_data.get("region"))


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label=_("企业名单文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第一行为列名；请使用下载的模板"),
    )
    dry_run = forms.BooleanField(label=_("仅校验，不导入"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,text/csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.DENGTA_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("文件超过 %(limit)s MB 的上限，请拆分后分别导入")
                % {"limit": f"{limit / 1048576:.0f}"},
                code="too_large",
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext("文件是空的"), code="empty")
        return upload

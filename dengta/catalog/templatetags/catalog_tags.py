"""Display helpers of the catalogue: the fixed status colours (UI.md) for its states, stars, money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()

# State → the status colour every page uses for that meaning (UI.md: draft grey, submitted/in review blue,
# needs action orange, approved green, refused red, suspended/withdrawn dark grey).
STATUS_KIND = {
    "draft": "draft",
    "submitted": "submitted",
    "under_review": "submitted",
    "pending": "submitted",
    "open": "action",
    "returned": "action",
    "warned": "action",
    "answered": "submitted",
    "admitted": "approved",
    "listed": "approved",
    "accepted": "approved",
    "good": "approved",
    "refused": "refused",
    "rejected": "refused",
    "removed": "refused",
    "declined": "refused",
    "withdrawn": "suspended",
    "delisted": "suspended",
    "suspended": "suspended",
}


@register.filter
def status_kind(state: str) -> str:
    return STATUS_KIND.get(str(state), "draft")


@register.filter
def stars(value: Any) -> str:
    """★★★☆☆ for 3 (the label beside it says the number for screen readers)."""
    if value in (None, ""):
        return ""
    n = max(0, min(5, int(value)))
    return "★" * n + "☆" * (5 - n)


@register.filter
def split_ids(value: str) -> list[str]:
    return [part for part in str(value or "").split(",") if part]


@register.filter
def yuan2(value: Any) -> str:
    """Yuan with separators and two decimals, never rounded beyond the fen (UI.md)."""
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"{amount:,.2f}"


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or the key itself when the mapping has no such entry (a code shows as itself
    rather than vanishing)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter(name="get")
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or "" when absent."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def rate_percent(value: Any) -> str:
    """A rate (0.5) as a percentage with at most one decimal ("50")."""
    if value in (None, ""):
        return ""
    pct = (Decimal(value) * 100).quantize(Decimal("0.1"))
    return format(pct.normalize(), "f")


RATING_INPUTS = {
    "satisfaction": gettext_lazy("企业满意度（平均星级）"),
    "on_time_milestones": gettext_lazy("里程碑按期完成率"),
    "acceptance_pass_rate": gettext_lazy("验收通过率"),
    "uplift": gettext_lazy("改造前后等级提升（平均级数）"),
    "complaints": gettext_lazy("每个项目的属实投诉"),
}
SHARES = {"on_time_milestones", "acceptance_pass_rate"}


@register.filter
def score_rows(score: Any) -> list[dict[str, Any]]:
    """A stored rating's inputs for the page: each input's name, its value in words and its weight."""
    rows = []
    for component in getattr(score, "components", None) or []:
        code = component.get("code", "")
        raw = component.get("raw")
        text = ""
        if raw is not None:
            value = Decimal(raw)
            text = (
                f"{(value * 100).quantize(Decimal('0.1'))}%"
                if code in SHARES
                else f"{value.quantize(Decimal('0.01'))}"
            )
        weight = Decimal(component.get("effective_weight") or 0)
        rows.append(
            {
                "label": RATING_INPUTS.get(code, code),
                "status": component.get("status", ""),
                "raw_text": text,
                "effective_weight_pct": (weight * 100).quantize(Decimal("0.1")),
            }
        )
    return rows


REVIEW_CHECKS = {
    "references": gettext_lazy("企业案例数达到入库要求"),
    "satisfied_customers": gettext_lazy("满意（4 星及以上）的企业数"),
    "complaints": gettext_lazy("近一年无属实投诉"),
    "net_assets": gettext_lazy("净资产为正"),
    "security_certification": gettext_lazy("网络安全认证在有效期内"),
    "review_document": gettext_lazy("已上传年度复核材料"),
    "stars": gettext_lazy("星级达到要求"),
    "on_time_delivery": gettext_lazy("项目里程碑按期完成"),
}


@register.filter
def review_label(code: str) -> str:
    return str(REVIEW_CHECKS.get(code, code))

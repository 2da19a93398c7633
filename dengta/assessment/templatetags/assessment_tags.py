"""Template filters for assessment figures: every page writes points, counts and percentages through
dengta.assessment.formats, so one figure reads the same on the report, the PDF, the panels and the lists."""

from __future__ import annotations

from typing import Any

from django import template

from dengta.assessment import formats

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """Points as the index writes them: up to four decimals, trailing zeros dropped; "—" when absent."""
    return formats.points_text(value)


@register.filter
def signed_points(value: Any) -> str:
    """A change in points with its sign (+7.5, −2, 0)."""
    return formats.signed_points_text(value)


@register.filter
def count(value: Any) -> str:
    """A count with thousands separators."""
    return formats.count_text(value)


@register.filter
def percent(value: Any) -> str:
    """A percentage with one decimal."""
    return formats.percent_text(value)


@register.filter
def level_label(value: Any) -> str:
    """An overall digital level by its name (一级 … 四级, 未达等级), as the index names them."""
    from django.utils.translation import gettext

    names = {
        0: gettext("未达等级"),
        1: gettext("一级"),
        2: gettext("二级"),
        3: gettext("三级"),
        4: gettext("四级"),
    }
    try:
        return names.get(int(value), str(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def band_name(assessment: Any) -> str:
    """An EU DMA result's band (Basic … Advanced) in the page's language, from its stored result."""
    from django.utils.translation import get_language

    result = getattr(assessment, "result", None) or {}
    if (get_language() or "").startswith("en"):
        return str(result.get("band") or "—")
    return str(result.get("band_zh") or result.get("band") or "—")


@register.filter
def person(user: Any) -> str:
    """A person by name, the username only when no name is recorded (selectors.person_name)."""
    from dengta.assessment.selectors import person_name

    return person_name(user)


@register.simple_tag(takes_context=True)
def verification_url(context: Any, issue: Any) -> str:
    """The public verification address of an issued report (DENGTA_PUBLIC_URL, else this request's host)."""
    from dengta.assessment.issuing import verification_url as url_of

    return url_of(issue, context.get("request"))


@register.simple_tag(takes_context=True)
def verification_qr(context: Any, issue: Any) -> str:
    """The QR code of the verification address, as inline SVG."""
    from django.utils.safestring import mark_safe

    from dengta.assessment.charts import qr_svg

    return mark_safe(qr_svg(verification_url(context, issue), scale=2))  # noqa: S308  (segno's SVG)


@register.filter
def framework_title(framework: Any) -> str:
    """A framework version's title as people name it, in English where its data has an English title."""
    from dengta.assessment.issuing import framework_title as title_of

    return title_of(framework)

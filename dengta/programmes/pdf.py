"""The printable application (申报书): A4, Chinese fonts embedded, built as the assessment report is
(dengta.assessment.pdf: WeasyPrint, the report stylesheet, a running header and footer, "第 N 页 / 共 M 页").

It is printed in the reader's language: names that have an English form (batch, programme, region,
sub-industry, industry) show it in English, the data people typed as typed. Resources come only from the
staticfiles finders, never from the network.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dengta.assessment import pdf as report_pdf
from dengta.programmes import checks
from dengta.programmes.documents import (
    ApplicationDocument,
    application_document,
    failure_groups,
    level_name,
    percent_text,
    yuan_text,
)
from dengta.programmes.forms import SubmitForm
from dengta.programmes.models import Application
from dengta.programmes.pool_summary import PoolSummary

TEMPLATE = "programmes/pdf/application.html"


def summary_row(label: str, summary: PoolSummary) -> dict[str, Any]:
    """One line of the pool's counts (DOMAIN.md 2.1: the target counts the 规上 pilot enterprises)."""
    return {
        "label": label,
        "enterprises": f"{summary.enterprises:,}",
        "above_size": f"{summary.above_size:,}",
        "at_target": f"{summary.above_size_at_target:,}",
        "below_target": f"{summary.above_size_below_target:,}",
        "unassessed": f"{summary.above_size_unassessed:,}",
        "to_lift": f"{summary.to_lift:,}",
        "share": percent_text(summary.share_at_target),
    }


def _fund_plan(doc: ApplicationDocument) -> list[tuple[str, str]]:
    application, rules = doc.application, doc.rules
    rows = [
        (_("申请中央奖补资金（元）"), yuan_text(application.award_requested_yuan)),
        (_("用于企业改造的比例"), percent_text(application.retrofit_share)),
        (_("用于服务能力提升的比例"), percent_text(application.service_share)),
        (_("地方配套资金（元）"), yuan_text(application.local_matching_yuan)),
    ]
    if doc.cap_per_provider_yuan is not None:
        cap = _("%(cap)s（每个推荐平台 %(per)s，共 %(n)s 个）") % {
            "cap": yuan_text(doc.cap_yuan),
            "per": yuan_text(doc.cap_per_provider_yuan),
            "n": doc.provider_count,
        }
    else:
        cap = yuan_text(doc.cap_yuan)
    rows += [
        (_("批次奖补上限（元）"), cap),
        (_("批次规定的企业改造最低比例"), percent_text(rules.min_retrofit_share)),
        (_("批次规定的服务能力提升最高比例"), percent_text(rules.max_service_share)),
        (_("规则版本"), application.rules_version or application.batch.rules_version),
    ]
    return rows


def _targets(doc: ApplicationDocument) -> list[tuple[str, str]]:
    application, target = doc.application, doc.rules.target
    return [
        (_("目标：规上试点企业达标比例"), percent_text(application.target_share)),
        (
            _("目标等级"),
            level_name(application.target_level) if application.target_level is not None else "—",
        ),
        (
            _("批次目标"),
            _("规上试点企业中 %(share)s 达到%(level)s及以上")
            % {"share": percent_text(target.share), "level": level_name(target.level)},
        ),
    ]


def context(application: Application) -> dict[str, Any]:
    doc = application_document(application)
    batch = application.batch
    region = application.applicant.region
    target_level = level_name(doc.rules.target.level)
    return {
        "doc": doc,
        "application": application,
        "batch": batch,
        "programme": batch.programme,
        "applicant": application.applicant,
        "region": region.display_full_name if region is not None else "",
        "generated": timezone.localtime(),
        "fund_plan": _fund_plan(doc),
        "targets": _targets(doc),
        "target_level_name": target_level,
        "summary_rows": [summary_row(_("全部试点企业"), doc.summary)]
        + [summary_row(e.name, e.summary) for e in doc.entries],
        "checklist": checks.checklist(application),
        "failure_groups": failure_groups(application),
        "declaration": str(SubmitForm.base_fields["declared"].label),
        "page_counter": mark_safe(report_pdf.page_counter_content()),  # noqa: S308  (css_string escapes each part)
        "stylesheet": report_pdf.STYLESHEET,
    }


def render_html(application: Application) -> str:
    return render_to_string(TEMPLATE, context(application))


def render_pdf(application: Application) -> bytes:
    """The application as a PDF document (bytes)."""
    from weasyprint import HTML

    document = HTML(
        string=render_html(application),
        base_url=report_pdf.STATIC_ORIGIN,
        url_fetcher=report_pdf.static_fetcher(),
    )
    pdf: bytes = document.write_pdf()
    return pdf

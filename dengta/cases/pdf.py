"""The printable case (A4, Chinese fonts embedded), built as the assessment report and the application are
(dengta.assessment.pdf: WeasyPrint, the report stylesheet, the page counter); resources come only from the
staticfiles finders, never from the network."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from dengta.assessment import pdf as report_pdf
from dengta.cases import selectors
from dengta.cases.figures import CaseFigures
from dengta.cases.models import Case

TEMPLATE = "cases/pdf/case.html"


def render_html(case: Case, figures: CaseFigures) -> str:
    context = selectors.case_context(case, figures)
    context.update(
        generated=timezone.localtime(),
        page_counter=mark_safe(report_pdf.page_counter_content()),  # noqa: S308  (css_string escapes each part)
        stylesheet=report_pdf.STYLESHEET,
    )
    return render_to_string(TEMPLATE, context)


def render_pdf(case: Case, figures: CaseFigures) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=render_html(case, figures),
        base_url=report_pdf.STATIC_ORIGIN,
        url_fetcher=report_pdf.static_fetcher(),
    )
    body: bytes = document.write_pdf()
    return body

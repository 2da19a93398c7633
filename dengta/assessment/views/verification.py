"""The public verification page of an issued report, ``/v/<token>/`` (ARCHITECTURE.md convention 18: no login,
only what is marked public, cached).

Anyone holding the printed report scans its QR code and sees the report's key figures as issued and whether
the stored data still gives the digest that was issued ("valid"), no longer does ("changed since issue — do
not rely on it") or whether a correction replaced it ("superseded"). They may also upload the PDF (its
metadata carries the report number and digest) or type the report number, to check that copy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dengta.assessment import formats, issuing
from dengta.assessment.models import Kind, Phase, ReportIssue
from dengta.assessment.report import level_name
from dengta.core.middleware import cache_publicly
from dengta.registry.forms import StyledForm

CACHE_SECONDS = 60
TOKEN_MAX = 40

# The only figures this page shows (convention 18: what is marked public). Everything else about the
# assessment — answers, points per dimension, evidence, people (the signing expert is named on the report
# itself, not here), the enterprise's address and credit code — stays behind the login.
PUBLIC_FIGURES = ("number", "enterprise", "level", "total", "issued_on", "issuer", "framework", "kind")


class CheckForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("上传报告 PDF"),
        required=False,
        help_text=gettext_lazy("核对您手中的 PDF 文件是否为本报告的原件（文件不会被保存）"),
    )
    number = forms.CharField(
        label=gettext_lazy("或输入报告编号"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("例如 DT-2026-330200-000123"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        number = (data.get("number") or "").strip().upper()
        data["number"] = number
        if upload is None and not number:
            raise forms.ValidationError(_("请上传报告 PDF 或输入报告编号"))
        if upload is not None:
            if upload.size is None or upload.size > issuing.MAX_PDF_BYTES:
                self.add_error("file", _("文件不能超过 20 MB"))
            elif not upload.read(5).startswith(b"%PDF-"):
                self.add_error("file", _("这不是 PDF 文件：请上传灯塔出具的报告 PDF"))
            upload.seek(0)
        if number and not issuing.NUMBER_RE.fullmatch(number):
            self.add_error(
                "number", _("报告编号的格式为 DT-年份-地区代码-六位序号，例如 DT-2026-330200-000123")
            )
        return data


def _public_figures(issue: ReportIssue) -> dict[str, Any]:
    """The public part of the issued figures (as issued, not as stored now), in the page's language."""
    figures = issue.figures
    fw = issue.assessment.framework
    level = figures.get("level")
    # The level's name in the framework: 一级 … 四级, or an EU DMA band by its place (Basic 1 … Advanced 4).
    level_text = level_name(fw.compiled(), int(level))[0] if level is not None else "—"
    shown = {
        "number": issue.number,
        "enterprise": figures.get("enterprise", ""),
        "level": level_text,
        "total": formats.points_text(figures.get("total")),
        "issued_on": issue.issued_on,
        "issuer": issue.issuer,
        "framework": f"{issuing.framework_title(fw)} {issue.framework_version}",
        "kind": f"{Kind(figures.get('kind')).label} · {Phase(figures.get('phase')).label}",
    }
    return {key: shown[key] for key in PUBLIC_FIGURES}


def _outcome(issue: ReportIssue) -> dict[str, Any]:
    """The figures and the digest check, cached briefly per token and language: the page is public and may
    be scanned often; a change shows within CACHE_SECONDS."""
    key = f"dengta:verify:{issue.token}:{get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    result = issuing.verify(issue)
    outcome = {
        "status": result.status,
        "figures": _public_figures(issue),
        "superseded_number": result.superseded_by.number if result.superseded_by else "",
        "superseded_url": issuing.verification_path(result.superseded_by) if result.superseded_by else "",
        "digest": issue.digest,
    }
    cache.set(key, outcome, CACHE_SECONDS)
    return outcome


def _check(issue: ReportIssue, form: CheckForm) -> dict[str, str]:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        marks = issuing.pdf_marks(upload.read(issuing.MAX_PDF_BYTES + 1))
        if marks is None:
            return {
                "tone": "danger",
                "text": _("文件中没有灯塔报告编号和摘要：它不是灯塔出具的报告 PDF，或已被改动。"),
            }
        if marks.number != issue.number:
            return {
                "tone": "danger",
                "text": _("文件是另一份报告（编号 %(number)s），不是本页所核验的报告。")
                % {"number": marks.number},
            }
        if marks.digest != issue.digest:
            return {"tone": "danger", "text": _("文件的摘要与出具记录不符：这不是本报告的原件，请勿采信。")}
        return {"tone": "success", "text": _("文件的编号和摘要与出具记录一致。")}
    if form.cleaned_data["number"] == issue.number:
        return {"tone": "success", "text": _("报告编号与本页所核验的报告一致。")}
    return {"tone": "danger", "text": _("报告编号与本页所核验的报告不符，请核对。")}


# The check of an uploaded copy reads and compares; it changes nothing and uses no session, so it needs no
# CSRF token (a page served from a shared cache would otherwise carry someone else's token).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def verify_report(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > TOKEN_MAX:
        raise Http404
    issue = (
        ReportIssue.objects.select_related("assessment", "assessment__framework", "superseded_by")
        .filter(token=token)
        .first()
    )
    if issue is None:
        raise Http404
    form = CheckForm(request.POST, request.FILES) if request.method == "POST" else CheckForm()
    check = _check(issue, form) if request.method == "POST" and form.is_valid() else None
    context = {**_outcome(issue), "form": form, "check": check, "token": token}
    response = render(request, "assessment/verify.html", context)
    if request.method != "POST":
        return cache_publicly(request, response, CACHE_SECONDS)
    return response


app_name = "verify"

urlpatterns = [path("<str:token>/", verify_report, name="report")]

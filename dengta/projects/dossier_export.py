"""The 一企一档 dossier as one download: a zip of every document version, each under its kind, with an index
PDF in front (厦门 verifies the dossier on site, DOMAIN.md 2.7; 昆明 asks for the acceptance materials as one
set). The index names the project, its money and evidence, and each file with its size and SHA-256, so the
files can be checked against what was uploaded. The zip is written to a temporary file, not memory: a
dossier may hold hundreds of megabytes."""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO, Any

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dengta.assessment import pdf as report_pdf
from dengta.core.language import in_english
from dengta.projects import dossier
from dengta.projects.models import DossierFile, EnterprisePayment, Invoice, Project
from dengta.projects.services.steps import present_kinds

TEMPLATE = "projects/pdf/dossier_index.html"


def _safe(name: str) -> str:
    """A file name inside the zip: no folders, no control characters (the stored name is the uploader's)."""
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|')
    return cleaned.strip(". ")[-120:] or "file"


def folder_of(index: int, kind: dossier.Kind | None, code: str, english: bool) -> str:
    label = kind.label(english) if kind else code
    return f"{index:02d}-{_safe(label)}"


def member_name(index: int, kind: dossier.Kind | None, row: DossierFile, english: bool) -> str:
    return f"{folder_of(index, kind, row.kind, english)}/v{row.version}-{_safe(row.original_name)}"


def index_context(project: Project) -> dict[str, Any]:
    english = in_english()
    spec = dossier.load_spec()
    files = list(
        DossierFile.objects.filter(project=project).select_related("uploaded_by").order_by("kind", "version")
    )
    order = {k.code: i for i, k in enumerate(spec.kinds, start=1)}
    rows = []
    for f in sorted(files, key=lambda f: (order.get(f.kind, 99), f.version)):
        kind = spec.kind(f.kind)
        rows.append(
            {
                "kind": kind.label(english) if kind else f.kind,
                "version": f.version,
                "path": member_name(order.get(f.kind, 99), kind, f, english),
                "size": f"{f.size:,}",
                "sha256": f.sha256,
                "by": str(f.uploaded_by),
                "at": timezone.localtime(f.created_at),
            }
        )
    _have, _need, missing = dossier.completeness(spec, present_kinds(project))
    invoices = Invoice.objects.filter(project=project).order_by("issued_on", "id")
    payments = EnterprisePayment.objects.filter(project=project).order_by("paid_on", "id")
    return {
        "project": project,
        "rows": rows,
        "missing": [k.label(english) for k in missing],
        "invoices": invoices,
        "payments": payments,
        "invoiced": invoices.aggregate(t=Sum("amount_yuan"))["t"],
        "paid": payments.aggregate(t=Sum("amount_yuan"))["t"],
        "evaluations": project.evaluations.select_related("expert").order_by("created_at"),
        "spec_version": spec.version,
        "generated": timezone.localtime(),
        "page_counter": mark_safe(report_pdf.page_counter_content()),  # noqa: S308  (css_string escapes each part)
        "stylesheet": report_pdf.STYLESHEET,
    }


def index_pdf(project: Project) -> bytes:
    from weasyprint import HTML

    html = render_to_string(TEMPLATE, index_context(project))
    document = HTML(string=html, base_url=report_pdf.STATIC_ORIGIN, url_fetcher=report_pdf.static_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def write_zip(project: Project) -> IO[bytes]:
    """The dossier as a zip in a temporary file, positioned at its start: ``00-<index>.pdf`` and one folder
    per document kind holding every version."""
    english = in_english()
    spec = dossier.load_spec()
    order = {k.code: i for i, k in enumerate(spec.kinds, start=1)}
    # Returned open for the response to stream and close; a context manager would close it here.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"00-{_('档案目录')}.pdf", index_pdf(project))
        for f in DossierFile.objects.filter(project=project).order_by("kind", "version"):
            folder = folder_of(order.get(f.kind, 99), spec.kind(f.kind), f.kind, english)
            with (
                f.file.open("rb") as source,
                archive.open(
                    f"{folder}/v{f.version}-{_safe(f.original_name)}", "w", force_zip64=True
                ) as target,
            ):
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    target.write(chunk)
    out.seek(0)
    return out

"""Excel export of one assessment's answers: a summary, the items with the options
chosen and their points, the scenario levels, the collected numbers and the evidence list.

Every cell goes through the one safe writer (dengta.core.spreadsheets): answers, names and file names come
from users and are written as text, never as a formula; numbers are written as numbers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dengta.assessment import issuing
from dengta.assessment.dma import DmaReport
from dengta.assessment.models import ReportIssue
from dengta.assessment.report import Report
from dengta.assessment.scoring.framework import UNIT
from dengta.assessment.scoring.framework import Framework as Compiled
from dengta.assessment.texts import for_display, list_separator
from dengta.core.spreadsheets import Book


def _yes(flag: bool) -> str:
    return _("是") if flag else _("否")


def _decimal(value: Any) -> Decimal | str | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


# -------------------------------------------------------------------------------------------- sheets


def summary_rows(report: Report) -> list[tuple[str, Any]]:
    a = report.assessment
    rows: list[tuple[str, Any]] = [
        (_("企业"), a.enterprise.name),
        (_("统一社会信用代码"), a.enterprise.uscc),
        (_("评测框架"), issuing.framework_title(a.framework)),
        (_("框架版本"), a.framework.version),
        (_("评测方式"), a.get_kind_display()),
        (_("阶段"), a.get_phase_display()),
        (_("状态"), a.get_state_display()),
        (_("创建时间"), a.created_at),
        (_("提交时间"), a.submitted_at),
        (_("评分时间"), a.scored_at),
        (_("签署时间"), a.signed_off_at),
        (_("评测日期"), a.assessed_on),
        *_issue_rows(report),
        (_("总分"), _points(a.total) if a.has_score else None),
        (_("等级"), report.level_name if a.has_score else ""),
        (_("等级（数字）"), a.level if a.has_score else None),
    ]
    for d in report.dimensions:
        rows.append((_("%(name)s得分") % {"name": d["name"]}, _points(d["points"]) if a.has_score else None))
    if a.has_score and report.dimensions:
        rows.append((_("数字化经营（场景平均等级占比，%）"), round(report.scenario_dimension_pct, 1)))
    if report.provisional:
        rows.append((_("说明"), _("等级判定规则待核实，等级结论仅供参考")))
    rows.append((_("导出时间"), timezone.now()))
    return rows


def _points(value: Any) -> Decimal | None:
    """Points as a number with the index's precision and no trailing zeros, so the spreadsheet shows
    46.925 and 50 as the report does (dengta.assessment.formats)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001")).normalize()


def _issue_rows(report: Report) -> list[tuple[str, Any]]:
    issue = report.issue
    if issue is None:
        return []
    rows: list[tuple[str, Any]] = [
        (_("报告编号"), issue.number),
        (_("出具机构"), issue.issuer),
        (_("出具日期"), issue.issued_on),
    ]
    if issue.signer_name:
        rows.append((_("签署专家"), issue.signer_name))
    return rows


def technical_rows(report: Report, fw: Compiled | None) -> list[list[Any]]:
    """The internal codes behind the names on the other sheets, for systems that read the export (the
    people reading it see names only)."""
    a = report.assessment
    rows: list[list[Any]] = [
        [_("评测框架"), a.framework.label, issuing.framework_name(a.framework)],
        [_("框架校验和（SHA-256）"), a.framework.checksum, ""],
        [_("评分程序版本"), a.engine_version, ""],
    ]
    if report.issue is not None:
        rows.append([_("报告摘要（SHA-256）"), report.issue.digest, report.issue.number])
    if fw is not None:
        rows += [[_("评测项"), item.code, item.name] for item in fw.items]
        rows += [[_("场景"), s.code, s.name] for s in fw.scenarios]
        rows += [[_("填报数据"), spec.code, _number_label(spec)] for spec in fw.collected]
    rows += [[_("佐证材料"), e.item_code, e.original_name] for e in report.evidence]
    return rows


def _number_label(spec: Any) -> str:
    english = (get_language() or "").startswith("en")
    return str(spec.label_en if english and spec.label_en else spec.label_zh)


def _chosen_answers(report: Report) -> dict[str, list[str]]:
    raw = (report.assessment.answers or {}).get("choices") or {}
    out: dict[str, list[str]] = {}
    for code, value in raw.items():
        keys = value if isinstance(value, list) else str(value).split(";")
        out[str(code)] = [str(k) for k in keys if str(k)]
    return out


def item_rows(report: Report, fw: Compiled) -> list[list[Any]]:
    scored = report.assessment.has_score
    answered = _chosen_answers(report)
    dims = {d.code: d.name for d in fw.dimensions}
    result = report.assessment.result or {}
    effective = result.get("options", {})
    derived = set(result.get("derived", {}))
    contradictions = {c["item"]: c for c in result.get("contradictions", [])}
    rows = []
    for item in fw.items:
        keys = answered.get(item.code, [])
        texts = [o.text for o in item.options if o.key in keys]
        scored_keys = effective.get(item.code, []) if scored else []
        c = contradictions.get(item.code)
        points = result.get("item_points", {}).get(item.code) if scored else None
        rows.append(
            [
                dims.get(item.dimension, item.dimension),
                fw.indicators[item.indicator].name,
                item.name,
                item.question,
                ";".join(keys),
                list_separator().join(texts),
                ";".join(scored_keys),
                None if points is None else _points(Decimal(points) / UNIT),
                _points(Decimal(item.points) / UNIT),
                _yes(item.code in derived) if scored else "",
                (_("所选 %(chosen)s，按数据计为 %(computed)s") % c) if c else "",
            ]
        )
    return rows


def scenario_rows(report: Report, fw: Compiled) -> list[list[Any]]:
    scored = report.assessment.has_score
    source = (report.assessment.result or {}) if scored else (report.assessment.answers or {})
    levels = source.get("scenario_levels" if scored else "scenarios") or {}
    rows = []
    for s in fw.scenarios:
        raw = levels.get(s.code)
        level = int(raw) if raw not in (None, "") else None
        text = s.levels[level - 1] if level and level <= len(s.levels) else ""
        rows.append([s.group, s.name, _yes(s.constrained), level, text])
    return rows


def number_rows(report: Report, fw: Compiled) -> list[list[Any]]:
    values = (report.assessment.answers or {}).get("numbers") or {}
    rows = []
    for spec in fw.collected:
        item = fw.item(spec.item)
        related = item.name if item else ""
        rows.append([_number_label(spec), spec.unit, _decimal(values.get(spec.code)), related])
    return rows


def evidence_rows(report: Report, fw: Compiled | None) -> list[list[Any]]:
    rows = []
    for e in report.evidence:
        item = fw.item(e.item_code) if fw else None
        scenario = fw.scenario(e.item_code) if fw and item is None else None
        name = item.name if item else (scenario.name if scenario else "")
        uploader = str(e.uploaded_by)  # the person's name (User.__str__)
        row = [name, e.original_name, e.content_type, e.size, e.sha256, e.description]
        rows.append([*row, e.created_at, uploader])
    return rows


def answers_workbook(report: Report) -> bytes:
    fw = for_display(report.assessment.framework.compiled())  # the index's texts in the page's language
    miit = fw if isinstance(fw, Compiled) else None
    book = Book()
    book.table(_("概要"), [_("项目"), _("内容")], summary_rows(report))
    item_headers = [
        _("维度"), _("指标"), _("评测项"), _("问题"), _("所选选项"), _("所选选项内容"),
        _("计分选项"), _("得分"), _("满分"), _("按数据计算"), _("与数据矛盾"),
    ]  # fmt: skip
    book.table(_("评测项"), item_headers, item_rows(report, miit) if miit else [])
    book.table(
        _("场景"),
        [_("场景组"), _("场景"), _("约束性"), _("等级"), _("等级说明")],
        scenario_rows(report, miit) if miit else [],
    )
    book.table(
        _("填报数据"),
        [_("名称"), _("单位"), _("数值"), _("相关评测项")],
        number_rows(report, miit) if miit else [],
    )
    evidence_headers = [
        _("评测项"), _("文件名"), _("文件类型"), _("大小（字节）"), "SHA-256", _("说明"),
        _("上传时间"), _("上传人"),
    ]  # fmt: skip
    book.table(_("佐证材料"), evidence_headers, evidence_rows(report, miit))
    book.table(_("技术信息"), [_("类别"), _("编码"), _("名称")], technical_rows(report, miit))
    return book.to_bytes()


# ------------------------------------------------------------------------------------------------ EU DMA


def dma_summary_rows(report: DmaReport) -> list[tuple[str, Any]]:
    a = report.assessment
    scored = a.has_score
    rows: list[tuple[str, Any]] = [
        (_("企业"), a.enterprise.name),
        (_("统一社会信用代码"), a.enterprise.uscc),
        (_("评测框架"), issuing.framework_title(a.framework)),
        (_("框架版本"), a.framework.version),
        (_("评测方式"), a.get_kind_display()),
        (_("阶段"), a.get_phase_display()),
        (_("状态"), a.get_state_display()),
        (_("创建时间"), a.created_at),
        (_("提交时间"), a.submitted_at),
        (_("评分时间"), a.scored_at),
        (_("评测日期"), a.assessed_on),
        *_dma_issue_rows(a),
        (_("总分"), _points(report.overall) if scored else None),
        (_("档次"), report.band_name if scored else ""),
    ]
    for d in report.dimensions:
        rows.append((_("%(name)s得分") % {"name": d.label}, d.score if scored else None))
    rows.append((_("导出时间"), timezone.now()))
    return rows


def dma_answer_rows(report: DmaReport) -> list[list[Any]]:
    dims = {d.code: d.label for d in report.dimensions}
    rows = []
    for number, q in enumerate(report.questions, start=1):
        for answer in q.answers:
            dimension = dims.get(q.dimension, q.dimension)
            rows.append([f"Q{number}", dimension, q.label, answer.label, answer.answer, q.score])
    return rows


def _dma_issue_rows(assessment: Any) -> list[tuple[str, Any]]:
    issue = ReportIssue.objects.filter(assessment=assessment).first()
    if issue is None:
        return []
    return [(_("报告编号"), issue.number), (_("出具机构"), issue.issuer), (_("出具日期"), issue.issued_on)]


def dma_technical_rows(report: DmaReport) -> list[list[Any]]:
    """The codes behind the answer sheet's questions and rows (people read the names)."""
    a = report.assessment
    rows: list[list[Any]] = [
        [_("评测框架"), a.framework.label, issuing.framework_name(a.framework)],
        [_("框架校验和（SHA-256）"), a.framework.checksum, ""],
    ]
    issue = ReportIssue.objects.filter(assessment=a).first()
    if issue is not None:
        rows.append([_("报告摘要（SHA-256）"), issue.digest, issue.number])
    for q in report.questions:
        rows += [[q.label, answer.code, answer.label] for answer in q.answers]
    return rows


def dma_workbook(report: DmaReport) -> bytes:
    """The answers of an EU DMA assessment: a summary, then one row per item or table row answered."""
    book = Book()
    book.table(_("概要"), [_("项目"), _("内容")], dma_summary_rows(report))
    headers = [_("题号"), _("维度"), _("题目"), _("选项或行"), _("回答"), _("该题得分（0–10）")]
    book.table(_("答卷"), headers, dma_answer_rows(report))
    book.table(_("技术信息"), [_("类别"), _("编码"), _("名称")], dma_technical_rows(report))
    return book.to_bytes()

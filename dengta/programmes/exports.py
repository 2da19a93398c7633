"""Programme administration's Excel exports, all through the core's one cell writer (ARCHITECTURE.md
convention 17: text that looks like a formula stays text).

- ``programmes.applications``: the applications list with the page's filters and sort, registered with
  ``dengta.core.exports`` (a job, as every list export);
- one application's pools (its sub-industries with their providers, and its pilot enterprises) and a
  batch's review table (one row per application and expert, each criterion's score, the review's total and
  the application's aggregate under the batch's method): a few hundred rows at most, written in the request.

Names, never internal codes: states, tiers, levels and criteria by their names in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from dengta.core.access import Viewer
from dengta.core.decisions import require
from dengta.core.exports import Export, register_export
from dengta.core.language import in_english, name_separator
from dengta.core.spreadsheets import Book
from dengta.programmes import permissions, review, reviews, selectors
from dengta.programmes.documents import ApplicationDocument
from dengta.programmes.models import (
    Application,
    ApplicationState,
    Batch,
    ReviewAssignment,
    ReviewMethod,
)

APPLICATIONS_EXPORT = "programmes.applications"
# Applications that never reached the staff have no review rows.
UNREVIEWED_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.WITHDRAWN})


def _percent(share: Decimal | None) -> Decimal | None:
    """A share (0–1) as the number of a "（%）" column, one decimal (UI.md)."""
    return None if share is None else (share * 100).quantize(Decimal("0.1"))


# ----------------------------------------------------------------------------------- applications list


def _application_row(a: Application) -> tuple[Any, ...]:
    region = a.applicant.region
    return (
        a.applicant.name,
        region.display_full_name if region is not None else "",
        a.batch.display_title,
        a.get_state_display(),
        getattr(a, "n_sub_industries", None),
        getattr(a, "n_enterprises", None),
        a.award_requested_yuan,
        a.local_matching_yuan,
        _percent(a.retrofit_share),
        _percent(a.service_share),
        len(a.eligibility or []),
        a.submitted_at,
        a.updated_at,
    )


def application_headers() -> list[str]:
    return [
        _("申报单位"),
        _("地区"),
        _("批次"),
        _("状态"),
        _("细分行业（个）"),
        _("试点企业（家）"),
        _("申请奖补资金（元）"),
        _("地方配套资金（元）"),
        _("用于企业改造的比例（%）"),
        _("用于服务能力提升的比例（%）"),
        _("资格检查未通过（项）"),
        _("提交时间"),
        _("更新时间"),
    ]


@register_export(APPLICATIONS_EXPORT)
def applications_export(viewer: Viewer, params: QueryDict) -> Export:
    """The applications the list page shows, with its filters and sort (the page's declaration)."""
    # Imported when called: the page declares its export by this module's name, so views may import it.
    from dengta.programmes.views import APPLICATIONS

    require(permissions.can_view_applications(viewer))
    qs, _sort, _filtered = APPLICATIONS.queryset(
        viewer, params, lambda f: selectors.applications_for(viewer, f.values)
    )
    qs = qs.select_related("applicant__region")
    return Export("applications.xlsx", _("试点申报"), application_headers(), qs, _application_row)


# ------------------------------------------------------------------------------------- one application


def pools_workbook(doc: ApplicationDocument) -> bytes:
    """Two sheets: the sub-industries with their nominated providers (a row per provider), and the pilot
    enterprises with their sub-industry, county, 规上 flag, 专精特新 tier and current level."""
    providers: list[Sequence[Any]] = []
    for entry in doc.entries:
        codes = name_separator().join(code for code, _name in entry.industries)
        for p in entry.providers or (None,):
            providers.append(
                (
                    entry.name,
                    entry.catalogue_name,
                    codes,
                    p.name if p else "",
                    p.uscc if p else "",
                    len(entry.rows),
                )
            )
    enterprises = [
        (r.sub_industry, r.uscc, r.name, r.county, r.above_size_text, r.tier, r.level_name)
        for entry in doc.entries
        for r in entry.rows
    ]
    book = Book()
    book.table(
        _("细分行业与服务商"),
        [
            _("细分行业"),
            _("细分行业目录名称"),
            _("行业代码"),
            _("推荐服务商"),
            _("服务商统一社会信用代码"),
            _("试点企业（家）"),
        ],
        providers,
    )
    book.table(
        _("试点企业"),
        [
            _("细分行业"),
            _("统一社会信用代码"),
            _("企业名称"),
            _("所在区县"),
            _("规上企业"),
            _("专精特新"),
            _("当前等级"),
        ],
        enterprises,
    )
    return book.to_bytes()


# ---------------------------------------------------------------------------------------- batch reviews


def _score_text(scores: dict[str, Any], code: str) -> Any:
    """A criterion's score: the number, "不适用" for n/a, empty while not scored."""
    if code not in scores:
        return None
    value = scores[code]
    return _("不适用") if value is None else value


def _expert_name(expert: Any) -> str:
    return str(expert.get_full_name() or expert.get_username())


def batch_applications(viewer: Viewer, batch: Batch) -> QuerySet[Application]:
    """The batch's applications that reached the staff, with their reviews, by applicant name."""
    return (
        Application.objects.visible_to(viewer)
        .filter(batch=batch)
        .exclude(state__in=UNREVIEWED_STATES)
        .select_related("applicant", "batch__programme")
        .prefetch_related(
            Prefetch("reviews", queryset=ReviewAssignment.objects.select_related("expert").order_by("id"))
        )
        .order_by("applicant__name", "id")
    )


def reviews_workbook(viewer: Viewer, batch: Batch) -> bytes:
    """One row per application and assigned expert (an application without experts has one row): the
    submitted time, each criterion's score (n/a said as such), the review's total, and the application's
    aggregate over its submitted reviews by the batch's method (``reviews.application_aggregate``)."""
    require(permissions.can_review_applications(viewer))
    applications = list(batch_applications(viewer, batch))
    rubric = reviews.rubric_for(applications[0]) if applications else None
    criteria: tuple[review.Criterion, ...] = rubric.criteria if rubric else ()
    english = in_english()
    method = str(ReviewMethod(batch.review_method).label)
    headers = [_("申报单位"), _("状态"), _("评审专家"), _("提交时间")]
    headers += [(c.name_en if english and c.name_en else c.name_zh) for c in criteria]
    headers += [_("评审总分"), _("申报汇总得分"), _("汇总方式"), _("计入汇总的评审（份）"), _("评审细则版本")]
    rows: list[Sequence[Any]] = []
    for application in applications:
        aggregate = reviews.application_aggregate(application)
        shared = (aggregate.total, method, aggregate.used_count)
        assignments = list(application.reviews.all())
        if not assignments:
            rows.append(
                (
                    application.applicant.name,
                    application.get_state_display(),
                    "",
                    None,
                    *(None for _c in criteria),
                    None,
                    *shared,
                    "",
                )
            )
            continue
        for a in assignments:
            rows.append(
                (
                    application.applicant.name,
                    application.get_state_display(),
                    _expert_name(a.expert),
                    a.submitted_at if a.submitted else _("未提交"),
                    *(_score_text(a.scores, c.code) for c in criteria),
                    a.total,
                    *shared,
                    a.rubric_version,
                )
            )
    book = Book()
    book.table(_("专家评审"), headers, rows)
    return book.to_bytes()

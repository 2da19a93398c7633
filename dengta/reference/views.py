"""Read-only pages over the loaded reference data. Views are thin: parse, authorise, select, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dengta.core.access import request_viewer
from dengta.core.lists import paginate
from dengta.reference import selectors
from dengta.reference.models import Industry, ReferenceDataset, Region
from dengta.reference.permissions import can_view_reference

View = Callable[[HttpRequest], HttpResponse]


def _reference_page(view: View) -> View:
    """Login required; outsiders (enterprises, people without a membership) get "not found"."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        viewer = request_viewer(request)
        if not can_view_reference(viewer):
            raise Http404
        return view(request)

    return wrapper


def _params(request: HttpRequest, *names: str) -> dict[str, str]:
    return {n: request.GET.get(n, "").strip()[:60] for n in names}


@_reference_page
def index(request: HttpRequest) -> HttpResponse:
    loaded = {d.kind: d for d in selectors.datasets()}
    kinds = [
        (kind, label, loaded.get(kind), selectors.provenance(loaded[kind]) if kind in loaded else None)
        for kind, label in ReferenceDataset.Kind.choices
    ]
    return render(request, "reference/index.html", {"kinds": kinds})


def _dataset_context(kind: str) -> dict[str, Any]:
    dataset = selectors.current_dataset(kind)
    return {"dataset": dataset, "provenance": selectors.provenance(dataset) if dataset else None}


@_reference_page
def region_list(request: HttpRequest) -> HttpResponse:
    filters = _params(request, "q", "level", "flag")
    qs = selectors.region_search(**filters)
    context: dict[str, Any] = {
        "filters": filters,
        "levels": Region.Level.choices,
        **_dataset_context(ReferenceDataset.Kind.REGIONS),
        **paginate(request, qs, per_page=50),
    }
    return render(request, "reference/region_list.html", context)


@_reference_page
def industry_list(request: HttpRequest) -> HttpResponse:
    filters = _params(request, "q", "level", "focus")
    qs = selectors.industry_search(**filters)
    context: dict[str, Any] = {
        "filters": filters,
        "levels": Industry.Level.choices,
        "focus_sectors": selectors.focus_sectors(),
        **_dataset_context(ReferenceDataset.Kind.INDUSTRIES),
        **paginate(request, qs, per_page=50),
    }
    return render(request, "reference/industry_list.html", context)


@_reference_page
def sub_industry_list(request: HttpRequest) -> HttpResponse:
    filters = _params(request, "q", "focus")
    qs = selectors.sub_industry_search(**filters)
    context: dict[str, Any] = {
        "filters": filters,
        "focus_sectors": selectors.focus_sectors(),
        **_dataset_context(ReferenceDataset.Kind.SUB_INDUSTRIES),
        **paginate(request, qs, per_page=50),
    }
    return render(request, "reference/sub_industry_list.html", context)


@_reference_page
def size_standard(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        **_dataset_context(ReferenceDataset.Kind.SIZE_STANDARD),
        "table": selectors.size_standard_table(),
    }
    return render(request, "reference/size_standard.html", context)

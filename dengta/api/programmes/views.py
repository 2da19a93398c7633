"""Programmes, batches and the eligibility codes over the API: national data, read by whoever the batch page
admits (``permissions.can_view_applications``: the ministry, authorities and oversight bodies)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import StateConflict, ViewerMixin, require
from dengta.api.catalog.views import REFUSED, error_detail
from dengta.api.programmes.serializers import (
    BatchDetailSerializer,
    EligibilityCodeSerializer,
    ProgrammeSerializer,
)
from dengta.programmes import eligibility, permissions, reviews, selectors
from dengta.programmes.models import Batch, Programme, ProgrammeModel

# A template's named fields, as the sentences file writes them.
NAMED_FIELD = re.compile(r"%\((\w+)\)s")


@contextmanager
def review_errors() -> Iterator[None]:
    """A review step the rules refuse (not under review, a conflict of interest, assigned already, past the
    deadline) is a state conflict, 409 with the sentence; any other ValidationError is 400 with its fields."""
    try:
        yield
    except reviews.ReviewRefused as exc:
        raise StateConflict(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        raise ValidationError(error_detail(exc)) from exc


@extend_schema_view(
    list=extend_schema(
        summary="The programme models Dengta runs (platform pilot, city pilot)",
        responses={200: ProgrammeSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="One programme", responses={200: ProgrammeSerializer, **REFUSED}),
)
class ProgrammeViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Programme]):
    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()  # for the schema's types only

    def get_queryset(self) -> QuerySet[Programme]:
        return Programme.objects.order_by("code", "id")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(permissions.can_view_applications(self.viewer))


class BatchFilterSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(required=False, min_value=2022, max_value=2100)
    programme = serializers.ChoiceField(ProgrammeModel.choices, required=False, help_text="platform or city")


@extend_schema_view(
    list=extend_schema(
        summary="Batches with their windows and rules, latest first",
        description="Windows are days in Asia/Shanghai; the rules are the batch file as loaded, with its "
        "version (every decision stores the version it used).",
        parameters=[BatchFilterSerializer],
        responses={200: BatchDetailSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="One batch", responses={200: BatchDetailSerializer, **REFUSED}),
)
class BatchViewSet(ViewerMixin, viewsets.ReadOnlyModelViewSet[Batch]):
    serializer_class = BatchDetailSerializer
    queryset = Batch.objects.none()  # for the schema's types only

    def get_queryset(self) -> QuerySet[Batch]:
        qs = selectors.batches()
        if self.action == "list":
            params = BatchFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if "year" in params.validated_data:
                qs = qs.filter(year=params.validated_data["year"])
            if "programme" in params.validated_data:
                qs = qs.filter(programme__model=params.validated_data["programme"])
        return qs.order_by("-year", "code", "id")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(permissions.can_view_applications(self.viewer))


class EligibilityCodesSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(help_text="the version of data/eligibility-sentences.json")
    results = EligibilityCodeSerializer(many=True)


def eligibility_codes() -> dict[str, Any]:
    """Each failure code of dengta.programmes.eligibility, in its order, with its sentence templates (a
    code may have a second sentence, its variant)."""
    sentences = eligibility.default_sentences()
    rows = []
    for code in eligibility.CODES:
        templates = []
        for key, (zh, en) in sentences.templates.items():
            name, _dot, variant = key.partition(".")
            if name == code:
                params = sorted(set(NAMED_FIELD.findall(zh)))
                templates.append({"variant": variant, "zh": zh, "en": en, "params": params})
        templates.sort(key=lambda t: (t["variant"] != "", t["variant"]))
        rows.append({"code": code, "templates": templates})
    return {"version": sentences.version, "results": rows}


class EligibilityCodeViewSet(ViewerMixin, viewsets.ViewSet):
    """The eligibility failure codes (docs/programmes.md, "Eligibility"): a failure in an application's
    ``eligibility`` names one of these and carries its sentence already filled in."""

    pagination_class = None

    @extend_schema(
        summary="Every eligibility failure code with its Chinese and English sentence templates",
        responses={200: EligibilityCodesSerializer},
    )
    def list(self, request: Request) -> Response:
        return Response(eligibility_codes())

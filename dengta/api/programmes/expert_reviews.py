"""Expert review over the API: the ministry's programme staff assign experts to applications under review; an
expert scores its assignment against the rubric, saves drafts and submits once before the deadline, and sees
the other experts' reviews only after submitting its own (dengta.programmes.reviews; DOMAIN.md 2.1)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import MAX_ID, ViewerMixin, require
from dengta.api.catalog.views import INVALID, REFUSED, STEP
from dengta.api.programmes import access
from dengta.api.programmes.review_serializers import (
    ExpertReviewAssignSerializer,
    ExpertReviewDetailSerializer,
    ExpertReviewSerializer,
    ExpertReviewUpdateSerializer,
)
from dengta.api.programmes.views import review_errors
from dengta.programmes import permissions, reviews
from dengta.programmes.models import ReviewAssignment


class ExpertReviewFilterSerializer(serializers.Serializer[Any]):
    application = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="an application id"
    )
    submitted = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(
        summary="Reviews: every one for the ministry's programme staff, an expert's own assignments",
        parameters=[ExpertReviewFilterSerializer],
        responses={200: ExpertReviewSerializer(many=True), 400: INVALID, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One review with its rubric and, where the caller may see them, the other experts' reviews",
        responses={200: ExpertReviewDetailSerializer, **REFUSED},
    ),
)
class ReviewViewSet(
    ViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ReviewAssignment]
):
    serializer_class = ExpertReviewDetailSerializer
    queryset = (
        ReviewAssignment.objects.none()
    )  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ExpertReviewSerializer if self.action == "list" else ExpertReviewDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.viewer}

    def get_queryset(self) -> QuerySet[ReviewAssignment]:
        params = ExpertReviewFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = access.reviews_for(self.viewer)
        if "application" in params.validated_data:
            qs = qs.filter(application_id=params.validated_data["application"])
        submitted = params.validated_data.get("submitted")
        if submitted is not None:
            qs = qs.filter(submitted_at__isnull=not submitted)
        return qs.order_by("-created_at", "-id")

    def get_object(self) -> ReviewAssignment:
        raw = str(self.kwargs["pk"])
        if not raw.isdigit() or len(raw) > 12:
            raise Http404
        assignment = access.reviews_for(self.viewer).filter(pk=int(raw)).first()
        if assignment is None:
            raise Http404
        require(access.can_view_reviews(self.viewer))
        return assignment

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(access.can_view_reviews(self.viewer))
        return super().list(request, *args, **kwargs)

    def _detail(self, code: int = status.HTTP_200_OK, pk: int | None = None) -> Response:
        if pk is not None:
            self.kwargs["pk"] = pk
        return Response(
            ExpertReviewDetailSerializer(self.get_object(), context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Assign an expert to an application under review (the ministry's programme staff)",
        description="A conflict of interest (the expert's organisation in the applicant's region, the "
        "applicant's or a nominated provider's own, a declared conflict), an expert assigned already or an "
        "application not under review: 409 with the sentence.",
        request=ExpertReviewAssignSerializer,
        responses={
            201: ExpertReviewDetailSerializer,
            400: INVALID,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_review_applications(self.viewer))
        data = ExpertReviewAssignSerializer(data=request.data, context={"viewer": self.viewer})
        data.is_valid(raise_exception=True)
        with review_errors():
            assignment = reviews.review_assign(actor=request.user, **data.validated_data)
        return self._detail(status.HTTP_201_CREATED, pk=assignment.pk)

    @extend_schema(
        summary="Save the draft: scores and comments are merged into what it holds (the assigned expert)",
        description="What the draft holds must be valid: known criteria, whole points 0–5, n/a only where "
        "the criterion allows it. A submitted review: 409.",
        request=ExpertReviewUpdateSerializer,
        responses={200: ExpertReviewDetailSerializer, **STEP},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        require(access.can_write_review(self.viewer, assignment))
        data = ExpertReviewUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scores = {**assignment.scores, **data.validated_data.get("scores", {})}
        comments = {**assignment.comments, **data.validated_data.get("comments", {})}
        with review_errors():
            reviews.review_save(actor=request.user, assignment=assignment, scores=scores, comments=comments)
        return self._detail()

    @extend_schema(
        summary="Submit the review, complete and before its deadline (the assigned expert)",
        description="Incomplete: 400 with what is missing. Past the deadline or submitted already: 409.",
        request=None,
        responses={200: ExpertReviewDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        require(access.can_write_review(self.viewer, assignment))
        with review_errors():
            reviews.review_submit(actor=request.user, assignment=assignment)
        return self._detail()

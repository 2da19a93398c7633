"""Quote requests over the API: an enterprise asks one provider to quote for its listed products, the
provider answers with a price or declines, the enterprise accepts or withdraws (docs/catalogue.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import require
from dengta.api.catalog.serializers import (
    Plain,
    QuoteAnswerSerializer,
    QuoteCreateSerializer,
    QuoteSerializer,
)
from dengta.api.catalog.views import INVALID, REFUSED, STEP, CatalogViewerMixin, no_profile, service_errors
from dengta.assessment.selectors import sub_industry_of
from dengta.catalog import permissions, selectors
from dengta.catalog.models import QuoteRequest, QuoteState
from dengta.catalog.services import quotes as quote_services
from dengta.core.access import get_visible_or_404
from dengta.registry.selectors import own_enterprise


class QuoteFilterSerializer(serializers.Serializer[Any]):
    state = Plain(QuoteState.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Quote requests: the enterprise's own, the provider's inbox, the jurisdiction's for staff",
        parameters=[QuoteFilterSerializer],
        responses={200: QuoteSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="One quote request", responses={200: QuoteSerializer, **REFUSED}),
)
class QuoteViewSet(
    CatalogViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[QuoteRequest],
):
    serializer_class = QuoteSerializer
    queryset = QuoteRequest.objects.none()  # for the schema's types only; get_queryset scopes every request

    def get_queryset(self) -> QuerySet[QuoteRequest]:
        params = QuoteFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.quotes_for(self.viewer).prefetch_related("products").order_by("-created_at", "-id")
        if "state" in params.validated_data:
            qs = qs.filter(state=params.validated_data["state"])
        return qs

    def get_object(self) -> QuoteRequest:
        return get_visible_or_404(
            QuoteRequest.objects.select_related(
                "enterprise", "provider__organization", "sub_industry"
            ).prefetch_related("products"),
            self.viewer,
            pk=self.kwargs["pk"],
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_view_quotes(self.viewer))
        return super().list(request, *args, **kwargs)

    def _detail(self, code: int = status.HTTP_200_OK, pk: int | None = None) -> Response:
        if pk is not None:
            self.kwargs["pk"] = pk
        return Response(QuoteSerializer(self.get_object()).data, status=code)

    @extend_schema(
        summary="Ask a provider to quote for its listed products (an enterprise's admin or staff)",
        description="The products must be listed and of one provider (400 otherwise). A provider that may "
        "not be offered now — suspended, removed, not admitted — receives no request: 409 with the reason.",
        request=QuoteCreateSerializer,
        responses={201: QuoteSerializer, 400: INVALID, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_request_quote(self.viewer))
        enterprise = own_enterprise(self.viewer)
        if enterprise is None:
            raise no_profile("enterprise")
        data = QuoteCreateSerializer(data=request.data, context={"viewer": self.viewer})
        data.is_valid(raise_exception=True)
        with service_errors():
            quote = quote_services.quote_request(
                actor=request.user,
                enterprise=enterprise,
                products=data.validated_data["products"],
                message=data.validated_data["message"],
                sub_industry=sub_industry_of(enterprise),
            )
        return self._detail(status.HTTP_201_CREATED, pk=quote.pk)

    @extend_schema(
        summary="Quote a price, or decline with a reason (the provider asked)",
        description='{"quote_yuan", "answer", "valid_until"} quotes; {"decline": true, "answer"} declines. '
        "A request already answered, declined, accepted or withdrawn: 409.",
        request=QuoteAnswerSerializer,
        responses={200: QuoteSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        require(permissions.can_answer_quote(self.viewer, quote))
        data = QuoteAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            quote_services.quote_answer(actor=request.user, quote=quote, **data.validated_data)
        return self._detail()

    @extend_schema(
        summary="Accept an answered quote (the enterprise that asked)",
        description="A quote past its validity: 400; a request not answered: 409.",
        request=None,
        responses={200: QuoteSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        require(permissions.can_decide_quote(self.viewer, quote))
        with service_errors():
            quote_services.quote_decide(actor=request.user, quote=quote, accept=True)
        return self._detail()

    @extend_schema(
        summary="Withdraw an open or answered request (the enterprise that asked)",
        request=None,
        responses={200: QuoteSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        require(permissions.can_decide_quote(self.viewer, quote))
        with service_errors():
            quote_services.quote_decide(actor=request.user, quote=quote, accept=False)
        return self._detail()

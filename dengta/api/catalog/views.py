"""Provider pools and admission over the API: the pages' permission rules (dengta.catalog.permissions) asked
through ``require`` and the pages' services, so a refusal answers 403, 404 or 409 exactly as the page does
(ARCHITECTURE.md conventions 1, 5 and 15)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import MAX_ID, StateConflict, ViewerMixin, require
from dengta.api.catalog.serializers import (
    AdmissionCreateSerializer,
    AdmissionDetailSerializer,
    AdmissionSerializer,
    AdmissionUpdateSerializer,
    DecideSerializer,
    GovernSerializer,
    OpinionInputSerializer,
    Plain,
    PoolSerializer,
    PoolWriteSerializer,
)
from dengta.catalog import permissions, selectors
from dengta.catalog.models import Admission, AdmissionState, Pool
from dengta.catalog.services import admissions as admission_services
from dengta.catalog.services import governance
from dengta.core.access import ANONYMOUS, get_visible_or_404
from dengta.core.decisions import Conflict
from dengta.core.workflows import TransitionRefused
from dengta.orgs.models import Organization

REFUSED = {403: ErrorSerializer, 404: ErrorSerializer}
INVALID = OpenApiResponse(description="invalid input: each field with its reasons")
STEP = {**REFUSED, 400: INVALID, 409: ErrorSerializer}


class CatalogViewerMixin(ViewerMixin):
    """ViewerMixin, with actions open to anonymous visitors (the public catalogue, ARCHITECTURE.md
    convention 18): they see what the rules show ANONYMOUS."""

    public_actions: ClassVar[frozenset[str]] = frozenset()

    def get_permissions(self) -> list[BasePermission]:
        if getattr(self, "action", None) in self.public_actions:
            return [AllowAny()]
        permissions_: list[BasePermission] = super().get_permissions()  # type: ignore[misc]
        return permissions_

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "action", None) in self.public_actions and not request.user.is_authenticated:
            super(ViewerMixin, self).initial(request, *args, **kwargs)  # type: ignore[misc]
            request.viewer = ANONYMOUS  # type: ignore[attr-defined]
            return
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = dict(super().get_serializer_context())  # type: ignore[misc]
        viewer = getattr(getattr(self, "request", None), "viewer", None)
        if viewer is not None:
            context["viewer"] = viewer
        return context


def error_detail(exc: DjangoValidationError, rename: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A service's ValidationError as DRF's 400 body: each field (under the API's name) with its reasons."""
    names = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(rename or {})}
    if hasattr(exc, "error_dict"):
        return {names.get(k, k): v for k, v in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


@contextmanager
def service_errors(rename: Mapping[str, str] | None = None) -> Iterator[None]:
    """A workflow that refuses the step (TransitionRefused) is a state conflict, 409; any other
    ValidationError of a service is 400 with its reasons. The service's transaction has rolled back by then,
    so nothing is half-saved; a Conflict the service raises through ``require`` reaches the handler: 409."""
    try:
        yield
    except TransitionRefused as exc:
        raise StateConflict(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        raise ValidationError(error_detail(exc, rename)) from exc


def no_profile(kind: str) -> Conflict:
    """The caller's organisation has no provider or enterprise profile to act as (409, as on the pages)."""
    return Conflict(_("本机构还没有服务商档案") if kind == "provider" else _("本机构还没有企业档案"))


# ------------------------------------------------------------------------------------------------ pools


class PoolFilterSerializer(serializers.Serializer[Any]):
    period = serializers.IntegerField(required=False, min_value=2022, max_value=2100)


@extend_schema_view(
    list=extend_schema(
        summary="Provider pools the caller sees",
        description="Staff: the pools of their jurisdiction and the ministry's; providers: every open pool "
        "and those they applied to; experts: the ministry's.",
        parameters=[PoolFilterSerializer],
        responses={200: PoolSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="One pool", responses={200: PoolSerializer, **REFUSED}),
)
class PoolViewSet(
    CatalogViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Pool]
):
    """Provider pools (服务商库, DOMAIN.md 2.7): set up and changed by their own organisation."""

    serializer_class = PoolSerializer
    queryset = Pool.objects.none()  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Pool]:
        params = PoolFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.pools_for(self.viewer).prefetch_related("kinds").order_by("-period", "name", "id")
        if "period" in params.validated_data:
            qs = qs.filter(period=params.validated_data["period"])
        return qs

    def get_object(self) -> Pool:
        # distinct: a provider's visible pools join its applications (Pool.objects.visible_to).
        pool = get_visible_or_404(
            Pool.objects.select_related("owner", "owner__region").prefetch_related("kinds").distinct(),
            self.viewer,
            pk=self.kwargs["pk"],
        )
        require(permissions.can_view_pools(self.viewer))
        return pool

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_view_pools(self.viewer))
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Set up a pool of the caller's organisation",
        request=PoolWriteSerializer,
        responses={201: PoolSerializer, 400: INVALID, 403: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_manage_pools(self.viewer))
        data = PoolWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = Organization.objects.get(pk=self.viewer.organization_id or 0)
        with service_errors():
            pool = admission_services.pool_create(actor=request.user, owner=owner, **data.validated_data)
        return Response(PoolSerializer(pool).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a pool (its own organisation only)",
        request=PoolWriteSerializer,
        responses={200: PoolSerializer, 400: INVALID, **REFUSED},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        pool = self.get_object()
        require(permissions.can_edit_pool(self.viewer, pool))
        data = PoolWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with service_errors():
            pool = admission_services.pool_update(actor=request.user, pool=pool, **data.validated_data)
        return Response(PoolSerializer(pool).data)


# ------------------------------------------------------------------------------------------- admissions


class AdmissionFilterSerializer(serializers.Serializer[Any]):
    pool = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    state = Plain(AdmissionState.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Applications to pools the caller sees",
        description="A provider: its own; staff: those to the pools of their jurisdiction, and to the "
        "ministry's pools from providers in their jurisdiction.",
        parameters=[AdmissionFilterSerializer],
        responses={200: AdmissionSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One application with its opinions, measures and what the caller may do",
        responses={200: AdmissionDetailSerializer, **REFUSED},
    ),
)
class AdmissionViewSet(
    CatalogViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Admission]
):
    """Applications to pools (服务商入库) and, once admitted, the provider's standing in the pool."""

    serializer_class = AdmissionDetailSerializer
    queryset = Admission.objects.none()  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return AdmissionSerializer if self.action == "list" else AdmissionDetailSerializer

    def get_queryset(self) -> QuerySet[Admission]:
        params = AdmissionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.admissions_for(self.viewer).order_by("-created_at", "-id")
        for key, value in params.validated_data.items():
            qs = qs.filter(**{key: value})
        return qs

    def get_object(self) -> Admission:
        return get_visible_or_404(
            Admission.objects.select_related(
                "pool__owner__region", "provider__organization__region", "kind"
            ).prefetch_related("sub_industries", "opinions__expert", "actions"),
            self.viewer,
            pk=self.kwargs["pk"],
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_view_pools(self.viewer))
        return super().list(request, *args, **kwargs)

    def _detail(self) -> Response:
        """The application as it is now (read again, with what the caller may do next)."""
        return Response(
            AdmissionDetailSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Apply to a pool (a provider's admin or staff): a draft to complete and submit",
        description="One application per provider and pool (a pool is one period): a second one is 400 with "
        "the reason. A closed pool: 409.",
        request=AdmissionCreateSerializer,
        responses={201: AdmissionDetailSerializer, 400: INVALID, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        viewer = self.viewer
        require(permissions.can_apply(viewer))  # the role first: who may not apply learns why at once
        data = AdmissionCreateSerializer(data=request.data, context={"viewer": viewer})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        pool: Pool = values.pop("pool")
        require(permissions.can_apply(viewer, pool))
        provider = selectors.own_provider(viewer)
        if provider is None:
            raise no_profile("provider")
        kind = values.pop("kind", None) or provider.kind
        if kind is None:
            raise ValidationError({"kind": [data.fields["kind"].error_messages["required"]]})
        with service_errors():
            admission = admission_services.admission_create(
                actor=request.user,
                pool=pool,
                provider=provider,
                kind=kind,
                sub_industries=values.pop("sub_industries", []),
                **values,
            )
        return Response(
            AdmissionDetailSerializer(admission, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Complete a draft or returned application",
        description="Submitted or decided applications: 409.",
        request=AdmissionUpdateSerializer,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_edit_admission(self.viewer, admission))
        data = AdmissionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        with service_errors():
            admission_services.admission_update(
                actor=request.user,
                admission=admission,
                sub_industries=values.pop("sub_industries", None),
                **values,
            )
        return self._detail()

    @extend_schema(
        summary="Submit the application (400 lists what it still lacks)",
        request=None,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_edit_admission(self.viewer, admission))
        with service_errors():
            admission_services.admission_submit(actor=request.user, admission=admission)
        return self._detail()

    @extend_schema(
        summary="Withdraw the application before a decision",
        request=None,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_appeal(self.viewer, admission))  # the provider's own, as on the page
        with service_errors():
            admission_services.admission_withdraw(actor=request.user, admission=admission)
        return self._detail()

    @extend_schema(
        summary="Start reviewing a submitted application (the pool's organisation)",
        request=None,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_review_admission(self.viewer, admission))
        with service_errors():
            admission_services.admission_start_review(actor=request.user, admission=admission)
        return self._detail()

    @extend_schema(
        summary="Admit, return for information or refuse (the pool's organisation)",
        description="Returning and refusing need a reason the provider sees. Where the pool asks for expert "
        "review, admitting waits for an expert's opinion (409).",
        request=DecideSerializer,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_review_admission(self.viewer, admission))
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            admission_services.admission_decide(
                actor=request.user, admission=admission, **data.validated_data
            )
        return self._detail()

    @extend_schema(
        summary="An expert's opinion on an application to a pool that asks for expert review",
        request=OpinionInputSerializer,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_give_opinion(self.viewer, admission))
        data = OpinionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            admission_services.admission_opinion(
                actor=request.user, admission=admission, **data.validated_data
            )
        return self._detail()

    @extend_schema(
        summary="Warn, suspend, remove or reinstate an admitted provider (the pool's organisation)",
        description="Each measure needs a reason the provider sees; a warning needs a rectification deadline "
        "after today. A suspended provider lists no products and receives no quote requests.",
        request=GovernSerializer,
        responses={200: AdmissionDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def govern(self, request: Request, pk: str | None = None) -> Response:
        admission = self.get_object()
        require(permissions.can_govern(self.viewer, admission))
        data = GovernSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            governance.governance_act(actor=request.user, admission=admission, **data.validated_data)
        return self._detail()

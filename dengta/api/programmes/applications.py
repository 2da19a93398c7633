"""Applications (申报) over the API: the application pages' permission rules (dengta.programmes.permissions)
asked through ``require`` and the pages' services, so a refusal answers 403, 404 or 409 as the page does
and bad input 400 with the services' own field messages (ARCHITECTURE.md conventions 1, 5 and 15)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import ViewerMixin, require
from dengta.api.catalog.views import INVALID, REFUSED, STEP, service_errors
from dengta.api.programmes import access
from dengta.api.programmes.serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationFilterSerializer,
    ApplicationReasonSerializer,
    ApplicationSerializer,
    ApplicationSubmitSerializer,
    ApplicationUpdateSerializer,
    ApproveSerializer,
    EnterpriseInputSerializer,
    EntrySerializer,
    NominationSerializer,
    PoolEnterpriseSerializer,
    ProviderInputSerializer,
    SubIndustryInputSerializer,
)
from dengta.core.decisions import Decision
from dengta.core.importing.jobs import upload_name
from dengta.orgs.models import Organization
from dengta.programmes import permissions, selectors, services
from dengta.programmes.models import Application, NominatedProvider
from dengta.programmes.pool_import import run_pool_import
from dengta.registry import uscc

POOL_ROW = OpenApiParameter(
    "pool_row_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="id of the pool row (GET …/enterprises/)",
)


def counted(qs: QuerySet[Application]) -> QuerySet[Application]:
    """The application with what the list shows beside it (as selectors.applications_for counts them)."""
    return qs.select_related("batch__programme", "applicant__region").annotate(
        n_sub_industries=Count("sub_industries", distinct=True),
        n_enterprises=Count("pool", distinct=True),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Applications the caller sees: an authority its own, staff their jurisdiction's",
        parameters=[ApplicationFilterSerializer],
        responses={200: ApplicationSerializer(many=True), 400: INVALID, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One application: pools, fund plan, targets, checklist, eligibility failures, pilot",
        description="Also open to the experts assigned to review it.",
        responses={200: ApplicationDetailSerializer, **REFUSED},
    ),
)
class ApplicationViewSet(
    ViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Application]
):
    """Authorities' applications for a batch (DOMAIN.md 2.1, 8; docs/programmes.md)."""

    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()  # for the schema's types only; get_queryset scopes every request
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ApplicationSerializer if self.action == "list" else ApplicationDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.viewer}

    def get_queryset(self) -> QuerySet[Application]:
        params = ApplicationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.applications_for(self.viewer, params.validated_data).order_by("-updated_at", "-id")

    def get_object(self) -> Application:
        raw = str(self.kwargs["pk"])
        if not raw.isdigit() or len(raw) > 12:
            raise Http404
        application = counted(access.applications_readable(self.viewer)).filter(pk=int(raw)).first()
        if application is None:
            raise Http404
        require(access.can_read_application(self.viewer, application))
        return application

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_view_applications(self.viewer))
        return super().list(request, *args, **kwargs)

    def _detail(self, code: int = status.HTTP_200_OK, pk: int | None = None) -> Response:
        """The application as it is now (read again, with what the caller may do next)."""
        if pk is not None:
            self.kwargs["pk"] = pk
        return Response(
            ApplicationDetailSerializer(self.get_object(), context=self.get_serializer_context()).data,
            status=code,
        )

    def _editable(self) -> Application:
        application = self.get_object()
        require(permissions.can_edit_application(self.viewer, application))
        return application

    # ------------------------------------------------------------------------------------------ the form

    @extend_schema(
        summary="Apply for a batch (an authority's admin or staff, while its window is open)",
        description="One live application per authority and batch: a second one is 400 with the reason. "
        "A closed window: 409.",
        request=ApplicationCreateSerializer,
        responses={
            201: ApplicationDetailSerializer,
            400: INVALID,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        viewer = self.viewer
        require(permissions.can_apply(viewer))  # the role first: who may not apply learns why at once
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = data.validated_data["batch"]
        require(permissions.can_apply(viewer, batch))
        if batch.pk in selectors.live_applications_of(viewer):
            raise ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("本单位已有该批次的申报，不能重复申报")]}
            )
        applicant = Organization.objects.get(pk=viewer.organization_id or 0)
        with service_errors():
            application = services.application_create(actor=request.user, applicant=applicant, batch=batch)
        return self._detail(status.HTTP_201_CREATED, pk=application.pk)

    @extend_schema(
        summary="Change the fund plan, the targets and the plan's summary (draft or returned)",
        description="Figures as strings or numbers; each wrong one is named under its field and nothing is "
        "saved. Submitted or decided: 409.",
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        application = self._editable()
        data = ApplicationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.application_update(
                actor=request.user, application=application, data=dict(data.validated_data)
            )
        return self._detail()

    # ------------------------------------------------------------------------------------------ the pools

    @extend_schema(
        methods=["GET"],
        summary="The application's sub-industries with their providers and enterprises",
        responses={200: EntrySerializer(many=True), **REFUSED},
    )
    @extend_schema(
        methods=["POST"],
        summary="Choose a sub-industry from the catalogue (the applicant, draft or returned)",
        request=SubIndustryInputSerializer,
        responses={201: EntrySerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"], url_path="sub-industries")
    def sub_industries(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            rows = (
                self.get_object()
                .sub_industries.select_related("sub_industry")
                .prefetch_related(
                    "providers__provider__organization", "enterprises__enterprise", "enterprises__entry"
                )
            )
            return Response(EntrySerializer(rows, many=True).data)
        application = self._editable()
        data = SubIndustryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            entry = services.application_add_sub_industry(
                actor=request.user,
                application=application,
                sub_industry=data.validated_data["sub_industry"],
                local_name=data.validated_data["local_name"],
            )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The providers the application nominates, by sub-industry",
        responses={200: NominationSerializer(many=True), **REFUSED},
    )
    @extend_schema(
        methods=["POST"],
        summary="Nominate an admitted provider for one of the application's sub-industries",
        request=ProviderInputSerializer,
        responses={201: NominationSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def providers(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            rows = NominatedProvider.objects.filter(entry__application=self.get_object()).select_related(
                "provider__organization"
            )
            return Response(NominationSerializer(rows.order_by("entry_id", "id"), many=True).data)
        application = self._editable()
        data = ProviderInputSerializer(data=request.data, context={"application": application})
        data.is_valid(raise_exception=True)
        with service_errors():
            nomination = services.application_add_provider(
                actor=request.user,
                entry=data.validated_data["entry"],
                provider=data.validated_data["provider"],
            )
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The pilot-enterprise pool (试点企业库): credit code and name by sub-industry",
        responses={200: PoolEnterpriseSerializer(many=True), **REFUSED},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a registered enterprise of the caller's jurisdiction by its credit code",
        description="An enterprise that fails a rule is added and named in the eligibility failures; one "
        "already in the application is 400.",
        request=EnterpriseInputSerializer,
        responses={201: PoolEnterpriseSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def enterprises(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            rows = self.get_object().pool.select_related("enterprise", "entry").order_by("id")
            return Response(PoolEnterpriseSerializer(rows, many=True).data)
        application = self._editable()
        data = EnterpriseInputSerializer(data=request.data, context={"application": application})
        data.is_valid(raise_exception=True)
        check = uscc.validate(data.validated_data["uscc"])
        if check.problem is not None:
            raise ValidationError({"uscc": [check.problem.render(_)]})
        enterprise = selectors.enterprise_by_code(self.viewer, check.value)
        if enterprise is None:
            raise ValidationError(
                {
                    "uscc": [
                        _("没有找到本辖区统一社会信用代码为 %(code)s 的企业：请核对代码，或先在企业库中登记")
                        % {"code": check.value}
                    ]
                }
            )
        with service_errors():
            row = services.application_add_enterprise(
                actor=request.user, entry=data.validated_data["entry"], enterprise=enterprise
            )
        return Response(PoolEnterpriseSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Import the pool from a spreadsheet (the applicant, draft or returned): all rows or none",
        description="Multipart field `file`: an .xlsx or CSV with the columns of the page's template "
        "(统一社会信用代码 / uscc, 企业名称 / name, 细分行业 / sub_industry). 201 with the count imported; "
        "400 with every refused row (row, column, value, reason) or the reason the file was refused, and "
        "nothing imported.",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: OpenApiTypes.OBJECT, **STEP},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="enterprises/import",
        url_name="enterprise-import",
        parser_classes=[MultiPartParser],
    )
    def import_enterprises(self, request: Request, pk: str | None = None) -> Response:
        application = self._editable()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("请选择要导入的文件")]})
        if upload.size > settings.DENGTA_IMPORT_MAX_BYTES:
            limit = settings.DENGTA_IMPORT_MAX_BYTES / 1048576
            raise ValidationError(
                {"file": [_("文件超过 %(limit)s MB 的上限，请拆分后分别导入") % {"limit": f"{limit:.0f}"}]}
            )
        outcome = run_pool_import(
            data=upload.read(), file_name=upload_name(upload), application=application, viewer=self.viewer
        )
        result = outcome.summary(errors_shown=len(outcome.errors))
        body = {
            key: result[key]
            for key in ("file_name", "rows_total", "imported", "errors_total", "errors", "refused")
        }
        return Response(body, status=status.HTTP_201_CREATED if outcome.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(
        summary="Take an enterprise out of the pool (the applicant, draft or returned)",
        parameters=[POOL_ROW],
        request=None,
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"enterprises/(?P<pool_row_id>[0-9]{1,12})",
        url_name="enterprise-remove",
    )
    def remove_enterprise(self, request: Request, pk: str | None = None, pool_row_id: str = "") -> Response:
        application = self._editable()
        row = application.pool.select_related("enterprise").filter(pk=int(pool_row_id)).first()
        if row is None:
            raise Http404
        with service_errors():
            services.application_remove_enterprise(actor=request.user, row=row)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ------------------------------------------------------------------------------------------ the workflow

    @extend_schema(
        summary="Submit with the declaration (the applicant)",
        description='{"declared": true} is the applicant\'s declaration. An incomplete checklist or a '
        "failing eligibility check: 400 with what is missing; a closed window or a submitted application: "
        "409.",
        request=ApplicationSubmitSerializer,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        application = self._editable()
        if not permissions.window_open(application.batch):
            require(Decision.conflict(_("该批次现在不在申报时间内")))
        data = ApplicationSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.application_submit(
                actor=request.user, application=application, declared=data.validated_data["declared"]
            )
        return self._detail()

    @extend_schema(
        summary="Withdraw the application before a decision (the applicant)",
        request=None,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        require(permissions.can_withdraw_application(self.viewer, application))
        with service_errors():
            services.application_withdraw(actor=request.user, application=application)
        return self._detail()

    def _reviewable(self) -> Application:
        application = self.get_object()
        require(permissions.can_review_applications(self.viewer))
        return application

    @extend_schema(
        summary="Start the review of a submitted application (the ministry's programme staff)",
        request=None,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: str | None = None) -> Response:
        application = self._reviewable()
        with service_errors():
            services.application_start_review(actor=request.user, application=application)
        return self._detail()

    @extend_schema(
        summary="Return a submitted or reviewed application for information, with a reason",
        request=ApplicationReasonSerializer,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        application = self._reviewable()
        data = ApplicationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.application_return(
                actor=request.user, application=application, reason=data.validated_data["reason"]
            )
        return self._detail()

    @extend_schema(
        summary="Reject a submitted or reviewed application, with a reason",
        request=ApplicationReasonSerializer,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        application = self._reviewable()
        data = ApplicationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.application_reject(
                actor=request.user, application=application, reason=data.validated_data["reason"]
            )
        return self._detail()

    @extend_schema(
        summary="Approve an application under review: the pilot and its allocation",
        description="The central award is the amount requested unless award_yuan says another (a decimal "
        "string, at most 2 decimals). An award over the cap or shares the rules refuse: 400, nothing "
        "written. An application not under review, or approved already: 409.",
        request=ApproveSerializer,
        responses={200: ApplicationDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        application = self._reviewable()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors(rename={"award_requested_yuan": "award_yuan"}):
            services.application_approve(
                actor=request.user, application=application, award_yuan=data.validated_data.get("award_yuan")
            )
        return self._detail()

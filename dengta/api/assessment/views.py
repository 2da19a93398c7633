"""The assessment endpoints: parse, decide through dengta.assessment.permissions, call the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.assessment.fields import NOT_DRAFT, Conflict, Refused, state_message
from dengta.api.assessment.serializers import (
    REPORT,
    AnswersInputSerializer,
    AnswersResultSerializer,
    AssessmentCreateSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    ErrorSerializer,
    EvidenceFileSerializer,
    EvidenceUploadSerializer,
    SubmitSerializer,
    dma_report_data,
    draft_missing,
    evidence_data,
    report_data,
    stored_answers,
)
from dengta.api.base import MAX_ID, ViewerMixin, require
from dengta.assessment import permissions, selectors, services
from dengta.assessment.dma import build_dma_report, is_dma
from dengta.assessment.models import Assessment, Kind, Phase, State
from dengta.assessment.report import build_report
from dengta.core.access import get_visible_or_404
from dengta.core.decisions import Outcome
from dengta.orgs.models import Organization
from dengta.registry.models import Enterprise
from dengta.registry.selectors import own_enterprise
from dengta.registry.text import to_half_width


class AssessmentFilterSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    state = serializers.ChoiceField(choices=State.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    level = serializers.IntegerField(required=False, min_value=0, max_value=4)


def _raise_drf(exc: DjangoValidationError) -> NoReturn:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    raise ValidationError(detail) from exc


def _problems(parsed: Any) -> list[dict[str, Any]]:
    return [
        {"code": p.code, "message": p.render(_), "params": {k: str(v) for k, v in p.params.items()}}
        for p in parsed.problems
    ]


@extend_schema_view(
    list=extend_schema(
        summary="Assessments the caller may see",
        parameters=[
            OpenApiParameter("enterprise", int, description="enterprise id"),
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("phase", str, enum=Phase.values),
            OpenApiParameter("level", int, description="0 no level, 1–4"),
        ],
    ),
    retrieve=extend_schema(summary="One assessment with its answers and what the caller may do"),
)
class AssessmentViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Assessment],
):
    """Self-assessments, provider diagnoses and on-site assessments (现场评定), through the services."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()  # for the schema's types only; get_queryset scopes every request

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return AssessmentSerializer if self.action == "list" else AssessmentDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        viewer = getattr(self.request, "viewer", None)
        if viewer is not None:
            context["viewer"] = viewer
        return context

    def get_queryset(self) -> QuerySet[Assessment]:
        # The list's rows (wide columns deferred) with the people and organisations a row names.
        qs = (
            selectors.assessment_list_for(self.viewer)
            .select_related("created_by", "arranged_by_organization")
            .defer("arranged_by_organization__name_grams")
            .order_by("-created_at", "-pk")
        )
        params = AssessmentFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        for key, value in params.validated_data.items():
            qs = qs.filter(**{key: value})
        return qs

    def get_object(self) -> Assessment:
        return get_visible_or_404(
            Assessment.objects.select_related(
                "enterprise", "enterprise__region", "framework", "assessor", "author_organization"
            ),
            self.viewer,
            pk=self.kwargs["pk"],
        )

    def _detail(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        data = AssessmentDetailSerializer(assessment, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(
        summary="Start a draft",
        request=AssessmentCreateSerializer,
        responses={
            201: AssessmentDetailSerializer,
            400: OpenApiResponse(description="invalid fields"),
            403: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        viewer = self.viewer
        kind = request.data.get("kind") if isinstance(request.data, Mapping) else None
        # The role comes first: a member who may not start this kind learns why before any field is checked.
        invited = None
        body = request.data
        if kind == Kind.PROVIDER:
            require(permissions.can_start_diagnosis(viewer))
            invited = self._invited_enterprise(request.data)
            given: Mapping[str, Any] = request.data if isinstance(request.data, Mapping) else {}
            body = {k: v for k, v in given.items() if k not in ("enterprise", "enterprise_uscc")}
        elif kind == Kind.ONSITE:
            require(permissions.can_assign_onsite(viewer))
        data = AssessmentCreateSerializer(data=body, context={"viewer": viewer})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        kind = values["kind"]
        try:
            if kind == Kind.SELF:
                enterprise = values.get("enterprise") or own_enterprise(viewer)
                if enterprise is None:
                    raise ValidationError(
                        {"enterprise": [data.fields["enterprise"].error_messages["required"]]}
                    )
                require(permissions.can_start_self(viewer, enterprise))
                assessment = services.assessment_start(
                    actor=request.user,
                    enterprise=enterprise,
                    kind=Kind.SELF,
                    phase=values["phase"],
                    author_organization=enterprise.organization,
                    framework=values.get("framework"),
                )
            elif kind == Kind.PROVIDER:
                assert invited is not None
                assessment = services.assessment_start(
                    actor=request.user,
                    enterprise=invited,
                    kind=Kind.PROVIDER,
                    phase=values["phase"],
                    author_organization=Organization.objects.get(pk=viewer.organization_id or 0),
                    framework=values.get("framework"),
                )
            else:
                enterprise = values["enterprise"]
                require(permissions.can_assign_onsite(viewer, enterprise))
                assessment = services.assessment_assign_onsite(
                    actor=request.user,
                    enterprise=enterprise,
                    expert=values["expert"],
                    expert_organization=values["expert_organization"],
                    phase=values["phase"],
                    arrangement=services.Arrangement(
                        visit_at=values["visit_at"],
                        due_on=values["due_on"],
                        contact_name=values.get("contact_name", ""),
                        contact_phone=values.get("contact_phone", ""),
                        note=values.get("note", ""),
                        organization=Organization.objects.get(pk=viewer.organization_id or 0),
                    ),
                )
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return self._detail(assessment, status.HTTP_201_CREATED)

    def _invited_enterprise(self, data: Any) -> Enterprise:
        """The enterprise a provider names (by id or credit code) among those that invited it; any other —
        not invited, unknown, or not registered at all — is 404, so the answer reveals nothing."""
        raw_id = data.get("enterprise") if isinstance(data, Mapping) else None
        raw_code = data.get("enterprise_uscc") if isinstance(data, Mapping) else None
        if raw_id in (None, "") and raw_code in (None, ""):
            raise ValidationError(
                {"enterprise": [AssessmentCreateSerializer().fields["enterprise"].error_messages["required"]]}
            )
        invited = selectors.invited_enterprises(self.viewer)
        if raw_id not in (None, ""):
            found = invited.filter(pk=raw_id).first() if str(raw_id).isdigit() else None
        else:
            found = invited.filter(uscc=to_half_width(str(raw_code)).strip().upper()).first()
        if found is None:
            raise NotFound()
        return found

    @extend_schema(
        summary="Save answers into the draft",
        description="Merges the given answers into the draft; a blank value clears an answer. Each value is "
        "checked on its own: valid values are saved even when others are refused, and the response is then "
        "400 with the saved answers and one problem per refused value (an invalid value never replaces the "
        "one saved before it). When numbers are impossible together (more networked devices than devices), "
        "none of the numbers in that request is saved and the earlier ones stay; its choices and scenarios "
        "still are. An assessment that is no longer a draft: 400 and nothing changes.",
        request=AnswersInputSerializer,
        responses={
            200: AnswersResultSerializer,
            400: OpenApiResponse(AnswersResultSerializer, description="some values refused; the rest saved"),
            403: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post", "patch"], url_path="answers")
    def answers(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if not assessment.is_editable:
            raise Refused(str(NOT_DRAFT))
        require(permissions.can_edit(self.viewer, assessment))
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            parsed = self._save(assessment, values)
        except DjangoValidationError as exc:  # submitted between the check above and the service's lock
            raise Refused(" ".join(exc.messages)) from exc
        body = {
            "answers": stored_answers(assessment),
            "problems": _problems(parsed),
            "missing": draft_missing(assessment),
        }
        code = status.HTTP_400_BAD_REQUEST if parsed.problems else status.HTTP_200_OK
        return Response(AnswersResultSerializer(body).data, status=code)

    def _save(self, assessment: Assessment, values: Mapping[str, Any]) -> Any:
        """MIIT answers (choices, scenarios, numbers) or EU DMA answers (dma), as the framework takes."""
        if is_dma(assessment):
            if any(values.get(part) for part in ("choices", "scenarios", "numbers")):
                raise Refused(str(services.DMA_ANSWERS_ONLY))
            return services.assessment_save_dma_answers(
                actor=self.request.user,
                assessment=assessment,
                answers=values.get("dma") or {},
                step=values.get("step"),
            )
        if values.get("dma"):
            raise Refused(str(services.MIIT_ANSWERS_ONLY))
        return services.assessment_save_answers(
            actor=self.request.user,
            assessment=assessment,
            choices=values.get("choices"),
            scenarios=values.get("scenarios"),
            numbers=values.get("numbers"),
            step=values.get("step"),
        )

    @extend_schema(
        summary="Declare no conflict of interest (the assigned expert, before answering on-site)",
        description="Repeating it changes nothing and answers 200.",
        request=None,
        responses={200: AssessmentDetailSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="declare-coi")
    def declare_coi(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        decision = permissions.can_declare_coi(self.viewer, assessment)
        if decision.kind == Outcome.CONFLICT and assessment.coi_declared_at is not None:
            return self._detail(assessment)  # declaring again is harmless: 200, nothing changes
        require(decision)
        return self._detail(services.assessment_declare_coi(actor=request.user, assessment=assessment))

    @extend_schema(
        summary="Submit with the authenticity pledge; the assessment is scored at once",
        description='Needs {"pledge": true} and every question answered (400 with the messages otherwise). '
        "Submitting again: 409.",
        request=SubmitSerializer,
        responses={
            200: AssessmentDetailSerializer,
            400: OpenApiResponse(description="pledge or answers missing"),
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        require(permissions.can_submit(self.viewer, assessment))
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            scored = services.assessment_submit(
                actor=request.user, assessment=assessment, pledge=data.validated_data["pledge"]
            )
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return self._detail(scored)

    @extend_schema(
        summary="Sign off a scored on-site assessment (its expert)",
        request=None,
        responses={200: AssessmentDetailSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        require(permissions.can_sign_off(self.viewer, assessment))
        try:
            signed = services.assessment_sign_off(actor=request.user, assessment=assessment)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return self._detail(signed)

    @extend_schema(
        summary="Start a correction: a new draft with the same answers, linked to this scored assessment",
        description="The scored assessment never changes. One correction per assessment (409 after that).",
        request=None,
        responses={201: AssessmentDetailSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="correct")
    def correct(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        require(permissions.can_correct(self.viewer, assessment))
        try:
            draft = services.assessment_correct(actor=request.user, assessment=assessment)
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return self._detail(draft, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Report data of a scored assessment",
        description="What the report page and PDF show, as data: the MIIT report, or for an EU DMA "
        "assessment its overall score, band, dimensions and questions (DmaReport). Before scoring: 409.",
        responses={200: REPORT, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path="report")
    def report(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if not assessment.has_score:
            raise Conflict(state_message(assessment))
        if is_dma(assessment):
            return Response(dma_report_data(build_dma_report(assessment, self.viewer)))
        return Response(report_data(build_report(assessment, self.viewer)))

    @extend_schema(
        methods=["GET"],
        summary="The evidence files of an assessment (whoever sees the assessment)",
        request=None,
        responses={200: EvidenceFileSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach an evidence file to an item of a draft (its author; an on-site expert once declared)",
        description="multipart/form-data with item_code, file and an optional description. The file is "
        "checked by its content, not its name. A submitted assessment: 409.",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceFileSerializer,
            400: OpenApiResponse(description="unknown item, file too large or not an accepted type"),
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="evidence", parser_classes=[MultiPartParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if request.method == "GET":
            require(permissions.can_view_evidence(self.viewer, assessment))
            return Response(EvidenceFileSerializer(evidence_data(assessment, request), many=True).data)
        require(permissions.can_add_evidence(self.viewer, assessment))
        data = EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            added = services.evidence_add(
                actor=request.user,
                assessment=assessment,
                item_code=data.validated_data["item_code"],
                upload=data.validated_data["file"],
                description=data.validated_data["description"],
            )
        except DjangoValidationError as exc:
            _raise_drf(exc)
        row = next(r for r in evidence_data(assessment, request) if r["id"] == added.pk)
        return Response(EvidenceFileSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Download one evidence file (the stored file, with its checked content type)",
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorSerializer},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove an evidence file from a draft (before submission only: 409 after)",
        request=None,
        responses={204: None, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["get", "delete"], url_path=r"evidence/(?P<evidence_pk>[0-9]+)")
    def evidence_item(
        self, request: Request, pk: str | None = None, evidence_pk: str | None = None
    ) -> HttpResponseBase:
        assessment = self.get_object()
        evidence = assessment.evidence.filter(pk=int(evidence_pk or 0)).first()
        if evidence is None:
            raise NotFound()
        if request.method == "GET":
            require(permissions.can_view_evidence(self.viewer, assessment))
            try:
                handle = evidence.file.open("rb")
            except OSError as exc:
                raise NotFound() from exc
            response = FileResponse(handle, content_type=evidence.content_type)
            response["Content-Disposition"] = content_disposition_header(True, evidence.original_name) or ""
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "private, no-store"
            return response
        require(permissions.can_remove_evidence(self.viewer, assessment))
        try:
            services.evidence_remove(actor=request.user, evidence=evidence)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

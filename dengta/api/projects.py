"""Retrofit projects over the API: the project pages' permission rules (dengta.projects.permissions) asked
through ``require`` and the pages' services, so a refusal answers 403, 404 or 409 as the page does and bad
input 400 with the services' own field messages (ARCHITECTURE.md conventions 1, 5 and 15). Money is a
decimal string with two places; a payment takes an ``Idempotency-Key`` header (the same key pays once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dengta.api.assessment.serializers import ErrorSerializer
from dengta.api.base import StateConflict, ViewerMixin, require
from dengta.api.catalog.views import INVALID, REFUSED, STEP, error_detail
from dengta.assessment.models import Assessment
from dengta.catalog.models import Product
from dengta.core.access import get_visible_or_404
from dengta.core.language import in_english
from dengta.core.workflows import TransitionRefused
from dengta.programmes.models import Pilot
from dengta.projects import dossier, permissions, selectors
from dengta.projects.models import (
    DossierFile,
    EnterprisePayment,
    Invoice,
    Milestone,
    Project,
    ProjectState,
)
from dengta.projects.services import filing, ledger, steps
from dengta.registry import uscc as uscc_codes
from dengta.registry.models import Enterprise, Provider

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
STEP_NAME = OpenApiParameter(
    "step",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(permissions.STEPS),
    description="a step of the workflow table (docs/projects.md)",
)
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="1–68 visible characters without '/': the same key again replays the payment",
)


@contextmanager
def project_errors() -> Iterator[None]:
    """A step the workflow or the ledger refuses (the state, the money) is a conflict, 409 with the sentence;
    any other ValidationError of a service is 400 with its fields. Nothing is half-saved: the service's
    transaction has rolled back."""
    try:
        yield
    except (TransitionRefused, ledger.LedgerRefused) as exc:
        raise StateConflict(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        raise ValidationError(error_detail(exc, {"enterprise": "enterprise", "lines": "lines"})) from exc


# ------------------------------------------------------------------------------------------------ serializers


class ProjectPartySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProjectLineSerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(source="product_id")
    name = serializers.CharField()
    category = serializers.CharField()
    list_price_yuan = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    pilot_price_yuan = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    quantity = serializers.IntegerField()
    price_unit = serializers.CharField()


class SplitExplanationSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField()
    amount_yuan = serializers.CharField()
    text = serializers.CharField()


class DossierSummarySerializer(serializers.Serializer[Any]):
    present = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="the documents needed before acceptance is requested")
    missing = serializers.ListField(child=serializers.CharField())


class ProjectSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    pilot = serializers.IntegerField()
    enterprise = ProjectPartySerializer()
    enterprise_uscc = serializers.CharField()
    provider = ProjectPartySerializer()
    target_level = serializers.IntegerField()
    scenarios = serializers.ListField(child=serializers.CharField())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    contract_signed_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    acceptance_due_on = serializers.DateField(allow_null=True)
    filed_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    contract_yuan = serializers.CharField()
    concession_yuan = serializers.CharField()
    eligible_yuan = serializers.CharField()
    subsidy_yuan = serializers.CharField()
    central_yuan = serializers.CharField()
    local_yuan = serializers.CharField()
    enterprise_yuan = serializers.CharField()
    rules_version = serializers.CharField()
    reason = serializers.CharField()
    rated_stars = serializers.IntegerField(allow_null=True)


class ProjectDetailSerializer(ProjectSerializer):
    lines = ProjectLineSerializer(many=True)
    explanation = SplitExplanationSerializer(many=True)
    dossier = DossierSummarySerializer()


FIGURES = (
    "contract_yuan",
    "concession_yuan",
    "eligible_yuan",
    "subsidy_yuan",
    "central_yuan",
    "local_yuan",
    "enterprise_yuan",
)


def project_data(project: Project, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": project.pk,
        "number": project.number,
        "title": project.title,
        "state": project.state,
        "state_label": str(project.get_state_display()),
        "pilot": project.pilot_id,
        "enterprise": {"id": project.enterprise_id, "name": project.enterprise.name},
        "enterprise_uscc": project.enterprise.uscc,
        "provider": {"id": project.provider_id, "name": project.provider.organization.name},
        "target_level": project.target_level,
        "scenarios": list(project.scenarios or []),
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "contract_signed_on": project.contract_signed_on,
        "completed_on": project.completed_on,
        "acceptance_due_on": project.acceptance_due_on,
        "filed_at": project.filed_at,
        "approved_at": project.approved_at,
        "accepted_at": project.accepted_at,
        "rules_version": project.rules_version,
        "reason": project.reason,
        "rated_stars": project.rated_stars,
        **{name: f"{getattr(project, name):.2f}" for name in FIGURES},
    }
    if detail:
        english = in_english()
        spec = dossier.load_spec()
        have, need, missing = dossier.completeness(spec, steps.present_kinds(project))
        out["lines"] = list(project.lines.all())
        out["explanation"] = [
            {"figure": e["figure"], "amount_yuan": e["amount_yuan"], "text": e["en"] if english else e["zh"]}
            for e in project.split_explanation
        ]
        out["dossier"] = {"present": have, "needed": need, "missing": [k.label(english) for k in missing]}
    return out


class ProjectLineInputSerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class ProjectCreateSerializer(serializers.Serializer[Any]):
    pilot = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    enterprise = serializers.CharField(max_length=40, help_text="the enterprise's unified social credit code")
    title = serializers.CharField(max_length=120)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target_level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    scenarios = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=16, required=False
    )
    lines = serializers.ListField(
        child=ProjectLineInputSerializer(), allow_empty=False, max_length=filing.MAX_LINES
    )


class ProjectStepSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    completed_on = serializers.DateField(required=False, help_text="for complete: the day (default today)")
    expert = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class MilestoneSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=120)
    due_on = serializers.DateField()
    done_on = serializers.DateField(read_only=True, allow_null=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)


class MilestoneDoneSerializer(serializers.Serializer[Any]):
    milestone = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DossierDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class DossierUploadSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=40)
    file = serializers.FileField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InvoiceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(max_length=60)
    issued_on = serializers.DateField()
    amount_yuan = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class EnterprisePaymentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(max_length=60)
    paid_on = serializers.DateField()
    amount_yuan = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]


class EvaluationInputSerializer(serializers.Serializer[Any]):
    assessment = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    outcome = serializers.ChoiceField(choices=["passed", "rectify", "failed"])
    findings = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    rectify_by = serializers.DateField(required=False, allow_null=True)


class ProjectRatingSerializer(serializers.Serializer[Any]):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FundingSerializer(serializers.Serializer[Any]):
    envelope = serializers.CharField()
    envelope_label = serializers.CharField()
    committed_yuan = serializers.CharField()
    paid_yuan = serializers.CharField()


class PaidSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField()
    amount_yuan = serializers.CharField()
    replayed = serializers.BooleanField()


class ProjectFilterSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=ProjectState.choices, required=False)
    pilot = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    q = serializers.CharField(required=False, max_length=100)


# ------------------------------------------------------------------------------------------------ views


@extend_schema_view(
    list=extend_schema(
        summary="Retrofit projects the caller sees: its own, or its jurisdiction's for staff",
        parameters=[ProjectFilterSerializer],
        responses={200: ProjectSerializer(many=True), 400: INVALID, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One project: its lines, split with the rules that made it, dossier completeness",
        responses={200: ProjectDetailSerializer, **REFUSED},
    ),
    create=extend_schema(
        summary="A provider files a draft project for an enterprise of a pilot's pool",
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer, **STEP},
    ),
)
class ProjectViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Project],
):
    queryset = Project.objects.none()  # for the schema's types only
    serializer_class = ProjectSerializer
    parser_classes = [JSONParser, MultiPartParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(permissions.can_view_projects(self.viewer))

    def get_queryset(self) -> QuerySet[Project]:
        if self.action != "list":
            return selectors.projects_for(self.viewer)
        params = ProjectFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.projects_filtered(self.viewer, params.validated_data).order_by("-updated_at", "-id")

    def _project(self) -> Project:
        return get_visible_or_404(selectors.projects_for(self.viewer), self.viewer, pk=self.kwargs["pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [project_data(p) for p in (page if page is not None else self.get_queryset())]
        data = ProjectSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ProjectDetailSerializer(project_data(self._project(), detail=True)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(permissions.can_file_projects(self.viewer))
        body = ProjectCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        provider = Provider.objects.filter(organization_id=int(self.viewer.organization_id or 0)).first()
        if provider is None:
            raise StateConflict(_("本机构尚未登记为服务商"))
        pilot = Pilot.objects.filter(pk=data["pilot"]).first()
        if pilot is None:
            raise ValidationError({"pilot": [_("没有这个试点")]})
        code = uscc_codes.normalise(data["enterprise"])
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError(
                {"enterprise": [_("没有统一社会信用代码为 %(code)s 的企业") % {"code": code}]}
            )
        products = {
            p.pk: p for p in Product.objects.filter(pk__in=[line["product"] for line in data["lines"]])
        }
        unknown = [str(line["product"]) for line in data["lines"] if line["product"] not in products]
        if unknown:
            raise ValidationError({"lines": [_("没有这些产品：%(ids)s") % {"ids": "、".join(unknown)}]})
        with project_errors():
            project = filing.project_create(
                actor=request.user,
                pilot=pilot,
                enterprise=enterprise,
                provider=provider,
                title=data["title"],
                lines=[
                    filing.LineInput(products[line["product"]], line["quantity"]) for line in data["lines"]
                ],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                scenarios=data.get("scenarios", []),
                target_level=data.get("target_level"),
            )
        return Response(
            ProjectDetailSerializer(project_data(project, detail=True)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Take a step of the workflow (file, approve, start, complete, request_acceptance, …)",
        description="Each step is the side's whose it is (docs/projects.md); return, pre_check_return, "
        "rectify, fail, withdraw and disqualify need a reason.",
        parameters=[STEP_NAME],
        request=ProjectStepSerializer,
        responses={200: ProjectDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)", url_name="step")
    def step(self, request: Request, pk: str, step: str) -> Response:
        project = self._project()
        if step not in permissions.STEPS:
            raise Http404
        require(permissions.can_step(self.viewer, project, step))
        body = ProjectStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "")
        actor = request.user
        with project_errors():
            if step == "file":
                filing.project_file(actor=actor, project=project)
            elif step == "complete":
                day = body.validated_data.get("completed_on") or _today()
                steps.project_complete(actor=actor, project=project, completed_on=day)
            elif step in ("pre_check", "pre_check_return"):
                steps.project_pre_check(
                    actor=actor, project=project, passed=step == "pre_check", reason=reason
                )
            elif step in ("return", "rectify", "fail", "withdraw", "disqualify"):
                getattr(steps, f"project_{step}")(actor=actor, project=project, reason=reason)
            else:
                getattr(steps, f"project_{step}")(actor=actor, project=project)
        return Response(ProjectDetailSerializer(project_data(self._project(), detail=True)).data)

    @extend_schema(
        summary="The project's milestones; POST adds one (the provider, while the work is recorded)",
        request=MilestoneSerializer,
        responses={200: MilestoneSerializer(many=True), 201: MilestoneSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def milestones(self, request: Request, pk: str) -> Response:
        project = self._project()
        if request.method == "GET":
            return Response(MilestoneSerializer(project.milestones.all(), many=True).data)
        require(permissions.can_record(self.viewer, project))
        body = MilestoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with project_errors():
            row = steps.milestone_add(actor=request.user, project=project, **body.validated_data)
        return Response(MilestoneSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark a milestone done (the provider)",
        request=MilestoneDoneSerializer,
        responses={200: MilestoneSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path="milestones/done", url_name="milestone-done")
    def milestone_done(self, request: Request, pk: str) -> Response:
        project = self._project()
        require(permissions.can_record(self.viewer, project))
        body = MilestoneDoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        milestone = get_object_or_404(Milestone, pk=body.validated_data["milestone"], project=project)
        with project_errors():
            row = steps.milestone_done(
                actor=request.user,
                milestone=milestone,
                done_on=body.validated_data["done_on"],
                note=body.validated_data.get("note", ""),
            )
        return Response(MilestoneSerializer(row).data)

    @extend_schema(
        summary="The dossier's documents (metadata, every version); POST uploads one (multipart)",
        description="Files are recognised by their content; at most 20 MB; never an account or password.",
        request={"multipart/form-data": DossierUploadSerializer},
        responses={200: DossierDocumentSerializer(many=True), 201: DossierDocumentSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def documents(self, request: Request, pk: str) -> Response:
        project = self._project()
        if request.method == "GET":
            rows = DossierFile.objects.filter(project=project).order_by("kind", "-version")
            return Response(DossierDocumentSerializer([_document(r) for r in rows], many=True).data)
        require(permissions.can_upload(self.viewer, project))
        body = DossierUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with project_errors():
            row = steps.dossier_add(
                actor=request.user,
                project=project,
                kind=data["kind"],
                upload=data["file"],
                description=data.get("description", ""),
            )
        return Response(DossierDocumentSerializer(_document(row)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The project's invoices; POST records one (the provider)",
        request=InvoiceSerializer,
        responses={200: InvoiceSerializer(many=True), 201: InvoiceSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def invoices(self, request: Request, pk: str) -> Response:
        project = self._project()
        if request.method == "GET":
            return Response(InvoiceSerializer(Invoice.objects.filter(project=project), many=True).data)
        require(permissions.can_record(self.viewer, project))
        body = InvoiceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with project_errors():
            row = steps.invoice_add(actor=request.user, project=project, **body.validated_data)
        return Response(InvoiceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The enterprise's payments to the provider; POST records one (the enterprise)",
        request=EnterprisePaymentSerializer,
        responses={200: EnterprisePaymentSerializer(many=True), 201: EnterprisePaymentSerializer, **STEP},
    )
    @action(detail=True, methods=["get", "post"])
    def payments(self, request: Request, pk: str) -> Response:
        project = self._project()
        if request.method == "GET":
            rows = EnterprisePayment.objects.filter(project=project)
            return Response(EnterprisePaymentSerializer(rows, many=True).data)
        require(permissions.can_record_payment(self.viewer, project))
        body = EnterprisePaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with project_errors():
            row = steps.enterprise_payment_add(actor=request.user, project=project, **body.validated_data)
        return Response(EnterprisePaymentSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The assigned expert records the on-site evaluation (a signed-off on-site T1 assessment)",
        request=EvaluationInputSerializer,
        responses={200: ProjectDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def evaluation(self, request: Request, pk: str) -> Response:
        project = self._project()
        evaluation = project.evaluations.order_by("-created_at", "-id").first()
        require(permissions.can_evaluate(self.viewer, evaluation))
        assert evaluation is not None
        body = EvaluationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assessment = Assessment.objects.filter(
            pk=data["assessment"], enterprise_id=project.enterprise_id
        ).first()
        if assessment is None:
            raise ValidationError({"assessment": [_("请选择本企业已签署的改造后（T1）现场评定")]})
        with project_errors():
            steps.evaluation_record(
                actor=request.user,
                evaluation=evaluation,
                assessment=assessment,
                outcome=data["outcome"],
                findings=data.get("findings", ""),
                rectify_by=data.get("rectify_by"),
            )
        return Response(ProjectDetailSerializer(project_data(self._project(), detail=True)).data)

    @extend_schema(
        summary="Send an expert for the on-site evaluation (the authority)",
        request=ProjectStepSerializer,
        responses={200: ProjectDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"], url_path="evaluation/assign", url_name="evaluation-assign")
    def evaluation_assign(self, request: Request, pk: str) -> Response:
        project = self._project()
        require(permissions.can_assign_expert(self.viewer, project))
        body = ProjectStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expert = get_user_model().objects.filter(pk=body.validated_data.get("expert") or 0).first()
        if expert is None:
            raise ValidationError({"expert": [_("请选择评定专家")]})
        with project_errors():
            steps.evaluation_assign(actor=request.user, project=project, expert=expert)
        return Response(ProjectDetailSerializer(project_data(self._project(), detail=True)).data)

    @extend_schema(
        summary="The enterprise rates its provider once the project is accepted (1–5)",
        request=ProjectRatingSerializer,
        responses={200: ProjectDetailSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def rating(self, request: Request, pk: str) -> Response:
        project = self._project()
        require(permissions.can_rate(self.viewer, project))
        body = ProjectRatingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with project_errors():
            steps.project_rate(actor=request.user, project=project, **body.validated_data)
        return Response(ProjectDetailSerializer(project_data(self._project(), detail=True)).data)

    @extend_schema(
        summary="What the envelopes hold for the project: committed and paid",
        responses={200: FundingSerializer(many=True), **REFUSED},
    )
    @action(detail=True, methods=["get"])
    def funding(self, request: Request, pk: str) -> Response:
        project = self._project()
        rows = [
            {
                "envelope": f.envelope.kind,
                "envelope_label": str(f.envelope.get_kind_display()),
                "committed_yuan": f"{f.committed_yuan:.2f}",
                "paid_yuan": f"{f.paid_yuan:.2f}",
            }
            for f in project.funding.select_related("envelope").order_by("envelope__kind")
        ]
        return Response(FundingSerializer(rows, many=True).data)

    @extend_schema(
        summary="Pay a claimed project's subsidy (the authority's finance staff), once per key",
        parameters=[IDEMPOTENCY],
        request=None,
        responses={200: PaidSerializer, **STEP},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str) -> Response:
        project = self._project()
        require(permissions.can_pay(self.viewer))
        try:
            key = ledger.check_key(request.headers.get("Idempotency-Key", ""))
        except ledger.LedgerRefused as exc:
            raise ValidationError({"Idempotency-Key": exc.messages}) from exc
        with project_errors():
            paid = steps.project_pay(actor=request.user, project=project, idempotency_key=key)
        return Response(
            PaidSerializer(
                {"project": project.pk, "amount_yuan": f"{paid.amount_yuan:.2f}", "replayed": paid.replayed}
            ).data
        )


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _document(row: DossierFile) -> dict[str, Any]:
    kind = dossier.load_spec().kind(row.kind)
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": kind.label(in_english()) if kind else row.kind,
        "version": row.version,
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.created_at,
    }


# ------------------------------------------------------------------------------------------------ ledger


class EnvelopeBalanceSerializer(serializers.Serializer[Any]):
    envelope = serializers.CharField()
    envelope_label = serializers.CharField()
    allocated_yuan = serializers.CharField()
    committed_yuan = serializers.CharField()
    paid_yuan = serializers.CharField()
    remaining_yuan = serializers.CharField()
    matches = serializers.BooleanField(help_text="the totals derived from the entries equal the envelope's")


class LedgerSerializer(serializers.Serializer[Any]):
    pilot = serializers.IntegerField()
    balanced = serializers.BooleanField()
    envelopes = EnvelopeBalanceSerializer(many=True)
    central_paid_yuan = serializers.CharField()
    retrofit_paid_share = serializers.CharField(
        allow_null=True, help_text="of the central money paid (≥ 0.8)"
    )
    projects_paid_twice = serializers.IntegerField()


class PilotLedgerView(ViewerMixin, APIView):
    """A pilot's reconciliation: every envelope's totals derived from its entries, beside the envelope's."""

    @extend_schema(
        summary="A pilot's ledger: allocated, committed, paid, remaining; the 80/20 use",
        responses={200: LedgerSerializer, **REFUSED},
    )
    def get(self, request: Request, pk: int) -> Response:
        require(permissions.can_view_ledger(self.viewer))
        pilot = get_visible_or_404(Pilot.objects.all(), self.viewer, pk=pk)
        report = ledger.reconcile(pilot)
        data = {
            "pilot": pilot.pk,
            "balanced": report.balanced,
            "envelopes": [
                {
                    "envelope": b.envelope.kind,
                    "envelope_label": str(b.envelope.get_kind_display()),
                    "allocated_yuan": f"{b.allocated_yuan:.2f}",
                    "committed_yuan": f"{b.committed_yuan:.2f}",
                    "paid_yuan": f"{b.paid_yuan:.2f}",
                    "remaining_yuan": f"{b.remaining_yuan:.2f}",
                    "matches": b.matches_row and b.within_limits,
                }
                for b in report.envelopes
            ],
            "central_paid_yuan": f"{report.central_paid_yuan:.2f}",
            "retrofit_paid_share": None
            if report.retrofit_paid_share is None
            else str(report.retrofit_paid_share),
            "projects_paid_twice": report.projects_paid_twice,
        }
        return Response(LedgerSerializer(data).data)

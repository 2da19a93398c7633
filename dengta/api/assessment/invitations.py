"""Diagnosis invitations over the API, as on the invitations page: the enterprise invites a provider of its
province, answers requests and withdraws; a provider lists who invited it and asks an enterprise by credit
code (answered 202 the same whether or not the code is registered)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dengta.api.base import MAX_ID, ViewerMixin, require
from dengta.assessment import invitations, permissions, selectors
from dengta.assessment.models import DiagnosisInvitation
from dengta.core.access import get_visible_or_404
from dengta.orgs.models import Organization, OrgType
from dengta.registry import uscc
from dengta.registry.selectors import own_enterprise


class InvitationSerializer(serializers.ModelSerializer[DiagnosisInvitation]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    # A plain string (not an enum) in the schema: its values are listed in the help text.
    state = serializers.CharField(read_only=True, help_text="requested, active, declined or withdrawn")
    invited_by_name = serializers.SerializerMethodField(help_text="who invited or accepted, by name")

    class Meta:
        model = DiagnosisInvitation
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "provider",
            "provider_name",
            "state",
            "invited_by_name",
            "invited_at",
            "ended_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_invited_by_name(self, obj: DiagnosisInvitation) -> str | None:
        return selectors.person_name(obj.invited_by) if obj.invited_by else None


class InviteSerializer(serializers.Serializer[Any]):
    provider = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="id of a provider organisation of your province"
    )


class RequestSerializer(serializers.Serializer[Any]):
    enterprise_uscc = serializers.CharField(max_length=30, help_text="credit code of the enterprise asked")

    def validate_enterprise_uscc(self, value: str) -> str:
        checked = uscc.validate(value)
        if checked.problem is not None:
            raise ValidationError(checked.problem.render(_))
        return checked.value


class RequestedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Diagnosis invitations of the caller's enterprise or provider"),
    retrieve=extend_schema(summary="One diagnosis invitation"),
)
class DiagnosisInvitationViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[DiagnosisInvitation],
):
    """An enterprise's consent that a provider diagnoses it; a provider diagnoses only enterprises listed
    here as active."""

    serializer_class = InvitationSerializer
    queryset = DiagnosisInvitation.objects.none()  # for the schema's types; get_queryset scopes each request

    def get_queryset(self) -> QuerySet[DiagnosisInvitation]:
        return selectors.invitations_for(self.viewer).order_by("-created_at", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Staff and experts are refused with the reason, as the invitations page refuses them (convention 15).
        require(permissions.can_view_invitations(self.viewer))
        return super().list(request, *args, **kwargs)

    def get_object(self) -> DiagnosisInvitation:
        return get_visible_or_404(
            DiagnosisInvitation.objects.select_related("enterprise", "enterprise__region", "provider"),
            self.viewer,
            pk=self.kwargs["pk"],
        )

    def _answer(self, invitation: DiagnosisInvitation, code: int = status.HTTP_200_OK) -> Response:
        return Response(InvitationSerializer(invitation).data, status=code)

    @extend_schema(
        summary="The enterprise invites a provider of its province",
        request=InviteSerializer,
        responses={201: InvitationSerializer, 403: OpenApiResponse(description="not the enterprise's staff")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enterprise = own_enterprise(self.viewer)
        if enterprise is None:
            raise NotFound()
        require(permissions.can_invite_provider(self.viewer, enterprise))
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        province = enterprise.region.path.strip("/").split("/")[0] + "/"
        provider = Organization.objects.filter(
            pk=data.validated_data["provider"],
            type=OrgType.PROVIDER,
            is_active=True,
            region__path__startswith=province,
        ).first()
        if provider is None:
            raise NotFound()
        try:
            invitation = invitations.invitation_create(
                actor=request.user, enterprise=enterprise, provider=provider
            )
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        return self._answer(invitation, status.HTTP_201_CREATED)

    @extend_schema(
        summary="A provider asks an enterprise to invite it",
        description="Answers 202 with the same body whether or not the credit code is registered.",
        request=RequestSerializer,
        responses={202: RequestedSerializer, 403: OpenApiResponse(description="not a provider's staff")},
    )
    @action(detail=False, methods=["post"], url_path="request")
    def request_invitation(self, request: Request) -> Response:
        require(permissions.can_request_invitation(self.viewer))
        data = RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider = Organization.objects.get(pk=self.viewer.organization_id or 0)
        invitations.invitation_request(
            actor=request.user, provider=provider, uscc=data.validated_data["enterprise_uscc"]
        )
        message = _("如该企业已在平台登记，它会在收件箱中收到本机构的申请；企业邀请后，可以在这里开始诊断。")
        return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The enterprise accepts a provider's request", request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        require(permissions.can_answer_request(self.viewer, invitation))
        return self._answer(invitations.invitation_accept(actor=request.user, invitation=invitation))

    @extend_schema(summary="The enterprise declines a provider's request", request=None)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        require(permissions.can_answer_request(self.viewer, invitation))
        return self._answer(invitations.invitation_decline(actor=request.user, invitation=invitation))

    @extend_schema(
        summary="Withdraw: the enterprise its invitation, or a provider its own request", request=None
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        require(permissions.can_withdraw_invitation(self.viewer, invitation))
        withdrawn = invitations.invitation_withdraw(
            actor=request.user, invitation=invitation, by_provider=self.viewer.org_type == OrgType.PROVIDER
        )
        return self._answer(withdrawn)

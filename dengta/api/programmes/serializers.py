"""Programme administration as JSON: money in yuan and shares as decimal strings, windows as days in
Asia/Shanghai, sub-industries by code, each eligibility failure as ``{"code", "subject", "message"}`` with the
message in the request's language.

Input serializers check the shape only; the figures go to the services as typed, so their field messages
(``services.application_update``) are the API's too (ARCHITECTURE.md conventions 1 and 3). Expert review's
serializers are in ``review_serializers``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dengta.api.assessment.fields import DecimalString, plain
from dengta.api.assessment.serializers import DecisionSerializer
from dengta.api.base import MAX_ID
from dengta.api.catalog.serializers import Plain, SubIndustryCodes, money, shown
from dengta.core.access import Viewer
from dengta.core.language import in_english
from dengta.programmes import checks, permissions, selectors
from dengta.programmes.models import (
    Application,
    ApplicationState,
    ApplicationSubIndustry,
    Batch,
    NominatedProvider,
    Pilot,
    PoolEnterprise,
    Programme,
    ProgrammeModel,
    ReviewMethod,
)
from dengta.registry.models import Provider

SHARE = "a share of 0–1 as a decimal string (0.8 = 80 %)"


def share(**kwargs: Any) -> DecimalString:
    return DecimalString(help_text=SHARE, **kwargs)


# ---------------------------------------------------------------------------------- programmes and batches


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    model = shown(ProgrammeModel.choices)
    display_name = serializers.CharField(read_only=True, help_text="the name in the request's language")

    class Meta:
        model = Programme
        fields = ["id", "code", "model", "name", "name_en", "display_name"]
        read_only_fields = fields


class WindowsSerializer(serializers.Serializer[Any]):
    application_opens = serializers.DateField()
    application_closes = serializers.DateField()
    review_closes = serializers.DateField()
    timezone = serializers.CharField(help_text="the zone the days are in: Asia/Shanghai")
    open_now = serializers.BooleanField(help_text="today (Asia/Shanghai) lies in the application window")


class QuotasSerializer(serializers.Serializer[Any]):
    default = serializers.IntegerField(help_text="applicants per province unless overridden")
    overrides = serializers.DictField(child=serializers.IntegerField(), help_text="province code → quota")
    separately_planned_own_quota = serializers.BooleanField()
    separately_planned = serializers.IntegerField()


class AwardCapsSerializer(serializers.Serializer[Any]):
    basis = serializers.CharField(help_text="application: one cap per application; provider: per platform")
    yuan = serializers.DictField(child=serializers.CharField(), help_text="applicant kind → cap in yuan")


class TargetSerializer(serializers.Serializer[Any]):
    share = serializers.CharField(help_text="of the 规上 pilot enterprises, " + SHARE)
    level = serializers.IntegerField(help_text="at this digital level or above (2 = 二级)")


class ExclusionsSerializer(serializers.Serializer[Any]):
    earlier_pilot_cities = serializers.BooleanField()
    enterprises_in_active_pilot = serializers.BooleanField()
    enterprises_funded_before = serializers.BooleanField()


class RulesSerializer(serializers.Serializer[Any]):
    """The batch's rules file as the services read it (dengta.programmes.rules.BatchRules)."""

    version = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    programme = serializers.CharField(help_text="platform or city")
    applicant_kinds = serializers.ListField(child=serializers.CharField())
    quotas = QuotasSerializer()
    award_caps = AwardCapsSerializer()
    min_retrofit_share = serializers.CharField(help_text=SHARE)
    max_service_share = serializers.CharField(help_text=SHARE)
    target = TargetSerializer()
    focus_prefixes = serializers.ListField(child=serializers.CharField(), help_text="GB/T 4754-2017 codes")
    max_sub_industries_per_application = serializers.IntegerField(allow_null=True, help_text="null: no cap")
    avoid_dispersion = serializers.BooleanField()
    exclusions = ExclusionsSerializer()
    require_t0_assessment = serializers.BooleanField()
    regional_balance = serializers.BooleanField(help_text="the ranking balances east / central / west")
    provenance = serializers.DictField(
        child=serializers.CharField(), help_text="rule → confirmed, secondary, unconfirmed or dengta_default"
    )


def rules_json(batch: Batch) -> dict[str, Any]:
    parsed = batch.parsed_rules()
    return {
        "version": parsed.version,
        "source": parsed.source,
        "programme": parsed.programme,
        "applicant_kinds": list(parsed.applicant_kinds),
        "quotas": {
            "default": parsed.quotas.default,
            "overrides": parsed.quotas.as_mapping(),
            "separately_planned_own_quota": parsed.quotas.separately_planned_own_quota,
            "separately_planned": parsed.quotas.separately_planned,
        },
        "award_caps": {
            "basis": parsed.award_caps.basis,
            "yuan": {kind: f"{cap:.2f}" for kind, cap in parsed.award_caps.yuan},
        },
        "min_retrofit_share": plain(parsed.min_retrofit_share),
        "max_service_share": plain(parsed.max_service_share),
        "target": {"share": plain(parsed.target.share), "level": parsed.target.level},
        "focus_prefixes": list(parsed.guidance.focus_prefixes),
        "max_sub_industries_per_application": parsed.guidance.max_per_application,
        "avoid_dispersion": parsed.guidance.avoid_dispersion,
        "exclusions": {
            "earlier_pilot_cities": parsed.exclusions.earlier_pilot_cities,
            "enterprises_in_active_pilot": parsed.exclusions.enterprises_in_active_pilot,
            "enterprises_funded_before": parsed.exclusions.enterprises_funded_before,
        },
        "require_t0_assessment": parsed.require_t0_assessment,
        "regional_balance": parsed.regional_balance,
        "provenance": dict(parsed.provenance),
    }


class BatchSerializer(serializers.ModelSerializer[Batch]):
    programme_model = serializers.CharField(
        source="programme.model", read_only=True, help_text="platform or city"
    )
    display_title = serializers.CharField(read_only=True, help_text="the title in the request's language")
    windows = serializers.SerializerMethodField()
    review_method = shown(ReviewMethod.choices)

    class Meta:
        model = Batch
        fields = [
            "id",
            "code",
            "programme",
            "programme_model",
            "year",
            "title",
            "title_en",
            "display_title",
            "notice",
            "windows",
            "pilot_period_months",
            "rules_version",
            "review_method",
        ]
        read_only_fields = fields

    @extend_schema_field(WindowsSerializer)
    def get_windows(self, obj: Batch) -> dict[str, Any]:
        return {
            "application_opens": obj.application_opens.isoformat(),
            "application_closes": obj.application_closes.isoformat(),
            "review_closes": obj.review_closes.isoformat(),
            "timezone": settings.TIME_ZONE,
            "open_now": permissions.window_open(obj),
        }


class BatchDetailSerializer(BatchSerializer):
    rules = serializers.SerializerMethodField(help_text="the parsed rules of the batch's file")

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "rules"]
        read_only_fields = fields

    @extend_schema_field(RulesSerializer)
    def get_rules(self, obj: Batch) -> dict[str, Any]:
        return rules_json(obj)


# ---------------------------------------------------------------------------------------------- applications


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    batch_title = serializers.CharField(source="batch.display_title", read_only=True)
    applicant_name = serializers.CharField(source="applicant.name", read_only=True)
    state = shown(ApplicationState.choices)
    award_requested_yuan = money(allow_null=True)
    sub_industry_count = serializers.IntegerField(source="n_sub_industries", read_only=True)
    enterprise_count = serializers.IntegerField(source="n_enterprises", read_only=True)
    failure_count = serializers.SerializerMethodField(help_text="eligibility failures at the last check")

    class Meta:
        model = Application
        fields = [
            "id",
            "batch",
            "batch_title",
            "applicant",
            "applicant_name",
            "state",
            "award_requested_yuan",
            "sub_industry_count",
            "enterprise_count",
            "failure_count",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_failure_count(self, obj: Application) -> int:
        return len(obj.eligibility or [])


class NominationSerializer(serializers.ModelSerializer[NominatedProvider]):
    entry = serializers.IntegerField(source="entry_id", read_only=True)
    provider_name = serializers.CharField(source="provider.organization.name", read_only=True)

    class Meta:
        model = NominatedProvider
        fields = ["id", "entry", "provider", "provider_name"]
        read_only_fields = fields


class PoolEnterpriseSerializer(serializers.ModelSerializer[PoolEnterprise]):
    entry = serializers.IntegerField(source="entry_id", read_only=True)
    sub_industry = serializers.CharField(source="entry.sub_industry_id", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, help_text="统一社会信用代码")
    name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = PoolEnterprise
        fields = ["id", "entry", "sub_industry", "uscc", "name", "added_at"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer[ApplicationSubIndustry]):
    """A sub-industry the application chose, with its nominated providers and its pilot enterprises."""

    sub_industry = serializers.CharField(source="sub_industry_id", read_only=True, help_text="catalogue code")
    name = serializers.CharField(source="sub_industry.display_name", read_only=True)
    providers = NominationSerializer(many=True, read_only=True)
    enterprises = PoolEnterpriseSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationSubIndustry
        fields = ["id", "sub_industry", "name", "local_name", "providers", "enterprises"]
        read_only_fields = fields


class SubjectSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="application, sub_industry, enterprise or provider")
    key = serializers.CharField(help_text="batch code, sub-industry code, credit code or provider id")
    label = serializers.CharField()  # type: ignore[assignment]


class FailureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="a code of GET /api/v1/eligibility-codes/")
    subject = SubjectSerializer()
    message = serializers.CharField(help_text="in the request's language")


def failures_json(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    english = in_english()
    out = []
    for failure in stored:
        subject = failure.get("subject") or {}
        sentence = failure.get("sentence_en") if english else failure.get("sentence_zh")
        out.append(
            {
                "code": str(failure.get("code", "")),
                "subject": {
                    "kind": str(subject.get("kind", "")),
                    "key": str(subject.get("key", "")),
                    "label": str(subject.get("label", "")),
                },
                "message": sentence or str(failure.get("sentence_zh", "")),
            }
        )
    return out


class ChecklistItemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    done = serializers.BooleanField()


class AllocationSerializer(serializers.Serializer[Any]):
    award_yuan = money()
    retrofit_share = share()
    service_share = share()
    retrofit_yuan = money()
    service_yuan = money()
    local_matching_yuan = money()
    total_yuan = money()
    cap_yuan = money()
    rules_version = serializers.CharField()


class PilotSerializer(serializers.ModelSerializer[Pilot]):
    target_share = share()
    central_award_yuan = money()
    allocation = AllocationSerializer(read_only=True)

    class Meta:
        model = Pilot
        fields = [
            "id",
            "starts_on",
            "ends_on",
            "target_share",
            "target_level",
            "central_award_yuan",
            "rules_version",
            "allocation",
        ]
        read_only_fields = fields


APPLICATION_ACTIONS = {
    "edit": permissions.can_edit_application,
    "withdraw": permissions.can_withdraw_application,
}


class ApplicationDetailSerializer(ApplicationSerializer):
    retrofit_share = share()
    service_share = share()
    local_matching_yuan = money()
    target_share = share()
    sub_industries = EntrySerializer(many=True, read_only=True)
    checklist = serializers.SerializerMethodField(help_text="what a submission still needs")
    eligibility = serializers.SerializerMethodField(help_text="the failures of the last eligibility check")
    pilot = serializers.SerializerMethodField(help_text="the pilot an approval set up (null before)")
    actions = serializers.SerializerMethodField(
        help_text="what the caller may do now, each with the permission rule's reason"
    )

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "retrofit_share",
            "service_share",
            "local_matching_yuan",
            "target_share",
            "target_level",
            "plan",
            "reason",
            "declared_at",
            "checked_at",
            "rules_version",
            "sub_industries",
            "checklist",
            "eligibility",
            "pilot",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, obj: Application) -> list[dict[str, Any]]:
        return [{"code": i.code, "label": i.label, "done": i.done} for i in checks.checklist(obj)]

    @extend_schema_field(FailureSerializer(many=True))
    def get_eligibility(self, obj: Application) -> list[dict[str, Any]]:
        return failures_json(list(obj.eligibility or []))

    @extend_schema_field(PilotSerializer(allow_null=True))
    def get_pilot(self, obj: Application) -> dict[str, Any] | None:
        pilot = Pilot.objects.select_related("allocation").filter(application=obj).first()
        return None if pilot is None else dict(PilotSerializer(pilot).data)

    @extend_schema_field(serializers.DictField(child=DecisionSerializer()))
    def get_actions(self, obj: Application) -> dict[str, dict[str, Any]]:
        viewer: Viewer = self.context["viewer"]
        out = {name: rule(viewer, obj) for name, rule in APPLICATION_ACTIONS.items()}
        out["review"] = permissions.can_review_applications(viewer)
        return {name: {"allowed": d.allowed, "reason": str(d.reason)} for name, d in out.items()}


class ApplicationFilterSerializer(serializers.Serializer[Any]):
    batch = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="a batch id")
    state = Plain(ApplicationState.choices, required=False)
    q = serializers.CharField(required=False, max_length=100, help_text="part of the applicant's name")


class ApplicationCreateSerializer(serializers.Serializer[Any]):
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), help_text="id of the batch applied for (GET /api/v1/batches/)"
    )


def figure(help_text: str) -> serializers.CharField:
    """A figure as typed (a string or a number): the service parses it and names what is wrong."""
    return serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40, help_text=help_text
    )


class ApplicationUpdateSerializer(serializers.Serializer[Any]):
    """The fund plan, targets and plan's summary (``services.application_update``); any of the fields."""

    award_requested_yuan = figure("the central award requested, yuan, at most 2 decimals")
    retrofit_share = figure("for SME retrofits, 0–1 (0.8 = 80 %)")
    service_share = figure("for service capacity, 0–1; with the retrofit share at most 1")
    local_matching_yuan = figure("local matching funds, yuan")
    target_share = figure("of the 规上 pilot enterprises to reach the target level, 0–1")
    target_level = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=4, help_text="1–4 (2 = 二级)"
    )
    plan = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class ApplicationSubmitSerializer(serializers.Serializer[Any]):
    declared = serializers.BooleanField(
        required=False, default=False, help_text="the applicant's declaration that the content is true"
    )


class ApplicationReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="the applicant sees it"
    )


class ApproveSerializer(serializers.Serializer[Any]):
    award_yuan = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=40,
        help_text="the central award, a decimal string in yuan (default: the amount requested)",
    )


class SubIndustryInputSerializer(serializers.Serializer[Any]):
    sub_industry = SubIndustryCodes(help_text="a code of GET /api/v1/sub-industries/")
    local_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class _InApplication(serializers.PrimaryKeyRelatedField[ApplicationSubIndustry]):
    """One of this application's sub-industry entries (another one: as if it did not exist)."""

    default_error_messages = {"does_not_exist": gettext_lazy("该细分行业不属于这份申报")}

    def get_queryset(self) -> QuerySet[ApplicationSubIndustry]:
        application: Application = self.context["application"]
        return application.sub_industries.select_related("sub_industry")


EntryField = extend_schema_field(OpenApiTypes.INT)(_InApplication)


class _AdmittedProvider(serializers.PrimaryKeyRelatedField[Provider]):
    default_error_messages = {"does_not_exist": gettext_lazy("该服务商未入库或已被移出服务商库，不能推荐")}

    def get_queryset(self) -> QuerySet[Provider]:
        return selectors.admitted_providers()


AdmittedProviderField = extend_schema_field(OpenApiTypes.INT)(_AdmittedProvider)


class ProviderInputSerializer(serializers.Serializer[Any]):
    entry = EntryField(help_text="id of one of the application's sub-industries")
    provider = AdmittedProviderField(help_text="id of a provider admitted to a pool and not removed")


class EnterpriseInputSerializer(serializers.Serializer[Any]):
    entry = EntryField(help_text="id of one of the application's sub-industries")
    uscc = serializers.CharField(max_length=40, help_text="统一社会信用代码 of a registered enterprise")


# ------------------------------------------------------------------------------------------ eligibility codes


class TemplateSerializer(serializers.Serializer[Any]):
    variant = serializers.CharField(help_text="empty for the main sentence")
    zh = serializers.CharField(help_text="Chinese template with %(name)s fields")
    en = serializers.CharField(help_text="English template with the same fields")
    params = serializers.ListField(child=serializers.CharField(), help_text="the named fields it fills")


class EligibilityCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    templates = TemplateSerializer(many=True)

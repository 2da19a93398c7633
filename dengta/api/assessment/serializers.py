"""Assessments, answers and report data as JSON (numbers that are not counts are decimal strings)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from dengta.api.assessment.fields import DecimalMap, DecimalString
from dengta.api.base import MAX_STEP
from dengta.assessment import permissions, selectors, texts
from dengta.assessment.dma import DmaReport, is_dma
from dengta.assessment.models import Assessment, Framework, Kind, Phase, State
from dengta.assessment.report import Report, level_name
from dengta.assessment.scoring.definitions import Compiled
from dengta.assessment.selectors import person_name
from dengta.core.access import Viewer
from dengta.orgs.models import Organization
from dengta.registry.models import Enterprise
from dengta.registry.text import to_half_width

ONSITE_MIIT_ONLY = gettext_lazy("欧盟数字成熟度评估只用于企业自评和服务商诊断")


def _user_label(user: Any) -> str | None:
    """A person's name as pages show it (the username only when no name is recorded)."""
    if user is None:
        return None
    return person_name(user)


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    region_code = serializers.CharField(source="enterprise.region_id", read_only=True)
    framework = serializers.CharField(source="framework.code", read_only=True)
    framework_version = serializers.CharField(source="framework.version", read_only=True)
    author_organization_name = serializers.CharField(source="author_organization.name", read_only=True)
    assessor_name = serializers.SerializerMethodField(help_text="the assigned expert (on-site assessments)")
    total = DecimalString(
        help_text="total points once scored (0–100; EU DMA: the overall score, two decimals)"
    )
    points_base = DecimalString(help_text="数字化基础 points once scored (of 50)")
    points_mgmt = DecimalString(help_text="数字化管理 points once scored (of 30)")
    points_results = DecimalString(help_text="数字化成效 points once scored (of 20)")
    level_name = serializers.SerializerMethodField(help_text="name of the level once scored")
    author_name = serializers.SerializerMethodField(
        help_text="the person who started it (on-site: who arranged it)"
    )
    arranged_by_organization_name = serializers.CharField(
        source="arranged_by_organization.name",
        read_only=True,
        default=None,
        help_text="on-site: the arranging authority",
    )
    overdue = serializers.BooleanField(
        source="is_overdue", read_only=True, help_text="on-site: past its deadline and not signed off"
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "enterprise_uscc",
            "region_code",
            "framework",
            "framework_version",
            "kind",
            "phase",
            "state",
            "author_organization",
            "author_organization_name",
            "assessor",
            "assessor_name",
            "total",
            "points_base",
            "points_mgmt",
            "points_results",
            "level",
            "level_name",
            "engine_version",
            "assessed_on",
            "pledged_at",
            "coi_declared_at",
            "submitted_at",
            "scored_at",
            "signed_off_at",
            "corrects",
            "author_name",
            "arranged_by_organization",
            "arranged_by_organization_name",
            "visit_at",
            "due_on",
            "overdue",
            "contact_name",
            "contact_phone",
            "arrangement_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "level": {
                "help_text": "0 no level, 1–4 once scored; null before (EU DMA: band, Basic 1 … Advanced 4)"
            },
            "corrects": {"help_text": "the scored assessment this one corrects"},
        }

    def get_assessor_name(self, obj: Assessment) -> str | None:
        return _user_label(obj.assessor)

    def get_author_name(self, obj: Assessment) -> str | None:
        return _user_label(obj.created_by)

    def get_level_name(self, obj: Assessment) -> str | None:
        if obj.level is None:
            return None
        # One compiled framework per list, not one per row (compiling re-reads the stored JSON).
        cache: dict[int, Compiled] = self.__dict__.setdefault("_compiled", {})
        if obj.framework_id not in cache:
            cache[obj.framework_id] = obj.framework.compiled()
        return level_name(cache[obj.framework_id], obj.level)[0]


class DecisionSerializer(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()


class StoredAnswersSerializer(serializers.Serializer[Any]):
    choices = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="item code → option keys"
    )
    scenarios = serializers.DictField(child=serializers.IntegerField(), help_text="scenario code → level 0–4")
    numbers = serializers.DictField(child=serializers.CharField(), help_text="number code → decimal string")
    dma = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="EU DMA assessments only: question code → item codes ticked ([] = none); "
        '"q1.<row>" → columns ticked; "q4.<row>" → scale value as a decimal string',
    )


class MissingSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(child=serializers.CharField(), help_text="items still unanswered")
    scenarios = serializers.ListField(child=serializers.CharField(), help_text="scenarios still unanswered")
    questions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='EU DMA only: answers still missing, a question code or "q1.<row>" for a table row',
    )


ACTIONS = {
    "answer": permissions.can_edit,
    "submit": permissions.can_submit,
    "declare_coi": permissions.can_declare_coi,
    "sign_off": permissions.can_sign_off,
    "correct": permissions.can_correct,
}


def stored_answers(obj: Assessment) -> dict[str, Any]:
    out = {part: obj.answers_part(part) for part in ("choices", "scenarios", "numbers")}
    if is_dma(obj):
        out["dma"] = obj.answers_part("dma")
    return out


def draft_missing(obj: Assessment) -> dict[str, list[str]]:
    if is_dma(obj):
        return {"items": [], "scenarios": [], "questions": selectors.dma_completeness(obj)}
    items, scenarios = selectors.completeness(obj)
    return {"items": items, "scenarios": scenarios}


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = serializers.SerializerMethodField(help_text="the answers saved so far")
    missing = serializers.SerializerMethodField(help_text="what a submission still needs (drafts only)")
    corrections: serializers.PrimaryKeyRelatedField[Assessment] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="drafts and results that correct this one"
    )
    actions = serializers.SerializerMethodField(
        help_text="what the caller may do now, each with the permission rule's reason"
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "current_step",
            "answers",
            "missing",
            "corrections",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(StoredAnswersSerializer)
    def get_answers(self, obj: Assessment) -> dict[str, Any]:
        return stored_answers(obj)

    @extend_schema_field(MissingSerializer(allow_null=True))
    def get_missing(self, obj: Assessment) -> dict[str, list[str]] | None:
        if obj.state != State.DRAFT or obj.framework.kind == Framework.Kind.BANDS:
            return None
        return draft_missing(obj)

    @extend_schema_field(serializers.DictField(child=DecisionSerializer()))
    def get_actions(self, obj: Assessment) -> dict[str, dict[str, Any]]:
        viewer: Viewer = self.context["viewer"]
        out = {}
        for name, rule in ACTIONS.items():
            decision = rule(viewer, obj)
            out[name] = {"allowed": decision.allowed, "reason": str(decision.reason)}
        return out


class EnterpriseUsccField(serializers.SlugRelatedField[Enterprise]):
    """An enterprise by its credit code, typed as people type it (full-width, lower case, spaces)."""

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(to_half_width(str(data)).strip().upper())


@extend_schema_field(OpenApiTypes.INT)
class VisibleEnterpriseField(serializers.PrimaryKeyRelatedField[Enterprise]):
    """An enterprise id among those the caller sees (others: "does not exist", as for a missing id)."""

    def get_queryset(self) -> QuerySet[Enterprise]:
        viewer: Viewer = self.context["viewer"]
        return Enterprise.objects.visible_to(viewer).select_related("region")


class AssessmentCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        help_text="self: an enterprise member for their own enterprise; provider: a provider member, with "
        "enterprise (id) or enterprise_uscc of an enterprise that invited the provider (any other: 404); "
        "onsite: an authority member, with enterprise, expert, expert_organization, visit_at and due_on",
    )
    phase = serializers.ChoiceField(
        choices=Phase.choices,
        default=Phase.T0,
        help_text="t0 before the retrofit, t1 after it",
    )
    framework = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Framework.objects.filter(
            is_current=True, kind__in=[Framework.Kind.MIIT2024, Framework.Kind.EU_DMA]
        ),
        required=False,
        help_text="code of the framework answered online, its current version: miit-2024-manufacturing "
        "(default) or eu-dma-sme (self and provider only; the EU DMA for international comparison)",
    )
    enterprise = VisibleEnterpriseField(
        required=False,
        help_text="enterprise id (self: defaults to the caller's own; onsite: required)",
    )
    # A provider's enterprise (enterprise or enterprise_uscc) is resolved by the view among the enterprises
    # that invited it, answering 404 for any other, so this serializer never sees it for kind=provider.
    enterprise_uscc = EnterpriseUsccField(
        slug_field="uscc",
        queryset=Enterprise.objects.none(),
        required=False,
        help_text="credit code of the enterprise diagnosed (provider; it must have invited the provider)",
    )
    expert = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="user id of the expert assigned (onsite)",
    )
    expert_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(type="expert_pool", is_active=True),
        required=False,
        help_text="id of the expert pool the expert acts for (onsite)",
    )
    visit_at = serializers.DateTimeField(
        required=False,
        help_text="onsite: when the expert visits (ISO 8601 with offset; shown in Asia/Shanghai)",
    )
    due_on = serializers.DateField(
        required=False, help_text="onsite: the date by which it is to be signed off"
    )
    contact_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="onsite: whom to ask for at the enterprise",
    )
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="onsite: notes for the expert"
    )

    REQUIRED = {
        Kind.SELF: (),
        Kind.PROVIDER: (),
        Kind.ONSITE: ("enterprise", "expert", "expert_organization", "visit_at", "due_on"),
    }

    def validate_kind(self, value: str) -> str:
        if value not in self.REQUIRED:  # historical results are imported, not started
            self.fields["kind"].fail("invalid_choice", input=value)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        absent = [f for f in self.REQUIRED[attrs["kind"]] if attrs.get(f) is None]
        if absent:
            raise ValidationError({f: [self.fields[f].error_messages["required"]] for f in absent})
        framework = attrs.get("framework")
        if (
            attrs["kind"] == Kind.ONSITE
            and framework is not None
            and framework.kind != Framework.Kind.MIIT2024
        ):
            raise ValidationError({"framework": [ONSITE_MIIT_ONLY]})
        return attrs


class AnswersInputSerializer(serializers.Serializer[Any]):
    choices = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='item code → option keys, "B;C" or ["B", "C"]; "" or null clears the answer',
    )
    scenarios = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="scenario code → level 0–4 (integer or digits)",
    )
    numbers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='number code → value; send strings ("1250.5") so no float rounding happens on the way',
    )
    dma = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='EU DMA assessments (instead of choices, scenarios and numbers): "q2" → item codes '
        '(list or "a;b"; [] or "" = none ticked); "q1.<row>" → columns ("invested", "planned"); '
        '"q4.<row>" → scale value ("0"–"5"; q11: "0", "0.5", "1"); null clears an answer',
    )
    step = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_STEP, help_text="questionnaire step to resume at"
    )


class ProblemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="machine-readable, e.g. exclusive_option, scenario_level")
    message = serializers.CharField(help_text="in Chinese with the English in brackets (English if asked)")
    params = serializers.DictField(child=serializers.CharField())


class AnswersResultSerializer(serializers.Serializer[Any]):
    answers = StoredAnswersSerializer(help_text="all answers saved in the draft after this request")
    problems = ProblemSerializer(many=True, help_text="values refused; the other values were saved")
    missing = MissingSerializer()


class SubmitSerializer(serializers.Serializer[Any]):
    pledge = serializers.BooleanField(
        default=False, help_text="the authenticity pledge (真实性承诺); a submission needs true"
    )


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


# ------------------------------------------------------------------------------------------------- report


class DimensionRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    points = DecimalString()
    max = DecimalString()
    pct = DecimalString(help_text="points as a percentage of the maximum, two decimals")


class ReportOptionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    text = serializers.CharField()
    points = serializers.CharField(help_text="decimal string")
    chosen = serializers.BooleanField()


class ContradictionSerializer(serializers.Serializer[Any]):
    item = serializers.CharField()
    name = serializers.CharField(required=False)
    chosen = serializers.CharField(help_text="option keys chosen")
    computed = serializers.CharField(help_text="option the collected numbers give; it was scored")


class ItemRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    dimension = serializers.CharField()
    indicator = serializers.CharField()
    name = serializers.CharField()
    question = serializers.CharField()
    options = ReportOptionSerializer(many=True)
    points = DecimalString()
    max_points = DecimalString()
    derived = serializers.BooleanField(help_text="the option came from the collected numbers")
    contradiction = ContradictionSerializer(allow_null=True)


class ScenarioCellSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    constrained = serializers.BooleanField()
    level = serializers.IntegerField()
    description = serializers.CharField(help_text="what the level reached means ('' at 0)")
    next_description = serializers.CharField(help_text="what the next level asks ('' at the top)")


class ScenarioGroupSerializer(serializers.Serializer[Any]):
    group = serializers.CharField()
    scenarios = ScenarioCellSerializer(many=True)


class GapSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    points_short = DecimalString()
    scenarios_short = serializers.IntegerField()
    constrained_short = serializers.IntegerField()
    scenario_level = serializers.IntegerField()


class PlanStepSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="scenario or item")
    code = serializers.CharField()
    name = serializers.CharField()
    current = serializers.CharField(help_text="current level, or option keys joined by ';'")
    target = serializers.CharField()
    points_gain = DecimalString()
    effort = serializers.IntegerField()
    constrained = serializers.BooleanField()
    detail = serializers.CharField()


class PlanSerializer(serializers.Serializer[Any]):
    target_level = serializers.IntegerField(source="plan_target")
    reachable = serializers.BooleanField(source="plan_reachable")
    already = serializers.BooleanField(source="plan_already")
    effort = serializers.IntegerField(source="plan_effort")
    steps = PlanStepSerializer(many=True, source="plan_steps")


class AssessmentRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    phase = serializers.CharField()
    state = serializers.CharField()
    framework = serializers.CharField(source="framework.label")
    total = DecimalString()
    level = serializers.IntegerField(allow_null=True)
    assessed_on = serializers.DateField(allow_null=True)


class DeltaSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="total, level, base, mgmt, results or scenario:<code>")
    # DRF moves declared fields off the class, so "label" does not clash with Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    before = DecimalString()
    after = DecimalString()
    change = DecimalString()


class PeerSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text="the sub-industry or the city")  # type: ignore[assignment]
    count = serializers.IntegerField(help_text="enterprises with a result in the group")
    enough = serializers.BooleanField(help_text="figures are given only for groups of at least 5")
    total = DecimalString(help_text="median total")
    dimensions = DecimalMap(help_text="median points per dimension")
    level = DecimalString(help_text="median level")


class EvidenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    item_code = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvidenceFileSerializer(EvidenceSerializer):
    """One evidence file as the evidence endpoint lists it: the report's fields, plus the item's name, who
    uploaded it and where to fetch it."""

    item_name = serializers.CharField()
    uploaded_by = serializers.CharField(help_text="the person's name")
    file_url = serializers.CharField(help_text="GET it with the same token; DELETE it to remove the file")


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    item_code = serializers.CharField(help_text="the MIIT item or scenario code the file supports")
    file = serializers.FileField(help_text="PDF, JPEG, PNG, xlsx or docx (checked by content), at most 20 MB")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


def evidence_data(assessment: Assessment, request: Request) -> list[dict[str, Any]]:
    names = dict(selectors.evidence_items(texts.for_display(selectors.compiled(assessment))))
    rows = []
    for e in assessment.evidence.select_related("uploaded_by").order_by("created_at", "pk"):
        url = reverse("api:assessment-evidence-item", kwargs={"pk": assessment.pk, "evidence_pk": e.pk})
        rows.append(
            {
                "id": e.pk,
                "item_code": e.item_code,
                "item_name": names.get(e.item_code, e.item_code),
                "original_name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "description": e.description,
                "uploaded_by": person_name(e.uploaded_by) if e.uploaded_by else "",
                "created_at": e.created_at,
                "file_url": request.build_absolute_uri(url),
            }
        )
    return rows


class CountsSerializer(serializers.Serializer[Any]):
    at_level = serializers.DictField(
        child=serializers.IntegerField(), help_text="level → scenarios exactly at it"
    )
    at_least = serializers.DictField(
        child=serializers.IntegerField(), help_text="level → scenarios at it or above"
    )
    constrained_at_least = serializers.DictField(
        child=serializers.IntegerField(), help_text="level → constrained scenarios at it or above"
    )


class ReportIssueSerializer(serializers.Serializer[Any]):
    """The issue of a final report (dengta.assessment.issuing): null until the result is final."""

    number = serializers.CharField(help_text="report number DT-<year>-<region code>-<sequence>")
    issuer = serializers.CharField()
    issued_on = serializers.DateField(help_text="date of issue, Asia/Shanghai")
    framework_title = serializers.CharField()
    framework_version = serializers.CharField()
    signer = serializers.CharField(source="signer_name", help_text="the signing expert (on-site results)")
    digest = serializers.CharField(help_text="SHA-256 of the canonical key figures")
    verification_url = serializers.SerializerMethodField(help_text="the public verification page")
    superseded_by = serializers.CharField(
        source="superseded_by.number",
        allow_null=True,
        default=None,
        help_text="the number of the correction that replaced it",
    )

    def get_verification_url(self, issue: Any) -> str:
        from dengta.assessment.issuing import verification_url

        return verification_url(issue, self.context.get("request"))


class ReportSerializer(serializers.Serializer[Any]):
    """The report data of one scored assessment (dengta.assessment.report.build_report)."""

    assessment = AssessmentRefSerializer()
    framework = serializers.CharField(source="framework_label")
    framework_title = serializers.CharField(help_text="the framework's title and version, for people")
    issue = ReportIssueSerializer(allow_null=True)
    provisional = serializers.BooleanField(help_text="scored with a level rule that awaits confirmation")
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    level_meaning = serializers.CharField()
    total = DecimalString()
    max_total = DecimalString()
    dimensions = DimensionRowSerializer(many=True)
    scenario_dimension_pct = DecimalString(help_text="mean scenario level as a percentage of level 4")
    items = ItemRowSerializer(many=True)
    scenario_groups = serializers.SerializerMethodField()
    scenario_levels = serializers.SerializerMethodField(help_text="scenario code → level 0–4")
    counts = serializers.SerializerMethodField()
    decided_by = serializers.CharField(help_text="points, scenarios, both, or top (highest level reached)")
    level_by_points = serializers.IntegerField()
    level_by_scenarios = serializers.IntegerField()
    gaps = GapSerializer(many=True, help_text="for each higher level, exactly what is missing")
    plan = serializers.SerializerMethodField(help_text="the cheapest path to the target level (二级)")
    contradictions = ContradictionSerializer(many=True)
    baseline = AssessmentRefSerializer(
        allow_null=True, help_text="the earlier result compared with (T0 first)"
    )
    deltas = DeltaSerializer(many=True, help_text="baseline → this assessment")
    peers = PeerSerializer(many=True, help_text="medians of the latest results of peers")
    history = AssessmentRefSerializer(many=True, help_text="the enterprise's results visible to the caller")
    evidence = EvidenceSerializer(many=True)

    @extend_schema_field(ScenarioGroupSerializer(many=True))
    def get_scenario_groups(self, report: Report) -> list[Any]:
        rows = [{"group": group, "scenarios": cells} for group, cells in report.scenario_groups]
        return list(ScenarioGroupSerializer(rows, many=True).data)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_scenario_levels(self, report: Report) -> dict[str, int]:
        return {cell.code: cell.level for _group, cells in report.scenario_groups for cell in cells}

    @extend_schema_field(CountsSerializer)
    def get_counts(self, report: Report) -> dict[str, Any]:
        return dict(CountsSerializer(report).data)

    @extend_schema_field(PlanSerializer)
    def get_plan(self, report: Report) -> dict[str, Any]:
        return dict(PlanSerializer(report).data)


def report_data(report: Report) -> dict[str, Any]:
    for row in report.dimensions:
        row["pct"] = Decimal(row["pct"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    report.scenario_dimension_pct = report.scenario_dimension_pct.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return dict(ReportSerializer(report).data)


# ------------------------------------------------------------------------------------------ EU DMA report


class DmaDimensionScoreSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField(help_text="our own translation, not an official one")
    score = DecimalString(help_text="0–100, two decimals")
    before = DecimalString(help_text="in the baseline (the earlier EU DMA result), if there is one")


class DmaAnswerSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="item or row code")
    text = serializers.CharField()
    text_zh = serializers.CharField()
    answer = serializers.CharField(help_text="what was answered, as the report shows it")


class DmaQuestionScoreSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    dimension = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()
    text_zh = serializers.CharField()
    score = DecimalString(help_text="0–10, two decimals")
    answers = DmaAnswerSerializer(many=True)


class DmaReportSerializer(serializers.Serializer[Any]):
    """The report data of one scored EU DMA assessment (dengta.assessment.dma.build_dma_report)."""

    assessment = AssessmentRefSerializer()
    framework = serializers.CharField(source="framework_label")
    overall = DecimalString(help_text="unweighted mean of the six dimensions, 0–100, two decimals")
    band = serializers.CharField(help_text="Basic, Average, Moderately advanced or Advanced")
    band_zh = serializers.CharField()
    level = serializers.IntegerField(help_text="the band's place: Basic 1 … Advanced 4 (not a digital level)")
    dimensions = DmaDimensionScoreSerializer(many=True)
    questions = DmaQuestionScoreSerializer(many=True)
    baseline = AssessmentRefSerializer(allow_null=True, help_text="the earlier EU DMA result compared with")
    miit = AssessmentRefSerializer(
        allow_null=True,
        help_text="the enterprise's latest MIIT 2024 result, for comparison; the two frameworks measure "
        "different things and their scores do not convert",
    )
    history = AssessmentRefSerializer(
        many=True, help_text="the enterprise's EU DMA results visible to the caller"
    )


REPORT = PolymorphicProxySerializer(
    component_name="AssessmentReport",
    serializers=[ReportSerializer, DmaReportSerializer],
    resource_type_field_name=None,
)


def dma_report_data(report: DmaReport) -> dict[str, Any]:
    return dict(DmaReportSerializer(report).data)

"""Expert review as JSON: an assignment with its scores, comments, total and rubric, and the other experts'
reviews where the caller may see them (dengta.programmes.reviews). Scores go to ``reviews.review_save`` as
sent, so the rubric's own messages are the API's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dengta.accounts.models import User
from dengta.api.assessment.fields import DecimalString, plain
from dengta.api.programmes.access import is_reviewer
from dengta.core.access import Viewer
from dengta.core.language import in_english
from dengta.programmes import permissions, reviews
from dengta.programmes.models import Application, ReviewAssignment


@extend_schema_field(
    {"type": "integer", "minimum": 0, "maximum": 5, "nullable": True, "description": "null: not applicable"}
)
class ScoreField(serializers.Field):
    """A score as sent: a whole number 0–5, null for n/a, "" to clear; the service checks the scale."""

    def to_internal_value(self, data: Any) -> Any:
        if data is None or (isinstance(data, int | float | str) and not isinstance(data, bool)):
            return data
        raise serializers.ValidationError(_("评分必须是 0 到 5 的整数"))

    def to_representation(self, value: Any) -> Any:
        return value


class ScoresField(serializers.DictField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ScoreField(allow_null=True), **kwargs)


class ExpertReviewSerializer(serializers.ModelSerializer[ReviewAssignment]):
    applicant_name = serializers.CharField(source="application.applicant.name", read_only=True)
    batch = serializers.IntegerField(source="application.batch_id", read_only=True)
    expert_name = serializers.SerializerMethodField()
    total = DecimalString(help_text="0–100, once submitted")
    submitted = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "application",
            "applicant_name",
            "batch",
            "expert",
            "expert_name",
            "deadline",
            "submitted",
            "submitted_at",
            "total",
            "rubric_version",
            "created_at",
        ]
        read_only_fields = fields

    def get_expert_name(self, obj: ReviewAssignment) -> str:
        return str(obj.expert.get_full_name() or obj.expert.get_username())


class ScoredExpertReviewSerializer(ExpertReviewSerializer):
    scores = ScoresField(read_only=True, help_text="criterion code → 0–5, or null for n/a")
    comments = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta(ExpertReviewSerializer.Meta):
        fields = [*ExpertReviewSerializer.Meta.fields, "scores", "comments"]
        read_only_fields = fields


class CriterionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="in the request's language")
    guidance = serializers.CharField()
    weight = serializers.CharField()
    na_allowed = serializers.BooleanField()


class RubricSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    scale_min = serializers.IntegerField()
    scale_max = serializers.IntegerField()
    comment_required_for_scores = serializers.ListField(child=serializers.IntegerField())
    criteria = CriterionSerializer(many=True)


def rubric_json(assignment: ReviewAssignment) -> dict[str, Any]:
    rubric = reviews.rubric_for(assignment.application)
    english = in_english()
    return {
        "version": rubric.version,
        "scale_min": rubric.scale_min,
        "scale_max": rubric.scale_max,
        "comment_required_for_scores": sorted(rubric.comment_required_for_scores),
        "criteria": [
            {
                "code": c.code,
                "name": c.name_en if english else c.name_zh,
                "guidance": c.guidance_en if english else c.guidance_zh,
                "weight": plain(c.weight),
                "na_allowed": c.na_allowed,
            }
            for c in rubric.criteria
        ],
    }


class ExpertReviewDetailSerializer(ScoredExpertReviewSerializer):
    late = serializers.SerializerMethodField(help_text="the deadline has passed and it is not submitted")
    rubric = serializers.SerializerMethodField()
    others = serializers.SerializerMethodField(
        help_text="the other experts' reviews of the application: for an expert only once its own is "
        "submitted, so that each judgement is independent"
    )

    class Meta(ScoredExpertReviewSerializer.Meta):
        fields = [*ScoredExpertReviewSerializer.Meta.fields, "late", "rubric", "others"]
        read_only_fields = fields

    def get_late(self, obj: ReviewAssignment) -> bool:
        return obj.submitted_at is None and timezone.now() > obj.deadline

    @extend_schema_field(RubricSerializer)
    def get_rubric(self, obj: ReviewAssignment) -> dict[str, Any]:
        return rubric_json(obj)

    @extend_schema_field(ScoredExpertReviewSerializer(many=True))
    def get_others(self, obj: ReviewAssignment) -> list[dict[str, Any]]:
        viewer: Viewer = self.context["viewer"]
        if permissions.can_review_applications(viewer):
            rows = list(obj.application.reviews.select_related("expert", "application__applicant"))
        else:
            rows = reviews.reviews_for_expert(viewer.user, obj.application)
        others = [r for r in rows if r.pk != obj.pk]
        return [dict(ScoredExpertReviewSerializer(r).data) for r in others]


class ExpertReviewUpdateSerializer(serializers.Serializer[Any]):
    scores = ScoresField(
        required=False,
        help_text='criterion code → 0–5 (whole points), null for n/a, "" to clear; merged into the draft',
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="criterion code → comment (0 and 5 need one); blank removes it",
    )


@extend_schema_field(OpenApiTypes.INT)
class _Expert(serializers.PrimaryKeyRelatedField[User]):
    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class _VisibleApplication(serializers.PrimaryKeyRelatedField[Application]):
    """An application among those the caller sees (another one: "does not exist", as for a missing id)."""

    def get_queryset(self) -> QuerySet[Application]:
        viewer: Viewer = self.context["viewer"]
        visible: QuerySet[Application] = Application.objects.visible_to(viewer)
        return visible.select_related("batch__programme", "applicant")


class ExpertReviewAssignSerializer(serializers.Serializer[Any]):
    application = _VisibleApplication(help_text="id of an application under review")
    expert = _Expert(help_text="the expert's user id (a member of the expert pool or a reviewer)")
    deadline = serializers.DateTimeField(help_text="ISO 8601; without an offset it is read in Asia/Shanghai")

    def validate_expert(self, value: User) -> User:
        if not is_reviewer(value):
            raise serializers.ValidationError(
                _("%(name)s 不是评审专家") % {"name": value.get_full_name() or value.get_username()}
            )
        return value

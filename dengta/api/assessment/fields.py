"""What the assessment endpoints share: decimal strings, and the 400 and 409 answers that are not a permission
rule's (a permission's refusal goes through dengta.api.base.require like every endpoint's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from dengta.assessment.models import Assessment

# The same msgids as the services' and the workflow's messages, so one translation serves both.
NOT_DRAFT = gettext_lazy("评测已提交，不能再修改；如需更正，请新建更正评测")


def state_message(assessment: Assessment) -> str:
    return _("当前状态（%(state)s）不能执行此操作") % {"state": assessment.get_state_display()}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Refused(APIException):
    """400 with one message under ``detail``, as 403 and 409 have."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def plain(value: Any) -> str | None:
    """A number as a plain decimal string without exponent or trailing zeros ("40", "46.925")."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "46.925"})
class DecimalString(serializers.Field):
    """Read-only: a Decimal (or int, or a float from a median of levels) as a plain decimal string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return plain(value)


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "format": "decimal"}})
class DecimalMap(serializers.Field):
    """Read-only: a mapping of codes to numbers, the numbers as decimal strings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str | None]:
        return {str(k): plain(v) for k, v in (value or {}).items()}

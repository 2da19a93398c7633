"""Writes about frameworks and their results outside the questionnaire: a historical result of a score-band
framework recorded as a scored assessment, and a corrected level rule published as a new framework version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dengta.assessment import tallies
from dengta.assessment.models import Assessment, Framework, Kind, Phase, State
from dengta.assessment.scoring.bands import BandFramework, level_for_total
from dengta.assessment.scoring.engine import ENGINE_VERSION
from dengta.assessment.services.guards import event_scope
from dengta.core import tallies as region_tallies
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event
from dengta.registry.models import Enterprise


@transaction.atomic
def historical_record(
    *,
    actor: Actor,
    enterprise: Enterprise,
    framework: Framework,
    total: Decimal,
    assessed_on: date,
    note: str = "",
) -> Assessment:
    """Record a historical result of a score-band framework (the 2022 edition) as a scored assessment."""
    fw = framework.compiled()
    if not isinstance(fw, BandFramework):
        raise ValidationError(_("历史结果只能按分档框架导入"))
    level = level_for_total(fw, total)
    assessment = Assessment(
        enterprise=enterprise,
        framework=framework,
        kind=Kind.HISTORICAL,
        phase=Phase.OTHER,
        state=State.SCORED,
        author_organization=enterprise.organization,
        created_by_id=actor_id(actor),
        total=total,
        level=level,
        result={"framework": fw.code, "version": fw.version, "total_text": str(total), "level": level},
        engine_version=ENGINE_VERSION,
        assessed_on=assessed_on,
        scored_at=timezone.now(),
        note=note,
    )
    assessment.full_clean()
    assessment.save()
    # A historical result is final: the level tallies are refreshed after the commit (one refresh for an
    # import of many rows; dengta.core.tallies.changed).
    region_tallies.changed(tallies.RESULTS)
    record_event(
        actor=actor,
        verb="assessment.imported",
        target=assessment,
        payload={"framework": framework.label, "total": str(total), "level": level},
        **event_scope(enterprise),
    )
    return assessment


LEVEL_RULE_FIELDS = ("min_points", "scenario_level", "min_scenarios", "min_constrained")


def _next_version(framework: Framework) -> str:
    base = framework.version.split("-r")[0]
    taken = set(Framework.objects.filter(code=framework.code).values_list("version", flat=True))
    n = 2
    while f"{base}-r{n}" in taken:
        n += 1
    return f"{base}-r{n}"


@transaction.atomic
def framework_revise_level_rule(
    *, actor: Actor, framework: Framework, levels: list[dict[str, Any]], note: str, provisional: bool
) -> Framework:
    """A corrected level rule becomes a new framework version (the old one stays as it was for the
    assessments scored with it) and the current one for new assessments."""
    from dengta.assessment.scoring.definitions import canonical, compile_content
    from dengta.assessment.scoring.framework import FrameworkDataError

    if framework.kind != Framework.Kind.MIIT2024:
        raise ValidationError(_("只有评分加场景的框架有等级判定规则"))
    if not note.strip():
        raise ValidationError({"note": [_("请说明更正的依据（例如官方文件页码）")]})
    content = json.loads(json.dumps(framework.content))
    rule = content["rules"]["level_rule"]
    rule["levels"] = [{k: level[k] for k in ("level", *LEVEL_RULE_FIELDS)} for level in levels]
    rule["provisional"] = provisional
    rule["revision_note"] = note.strip()
    rule["revised_from"] = framework.version
    content["rules"]["version"] = _next_version(framework)
    text = canonical(content)
    try:
        compile_content(text)
    except FrameworkDataError as exc:
        raise ValidationError(str(exc)) from exc
    Framework.objects.filter(code=framework.code, is_current=True).update(is_current=False)
    revised = Framework.objects.create(
        code=framework.code,
        version=content["rules"]["version"],
        kind=framework.kind,
        title=framework.title,
        document=framework.document,
        provisional=provisional,
        content=content,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
        is_current=True,
    )
    record_event(
        actor=actor,
        verb="framework.level_rule_revised",
        target=revised,
        payload={
            "from": framework.version,
            "to": revised.version,
            "levels": rule["levels"],
            "note": note.strip(),
        },
    )
    return revised

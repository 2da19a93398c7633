"""Writes for assessments (ARCHITECTURE.md convention 1): each checks the data, changes state only through
the workflow table, and records an event. Permission checks belong to the caller (``permissions``); reads,
including the current framework and a draft's stored answers, are in ``dengta.assessment.selectors``.

One module per step of an assessment's life (convention 14: a module past ~600 lines becomes a package):
``starting`` (a draft, an arranged on-site assessment, the expert's declaration), ``answering`` (MIIT and
EU DMA answers), ``submitting`` (submission and scoring, sign-off, correction), ``evidence`` and
``frameworks`` (historical results, a revised level rule); ``guards`` holds the checks they share. Callers
use the names re-exported here: ``from dengta.assessment import services; services.assessment_submit(...)``.
"""

from dengta.assessment.services.answering import (
    DMA_ANSWERS_ONLY,
    MIIT_ANSWERS_ONLY,
    DmaSaved,
    assessment_save_answers,
    assessment_save_dma_answers,
)
from dengta.assessment.services.evidence import MAX_EVIDENCE_BYTES, evidence_add, evidence_remove
from dengta.assessment.services.frameworks import (
    LEVEL_RULE_FIELDS,
    framework_revise_level_rule,
    historical_record,
)
from dengta.assessment.services.starting import (
    COI_TEXT,
    Arrangement,
    assessment_assign_onsite,
    assessment_declare_coi,
    assessment_start,
)
from dengta.assessment.services.submitting import (
    PLEDGE_TEXT,
    TARGET_LEVEL,
    assessment_correct,
    assessment_sign_off,
    assessment_submit,
)

__all__ = [
    "COI_TEXT",
    "DMA_ANSWERS_ONLY",
    "LEVEL_RULE_FIELDS",
    "MAX_EVIDENCE_BYTES",
    "MIIT_ANSWERS_ONLY",
    "PLEDGE_TEXT",
    "TARGET_LEVEL",
    "Arrangement",
    "DmaSaved",
    "assessment_assign_onsite",
    "assessment_correct",
    "assessment_declare_coi",
    "assessment_save_answers",
    "assessment_save_dma_answers",
    "assessment_sign_off",
    "assessment_start",
    "assessment_submit",
    "evidence_add",
    "evidence_remove",
    "framework_revise_level_rule",
    "historical_record",
]

"""Writes for evidence (佐证材料): a file filed against a MIIT item of a draft, checked by size and content,
and its removal while the assessment is still a draft.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from dengta.assessment import dma
from dengta.assessment.models import Assessment, Evidence, State
from dengta.assessment.selectors import compiled
from dengta.assessment.services.guards import event_scope, require_declaration
from dengta.assessment.uploads import sniff_evidence
from dengta.core.actors import Actor, actor_id
from dengta.core.events import record_event

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@transaction.atomic
def evidence_add(
    *, actor: Actor, assessment: Assessment, item_code: str, upload: UploadedFile, description: str = ""
) -> Evidence:
    if dma.is_dma(assessment):  # evidence is filed per MIIT item; the DMA has none
        raise ValidationError({"item_code": [_("未知的评测项")]})
    fw = compiled(assessment)
    if fw.item(item_code) is None and fw.scenario(item_code) is None:
        raise ValidationError({"item_code": [_("未知的评测项")]})
    if assessment.state != State.DRAFT:
        raise ValidationError(_("评测已提交，不能再上传佐证材料"))
    require_declaration(assessment)
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": [_("文件不能超过 20 MB")]})
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_evidence(head)
    if content_type is None:
        raise ValidationError({"file": [_("只接受 PDF、JPEG、PNG、Excel 或 Word 文件（按内容识别）")]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        assessment=assessment,
        item_code=item_code,
        original_name=(upload.name or "file")[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description[:200],
        uploaded_by_id=actor_id(actor),
    )
    evidence.file.save(_safe_name(upload.name or "file"), upload, save=False)
    evidence.full_clean()
    evidence.save()
    record_event(
        actor=actor,
        verb="assessment.evidence_added",
        target=assessment,
        payload={"item": item_code, "sha256": evidence.sha256, "size": evidence.size},
        **event_scope(assessment.enterprise),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    """Remove a piece of evidence from a draft. Once submitted the evidence is part of the record the score
    and the sign-off rest on, so it can no longer be removed (DOMAIN.md 16: evidence versioned draft vs
    final). The file is deleted after the commit, so a rolled-back removal keeps it."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("enterprise__region")
        .get(pk=evidence.assessment_id)
    )
    if assessment.state != State.DRAFT:
        raise ValidationError(_("评测已提交，佐证材料不能再删除"))
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    name, storage = locked.file.name, locked.file.storage
    record_event(
        actor=actor,
        verb="assessment.evidence_removed",
        target=assessment,
        payload={
            "item": locked.item_code,
            "name": locked.original_name,
            "sha256": locked.sha256,
            "size": locked.size,
        },
        **event_scope(assessment.enterprise),
    )
    locked.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _safe_name(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name.rsplit("/", 1)[-1])
    return keep[-80:] or "file"

"""Evidence files are recognised by their first bytes, never by their name (PRODUCT.md: uploads checked by
content). Office files are zip containers; the member names tell xlsx from docx."""

from __future__ import annotations

import io
import zipfile


def sniff_evidence(head: bytes, whole: bytes | None = None) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        return _office(head if whole is None else whole)
    return None


def _office(data: bytes) -> str | None:
    # The central directory is at the end, so a truncated head cannot be opened; look for the part names
    # that the first local file headers of Office Open XML files carry instead.
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        names = []
        text = data[:8192]
        for marker in (b"xl/", b"word/", b"[Content_Types].xml"):
            if marker in text:
                names.append(marker.decode())
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None

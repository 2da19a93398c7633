"""An on-site visit as an iCalendar file (RFC 5545), so the expert can put it in their calendar.

Pure text building: lines end in CRLF (3.1), long lines are folded at 75 octets without splitting a UTF-8
character (3.1), TEXT values escape backslash, semicolon, comma and newlines (3.3.11). The visit is given in
Asia/Shanghai with a VTIMEZONE for that TZID (3.6.5); China has kept UTC+8 without daylight saving since
1991, so one STANDARD rule describes it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZID)
PRODID = "-//Dengta//On-site assessment//ZH"


@dataclass(frozen=True)
class Visit:
    uid: str
    start: datetime  # aware
    summary: str
    location: str = ""
    description: str = ""


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash first, then ; and , ; every newline becomes the two characters \\n."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return out.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines starting with a space."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = ch, width, 74  # the leading space of a continuation line is one octet
        else:
            current += ch
            size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y%m%dT%H%M%S")


def visit_calendar(visit: Visit, *, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        f"TZID:{TZID}",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "TZNAME:CST",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:{visit.uid}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART;TZID={TZID}:{_local(visit.start)}",
        f"SUMMARY:{escape_text(visit.summary)}",
    ]
    if visit.location:
        lines.append(f"LOCATION:{escape_text(visit.location)}")
    if visit.description:
        lines.append(f"DESCRIPTION:{escape_text(visit.description)}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)

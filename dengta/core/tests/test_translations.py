"""The English catalogue is complete and compiled, and English mode shows no Chinese in the page chrome.

Chinese is the source language: every msgid is the Chinese UI text, so a string added without an English
msgstr would show Chinese to English users. These tests fail the build when that happens (UI.md: English
complete). To fix a failure: run ``manage.py makemessages -l en --ignore=.venv --ignore=node_modules
--ignore=var --ignore=artifacts --no-obsolete``, translate the new entries in locale/en/LC_MESSAGES/django.po,
then ``manage.py compilemessages -l en --ignore=.venv --ignore=node_modules``.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# CJK ideographs (unified, extension A, compatibility, extensions B+) and ideographic iteration marks.
HAN = re.compile(
    r"[\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)
HAN_RUN = re.compile(f"(?:{HAN.pattern})+")
# No Chinese punctuation in English text either: 、。〔〕 and the full-width forms （），：；
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
# Python format directives (%(name)s, %d, …): flags, width and precision may differ; name and type may not.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[#0+-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<type>[sdifrxXeEgGcuo%])"
)
TAG = re.compile(r"</?[A-Za-z][^>]*>")
# "中文（English words）": a Chinese message carrying its English in brackets. One language per string
# (UI.md): the English belongs in the catalogue. Acronyms and file types in brackets (EU DMA, .xlsx) are fine.
_NOT_HAN = r"[^（）()\u4e00-\u9fff]"
BRACKETED_ENGLISH = re.compile(rf"[（(]{_NOT_HAN}*\b[a-z]{{3,}}\b{_NOT_HAN}* {_NOT_HAN}*[）)]")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"django.po:{self.line} {context}{self.msgid[:50]!r}"


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a quoted PO string: {text!r}"
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader for files written by the gettext tools: entries are separated by blank lines.

    Reads flags (``#,``), msgctxt, msgid, msgid_plural and msgstr / msgstr[n] with continuation lines; other
    comments are skipped, and so are obsolete entries (``#~``). The header (empty msgid) is the first entry.
    """
    entries: list[Entry] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*lines, ""], start=1):
        if raw.strip():
            block.append((number, raw.strip()))
            continue
        if block and not any(line.startswith("#~") for _n, line in block):
            entries.append(_entry(block))
        block = []
    return entries


def _entry(block: list[tuple[int, str]]) -> Entry:
    entry = Entry(line=block[0][0])
    field_name, index = "", 0
    for number, line in block:
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line):
            field_name, index = match.group(1), int(match.group(2) or 0)
            text = _unquote(match.group(3))
            if field_name == "msgstr":
                entry.msgstr[index] = ""
            else:
                setattr(entry, field_name, "")
        elif line.startswith('"') and field_name:
            text = _unquote(line)
        else:
            raise AssertionError(f"django.po:{number}: cannot read {line!r}")
        if field_name == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, field_name, getattr(entry, field_name) + text)
    return entry


def placeholders(text: str) -> set[tuple[str | None, str]]:
    return {(m.group("name"), m.group("type")) for m in PLACEHOLDER.finditer(text) if m.group("type") != "%"}


def catalogue() -> tuple[Entry, list[Entry]]:
    assert PO.exists(), f"{PO} is missing: run makemessages -l en"
    entries = parse_po(PO)
    assert entries and entries[0].msgid == "", "django.po has no header entry"
    return entries[0], entries[1:]


def entry_problems(entry: Entry) -> list[str]:
    problems: list[str] = []
    if "fuzzy" in entry.flags:
        problems.append(f"{entry}: marked fuzzy — check the English and remove the flag")
    for source in (entry.msgid, entry.msgid_plural or ""):
        if HAN.search(source) and (match := BRACKETED_ENGLISH.search(source)):
            problems.append(f"{entry}: the Chinese text carries English in brackets: {match.group(0)!r}")
    forms = [0, 1] if entry.msgid_plural is not None else [0]
    if sorted(entry.msgstr) != forms:
        problems.append(f"{entry}: expected msgstr forms {forms}, found {sorted(entry.msgstr)}")
    expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
    for index, text in sorted(entry.msgstr.items()):
        where = f"{entry} msgstr[{index}]" if entry.msgid_plural is not None else f"{entry} msgstr"
        if not text.strip():
            problems.append(f"{where}: no English translation")
            continue
        if HAN.search(text):
            problems.append(f"{where}: contains Chinese characters: {text!r}")
        if CJK_PUNCTUATION.search(text):
            problems.append(f"{where}: contains Chinese/full-width punctuation: {text!r}")
        found = placeholders(text)
        if found != expected:
            problems.append(
                f"{where}: placeholders differ from the msgid: missing {sorted(expected - found, key=str)}, "
                f"unknown {sorted(found - expected, key=str)}"
            )
        if TAG.findall(entry.msgid) != TAG.findall(text):
            problems.append(f"{where}: HTML tags differ from the msgid")
    return problems


def test_catalogue_parses_and_is_english() -> None:
    header, entries = catalogue()
    assert "fuzzy" not in header.flags, "the django.po header is still marked fuzzy"
    assert "Language: en\n" in header.msgstr.get(0, ""), "the django.po header does not say Language: en"
    assert len(entries) > 100, f"only {len(entries)} entries: was makemessages run with the right --ignore?"


def test_every_entry_is_translated_into_english() -> None:
    _header, entries = catalogue()
    problems = [problem for entry in entries for problem in entry_problems(entry)]
    assert not problems, f"{len(problems)} problem(s) in {PO}:\n" + "\n".join(problems)


def test_checker_catches_untranslated_entries(tmp_path: Path) -> None:
    """The checks above are only worth having if they fail on the mistakes they are meant to catch."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "工作台"\nmsgstr ""\n\n'
        "#, fuzzy\n"
        'msgid "企业库"\nmsgstr "Enterprise registry"\n\n'
        "#, python-format\n"
        'msgid "已切换到 %(org)s"\nmsgstr "Switched to %(organisation)s"\n\n'
        'msgid "服务商"\nmsgstr "服务商"\n\n'
        "#, python-format\n"
        'msgid "%(n)s 家"\nmsgid_plural "%(n)s 家"\nmsgstr[0] "%(n)s enterprise"\nmsgstr[1] ""\n\n'
        'msgid "文件是空的（the file is empty）"\nmsgstr "The file is empty"\n\n'
        'msgid "欧盟数字成熟度评估（EU DMA）"\nmsgstr "EU Digital Maturity Assessment (EU DMA)"\n',
        encoding="utf-8",
    )
    problems = [problem for entry in parse_po(po)[1:] for problem in entry_problems(entry)]
    text = "\n".join(problems)
    assert "'工作台'" in text and "no English translation" in text
    assert "fuzzy" in text
    assert "unknown [('organisation', 's')]" in text
    assert "contains Chinese characters: '服务商'" in text
    assert "msgstr[1]: no English translation" in text
    assert "carries English in brackets: '（the file is empty）'" in text
    assert len(problems) == 6, text


def test_compiled_catalogue_is_current() -> None:
    """compilemessages was run after the last change to django.po: the .mo is as new and says the same."""
    assert MO.exists(), f"{MO} is missing: run compilemessages -l en"
    # A fresh git checkout writes django.mo and django.po moments apart, in either order; allow for that.
    assert MO.stat().st_mtime >= PO.stat().st_mtime - 2, (
        "django.mo is older than django.po: run manage.py compilemessages -l en --ignore=.venv "
        "--ignore=node_modules"
    )
    with MO.open("rb") as handle:
        compiled: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale: list[str] = []
    for entry in catalogue()[1]:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr.get(0):
                stale.append(str(entry))
        elif any(compiled.get((key, i)) != text for i, text in entry.msgstr.items()):
            stale.append(str(entry))
    assert not stale, "django.mo does not match django.po (run compilemessages):\n" + "\n".join(stale[:20])


def _part(html: str, pattern: str) -> str:
    match = re.search(pattern, html, flags=re.S)
    assert match, f"{pattern!r} not found in the page"
    return match.group(0)


def test_home_page_chrome_is_english_for_every_member(cast: Any) -> None:
    problems: list[str] = []
    for who in cast.members:
        client = cast.client(who)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302, (who, response.status_code)
        page = client.get("/")
        assert page.status_code == 200, (who, page.status_code)
        html = page.content.decode()
        nav = _part(html, r'<nav id="dt-nav".*?</nav>')
        heading = _part(html, r"<h1\b[^>]*>.*?</h1>")
        if '<html lang="en">' not in html:
            problems.append(f"{who}: the page is not in English (<html lang> is not en)")
        if 'class="nav-link' not in nav:
            problems.append(f"{who}: the navigation has no links")
        for name, part in (("navigation", nav), ("heading", heading)):
            if HAN.search(part):
                problems.append(f"{who}: Chinese in the {name}: {sorted(set(HAN_RUN.findall(part)))}")
        text = re.sub(r"<[^>]+>", "", heading).strip()
        if text != "Workbench":
            problems.append(f"{who}: the heading is {text!r}, not 'Workbench'")
    assert not problems, "\n".join(problems)


def test_home_page_stays_chinese_without_a_choice(cast: Any) -> None:
    """Chinese first: without the language switch the same page is in Chinese."""
    html = cast.client("guangzhou").get("/").content.decode()
    assert re.sub(r"<[^>]+>", "", _part(html, r"<h1\b[^>]*>.*?</h1>")).strip() == "工作台"

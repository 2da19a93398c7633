"""The unified social credit code 统一社会信用代码 (GB 32100-2015): normalise, validate, derive the region.

Pure Python, no Django (ARCHITECTURE.md, convention 4). Layout (DOMAIN.md 4.3): position 1 registration
authority, 2 entity category, 3–8 the GB/T 2260 code of the registering authority's region, 9–17 the
organisation code (GB 11714), 18 the check character (mod 31 over the alphabet without I, O, Z, S, V).
The check character is computed by python-stdnum (``stdnum.cn.uscc``); the rules here add the specific
reasons a person needs to fix a wrong code, which the library's exceptions do not give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from stdnum.cn import uscc as stdnum_uscc

from dengta.core.problems import Problem, gettext_noop
from dengta.registry.text import compact_code

LENGTH = 18
# GB 32100-2015: digits and upper-case letters except I, O, Z, S, V (they look like 1, 0, 2, 5, U).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ALPHABET_SET = frozenset(ALPHABET)
_ALLOWED = re.compile("[0-9A-HJ-NPQRTUWXY]*")
_NEVER_USED = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}
# Position 1, the registration authority (登记管理部门代码, DOMAIN.md 4.3): 1–9, A, N, Y. No other value is
# assigned, so anything else is a typing error, most often a leading 0.
AUTHORITY_CODES = frozenset("123456789ANY")


@dataclass(frozen=True)
class UsccCheck:
    value: str
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def normalise(raw: object) -> str:
    """Trim, drop spaces and hyphens, fold full-width to half-width, upper-case. Idempotent."""
    if raw is None:
        return ""
    return compact_code(str(raw))


def could_begin_a_code(value: str) -> bool:
    """Whether ``value`` (compacted: dengta.registry.text.compact_code) can begin a stored credit code: at
    most 18 characters of the code's alphabet. Searches leave out the code condition otherwise — a Chinese
    name term never matches a code, and without that branch of the OR the name search alone decides (on
    SQLite from a covering index instead of every row)."""
    return 0 < len(value) <= LENGTH and _ALLOWED.fullmatch(value) is not None


def check_character(body: str) -> str:
    """The check character for the first 17 characters (computed by python-stdnum)."""
    return str(stdnum_uscc.calc_check_digit(body[:17]))


def _illegal_problem(value: str) -> Problem | None:
    if _ALLOWED.fullmatch(value):
        return None
    bad = sorted({ch for ch in value if ch not in _ALPHABET_SET}, key=value.index)
    if not bad:
        return None
    shown = "、".join(bad)
    lookalikes = [ch for ch in bad if ch in _NEVER_USED]
    if lookalikes:
        hint = "、".join(f"{ch}→{_NEVER_USED[ch]}" for ch in lookalikes)
        return Problem(
            "uscc_illegal_letter",
            gettext_noop(
                "统一社会信用代码含有不使用的字母 %(chars)s：代码中没有 I、O、Z、S、V，可能应为 %(hint)s"
            ),
            {"chars": shown, "hint": hint},
        )
    return Problem(
        "uscc_illegal_chars",
        gettext_noop("统一社会信用代码只能包含数字和大写字母，不能包含 %(chars)s"),
        {"chars": shown},
    )


REQUIRED = gettext_noop("请填写统一社会信用代码")
WRONG_LENGTH = gettext_noop("统一社会信用代码应为18位，现为 %(length)d 位")
WRONG_AUTHORITY = gettext_noop(
    "统一社会信用代码第1位（登记管理部门代码）不能是 %(char)s，应为 1–9、A、N 或 Y"
)
REGION_NOT_DIGITS = gettext_noop("统一社会信用代码第3–8位应为6位数字的行政区划代码，现为 %(part)s")
WRONG_CHECK = gettext_noop("统一社会信用代码校验位错误：最后一位应为 %(expected)s")
# A code read from a spreadsheet's number cell: Excel keeps 15 significant digits, so the code is lost.
STORED_AS_NUMBER = Problem(
    "uscc_stored_as_number",
    gettext_noop("统一社会信用代码被 Excel 存成了数字，末尾几位已丢失；请把本列设为“文本”后重新填写"),
)


def _layout_problem(value: str) -> Problem | None:
    """Length, position 1 and positions 3–8, for a code of allowed characters."""
    if len(value) != LENGTH:
        return Problem("uscc_length", WRONG_LENGTH, {"length": len(value)})
    if value[0] not in AUTHORITY_CODES:
        return Problem("uscc_authority", WRONG_AUTHORITY, {"char": value[0]})
    if not value[2:8].isdigit():
        return Problem("uscc_region_digits", REGION_NOT_DIGITS, {"part": value[2:8]})
    return None


def validate(raw: object) -> UsccCheck:
    """Normalise and check a code; the first problem found, in the order a person would fix them."""
    value = normalise(raw)
    if not value:
        return UsccCheck(value, Problem("uscc_required", REQUIRED))
    problem = _illegal_problem(value) or _layout_problem(value)
    if problem is not None:
        return UsccCheck(value, problem)
    expected = check_character(value)
    if value[-1] != expected:
        return UsccCheck(value, Problem("uscc_checksum", WRONG_CHECK, {"expected": expected}))
    return UsccCheck(value)


def region_code(value: str) -> str:
    """Positions 3–8: the GB/T 2260 code of the region whose authority registered the entity."""
    return value[2:8]


@dataclass(frozen=True)
class RegionMatch:
    """How the region inside a code relates to the region a person declared."""

    derived_code: str
    matched_code: str | None = None
    problem: Problem | None = None
    note: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _parent_path(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/".join(parts[:-1]) + "/" if len(parts) > 1 else ""


def _resolve(derived: str, paths: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(code in the table, path) for the derived code, or its nearest known ancestor.

    GB/T 2260 codes get retired when districts merge, but codes issued before keep the old region, so an
    unknown code falls back to its prefecture (first 4 digits + "00"), then to its province (first 2 +
    "0000"). Between the two, a code whose prefecture is not in the table but whose siblings are (the
    6590xx cities of 新疆生产建设兵团 sit under the custom 兵团 unit, not under a 659000 prefecture) falls
    back to the siblings' common parent.
    """
    if derived in paths:
        return derived, paths[derived]
    prefecture = derived[:4] + "00"
    if prefecture in paths:
        return prefecture, paths[prefecture]
    sibling_parents = {
        _parent_path(path) for code, path in paths.items() if code[:4] == derived[:4] and code != prefecture
    }
    sibling_parents.discard("")
    if len(sibling_parents) == 1:
        parent_path = sibling_parents.pop()
        parent_code = parent_path.strip("/").split("/")[-1]
        return parent_code, parent_path
    province = derived[:2] + "0000"
    if province in paths:
        return province, paths[province]
    return None, None


REGION_UNKNOWN = gettext_noop("统一社会信用代码第3–8位的区划代码 %(derived)s 不在行政区划表中")
REGION_FALLBACK = gettext_noop(
    "统一社会信用代码中的区划代码 %(derived)s 已不在现行区划表中，按上级区划 %(matched)s 核对"
)
REGION_MISMATCH = gettext_noop("统一社会信用代码中的登记地区 %(derived)s 与所填地区 %(declared)s 不一致")


def match_region(
    value: str, *, declared_code: str, declared_path: str, paths: Mapping[str, str]
) -> RegionMatch:
    """Check that the code's region and the declared region lie on one line of the region tree.

    ``paths`` maps region codes to their paths ("440000/440300/440305/"); it may hold only the codes that
    share the first two digits with the derived code plus the declared region's line. The two agree when
    one is an ancestor of the other or they are equal: an enterprise registered by the 深圳 city authority
    (440300) may be declared in 南山区 (440305), and one registered by 南山区 may be declared as 深圳.
    """
    derived = region_code(value)
    matched, matched_path = _resolve(derived, paths)
    if matched is None or matched_path is None:
        return RegionMatch(
            derived, problem=Problem("uscc_region_unknown", REGION_UNKNOWN, {"derived": derived})
        )
    note = None
    if matched != derived:
        note = Problem("uscc_region_fallback", REGION_FALLBACK, {"derived": derived, "matched": matched})
    if matched_path.startswith(declared_path) or declared_path.startswith(matched_path):
        return RegionMatch(derived, matched, note=note)
    mismatch = Problem(
        "uscc_region_mismatch", REGION_MISMATCH, {"derived": derived, "declared": declared_code}
    )
    return RegionMatch(derived, matched, problem=mismatch, note=note)

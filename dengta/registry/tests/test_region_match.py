"""Positions 3–8 of a credit code against the declared region (pure: a code → path mapping, no database)."""

from __future__ import annotations

from dengta.registry import uscc
from tests.language import english

from .conftest import code_for

PATHS = {
    "110000": "110000/",
    "110100": "110000/110100/",
    "110108": "110000/110100/110108/",
    "440000": "440000/",
    "440100": "440000/440100/",
    "440106": "440000/440100/440106/",
    "440300": "440000/440300/",
    "440305": "440000/440300/440305/",
    "330000": "330000/",
    "330100": "330000/330100/",
    "650000": "650000/",
    "650100": "650000/650100/",
    "660000": "660000/",
    "659001": "660000/659001/",
    "659004": "660000/659004/",
}


def match(code: str, declared: str) -> uscc.RegionMatch:
    return uscc.match_region(code, declared_code=declared, declared_path=PATHS[declared], paths=PATHS)


def test_same_region_matches() -> None:
    assert match("91110108551385082Q", "110108").ok


def test_declared_below_the_registering_authority_matches() -> None:
    # Huawei was registered by the 深圳 city authority (440300) and may be declared in 南山区 (440305).
    result = match("914403001922038216", "440305")
    assert result.ok and result.matched_code == "440300" and result.note is None


def test_declared_above_the_registering_authority_matches() -> None:
    assert match(code_for("440106"), "440000").ok
    assert match(code_for("440106"), "440100").ok


def test_other_province_is_a_mismatch_naming_both_codes() -> None:
    result = match("91110108551385082Q", "440106")
    assert not result.ok
    assert result.problem is not None and result.problem.code == "uscc_region_mismatch"
    text = result.problem.render()
    assert "110108" in text and "440106" in text and "不一致" in text
    assert "does not match" in english(result.problem)


def test_sibling_district_is_a_mismatch() -> None:
    assert not match(code_for("440106"), "440305").ok


def test_retired_county_code_falls_back_to_its_prefecture_and_says_so() -> None:
    # 440103 (广州市荔湾区 before a merger) is not in this table; its prefecture 440100 is.
    result = match(code_for("440103"), "440106")
    assert result.ok
    assert result.matched_code == "440100"
    assert result.note is not None and "440103" in result.note.render() and "440100" in result.note.render()


def test_unknown_prefecture_falls_back_to_the_province() -> None:
    result = match(code_for("441999"), "440106")
    assert result.ok and result.matched_code == "440000" and result.note is not None


def test_code_with_no_known_ancestor_is_unknown() -> None:
    result = match(code_for("990101"), "440106")
    assert result.problem is not None and result.problem.code == "uscc_region_unknown"


def test_xpcc_city_codes_match_the_xpcc_unit() -> None:
    # 新疆生产建设兵团 has no GB/T 2260 code; its cities 6590xx sit under the custom unit 660000.
    assert match(code_for("659001"), "660000").ok
    assert match(code_for("659001"), "659001").ok
    assert not match(code_for("659001"), "650100").ok


def test_unlisted_xpcc_city_falls_back_to_the_xpcc_unit_through_its_siblings() -> None:
    # 659013 is not in this table and there is no 659000 prefecture: the siblings' parent is 兵团.
    result = match(code_for("659013"), "660000")
    assert result.ok and result.matched_code == "660000" and result.note is not None
    assert not match(code_for("659013"), "650000").ok

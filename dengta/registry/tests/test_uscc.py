"""The credit code rules of GB 32100-2015 (DOMAIN.md 4.3), pure Python: no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from dengta.registry import uscc
from tests.language import assert_one_language, english

# Real codes of real organisations, from public sources:
REAL_CODES = [
    "91110108551385082Q",  # 小米科技有限责任公司 (DOMAIN.md 4.3; uscc-utils README)
    "914403001922038216",  # 华为技术有限公司 (zh.wikipedia.org 華為, infobox 機構代碼)
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司 (python-stdnum tests/test_cn_uscc.doctest)
    "91110000600037341L",  # python-stdnum's documented example
    "91310115MA1K3BTP2B",  # python-stdnum test list
    "91440300568520498A",  # python-stdnum test list
    "121200004013590816",  # python-stdnum test list: position 1 = 1 (机构编制), a public institution
    "92340603MA2PBMCG0U",  # python-stdnum test list: 92 = 个体工商户
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_validate(code: str) -> None:
    checked = uscc.validate(code)
    assert checked.ok, checked.problem
    assert checked.value == code
    assert stdnum_uscc.is_valid(code)


def test_blog_example_with_wrong_check_character_is_refused_with_the_expected_one() -> None:
    # DOMAIN.md 4.3: the widely copied 91310115MA1H8R7C6D fails; its check character should be 7.
    checked = uscc.validate("91310115MA1H8R7C6D")
    assert checked.problem is not None
    assert checked.problem.code == "uscc_checksum"
    assert checked.problem.render() == ("统一社会信用代码校验位错误：最后一位应为 7")


@pytest.mark.parametrize(
    "raw",
    [
        " 91110108551385082Q ",
        "9111 0108 5513 8508 2Q",
        "91-110108-551385082-Q",
        "91110108551385082q",
        "９１１１０１０８５５１３８５０８２Ｑ",  # full-width, as typed with a Chinese input method
        "９１１１０１０８　５５１３８５０８２ｑ",  # full-width with an ideographic space and lower case
        "91110108–551385082Q",  # en dash
    ],
)
def test_normalise_trims_spaces_hyphens_full_width_and_case(raw: str) -> None:
    assert uscc.normalise(raw) == "91110108551385082Q"
    assert uscc.validate(raw).ok


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("", "uscc_required", "请填写"),
        ("9111010855138508", "uscc_length", "现为 16 位"),
        ("91110108551385082QQ", "uscc_length", "现为 19 位"),
        ("91110108551385O82Q", "uscc_illegal_letter", "O→0"),
        ("9111010855138508IQ", "uscc_illegal_letter", "I→1"),
        ("91110108551385082Z", "uscc_illegal_letter", "Z→2"),
        ("9111010855138S082Q", "uscc_illegal_letter", "S→5"),
        ("9111010855138V082Q", "uscc_illegal_letter", "V→U"),
        ("91110108551385082号", "uscc_illegal_chars", "号"),
        ("91110108*51385082Q", "uscc_illegal_chars", "*"),
        ("01110108551385082Q", "uscc_authority", "不能是 0"),
        ("9111A108551385082Q", "uscc_region_digits", "11A108"),
        ("91110108551385082X", "uscc_checksum", "最后一位应为 Q"),
    ],
)
def test_specific_reasons_in_one_language_each(raw: str, code: str, fragment: str) -> None:
    problem = uscc.validate(raw).problem
    assert problem is not None
    assert problem.code == code
    text = problem.render()
    assert fragment in text
    # One language per message: the Chinese text alone, the English from the catalogue.
    assert_one_language(text)
    assert_one_language(english(problem), language="en", values=problem.params.values())
    assert english(problem) != text


def test_region_code_is_positions_3_to_8() -> None:
    assert uscc.region_code("91110108551385082Q") == "110108"
    assert uscc.region_code("914403001922038216") == "440300"


BODY = st.text(alphabet=uscc.ALPHABET, min_size=15, max_size=15)
AUTHORITY = st.sampled_from(sorted(uscc.AUTHORITY_CODES))
REGION = st.text(alphabet="0123456789", min_size=6, max_size=6)


@given(
    AUTHORITY,
    REGION,
    st.text(alphabet=uscc.ALPHABET, min_size=1, max_size=1),
    st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9),
)
def test_any_body_with_its_computed_check_character_validates(a: str, region: str, b: str, org: str) -> None:
    first17 = a + b + region + org
    code = first17 + uscc.check_character(first17)
    assert uscc.validate(code).ok
    assert stdnum_uscc.calc_check_digit(first17) == code[-1]


@given(
    AUTHORITY,
    REGION,
    st.text(alphabet=uscc.ALPHABET, min_size=10, max_size=10),
    st.sampled_from(uscc.ALPHABET),
)
def test_any_other_check_character_is_refused_naming_the_right_one(
    a: str, region: str, rest: str, last: str
) -> None:
    first17 = (a + rest[0] + region + rest[1:])[:17]
    right = uscc.check_character(first17)
    if last == right:
        return
    problem = uscc.validate(first17 + last).problem
    assert problem is not None and problem.code == "uscc_checksum"
    assert problem.params["expected"] == right


@given(st.text(max_size=40))
def test_normalise_is_idempotent(raw: str) -> None:
    once = uscc.normalise(raw)
    assert uscc.normalise(once) == once


@given(st.text(max_size=40))
def test_validate_never_raises_and_ok_values_are_18_allowed_characters(raw: str) -> None:
    checked = uscc.validate(raw)
    if checked.ok:
        assert len(checked.value) == 18
        assert set(checked.value) <= set(uscc.ALPHABET)
    else:
        assert checked.problem is not None and checked.problem.render()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9144", True),
        ("91440106MA5ABCDE1X", True),  # a whole code
        ("91440106MA5ABCDE1X0", False),  # longer than any code
        ("轴承", False),
        ("9144轴承", False),
        ("91I4", False),  # I is never used in codes
        ("", False),
    ],
)
def test_a_search_term_can_begin_a_code_only_in_the_code_alphabet(value: str, expected: bool) -> None:
    assert uscc.could_begin_a_code(value) is expected

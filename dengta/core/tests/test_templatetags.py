from dataclasses import dataclass

from django.utils import translation

from dengta.core.templatetags.dengta import localised


@dataclass
class Rule:
    basis_zh: str
    basis_en: str = ""


def test_localised_picks_language_from_dicts_and_objects() -> None:
    data = {"note_zh": "待核实", "note_en": "to be checked"}
    with translation.override("zh-hans"):
        assert localised(data, "note") == "待核实"
        assert localised(Rule("年营业收入"), "basis") == "年营业收入"
    with translation.override("en"):
        assert localised(data, "note") == "to be checked"
        assert localised(Rule("年营业收入", "annual revenue"), "basis") == "annual revenue"
        assert localised(Rule("仅中文"), "basis") == "仅中文"  # no English given: the Chinese text
        assert localised({"name": "C3670"}, "name") == "C3670"
    assert localised(None, "note") == ""


def test_thousands_in_every_language() -> None:
    from dengta.core.templatetags.dengta import thousands

    with translation.override("zh-hans"):
        assert thousands(36000) == "36,000"
    with translation.override("en"):
        assert thousands(1234567) == "1,234,567"
    assert thousands(0) == "0"
    assert thousands(None) == ""


def test_punct_is_chinese_in_chinese_and_english_in_english() -> None:
    from django.template import Context, Template

    from dengta.core.language import name_separator
    from dengta.core.templatetags.dengta import punct

    with translation.override("zh-hans"):
        assert [punct(m) for m in "：。、；，"] == ["：", "。", "、", "；", "，"]
        assert name_separator() == "、"
    with translation.override("en"):
        assert [punct(m) for m in "：。、；，"] == [": ", ". ", ", ", "; ", ", "]
        assert punct("—") == "—"  # a mark without an English counterpart stays
        assert name_separator() == ", "
        html = Template('{% load dengta %}审核意见{% punct "：" %}x').render(Context())
        assert html == "审核意见: x"

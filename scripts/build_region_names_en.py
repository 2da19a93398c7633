#!/usr/bin/env python3
"""Build dengta/reference/data/regions/names-en.csv: an English name for every row of regions.csv.

Usage (once, whenever regions.csv changes; the output is committed):
    .venv/bin/pip install pypinyin          # for generating only: not a runtime requirement of the project
    .venv/bin/python scripts/build_region_names_en.py

The names are unofficial romanisations in the usual English forms:

- Province-level units have their customary English names (广东省 Guangdong, 北京市 Beijing, 新疆维吾尔自治区
  Xinjiang Uygur Autonomous Region, 新疆生产建设兵团 Xinjiang Production and Construction Corps).
- Prefecture-level cities are the plain name (宁波市 Ningbo); 地区 is "Prefecture", 盟 "League", 自治州
  "<ethnic group> Autonomous Prefecture"; the statistics' groupings read 市辖区 "City districts", 县
  "Counties" and 省直辖县级行政区划 "County-level divisions under the province".
- County level: 区 "District", 县 "County", county-level 市 "City", 旗 "Banner", 自治县/自治旗 "<ethnic group>
  Autonomous County/Banner", 新区 "New Area", 林区 "Forestry District", 特区 "Special District", 矿区 "Mining
  District".
- The place name itself is Hanyu Pinyin without tones, one word, with an apostrophe where a syllable starting
  with a, o or e would run into the one before (西安 Xi'an), and ü kept (吕梁 Lüliang). Place names whose
  reading pypinyin gets wrong are listed in READINGS.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

try:
    from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict
except ImportError:  # pragma: no cover - a generation-time tool
    sys.exit("pypinyin is needed to generate the names: .venv/bin/pip install pypinyin")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "dengta" / "reference" / "data" / "regions"
SOURCE = DATA / "regions.csv"
OUT = DATA / "names-en.csv"

PROVINCES = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "河北省": "Hebei",
    "山西省": "Shanxi",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "辽宁省": "Liaoning",
    "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang",
    "上海市": "Shanghai",
    "江苏省": "Jiangsu",
    "浙江省": "Zhejiang",
    "安徽省": "Anhui",
    "福建省": "Fujian",
    "江西省": "Jiangxi",
    "山东省": "Shandong",
    "河南省": "Henan",
    "湖北省": "Hubei",
    "湖南省": "Hunan",
    "广东省": "Guangdong",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "海南省": "Hainan",
    "重庆市": "Chongqing",
    "四川省": "Sichuan",
    "贵州省": "Guizhou",
    "云南省": "Yunnan",
    "西藏自治区": "Xizang Autonomous Region",
    "陕西省": "Shaanxi",
    "甘肃省": "Gansu",
    "青海省": "Qinghai",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "新疆生产建设兵团": "Xinjiang Production and Construction Corps",
}

GROUPINGS = {
    "市辖区": "City districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the autonomous region",
}

# Ethnic groups in the names of autonomous areas (and 回族区), longest first so 土家族 wins over 土族.
ETHNIC = {
    "柯尔克孜": "Kirgiz", "达斡尔族": "Daur", "哈萨克族": "Kazak", "鄂温克族": "Ewenki", "鄂伦春": "Oroqen",
    "塔吉克": "Tajik", "哈萨克": "Kazak", "蒙古族": "Mongol", "土家族": "Tujia", "布依族": "Bouyei",
    "仡佬族": "Gelao", "傈僳族": "Lisu", "朝鲜族": "Korean", "撒拉族": "Salar", "保安族": "Bonan",
    "仫佬族": "Mulao", "裕固族": "Yugur", "独龙族": "Derung", "纳西族": "Naxi", "毛南族": "Maonan",
    "景颇族": "Jingpo", "普米族": "Pumi", "布朗族": "Blang", "拉祜族": "Lahu", "哈尼族": "Hani",
    "东乡族": "Dongxiang", "维吾尔": "Uygur", "蒙古": "Mongol", "锡伯": "Xibe", "各族": "Multi-Ethnic",
    "侗族": "Dong", "水族": "Shui", "满族": "Manchu", "回族": "Hui", "黎族": "Li", "瑶族": "Yao",
    "土族": "Tu", "白族": "Bai", "彝族": "Yi", "羌族": "Qiang", "藏族": "Tibetan", "苗族": "Miao",
    "傣族": "Dai", "佤族": "Va", "畲族": "She", "怒族": "Nu", "壮族": "Zhuang",
}  # fmt: skip
ETHNIC_ORDER = sorted(ETHNIC, key=len, reverse=True)

# Readings of place names that pypinyin's phrase dictionary gets wrong (checked by hand against the usual
# romanisation of each place).
READINGS = {
    "六安": [["lù"], ["ān"]],
    "铅山": [["yán"], ["shān"]],
    "乐亭": [["lào"], ["tíng"]],
    "涡阳": [["guō"], ["yáng"]],
    "单县": [["shàn"], ["xiàn"]],
    "莘县": [["shēn"], ["xiàn"]],
    "洪洞": [["hóng"], ["tóng"]],
    "番禺": [["pān"], ["yú"]],
    "亳州": [["bó"], ["zhōu"]],
    "台州": [["tāi"], ["zhōu"]],
    "天台": [["tiān"], ["tāi"]],
    "筠连": [["jūn"], ["lián"]],
    "犍为": [["qián"], ["wéi"]],
    "郫都": [["pí"], ["dū"]],
    "会理": [["huì"], ["lǐ"]],
    "乐清": [["yuè"], ["qīng"]],
    "大厂": [["dà"], ["chǎng"]],
    "长治": [["cháng"], ["zhì"]],
    "东阿": [["dōng"], ["ē"]],
    "阿城": [["ā"], ["chéng"]],
    "尉氏": [["wèi"], ["shì"]],
    "解放": [["jiě"], ["fàng"]],
    "茌平": [["chí"], ["píng"]],
    "蚌埠": [["bèng"], ["bù"]],
    "丽水": [["lí"], ["shuǐ"]],
    "秘鲁": [["bì"], ["lǔ"]],
    "大冶": [["dà"], ["yě"]],
    "巴彦淖尔": [["bā"], ["yàn"], ["nào"], ["ěr"]],
    "曲阜": [["qū"], ["fù"]],
    "曲靖": [["qǔ"], ["jìng"]],
    "朝阳": [["cháo"], ["yáng"]],
    "重庆": [["chóng"], ["qìng"]],
    "长春": [["cháng"], ["chūn"]],
    "长沙": [["cháng"], ["shā"]],
    "什邡": [["shí"], ["fāng"]],
    "漯河": [["luò"], ["hé"]],
    "盐都": [["yán"], ["dū"]],
}

# The usual English names of prefecture-level units whose common form is not their pinyin (Inner Mongolia,
# Xinjiang, Xizang, Qinghai), and whole names that are not "<place><suffix>".
NAMES = {
    "呼和浩特市": "Hohhot", "鄂尔多斯市": "Ordos", "呼伦贝尔市": "Hulunbuir", "巴彦淖尔市": "Bayannur",
    "乌兰察布市": "Ulanqab", "兴安盟": "Hinggan League", "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League", "大兴安岭地区": "Da Hinggan Ling Prefecture", "乌鲁木齐市": "Urumqi",
    "克拉玛依市": "Karamay", "吐鲁番市": "Turpan",
    "博尔塔拉蒙古自治州": "Bortala Mongol Autonomous Prefecture",
    "巴音郭楞蒙古自治州": "Bayingolin Mongol Autonomous Prefecture", "阿克苏地区": "Aksu Prefecture",
    "克孜勒苏柯尔克孜自治州": "Kizilsu Kirgiz Autonomous Prefecture", "喀什地区": "Kashgar Prefecture",
    "和田地区": "Hotan Prefecture", "伊犁哈萨克自治州": "Ili Kazak Autonomous Prefecture",
    "阿勒泰地区": "Altay Prefecture", "拉萨市": "Lhasa", "日喀则市": "Shigatse", "昌都市": "Qamdo",
    "林芝市": "Nyingchi", "那曲市": "Nagqu", "阿里地区": "Ngari Prefecture",
    "果洛藏族自治州": "Golog Tibetan Autonomous Prefecture",
    "中沙群岛的岛礁及其海域": "Islands, Reefs and Waters of the Zhongsha Islands",
    "南沙群岛": "Nansha Islands",
    "西沙群岛": "Xisha Islands",
    "乌拉盖管理区管委会": "Wulagai Administrative Area",
    "保定白沟新城": "Baoding Baigou New Town",
    "大柴旦行政委员会": "Dachaidan Administrative Committee",
    "石家庄循环化工园区": "Shijiazhuang Circular Chemical Industry Park",
    "西藏文化旅游创意园区": "Xizang Cultural Tourism Creative Park",
    "山西转型综合改革示范区": "Shanxi Comprehensive Reform Demonstration Zone for Transformation",
}  # fmt: skip

# Development zones and similar statistical units, longest suffix first.
ZONES = (
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高技术产业开发区", "High-tech Industrial Development Zone"),
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业园区", "High-tech Industrial Park"),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("现代产业园区", "Modern Industrial Park"),
    ("经济开发区", "Economic Development Zone"),
    ("产业园区", "Industrial Park"),
    ("工业园区", "Industrial Park"),
    ("示范区", "Demonstration Zone"),
    ("管理区", "Administrative Area"),
    ("开发区", "Development Zone"),
)

BANNER = re.compile(r"^(.+?)(左翼|右翼|左|右)?(前|中|后)?(联合)?旗$")
BANNER_WORDS = {
    "左翼": "Left", "右翼": "Right", "左": "Left", "右": "Right", "前": "Front", "中": "Middle", "后": "Rear",
    "联合": "United",
}  # fmt: skip

# Single characters read one way in every place name here (蔚县 Yu County, 歙县 She County).
SINGLE_READINGS = {ord("蔚"): "yù", ord("歙"): "shè"}

APOSTROPHE_BEFORE = re.compile(r"^[aoe]")


def romanise(text: str, context: str = "") -> str:
    """Pinyin of ``text`` as one word; read within ``context`` (the whole name, which starts with ``text``)
    so that a phrase such as 单县 gets its place-name reading (Shan) although only 单 is romanised."""
    whole = context if context.startswith(text) else text
    syllables = lazy_pinyin(whole, style=Style.NORMAL, v_to_u=True, errors="ignore")[: len(text)]
    word = ""
    for i, syllable in enumerate(syllables):
        if i and APOSTROPHE_BEFORE.match(syllable):
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


PLACES: list[str] = []  # province and prefecture names without 省/市, longest first (filled by main)
PLACE_EN: dict[str, str] = {}  # those of them whose English is not their pinyin (呼和浩特 Hohhot, 内蒙古 …)


def _zone(base: str) -> str:
    """ "湖南湘潭" → "Hunan Xiangtan": known place names at the start become words of their own."""
    words: list[str] = []
    while base:
        place = next((p for p in PLACES if base.startswith(p)), None)
        if place is None:
            words.append(romanise(base))
            break
        words.append(PLACE_EN.get(place) or romanise(place))
        base = base[len(place) :].removeprefix("市")
    return " ".join(words)


def _strip_ethnic(base: str) -> tuple[str, list[str]]:
    groups: list[str] = []
    changed = True
    while changed and base:
        changed = False
        for token in ETHNIC_ORDER:
            if base.endswith(token) and len(base) > 0:
                groups.insert(0, ETHNIC[token])
                base = base[: -len(token)]
                changed = True
                break
    return base, groups


def _autonomous(base: str, kind: str) -> str:
    place, groups = _strip_ethnic(base)
    ethnic = " and ".join(groups)
    # 东乡族自治县, 鄂伦春自治旗: the area is named after the group alone.
    parts = [romanise(place)] if place else []
    return " ".join([*parts, ethnic, "Autonomous", kind]).replace("  ", " ").strip()


SUFFIXES = (
    ("自治州", lambda b: _autonomous(b, "Prefecture")),
    ("自治县", lambda b: _autonomous(b, "County")),
    ("自治旗", lambda b: _autonomous(b, "Banner")),
    ("林区", lambda b: f"{romanise(b)} Forestry District"),
    ("特区", lambda b: f"{romanise(b)} Special District"),
    ("矿区", lambda b: f"{romanise(b)} Mining District"),
    ("地区", lambda b: f"{romanise(b)} Prefecture"),
)


def english_name(name: str, level: int) -> str:
    if level == 1:
        return PROVINCES[name]
    if name in GROUPINGS:
        return GROUPINGS[name]
    if name in NAMES:
        return NAMES[name]
    for suffix, build in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return build(name[: -len(suffix)])
    for suffix, english in ZONES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{_zone(name[: -len(suffix)])} {english}"
    banner = BANNER.match(name)
    if banner and (banner.group(2) or banner.group(3) or banner.group(4)):
        words = [BANNER_WORDS[w] for w in banner.group(2, 3, 4) if w]
        return " ".join([romanise(banner.group(1), name), *words, "Banner"])
    # 新区 is a "New Area" only when what is left is a place name of its own (清新区 is 清新 + 区).
    if name.endswith("新区") and len(name) > 3:
        return f"{romanise(name[:-2], name)} New Area"
    if name.endswith("区"):
        base, groups = _strip_ethnic(name[:-1]) if name.endswith("回族区") else (name[:-1], [])
        return " ".join([romanise(base, name), *groups, "District"])
    if name.endswith("县") and len(name) > 1:
        return f"{romanise(name[:-1], name)} County"
    if name.endswith("旗"):
        return f"{romanise(name[:-1], name)} Banner"
    if name.endswith("盟"):
        return f"{romanise(name[:-1], name)} League"
    if name.endswith("市"):
        place = romanise(name[:-1], name)
        return place if level == 2 else f"{place} City"
    raise ValueError(f"no rule for {name!r} (level {level})")


def main() -> int:
    load_phrases_dict(READINGS)
    load_single_dict(SINGLE_READINGS)
    with SOURCE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    places = {
        re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", r["name"])
        for r in rows
        if r["level"] in "12"
    }
    PLACES.extend(sorted((p for p in places if len(p) >= 2), key=len, reverse=True))
    for full, english in [*PROVINCES.items(), *NAMES.items()]:
        short = re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|盟)$", "", full)
        PLACE_EN[short] = re.sub(r" (Autonomous Region|League|Prefecture)$", "", english)
    out = [{"code": r["code"], "name_en": english_name(r["name"], int(r["level"]))} for r in rows]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "name_en"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} names written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Plausible, reproducible demo records: names, credit codes, sizes. Pure Python, seeded random.

Nothing here is real data about real companies: names are composed from common trade-name words, credit
codes are generated with valid check characters (GB 32100-2015) on real region codes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code check

TRADE_NAMES = [
    "华信",
    "恒达",
    "宏远",
    "瑞丰",
    "鑫源",
    "金鼎",
    "天成",
    "永盛",
    "聚力",
    "远航",
    "东升",
    "正泰",
    "德胜",
    "伟业",
    "博创",
    "嘉禾",
    "汇通",
    "盛世",
    "兴隆",
    "中科",
    "腾飞",
    "海纳",
    "联创",
    "鼎盛",
    "富强",
    "安泰",
    "华瑞",
    "明辉",
    "锦程",
    "新宇",
    "九州",
    "通达",
    "合力",
    "创新",
    "立信",
    "诚达",
    "振华",
    "凯瑞",
    "辰光",
    "启航",
    "晨阳",
    "森源",
    "科达",
    "万通",
    "精工",
    "长城",
    "泰和",
    "隆基",
    "宝丰",
    "顺发",
    "恒信",
    "广源",
    "天越",
    "三禾",
    "众诚",
    "卓越",
    "润泽",
    "华宇",
    "金桥",
    "鸿运",
    "佳美",
    "恒通",
    "泓源",
    "瀚海",
    "明德",
    "银河",
    "昊天",
    "新锐",
    "星辰",
    "同创",
    "融通",
    "华航",
    "力拓",
    "万达",
    "永新",
    "思远",
    "和兴",
    "春晖",
    "金石",
    "北辰",
    "南山",
    "东方",
    "西城",
    "宏图",
    "航宇",
    "中天",
    "万嘉",
    "荣昌",
    "吉祥",
    "兆丰",
    "昌盛",
    "天润",
    "云帆",
    "凌云",
    "福瑞",
    "智远",
    "宏盛",
    "宇通",
    "祥和",
    "坤元",
]

INDUSTRY_WORDS: dict[str, Sequence[str]] = {
    "C13": ("粮油", "饲料", "肉类加工", "水产品"),
    "C14": ("食品", "乳业", "调味品", "烘焙食品"),
    "C15": ("酒业", "饮品", "茶业"),
    "C17": ("纺织", "织造", "印染"),
    "C18": ("服饰", "制衣", "针织服装"),
    "C19": ("鞋业", "皮革制品"),
    "C20": ("木业", "竹制品"),
    "C21": ("家具", "家居"),
    "C22": ("纸业", "包装材料"),
    "C23": ("印务", "包装印刷"),
    "C24": ("文体用品", "工艺品"),
    "C26": ("化工", "新材料", "涂料", "精细化工"),
    "C27": ("药业", "生物医药", "医疗用品"),
    "C28": ("化纤",),
    "C29": ("塑胶", "橡胶制品", "塑料制品"),
    "C30": ("建材", "陶瓷", "玻璃制品"),
    "C31": ("钢铁", "特钢"),
    "C32": ("铝业", "铜材", "有色金属"),
    "C33": ("五金", "金属制品", "钢结构"),
    "C34": ("机械", "泵阀", "轴承", "液压设备", "传动设备"),
    "C35": ("专用设备", "智能装备", "医疗器械", "农机"),
    "C36": ("汽车零部件", "汽配", "车用电子"),
    "C37": ("船舶配件", "轨道交通设备", "摩托车配件"),
    "C38": ("电气", "电机", "电缆", "电池", "照明电器"),
    "C39": ("电子", "电子元件", "通信设备", "智能终端"),
    "C40": ("仪器仪表", "测控设备"),
    "C41": ("制品",),
    "C42": ("再生资源",),
    "C43": ("设备维修",),
}
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司", "制造有限公司")
PROVIDER_WORDS = ("数字科技", "工业互联网", "智能科技", "信息技术", "软件", "云计算", "数据科技", "智造科技")


def org_code_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(rng: random.Random, region_code: str, used: set[str]) -> str:
    """A credit code for a company registered by market regulation (9) as an enterprise (1) in region_code."""
    letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        # Codes issued since 2015 carry organisation codes beginning "MA"; older ones are numeric.
        if rng.random() < 0.6:
            body = "MA" + "".join(rng.choice(letters[:10] + "ABCDEFGH") for _ in range(6))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
        first17 = "91" + region_code + body + org_code_check(body)
        code = first17 + uscc_check(first17)
        if code not in used:
            used.add(code)
            return code


def industry_word(class_name: str, division: str) -> tuple[str, ...]:
    """A trade word for a company in this GB/T 4754 class: the class name without its process suffix when
    that reads naturally ("速冻食品制造" → 速冻食品), else the division's common words."""
    word = class_name
    for tail in ("制造", "加工", "生产"):
        if word.endswith(tail):
            word = word[: -len(tail)]
    if 2 <= len(word) <= 6 and not word.startswith("其他") and not any(c in word for c in "、，及和"):
        return (word,)
    return tuple(INDUSTRY_WORDS.get(division, ("实业",)))


def company_name(rng: random.Random, place: str, words: Sequence[str], used: set[str]) -> str:
    for _attempt in range(50):
        name = f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(words)}{rng.choice(SUFFIXES)}"
        if name not in used:
            used.add(name)
            return name
    name = f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(words)}有限公司"
    used.add(name)
    return name


def provider_name(rng: random.Random, place: str, used: set[str]) -> str:
    for _attempt in range(50):
        name = f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(PROVIDER_WORDS)}有限公司"
        if name not in used:
            used.add(name)
            return name
    name = f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(PROVIDER_WORDS)}有限公司"
    used.add(name)
    return name


@dataclass(frozen=True)
class Size:
    employees: int
    revenue_10k: Decimal
    assets_10k: Decimal


def company_size(rng: random.Random, median_employees: float, median_per_head_10k: float) -> Size:
    """Log-normal headcount and revenue per employee (万元); assets near annual revenue."""
    employees = max(3, min(2500, round(rng.lognormvariate(math.log(median_employees), 0.95))))
    per_head = rng.lognormvariate(math.log(median_per_head_10k), 0.6)
    revenue = Decimal(str(round(employees * per_head, 2)))
    assets = Decimal(str(round(float(revenue) * rng.lognormvariate(math.log(0.9), 0.5), 2)))
    return Size(employees, revenue, assets)


def tier(rng: random.Random, candidate: bool) -> str:
    roll = rng.random()
    little_giant, specialised, innovative = (0.01, 0.06, 0.18) if candidate else (0.002, 0.02, 0.07)
    if roll < little_giant:
        return "little_giant"
    if roll < little_giant + specialised:
        return "specialised"
    if roll < little_giant + specialised + innovative:
        return "innovative"
    return ""

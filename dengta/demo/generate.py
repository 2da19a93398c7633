"""Plausible, reproducible demo records: names, credit codes, sizes. Pure Python, seeded random.

Nothing here is real data about real companies: names are composed from common trade-name words, credit
codes are generated with valid check characters (GB 32100-2015) on real region codes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

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


# -- people ------------------------------------------------------------------------------------------------
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
_GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 文博 晓东 海涛 志刚 丽娟 "
    "春燕 国强 俊杰 雪梅 建国 红梅 晓峰 振宇 佳怡 子涵 思远 浩然 欣怡 立新 宏伟 永刚 玉兰"
)
GIVEN_NAMES = _GIVEN.split()


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name (surname and one- or two-character given name)."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def contact_line(rng: random.Random) -> str:
    """A reference's contact as providers list it: a surname and title with a masked mobile number."""
    title = rng.choice(("经理", "总", "主任", "部长", "工程师"))
    mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"
    return f"{rng.choice(SURNAMES)}{title} {mobile}"


# -- the catalogue: product names, prices, provider texts ------------------------------------------------
def trade_name_of(org_name: str) -> str:
    """The trade name inside a generated company name (恒达 in 宁波恒达数字科技有限公司), or ''."""
    for word in TRADE_NAMES:
        if word in org_name:
            return word
    return ""


def short_industry_name(name: str) -> str:
    """A sub-industry name short enough to lead a product name (电机制造 → 电机), or '' when it reads badly
    as a prefix (lists with 、 or 及, 其他…, long names)."""
    if "-" in name:
        name = name.split("-")[-1]
    for tail in ("制造业", "制造", "加工", "生产", "业"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            name = name[: -len(tail)]
            break
    if any(c in name for c in "、，及或") or name.startswith("其他") or not 2 <= len(name) <= 7:
        return ""
    return name


@dataclass(frozen=True)
class ProductTemplate:
    """A kind of 小快轻准 product: its category, its name, what it lifts in the MIIT 2024 index
    (scenario codes with the levels it reaches, item codes with the option keys it brings) and how it is
    deployed. ``text`` is one or two sentences in which {who} names the audience."""

    category: str
    stem: str
    scenarios: tuple[tuple[str, tuple[int, ...]], ...]
    items: tuple[tuple[str, tuple[str, ...]], ...]
    deployments: tuple[str, ...]
    text: str
    industry_prefix: bool = True


def _template(
    category: str, stem: str, scenarios: str, items: str, deploy: str, text: str, prefix: bool = True
) -> ProductTemplate:
    """Reads the compact table below: "quality:2,3 energy:2" and "base.data.collection:G,H"."""

    def pairs(spec: str) -> list[tuple[str, list[str]]]:
        return [(part.split(":")[0], part.split(":")[1].split(",")) for part in spec.split()]

    return ProductTemplate(
        category,
        stem,
        tuple((code, tuple(int(v) for v in values)) for code, values in pairs(scenarios)),
        tuple((code, tuple(values)) for code, values in pairs(items)),
        tuple(deploy.split(",")),
        text,
        prefix,
    )


T = _template
SW, SAAS, SITE = "saas,private,hybrid", "saas", "on_site"
DC = "base.data.collection"
# fmt: off
PRODUCT_TEMPLATES: tuple[ProductTemplate, ...] = (
    T("software", "轻量化MES生产执行系统", "production_control:2,3", f"{DC}:G", SW,
      "{who}的轻量化生产执行系统，支持工单下达、扫码报工和在制品跟踪，两周内可上线试用。"),
    T("software", "车间生产报工与看板系统", "production_control:2 planning_scheduling:2", "", SW,
      "{who}的车间报工与电子看板，工单进度、设备状态和产量在大屏上实时可见。"),
    T("software", "APS高级计划排程系统", "planning_scheduling:2,3", f"{DC}:F", SW,
      "按订单交期、产能和物料齐套自动生成排产计划，插单时一键重排，{who}。"),
    T("software", "质量追溯SaaS", "quality:2,3", f"{DC}:H", SW,
      "覆盖来料、过程和成品检验，按批次一键追溯原材料与工序记录，{who}。"),
    T("software", "QMS质量管理系统", "quality:3", "", SW,
      "{who}的质量管理系统，检验标准、不合格品处理和质量分析在一个系统里闭环。"),
    T("software", "SPC统计过程控制软件", "quality:2", "", SW,
      "自动采集关键工序检测数据，生成控制图并在异常时报警，{who}。"),
    T("software", "设备点巡检与维保管理系统", "equipment:2", f"{DC}:I", SW,
      "手机扫码点检、保养计划自动提醒、维修工单闭环，{who}。"),
    T("software", "EAM设备资产管理系统", "equipment:2,3", "", SW,
      "{who}的设备台账、备件和维修管理系统，可计算设备综合效率（OEE）。"),
    T("software", "安全生产双重预防管理平台", "safety:2,3", f"{DC}:J", SW,
      "风险分级管控与隐患排查治理线上闭环，特种作业审批留痕，{who}。"),
    T("software", "能源管理EMS平台", "energy:2,3", f"{DC}:K", SW,
      "水、电、气分车间分设备计量，自动生成能耗报表并给出节能建议，{who}。"),
    T("software", "SRM供应商协同采购平台", "procurement:3", f"{DC}:L", SW,
      "供应商准入、询比价、采购订单与到货对账在线协同，与仓库和财务数据打通，{who}。"),
    T("software", "采购管理SaaS", "procurement:2", "", SAAS,
      "{who}的采购申请、审批和订单跟踪工具，开通即用。"),
    T("software", "WMS仓储管理系统", "warehousing_logistics:2,3", f"{DC}:M", SW,
      "条码化出入库、库位管理和先进先出，账实相符，{who}。"),
    T("software", "业财一体化财务系统", "finance:3", f"{DC}:N", SW,
      "业务单据自动生成凭证，成本核算到订单和产品，{who}。"),
    T("software", "CRM客户关系管理SaaS", "marketing:2,3", f"{DC}:D", SAAS,
      "客户、商机、报价和回款全流程在线管理，{who}。"),
    T("software", "售后服务工单系统", "after_sales:2", f"{DC}:E", SW,
      "客户报修、派工、备件和回访在线闭环，服务记录与产品批次关联，{who}。"),
    T("software", "PLM产品数据管理系统", "product_design:2,3", f"{DC}:B", SW,
      "图纸、BOM和设计变更统一管理，版本可追溯，{who}。"),
    T("software", "CAPP工艺设计管理系统", "process_design:2,3", f"{DC}:C", SW,
      "由设计BOM生成工艺路线和工艺卡片，工艺数据直接下发车间，{who}。"),
    T("software", "人力资源与考勤薪酬SaaS", "hr:2", f"{DC}:O", SAAS,
      "考勤、排班、计件工资和社保在线核算，{who}。", False),
    T("software", "协同办公OA平台", "collaboration:2,3", "", SW,
      "审批、公文、会议和移动办公一体化，可与ERP、MES单点登录，{who}。", False),
    T("software", "经营驾驶舱BI平台", "decision_support:2,3", "", SW,
      "汇总销售、生产、库存和财务数据，按角色生成经营看板，{who}。"),
    T("software", "一体化ERP管理软件", "finance:2 procurement:2 warehousing_logistics:2",
      "base.systems.coverage:C", SW, "进销存、生产和财务一体化管理，{who}。"),
    T("cloud", "云ERP企业管理服务", "finance:2 warehousing_logistics:2", "base.systems.coverage:C", SAAS,
      "按年订阅的云ERP，无需自建服务器，{who}。"),
    T("cloud", "云MES订阅服务", "production_control:2", "", SAAS,
      "按工位订阅的云端生产执行系统，手机和平板即可报工，{who}。"),
    T("cloud", "工业互联网平台设备上云服务", "equipment:2", "base.equipment.connectivity:C", SAAS,
      "设备数据上云、远程监控和告警推送，{who}。"),
    T("cloud", "能耗在线监测云平台", "energy:2", f"{DC}:K", SAAS,
      "能耗数据实时上云，超标自动提醒，可对接地方能耗监测平台，{who}。"),
    T("cloud", "数据备份与容灾云服务", "", "base.security.data:C", SAAS,
      "业务系统数据每日异地备份，支持一键恢复，{who}。", False),
    T("cloud", "云上安全防护服务", "", "base.security.network:C,E", SAAS,
      "云防火墙、入侵检测和恶意代码防护，按年订阅，{who}。", False),
    T("cloud", "设备远程运维云平台", "after_sales:3 equipment:2", "", SAAS,
      "为装备制造企业的在用设备提供远程监测、故障预警和远程诊断，{who}。"),
    T("cloud", "供应链协同云平台", "procurement:2 warehousing_logistics:2", "", SAAS,
      "与上下游共享订单、库存和发货信息，{who}。"),
    T("hardware", "设备联网数据采集网关", "equipment:2", f"base.equipment.connectivity:C {DC}:G,I", SITE,
      "兼容主流PLC和数控系统协议，即插即用采集设备运行数据，{who}。", False),
    T("hardware", "边缘计算数据采集终端", "production_control:2", f"{DC}:G", SITE,
      "在车间本地完成数据采集和预处理，断网续传，{who}。", False),
    T("hardware", "智能电表与能耗采集终端", "energy:2", f"{DC}:K", SITE,
      "分回路计量电、水、气用量并上传能耗平台，{who}。", False),
    T("hardware", "工业扫码与RFID追溯终端", "quality:2 warehousing_logistics:2", "", SITE,
      "工位扫码枪、RFID读写器和标签打印机成套供应，{who}。", False),
    T("hardware", "安全生产AI视频监测终端", "safety:3", "", SITE,
      "识别未戴安全帽、区域闯入和烟火等隐患并实时告警，{who}。"),
    T("hardware", "5G工业网关", "", "base.equipment.network:D", SITE,
      "支持5G专网接入，满足AGV和移动终端的无线联网需求，{who}。", False),
    T("hardware", "车间工业无线网络套件", "", "base.equipment.network:B,C", SITE,
      "工业级交换机和无线AP成套部署，车间网络全覆盖，{who}。", False),
    T("equipment", "数控机床联网改造", "equipment:3",
      "base.equipment.digitization:D base.equipment.connectivity:D", SITE,
      "为存量数控机床加装采集模块并接入设备管理平台，{who}。"),
    T("equipment", "老旧设备数字化改造", "equipment:2", "base.equipment.digitization:C", SITE,
      "为老旧设备加装传感器和控制器，实现运行参数在线监测，{who}。"),
    T("equipment", "机器视觉在线检测改造", "quality:3", "", SITE,
      "在关键工序加装工业相机和检测软件，替代人工目检，{who}。"),
    T("equipment", "AGV智能物流改造", "warehousing_logistics:3", "", SITE,
      "AGV与WMS联动实现物料自动配送，{who}。"),
    T("equipment", "空压站节能数字化改造", "energy:3", "", SITE,
      "空压机群控和能耗在线监测，按用气量自动调节，{who}。"),
    T("equipment", "产线自动化与数据采集改造", "production_control:3", f"{DC}:G", SITE,
      "关键工位自动化改造并实时采集工艺参数，{who}。"),
    T("integration", "数字化车间整体改造", "production_control:3 quality:3 equipment:3", "", "on_site,hybrid",
      "设备联网、MES、质量和设备管理一揽子实施，{who}。"),
    T("integration", "ERP与MES集成实施服务", "production_control:3 planning_scheduling:3",
      "base.systems.coverage:D", "on_site,private,hybrid", "打通计划、生产和财务数据，{who}。"),
    T("integration", "工厂网络与信息安全集成", "", "base.equipment.network:C,E base.security.network:C,D,E",
      SITE, "工厂网络规划建设和安全加固一体化交付，{who}。", False),
    T("integration", "数字化改造总包服务", "production_control:3 quality:2 warehousing_logistics:2", "",
      "on_site,hybrid", "{who}，从诊断、方案到实施和验收全程总包。"),
    T("integration", "数据中台与经营决策集成", "decision_support:3 collaboration:3", "", "private,hybrid",
      "汇聚各业务系统数据，建设指标体系和经营分析模型，{who}。"),
    T("consulting", "数字化转型规划咨询", "",
      "mgmt.planning.implementation:C mgmt.planning.mechanism:B,C", SITE,
      "{who}，梳理现状并制定三年数字化转型规划与实施路线。"),
    T("consulting", "数据安全管理体系咨询", "", "base.security.data:B,D", SITE,
      "建立数据安全管理制度并开展数据安全风险评估，{who}。", False),
    T("consulting", "网络安全等级保护测评咨询", "", "base.security.network:B,D", SITE,
      "等保定级、差距分析和整改指导，{who}。", False),
    T("consulting", "数字化人才培训服务", "", "mgmt.resources.talent:D", SITE,
      "为企业管理层和一线员工定制数字化培训课程，{who}。", False),
    T("consulting", "精益生产与数字化管理咨询", "production_control:2", "mgmt.planning.mechanism:B", SITE,
      "以精益方法梳理生产流程并固化到信息系统，{who}。"),
    T("diagnosis", "数字化水平诊断评估服务", "", "mgmt.planning.implementation:C", SITE,
      "对照《中小企业数字化水平评测指标（2024年版）》入企诊断，出具诊断报告和改造建议，{who}。"),
    T("diagnosis", "智能制造能力成熟度诊断", "",
      "mgmt.planning.implementation:C mgmt.planning.mechanism:B", SITE,
      "依据GB/T 39116开展成熟度评估并给出提升路径，{who}。", False),
    T("diagnosis", "数字化改造诊断与方案设计", "", "mgmt.planning.implementation:C", SITE,
      "{who}，入企诊断后给出分场景的小快轻准改造方案和投入测算。"),
    T("diagnosis", "能效诊断与节能改造方案", "", "mgmt.planning.implementation:C", SITE,
      "测量主要用能设备能效，给出节能改造方案和回收期测算，{who}。", False),
)
# fmt: on
del T

# Prices in yuan (low, high) and delivery days (low, high) per category; software and cloud are per year.
PRICE_RANGES = {
    "software": (6_000, 120_000),
    "cloud": (6_000, 120_000),
    "hardware": (3_000, 80_000),
    "consulting": (20_000, 200_000),
    "diagnosis": (20_000, 200_000),
    "equipment": (100_000, 1_500_000),
    "integration": (200_000, 2_000_000),
}
DELIVERY_DAYS = {
    "software": (7, 45),
    "cloud": (7, 30),
    "hardware": (7, 30),
    "consulting": (20, 90),
    "diagnosis": (7, 30),
    "equipment": (45, 150),
    "integration": (60, 180),
}


def price_unit(rng: random.Random, category: str, deployment: str) -> str:
    if category in ("software", "cloud"):
        return "套/年" if deployment == "saas" else "套"
    if category == "hardware":
        return rng.choice(("台", "套"))
    if category == "diagnosis":
        return "家企业"
    if category == "equipment":
        return rng.choice(("项", "条产线"))
    return "项"


def _round_down(value: Decimal, step: int) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def product_prices(rng: random.Random, category: str) -> tuple[Decimal, Decimal]:
    """A list price, log-uniform in the category's range and rounded like a price list, and a pilot price
    5–30 % below it."""
    low, high = PRICE_RANGES[category]
    raw = Decimal(round(math.exp(rng.uniform(math.log(low), math.log(high)))))
    step = 100 if raw < 100_000 else 1_000 if raw < 1_000_000 else 10_000
    listed = max(Decimal(low), _round_down(raw, step))
    pilot_step = 10 if listed < 10_000 else 100 if listed < 200_000 else 1_000
    pilot = _round_down(listed * (1 - Decimal(rng.randint(5, 28)) / 100), pilot_step)
    while (listed - pilot) * 100 > listed * 30:
        pilot += pilot_step
    while (listed - pilot) * 100 < listed * 5:
        pilot -= pilot_step
    return listed, pilot


def version_label(rng: random.Random, category: str) -> str:
    if category in ("software", "cloud", "hardware"):
        return f"V{rng.randint(1, 6)}.{rng.randint(0, 9)}"
    return rng.choice(("", "2026版"))


QUALIFICATIONS = {
    "common": (
        "高新技术企业",
        "软件企业（双软认定）",
        "ISO 9001质量管理体系认证",
        "CMMI 3级",
        "ITSS信息技术服务运维标准符合性证书（三级）",
        "信息系统建设和服务能力等级证书（CS2）",
        "省级专精特新中小企业",
    ),
    "platform": ("省级工业互联网平台", "国家中小企业公共服务示范平台", "省级中小企业数字化转型公共服务平台"),
    "integrated": (
        "电子与智能化工程专业承包二级资质",
        "建筑智能化系统设计专项乙级资质",
        "信息系统集成项目经理12名",
    ),
    "scenario": ("省级工业APP优秀解决方案", "入选省级小快轻准产品目录"),
}
SECURITY_CERTIFICATES = (
    "网络安全等级保护三级（备案证明）",
    "ISO/IEC 27001信息安全管理体系认证",
    "网络安全等级保护二级（备案证明）",
)


def qualifications_text(rng: random.Random, kind: str, sector: str, served: int) -> str:
    """What an application lists under 资质情况: certificates, software copyrights and SMEs served."""
    own = QUALIFICATIONS.get(kind, ())
    chosen = rng.sample(QUALIFICATIONS["common"], k=rng.randint(2, 4))
    chosen += rng.sample(own, k=min(len(own), rng.randint(1, 2)))
    chosen.append(f"拥有软件著作权{rng.randint(6, 60)}项")
    local = max(3, served // rng.randint(3, 6))
    return "；".join(chosen) + f"。近三年服务中小企业{served}家，其中{sector}企业{local}家。"

"""The demo programmes' texts: implementation-plan summaries, reasons for returns and rejections, and the
experts' comments per rubric criterion. Demo data, written as an authority or an expert would write them."""

from __future__ import annotations

# The summary of a city's implementation plan (实施方案要点): the points 财建〔2023〕117号 asks for
# (sub-industries, pilot enterprises, providers chosen openly, the 80/20 split, the 90 %-at-二级 target).
CITY_PLAN = (
    "聚焦{subs}等细分行业，首批遴选{firms}家中小企业（其中规上企业{above}家）纳入试点企业库，"
    "分行业梳理共性需求和企业个性需求，以市场化方式公开遴选{providers}家服务商，"
    "推广小快轻准产品和解决方案。中央财政奖补资金的{retrofit}用于中小企业数字化改造，"
    "其余用于提升服务能力；地方财政配套{matching}万元。"
    "两年试点期内推动规上试点企业数字化水平达到二级及以上的比例不低于{target}，"
    "并按细分行业打造一批可复制推广的“小灯塔”企业。"
)
# The 2022 platform pilot: a province nominates, per sub-industry, a platform rooted in it (DOMAIN.md 1.4).
PLATFORM_PLAN = (
    "围绕{subs}等细分行业，推荐{providers}家扎根行业的数字化服务平台，"
    "为{firms}家中小企业提供诊断评估、设备改造和软件应用等服务；"
    "按照“政府补一点、平台让一点、企业出一点”的原则分担改造成本，"
    "平台服务价格较市场价让利不低于两成。"
)
# A draft still being written: the plan is only a first line.
DRAFT_PLAN = "拟围绕{subs}等细分行业开展试点，实施方案正在征求相关部门意见。"

RETURN_REASONS = (
    "部分试点企业尚无基线评估，也未安排诊断，请补充评估安排后重新提交。",
    "地方配套资金的来源和拨付计划未作说明，请补充财政部门的资金承诺。",
    "实施方案未明确两年试点期内的分阶段进度和现场评定安排，请补充后重新提交。",
)
REJECTION_REASONS = (
    "经竞争性评审，综合得分未进入本批次支持范围，本批次暂不支持。",
    "所选细分行业较为分散，中小企业集聚度不高，转型路径不够清晰，本批次暂不支持。",
)
PLATFORM_REJECTION = "推荐平台在所选细分行业的服务案例不足，成本分担安排不够具体，本批次暂不支持。"
CONFLICT_REASON = "曾在该单位挂职，近三年内参与过其产业规划编制。"

# Comments per criterion, for a high (4–5), a middling (3) and a low (0–2) score.
COMMENTS: dict[str, tuple[str, str, str]] = {
    # the city pilot's rubric
    "basic_conditions": (
        "制造业基础扎实，所选行业中小企业数量多、专精特新企业集中，数字化需求明确。",
        "产业基础较好，但对规下企业的数字化现状摸底不够充分。",
        "所选行业中小企业数量偏少，数字化基础数据不完整。",
    ),
    "sub_industry_selection": (
        "细分行业均属重点方向，产值规模大、企业集聚度高，体现本地优势。",
        "细分行业总体合理，个别行业与重点方向关联度一般。",
        "细分行业较为分散，部分行业企业集聚度不高。",
    ),
    "plan_feasibility": (
        "共性需求和个性需求梳理清楚，服务商公开遴选，进度安排可在两年内完成。",
        "方案基本可行，现场评定和监督管理安排还需细化。",
        "方案偏原则性，进度安排和组织保障不够具体。",
    ),
    "provider_supply": (
        "服务商行业经验丰富，小快轻准产品供给充足，保留了竞争和退出机制。",
        "服务商数量基本满足需要，产品性价比说明不够充分。",
        "服务商数量少，存在少数集成商包揽的风险。",
    ),
    "fund_arrangement": (
        "资金比例符合要求，地方配套落实，成本分担和资金监管机制清楚。",
        "资金比例符合要求，地方配套资金的拨付计划有待明确。",
        "地方配套资金来源不明确，资金监管措施薄弱。",
    ),
    "expected_outcomes": (
        "目标测算有依据，“小灯塔”培育路径清晰，示范带动作用明显。",
        "预期成效描述较完整，量化指标略显不足。",
        "预期成效缺少量化测算，示范带动作用不明显。",
    ),
    "chain_and_platform": (
        "链主企业带动上下游协同改造的安排具体，平台应用场景清晰。",
        "有链式转型安排，平台应用深度一般。",
        "链式转型安排较为笼统。",
    ),
    # the platform pilot's rubric
    "sector_rooting": (
        "平台深耕该细分行业多年，同行业服务案例丰富。",
        "平台有一定行业积累，案例数量一般。",
        "平台与所申报细分行业关联度不高，案例不足。",
    ),
    "service_capability": (
        "诊断、咨询、设备改造和软件实施能力齐全，交付团队稳定。",
        "服务能力基本满足要求，售后保障说明不够具体。",
        "交付团队规模偏小，服务能力难以覆盖试点企业。",
    ),
    "solutions": (
        "解决方案轻量化、易复制，价格透明，适合中小企业。",
        "解决方案基本成熟，可复制性有待验证。",
        "解决方案定制化程度高，中小企业难以负担。",
    ),
    "enterprise_list": (
        "改造企业均属该细分行业，转型需求迫切，数量适当。",
        "企业名单基本合理，个别企业需求分析不足。",
        "企业名单与细分行业匹配度不高。",
    ),
    "cost_sharing": (
        "成本分担比例清楚，平台让利幅度明确。",
        "有成本分担安排，让利幅度说明不够具体。",
        "未说明平台让利和企业出资比例。",
    ),
    "industrial_internet": (
        "依托工业互联网平台提供连接和数据服务，支撑能力较强。",
        "平台支撑能力一般。",
        "平台连接和数据支撑能力较弱。",
    ),
}
TOP_COMMENT = "可作为同类地区的参考样板。"  # added to a 5
ZERO_COMMENT = "材料中未体现相关内容。"  # added to a 0

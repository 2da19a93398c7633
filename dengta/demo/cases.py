"""The demo's lighthouse cases: one per accepted demo project, written, consented or anonymised, reviewed
and mostly published through the case services (docs/cases.md), so the public library, the workbench and
"enterprises like you" have something to show. Its own random stream: adding cases leaves everything
seeded before exactly as it was."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from dengta.cases import services
from dengta.cases.figures import CaseFigures
from dengta.cases.sources import ACCEPTED_STATES
from dengta.demo.projects import _member
from dengta.projects.models import Project

PROBLEMS = (
    "生产数据靠人工抄表和纸质记录，出了质量问题要花几天才能查到批次和工序。",
    "订单多、批量小，排产靠班组长经验，交期经常延误，插单时现场一片混乱。",
    "设备状态看不见，突发停机多，维修靠事后处理，备件库存要么积压要么缺货。",
    "能耗只有月度总表，不知道哪条产线、哪个时段用能最多，节能无从下手。",
    "销售、采购、仓库各用各的表格，账实不符，月底对账要加班好几天。",
)
SOLUTIONS = (
    "选用{products}，先从{scenario}切入：三个月内完成关键工序数据采集和系统上线，再逐步推广到全厂。",
    "在服务商{provider}的指导下上线{products}，按“小快轻准”的思路分两期实施，每期都有可验收的目标。",
    "以{scenario}为突破口，部署{products}，同步梳理业务流程和岗位职责，安排专人负责数据质量。",
)
RESULTS = (
    "{scenario}等场景等级明显提升，现场验收评定为{level}级；管理人员可以随时在手机上查看生产和质量情况。",
    "改造后企业数字化水平达到{level}级，数据从“事后补录”变成“实时采集”，问题能在当班发现和处理。",
)
LESSONS = (
    "先解决最痛的一个场景，见到效果再扩大范围；一把手要亲自推动，车间骨干要参与选型。",
    "数据采集要和现有设备、工艺匹配，不要一步到位追求大而全；服务商驻场培训很关键。",
    "改造前先做诊断评测，明确短板和目标等级，再对照产品目录选择能补短板的产品。",
)
# Of the cases: the enterprise consents (named), declines (anonymised) or has not answered yet; and the
# share of cases left in each step for the workbench to show.
CONSENT = (("given", 6), ("declined", 3), ("pending", 1))
LEVEL_WORDS = {1: "一", 2: "二", 3: "三", 4: "四"}
STOP_AT = (("published", 14), ("submitted", 2), ("returned", 1), ("draft", 1))


@dataclass
class CaseCounts:
    states: Counter[str] = field(default_factory=Counter)
    anonymised: int = 0

    def line(self) -> str:
        shown = " ".join(f"{state}={n}" for state, n in sorted(self.states.items()))
        return f"cases: {sum(self.states.values())} ({shown}); anonymised {self.anonymised}"


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _w in weighted], weights=[w for _n, w in weighted])[0]


def _text(rng: random.Random, figures: CaseFigures) -> dict[str, str]:
    products = "、".join(dict.fromkeys(p["product"] for p in figures.products)) or "数字化产品"
    scenario = figures.scenarios[0].name if figures.scenarios else "生产管控"
    values = {
        "products": products,
        "scenario": scenario,
        "provider": figures.provider,
        "level": LEVEL_WORDS.get(figures.level_after, str(figures.level_after)),
    }
    return {
        "problem": rng.choice(PROBLEMS),
        "solution": rng.choice(SOLUTIONS).format(**values),
        "results": rng.choice(RESULTS).format(**values),
        "lessons": rng.choice(LESSONS),
    }


def seed_cases(seed: int) -> CaseCounts:
    rng = random.Random(seed * 104729 + 7)
    counts = CaseCounts()
    projects = (
        Project.objects.filter(state__in=ACCEPTED_STATES)
        .select_related("pilot__authority", "provider__organization", "enterprise__organization")
        .order_by("pk")
    )
    for project in projects:
        authority = _member(project.pilot.authority, rng)
        writer = _member(project.provider.organization, rng) if rng.random() < 0.5 else authority
        case = services.case_generate(actor=writer, project=project)
        figures = CaseFigures.from_json(case.figures)
        consent = _pick(rng, CONSENT)
        organization = project.enterprise.organization
        if organization is None:
            consent = "declined_by_default"  # nobody to ask: published without the name
        case = services.case_update(
            actor=writer, case=case, anonymised=consent != "given", **_text(rng, figures)
        )
        if consent in ("given", "declined") and organization is not None:
            case = services.case_consent(
                actor=_member(organization, rng), case=case, given=consent == "given"
            )
        stop = _pick(rng, STOP_AT)
        if stop != "draft":
            case = services.case_submit(actor=writer, case=case)
            if stop == "published":
                case = services.case_publish(actor=authority, case=case)
            elif stop == "returned":
                case = services.case_return(actor=authority, case=case, reason="请补充改造前后的对比说明")
        counts.states[case.state] += 1
        counts.anonymised += int(case.anonymised)
    return counts

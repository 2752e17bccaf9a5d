"""The demo city: a deterministic, Weihai-calibrated planning workbook for trying the product.

``generate_demo(seed, assumptions)`` builds about 800 key projects and 2,500 firms in the city's
8 reporting units and 8 industry clusters (DOMAIN.md), scores the firms against the ladder's real
criteria (`data.criteria`), turns every project that has not started and every firm within reach of
its next rung into a candidate, and gives each candidate 2–4 support options. Every number that
shapes awards, options, probabilities, goals and budgets comes from the assumptions table
(`data.assumptions`); the constants below only describe the city's population (how many projects
of which size, which districts and clusters), not policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import criteria
from data.assumptions import assumption_values
from data.assumptions import default_assumptions as _default_assumptions
from data.schema import Workbook, empty_frame

__all__ = [
    "DISTRICTS",
    "CLUSTERS",
    "LEAD_DEPARTMENTS",
    "FUND_LINES",
    "TARGETS",
    "OPTION_LABELS",
    "default_assumptions",
    "generate_demo",
    "demo_summary",
    "summary_markdown",
]

# ---------------------------------------------------------------------------------------------------
# The city's population (DOMAIN.md §4–5). Descriptive calibration, not policy.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    """A reporting unit: its name, the short form used in project names, and its shares."""

    name: str
    short: str
    project_share: float
    firm_share: float
    offshore: bool  # has sea-use projects (临港区, 荣成市)


DISTRICTS: tuple[District, ...] = (
    District("环翠区", "环翠区", 0.13, 0.16, False),
    District("文登区", "文登区", 0.14, 0.15, False),
    District("荣成市", "荣成市", 0.17, 0.18, True),
    District("乳山市", "乳山市", 0.11, 0.11, False),
    District("火炬高技术产业开发区", "高区", 0.13, 0.14, False),
    District("经济技术开发区", "经区", 0.13, 0.14, False),
    District("临港经济技术开发区", "临港区", 0.11, 0.08, True),
    District("南海新区", "南海新区", 0.08, 0.04, False),
)


@dataclass(frozen=True)
class Cluster:
    """An industry cluster: shares, how energy-hungry its projects are, and words for names."""

    project_share: float
    firm_share: float
    strategic_share: float  # share of its firms in a strategic emerging industry
    energy_tce_per_wan: float  # median yearly energy use per 万元 of project investment
    offshore: bool  # can have sea-use projects
    products: tuple[str, ...]
    firm_words: tuple[str, ...]
    lead_departments: tuple[tuple[str, float], ...]


LEAD_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # (department, staff-days resource, English label). The "1" first, then the "6".
    ("市发展改革委", "staff_days_development_reform", "Development & Reform Commission"),
    ("市工业和信息化局", "staff_days_industry", "Industry & IT Bureau"),
    ("市商务局", "staff_days_commerce", "Commerce Bureau"),
    ("市住房城乡建设局", "staff_days_housing", "Housing & Urban-Rural Development Bureau"),
    ("市科技局", "staff_days_science", "Science & Technology Bureau"),
    ("市文化和旅游局", "staff_days_culture_tourism", "Culture & Tourism Bureau"),
    ("市海洋发展局", "staff_days_ocean", "Ocean Development Bureau"),
)
_DRC, _MIIT, _COMMERCE, _HOUSING, _SCIENCE, _TOURISM, _OCEAN = (d[0] for d in LEAD_DEPARTMENTS)
_STAFF_RESOURCE = {d[0]: d[1] for d in LEAD_DEPARTMENTS}

CLUSTERS: dict[str, Cluster] = {
    "新一代信息技术": Cluster(
        0.12, 0.14, 0.9, 0.04, False,
        ("智能终端", "打印机及耗材", "集成电路封测", "新型显示模组", "工业互联网", "数据中心", "智能传感器", "5G通信模组"),
        ("电子科技", "信息技术", "智能科技", "光电科技", "通信技术"),
        ((_MIIT, 0.6), (_SCIENCE, 0.2), (_COMMERCE, 0.15), (_HOUSING, 0.05)),
    ),
    "新医药与医疗器械": Cluster(
        0.12, 0.12, 0.9, 0.05, False,
        ("高端医用耗材", "医疗器械", "创新药", "生物医药", "康复辅具", "体外诊断试剂", "医用高分子材料"),
        ("医疗器械", "生物医药", "医用材料", "制药", "健康科技"),
        ((_MIIT, 0.5), (_SCIENCE, 0.35), (_COMMERCE, 0.15)),
    ),
    "先进装备与智能制造": Cluster(
        0.20, 0.24, 0.7, 0.06, True,
        ("船舶修造", "海洋高端装备", "节能电机", "汽车零部件", "数控机床", "智能制造装备", "工业机器人", "轮胎"),
        ("机械", "船舶重工", "电机", "汽车配件", "精密制造", "智能装备"),
        ((_MIIT, 0.7), (_COMMERCE, 0.15), (_DRC, 0.1), (_OCEAN, 0.05)),
    ),
    "碳纤维等复合材料": Cluster(
        0.07, 0.06, 0.9, 0.12, False,
        ("碳纤维", "复合材料制品", "高性能纤维", "碳纤维预浸料", "轻量化材料"),
        ("碳纤维", "复合材料", "新材料", "纤维科技"),
        ((_MIIT, 0.6), (_SCIENCE, 0.3), (_DRC, 0.1)),
    ),
    "海洋生物与健康食品": Cluster(
        0.13, 0.16, 0.4, 0.05, True,
        ("海洋生物制品", "海参精深加工", "海洋食品", "水产品冷链物流", "海藻生物", "远洋渔业综合基地", "海洋牧场"),
        ("海洋生物", "食品", "水产", "海洋科技", "海藻"),
        ((_OCEAN, 0.55), (_MIIT, 0.3), (_COMMERCE, 0.15)),
    ),
    "时尚与休闲运动产品": Cluster(
        0.08, 0.20, 0.1, 0.03, False,
        ("渔具", "户外运动用品", "高端纺织服装", "家纺", "休闲运动器材"),
        ("渔具", "服饰", "纺织", "体育用品", "户外用品"),
        ((_MIIT, 0.6), (_COMMERCE, 0.4)),
    ),
    "康养旅游": Cluster(
        0.12, 0.02, 0.1, 0.01, False,
        ("滨海康养", "文旅综合体", "温泉度假", "海岛旅游", "精品民宿集群", "康养社区"),
        ("文旅发展", "康养", "旅游开发"),
        ((_TOURISM, 0.65), (_HOUSING, 0.35)),
    ),
    "新能源": Cluster(
        0.16, 0.06, 0.9, 0.005, True,
        ("海上风电", "光伏发电", "储能电站", "氢能产业园", "核电配套装备", "风电装备"),
        ("新能源", "能源科技", "电力科技", "储能技术"),
        ((_DRC, 0.7), (_OCEAN, 0.15), (_MIIT, 0.15)),
    ),
}  # fmt: skip

FUND_LINES: tuple[tuple[str, bool, str, str], ...] = (
    # (fund line, pooled, 中文, English)
    ("srdi_cultivation", True, "专精特新培育资金", "SRDI cultivation fund"),
    ("above_size_upgrade", True, "小升规培育资金", "Above-size upgrade fund"),
    ("tech_renovation", False, "技术改造专项资金", "Technical renovation fund (earmarked)"),
    ("project_factor_support", True, "重点项目要素保障资金", "Key-project factor support fund"),
    ("enterprise_awards", True, "企业奖励资金", "Enterprise awards (entitlements)"),
)
_OTHER_RESOURCES: tuple[tuple[str, str, str, str, str], ...] = (
    # (resource, unit, 中文, English, the assumption that sizes it)
    (
        "service_agency_slots",
        "slots",
        "优质服务机构服务名额",
        "Service-agency slots",
        "agency_slot_ratio",
    ),
    ("land_quota_mu", "mu", "新增建设用地指标（亩）", "Land quota (mu)", "factor_quota_ratio"),
    ("energy_quota_tce", "tce", "能耗指标（吨标准煤）", "Energy quota (tce)", "factor_quota_ratio"),
)
TARGETS: tuple[tuple[str, str, str, str], ...] = (
    # (target, unit, 中文, English)
    (
        "new_srdi_champion",
        "firms",
        "新增省级以上专精特新和单项冠军企业",
        "New SRDI & champion firms",
    ),
    ("new_above_size", "firms", "新增规上工业企业", "New above-size industrial firms"),
    ("new_ten_billion", "firms", "新增百亿级企业", "New 10-billion firms"),
    ("new_innovative_sme", "firms", "新增创新型中小企业", "New innovative SMEs"),
    ("projects_started", "projects", "重点项目新开工", "Key projects started"),
    ("investment_completed", "万元", "重点项目年度投资完成", "Annual investment completed"),
)
_RUNG_TARGET = {
    "start": "projects_started",
    "above_size": "new_above_size",
    "innovative_sme": "new_innovative_sme",
    "srdi": "new_srdi_champion",
    "little_giant": "new_srdi_champion",
    "champion": "new_srdi_champion",
    "ten_billion": "new_ten_billion",
}
OPTION_LABELS: dict[str, tuple[str, str]] = {
    "assisted_handling": ("帮办代办", "Assisted handling"),
    "factor_guarantee": ("帮办代办+要素保障", "Assisted handling + factor guarantee"),
    "full_support": ("帮办代办+要素保障+融资调度", "Assisted handling + factors + financing"),
    "upgrade_guidance": ("升规指导", "Upgrade guidance"),
    "guidance_and_orders": ("升规指导+产需对接", "Upgrade guidance + order matching"),
    "tech_renovation": ("技改补助", "Tech-renovation subsidy"),
    "application_coaching": ("服务机构申报辅导", "Application coaching"),
    "coaching_and_ip": ("申报辅导+知识产权服务", "Coaching + IP service"),
    "coaching_ip_rd_subsidy": ("辅导+知识产权+研发补助", "Coaching + IP + R&D subsidy"),
    "coaching_ip_rd_centre": ("辅导+知识产权+研发机构建设", "Coaching + IP + R&D centre"),
    "dispatch": ("实时调度", "Real-time dispatch"),
    "dispatch_and_factors": ("实时调度+要素保障", "Dispatch + factor guarantee"),
    "dispatch_factors_renovation": (
        "调度+要素保障+技改补助",
        "Dispatch + factors + tech renovation",
    ),
}

# Numerical guards, not policy: no chance is exactly 0, and every option must raise the chance.
_MIN_PROBABILITY = 0.01
_MIN_HEADROOM = 0.02

GATES = ("approval", "land", "planning", "environment", "energy", "construction_permit", "sea_use")
_CANDIDATE_STAGES = ("reserve", "review_integration", "assisted_handling", "factor_guarantee")


@dataclass(frozen=True)
class _Population:
    """How many projects and firms of which kinds (DOMAIN.md §4–5)."""

    n_projects: int = 800
    # stage shares: reserve → ... → production (started ones are not candidates)
    stage_shares: tuple[tuple[str, float], ...] = (
        ("reserve", 0.10),
        ("review_integration", 0.15),
        ("assisted_handling", 0.18),
        ("factor_guarantee", 0.27),
        ("started", 0.25),
        ("production", 0.05),
    )
    review_in_plan_share: float = 0.5  # review-integration projects already in the plan library
    level_shares: tuple[float, float] = (0.10, 0.30)  # province, city; the rest county
    investment_mean: float = 40_000.0  # 万元 (≈ 4 亿元, 2023: 433 million a project)
    investment_sigma: float = 1.0
    investment_min: float = 3_000.0
    annual_share: tuple[float, float] = (0.20, 0.35)
    land_intensity: tuple[float, float] = (300.0, 400.0)  # 万元 of investment per mu
    no_land_share: float = 0.15  # renovation projects on existing land
    offshore_share: float = 0.35  # of offshore-capable projects in offshore districts
    n_major_layout: int = 20
    n_engine: int = 6
    # gate still open, by stage (reserve: every gate the project needs)
    open_gate_share: tuple[tuple[str, tuple[float, ...]], ...] = (
        # approval, land, planning, environment, energy, construction_permit, sea_use
        ("review_integration", (0.85, 0.9, 0.9, 0.9, 0.9, 1.0, 0.95)),
        ("assisted_handling", (0.35, 0.6, 0.6, 0.5, 0.5, 1.0, 0.7)),
        ("factor_guarantee", (0.03, 0.45, 0.2, 0.15, 0.35, 0.8, 0.35)),
    )
    # The date the demo's data describe: early April, just after the first-quarter report (when a
    # city counts its starts), so planned starts from January to March are already due.
    as_of: str = "2026-04-10"
    # Days a project not yet started has spent in its current stage: lognormal around a median by
    # stage, longer with every approval gate still open and every month its planned start is overdue
    # (what keeps a project in a stage is usually an open gate).
    stage_days_median: tuple[tuple[str, float], ...] = (
        ("reserve", 120.0),
        ("review_integration", 24.0),
        ("assisted_handling", 22.0),
        ("factor_guarantee", 24.0),
    )
    stage_days_sigma: float = 0.55
    stage_days_per_gate: float = 0.1
    stage_days_per_overdue_month: float = 0.2
    production_days: tuple[int, int] = (20, 400)  # in production since (days before as_of)
    n_firms: int = 2500
    size_counts: tuple[tuple[str, int], ...] = (
        ("seed", 450),
        ("quasi_above_size", 400),
        ("large", 200),
        ("ten_billion", 3),
    )  # above_size: the rest, less the 10-billion candidates
    n_ten_billion_candidates: int = 6  # firms at 7–10 billion yuan (counted as large)
    quality_shares: tuple[tuple[str, tuple[float, ...]], ...] = (
        # none, innovative_sme, srdi, little_giant, champion
        ("seed", (0.85, 0.15, 0.0, 0.0, 0.0)),
        ("quasi_above_size", (0.70, 0.25, 0.05, 0.0, 0.0)),
        ("above_size", (0.42, 0.30, 0.23, 0.03, 0.02)),
        ("large", (0.25, 0.15, 0.30, 0.15, 0.15)),
        ("ten_billion", (0.0, 0.0, 0.0, 0.34, 0.66)),
    )


POPULATION = _Population()

# Firm attributes by quality tier: (rd_ratio median, class-I IP mean, other IP mean, high-tech share,
# R&D institution shares none/city/provincial/national, niche-share median, main-share low)
_TIER_PROFILE: dict[str, tuple] = {
    "none": (0.009, 0.3, 1.0, 0.02, (0.88, 0.11, 0.01, 0.0), 0.004, 0.40),
    "innovative_sme": (0.030, 1.5, 4.0, 0.35, (0.45, 0.35, 0.18, 0.02), 0.012, 0.55),
    "srdi": (0.042, 3.0, 6.0, 0.6, (0.2, 0.4, 0.35, 0.05), 0.04, 0.65),
    "little_giant": (0.05, 6.0, 9.0, 0.9, (0.0, 0.2, 0.55, 0.25), 0.15, 0.75),
    "champion": (0.045, 8.0, 12.0, 0.9, (0.0, 0.15, 0.5, 0.35), 0.25, 0.75),
}

_NAME_SYLLABLES = tuple(
    "海华泰鑫宏恒瑞远盛达源信康明润嘉新东裕安丰众祥金蓝天誉和通峰德正晟博创联隆星洋航力云卓凯迈汇捷豪"
)
_FIRM_PLACES = {d.name: d.short.removesuffix("区").removesuffix("市") for d in DISTRICTS}
_FIRM_PLACES.update({"火炬高技术产业开发区": "威海", "经济技术开发区": "威海", "南海新区": "威海"})
_PROJECT_SUFFIXES = (
    "产业园项目",
    "生产基地项目",
    "扩建项目",
    "研发中心项目",
    "智能化改造项目",
    "基地建设项目",
)
_TOURISM_SUFFIXES = ("项目", "综合体项目", "开发项目", "提升项目")
_NO_LAND_SUFFIXES = ("智能化改造项目", "技术改造项目")


def default_assumptions() -> pd.DataFrame:
    """The default policy assumptions table (see `data.assumptions`).

    Returns
    -------
    pandas.DataFrame
        Columns ``key, value, unit, description_en, description_zh, source``.
    """
    return _default_assumptions()


# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------


def _choice(rng: np.random.Generator, items: list, weights: list[float], size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(items, dtype=object), size=size, p=w / w.sum())


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _combined_uplift(uplifts: list[float]) -> float:
    """Share of the headroom closed by several supports together: each closes its share of what the
    previous ones left (so adding support has diminishing returns)."""
    left = 1.0
    for u in uplifts:
        left *= 1.0 - min(1.0, max(0.0, u))
    return 1.0 - left


def _clip_cost(amount: float, low: float, high: float) -> float:
    return float(min(high, max(low, amount)))


def _yn(values: np.ndarray) -> list[str]:
    return ["Y" if bool(v) else "N" for v in values]


# ---------------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------------


def _projects(rng: np.random.Generator, values: dict[str, float]) -> pd.DataFrame:
    pop = POPULATION
    n = pop.n_projects
    district_names = [d.name for d in DISTRICTS]
    district = _choice(rng, district_names, [d.project_share for d in DISTRICTS], n)
    cluster_names = list(CLUSTERS)
    cluster = _choice(rng, cluster_names, [c.project_share for c in CLUSTERS.values()], n)
    stages = [s for s, _ in pop.stage_shares]
    stage = _choice(rng, stages, [w for _, w in pop.stage_shares], n)

    sigma = pop.investment_sigma
    mu = math.log(pop.investment_mean) - sigma**2 / 2
    total = np.maximum(pop.investment_min, rng.lognormal(mu, sigma, n))
    total = np.round(total, -1)
    annual = np.round(total * rng.uniform(*pop.annual_share, n), 0)

    # levels follow size loosely: rank by log investment with noise
    rank_key = np.log(total) + rng.normal(0.0, 0.6, n)
    order = np.argsort(-rank_key, kind="stable")
    level = np.empty(n, dtype=object)
    n_province = round(pop.level_shares[0] * n)
    n_city = round(pop.level_shares[1] * n)
    level[order[:n_province]] = "province"
    level[order[n_province : n_province + n_city]] = "city"
    level[order[n_province + n_city :]] = "county"

    lead = np.empty(n, dtype=object)
    offshore_district = {d.name: d.offshore for d in DISTRICTS}
    short = {d.name: d.short for d in DISTRICTS}
    names: list[str] = []
    seen: set[str] = set()
    needs_land = np.empty(n, dtype=bool)
    offshore = np.empty(n, dtype=bool)
    energy = np.empty(n)
    for i in range(n):
        c = CLUSTERS[cluster[i]]
        depts = [d for d, _ in c.lead_departments]
        weights = np.array([w for _, w in c.lead_departments])
        lead[i] = depts[rng.choice(len(depts), p=weights / weights.sum())]
        offshore[i] = bool(
            c.offshore and offshore_district[district[i]] and rng.random() < pop.offshore_share
        )
        product = c.products[rng.integers(len(c.products))]
        if cluster[i] == "康养旅游":
            suffix = _TOURISM_SUFFIXES[rng.integers(len(_TOURISM_SUFFIXES))]
        else:
            suffix = _PROJECT_SUFFIXES[rng.integers(len(_PROJECT_SUFFIXES))]
            if rng.random() < pop.no_land_share:
                suffix = _NO_LAND_SUFFIXES[rng.integers(len(_NO_LAND_SUFFIXES))]
        needs_land[i] = suffix not in _NO_LAND_SUFFIXES and not (
            offshore[i] and product in ("海上风电", "海洋牧场")
        )
        base_name = name = f"{short[district[i]]}{product}{suffix}"
        phase = 2
        while name in seen:  # later phases of the same park, as cities name them
            numeral = "一二三四五六七八九十"[phase - 1] if phase <= 10 else str(phase)
            name = f"{base_name}（{numeral}期）"
            phase += 1
        seen.add(name)
        names.append(name)
        energy[i] = total[i] * c.energy_tce_per_wan * rng.lognormal(0.0, 0.7)

    energy = np.round(energy, 0)
    land = np.where(needs_land, np.round(total / rng.uniform(*pop.land_intensity, n), 1), 0.0)

    # open approval gates, consistent with the stage
    needs = {
        "approval": np.ones(n, dtype=bool),
        "land": needs_land,
        "planning": needs_land | (rng.random(n) < 0.5),
        "environment": np.array([cluster[i] != "康养旅游" or rng.random() < 0.5 for i in range(n)]),
        "energy": energy >= values["energy_review_min_tce"],
        "construction_permit": np.ones(n, dtype=bool),
        "sea_use": offshore,
    }
    open_share = dict(pop.open_gate_share)
    open_gates: list[str] = []
    for i in range(n):
        s = stage[i]
        if s in ("started", "production"):
            open_gates.append("")
            continue
        shares = (1.0,) * len(GATES) if s == "reserve" else open_share[s]
        gates = [
            g
            for g, share in zip(GATES, shares, strict=True)
            if needs[g][i] and rng.random() < share
        ]
        if not gates:  # a project not yet started still needs its construction permit
            gates = ["construction_permit"]
        open_gates.append(";".join(gates))

    library = np.where(
        (stage == "reserve")
        | ((stage == "review_integration") & (rng.random(n) >= pop.review_in_plan_share)),
        "reserve",
        "plan",
    )

    # about 20 major-productivity-layout projects among the largest plan-library ones, a few engines
    layout_key = np.where(library == "plan", np.log(total) + rng.normal(0.0, 0.4, n), -np.inf)
    layout_order = np.argsort(-layout_key, kind="stable")
    major = np.zeros(n, dtype=bool)
    major[layout_order[: pop.n_major_layout]] = True
    engine = np.zeros(n, dtype=bool)  # engines: some of the very largest
    engine[rng.choice(layout_order[: 2 * pop.n_engine], size=pop.n_engine, replace=False)] = True

    # started projects started early in the year; the others plan a start by stage
    month_base = {
        "started": (1, 4),
        "production": (1, 2),
        "factor_guarantee": (2, 8),
        "assisted_handling": (3, 10),
        "review_integration": (5, 12),
        "reserve": (7, 13),
    }
    month = np.array([rng.integers(*month_base[s]) for s in stage], dtype=float)

    return pd.DataFrame(
        {
            "project_id": [f"P{i + 1:04d}" for i in range(n)],
            "name": names,
            "district": district.astype(str).astype(object),
            "cluster": cluster.astype(str).astype(object),
            "level": level.astype(str).astype(object),
            "lead_department": lead.astype(str).astype(object),
            "library": library.astype(str).astype(object),
            "stage": stage.astype(str).astype(object),
            "total_investment": total.astype(float),
            "annual_investment": annual.astype(float),
            "land_mu": land.astype(float),
            "energy_tce": energy.astype(float),
            "open_gates": open_gates,
            "major_layout": _yn(major),
            "engine": _yn(engine),
            "planned_start_month": month,
        }
    ).astype({"name": object, "open_gates": object, "major_layout": object, "engine": object})


def _stage_entered(projects: pd.DataFrame, seed: int) -> list[str]:
    """The date (ISO) each project entered its current stage, on or before ``POPULATION.as_of``.

    Drawn from a stream of its own (``PCG64([seed, 1])``) so that adding these dates left every other
    value of the demo as it was. A started project entered ``started`` on a day of its planned start
    month; a producing one some months ago; the others spent a lognormal number of days in their
    stage (see `_Population`).
    """
    pop = POPULATION
    rng = np.random.Generator(np.random.PCG64([seed, 1]))
    as_of = pd.Timestamp(pop.as_of)
    median = dict(pop.stage_days_median)
    dates: list[str] = []
    for row in projects.itertuples(index=False):
        month = int(row.planned_start_month)
        if row.stage == "started":
            start = pd.Timestamp(year=as_of.year, month=month, day=1)
            last = min(as_of, start + pd.offsets.MonthEnd(0))
            entered = start + pd.Timedelta(days=int(rng.integers(0, (last - start).days + 1)))
        elif row.stage == "production":
            entered = as_of - pd.Timedelta(days=int(rng.integers(*pop.production_days)))
        else:
            gates = len([g for g in str(row.open_gates).split(";") if g])
            overdue = max(0, as_of.month - month) if as_of.month > month else 0
            centre = median[row.stage] * (
                1.0 + pop.stage_days_per_gate * gates + pop.stage_days_per_overdue_month * overdue
            )
            days = int(round(centre * rng.lognormal(0.0, pop.stage_days_sigma)))
            entered = as_of - pd.Timedelta(days=max(1, days))
        dates.append(entered.date().isoformat())
    return dates


def _option(name: str, fund_line: str, cost: float, uplifts: list[float], **use: float) -> dict:
    """One support option before pricing: what it costs, from which fund line, which resources it
    uses, and the share of the candidate's headroom it closes."""
    return {
        "option": name,
        "fund_line": fund_line,
        "cost": float(cost),
        "uplift": _combined_uplift(uplifts),
        **use,
    }


def _project_options(project: dict, values: dict[str, float]) -> tuple[float, float, list[dict]]:
    """Base probability, ceiling and options of one project's start this year.

    The base falls with every approval gate still open and with every month the planned start lies
    after ``project_late_month``; assisted handling uses the lead
    department's staff days per open gate; the factor guarantee adds the land and energy quotas the
    project still waits for and early-stage money; the full package adds financing and dispatch.
    """
    v = values
    stage = project["stage"]
    gates = [g for g in project["open_gates"].split(";") if g]
    ceiling = min(v[f"project_ceiling_{stage}"], v["probability_cap"])
    late_months = max(0.0, project["planned_start_month"] - v["project_late_month"])
    base = (
        v[f"project_base_{stage}"]
        - v["project_gate_penalty"] * len(gates)
        - v["project_late_penalty"] * late_months
    )
    if project["library"] == "reserve":
        base *= v["project_reserve_library_factor"]
    base = min(max(base, _MIN_PROBABILITY), ceiling - _MIN_HEADROOM)

    staff = {_STAFF_RESOURCE[project["lead_department"]]: v["assisted_days_per_gate"] * len(gates)}
    dispatch = {k: days + v["dispatch_extra_days"] for k, days in staff.items()}
    quota_uplifts: list[float] = []
    quotas: dict[str, float] = {}
    if "land" in gates and project["land_mu"] > 0:
        quota_uplifts.append(v["land_quota_uplift"])
        quotas["land_quota_mu"] = project["land_mu"]
    if "energy" in gates and project["energy_tce"] > 0:
        quota_uplifts.append(v["energy_quota_uplift"])
        quotas["energy_quota_tce"] = project["energy_tce"]
    annual = project["annual_investment"]
    factor_cost = _clip_cost(
        v["factor_support_rate"] * annual, v["factor_support_min"], v["factor_support_cap"]
    )
    financing_cost = _clip_cost(
        v["financing_rate"] * annual, v["financing_min"], v["financing_cap"]
    )
    assist = [v["assisted_uplift"]]
    factors = assist + quota_uplifts + [v["factor_support_uplift"]]
    line = "project_factor_support"
    options = [
        _option("assisted_handling", "", 0.0, assist, **staff),
        _option("factor_guarantee", line, factor_cost, factors, **staff, **quotas),
        _option(
            "full_support",
            line,
            factor_cost + financing_cost,
            factors + [v["financing_uplift"]],
            **dispatch,
            **quotas,
        ),
    ]
    return base, ceiling, options


# ---------------------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------------------


def _firm_names(
    rng: np.random.Generator, district: np.ndarray, cluster: np.ndarray, size: np.ndarray
) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    syllables = _NAME_SYLLABLES
    for i in range(len(district)):
        words = CLUSTERS[cluster[i]].firm_words
        if size[i] == "ten_billion":
            form = "集团有限公司"
        elif size[i] == "large":
            form = "股份有限公司" if rng.random() < 0.6 else "集团有限公司"
        else:
            form = "有限公司" if rng.random() < 0.9 else "股份有限公司"
        while True:
            brand = (
                syllables[rng.integers(len(syllables))] + syllables[rng.integers(len(syllables))]
            )
            if brand[0] == brand[1]:
                continue
            name = f"{_FIRM_PLACES[district[i]]}{brand}{words[rng.integers(len(words))]}{form}"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def _enterprises(rng: np.random.Generator) -> pd.DataFrame:
    pop = POPULATION
    counts = dict(pop.size_counts)
    n_above = pop.n_firms - sum(counts.values()) - pop.n_ten_billion_candidates
    size = np.array(
        ["seed"] * counts["seed"]
        + ["quasi_above_size"] * counts["quasi_above_size"]
        + ["above_size"] * n_above
        + ["large"] * (counts["large"] + pop.n_ten_billion_candidates)
        + ["ten_billion"] * counts["ten_billion"],
        dtype=object,
    )
    n = len(size)
    near_ten = np.zeros(n, dtype=bool)
    first_large = counts["seed"] + counts["quasi_above_size"] + n_above
    near_ten[first_large : first_large + pop.n_ten_billion_candidates] = True

    revenue = np.empty(n)
    revenue[size == "seed"] = np.clip(
        rng.lognormal(math.log(700.0), 0.5, counts["seed"]), 80.0, 1_500.0
    )
    revenue[size == "quasi_above_size"] = np.clip(
        2000.0 * rng.lognormal(-0.22, 0.17, counts["quasi_above_size"]), 1_100.0, 3_000.0
    )
    revenue[size == "above_size"] = np.clip(
        2000.0 * np.exp(rng.gamma(1.2, 0.85, n_above)), 2_000.0, 39_000.0
    )
    n_large = counts["large"]
    large_idx = np.flatnonzero((size == "large") & ~near_ten)
    revenue[large_idx] = np.clip(40_000.0 * np.exp(rng.gamma(1.0, 0.9, n_large)), 40_000, 600_000)
    # spread over 7.2–9.5 billion yuan so that the 10-billion target is uncertain for every seed
    k = pop.n_ten_billion_candidates
    revenue[near_ten] = np.linspace(720_000.0, 950_000.0, k) + rng.uniform(-15_000.0, 15_000.0, k)
    revenue[size == "ten_billion"] = rng.uniform(1_100_000.0, 2_600_000.0, counts["ten_billion"])

    quality = np.empty(n, dtype=object)
    for tier, shares in pop.quality_shares:
        idx = np.flatnonzero(size == tier)
        quality[idx] = _choice(rng, list(criteria.QUALITY_LADDER), list(shares), len(idx))
    quality[near_ten] = _choice(
        rng, ["srdi", "little_giant", "champion"], [1, 1, 2], int(near_ten.sum())
    )

    district = _choice(rng, [d.name for d in DISTRICTS], [d.firm_share for d in DISTRICTS], n)
    cluster = _choice(rng, list(CLUSTERS), [c.firm_share for c in CLUSTERS.values()], n)

    young = np.isin(size, ["seed", "quasi_above_size"])
    growth = np.where(young, rng.normal(0.12, 0.14, n), rng.normal(0.07, 0.10, n))
    growth[near_ten] = rng.normal(0.06, 0.02, k)
    growth = np.clip(growth, -0.35, 0.8)
    growth_2y = np.clip(0.6 * growth + 0.4 * rng.normal(0.07, 0.08, n), -0.3, 0.6)
    growth_2y[near_ten] = growth[near_ten] + rng.normal(0.0, 0.01, k)
    revenue = np.round(revenue, 0)
    revenue_last = np.round(revenue / (1.0 + growth), 0)
    growth = revenue / revenue_last - 1.0  # exactly consistent with the two revenues

    profile = [_TIER_PROFILE[q] for q in quality]
    rd_median = np.array([p[0] for p in profile]) * np.where(revenue > 40_000, 0.7, 1.0)
    rd_ratio = np.clip(rd_median * rng.lognormal(0.0, 0.4, n), 0.0, 0.25)
    rd_expense = np.round(rd_ratio * revenue, 1)
    rd_ratio = np.round(np.where(revenue > 0, rd_expense / revenue, 0.0), 4)
    ip_class1 = rng.poisson([p[1] for p in profile]).astype(float)
    ip_other = rng.poisson([p[2] for p in profile]).astype(float)
    high_tech = rng.random(n) < np.array([p[3] for p in profile])
    levels = ["none", "city", "provincial", "national"]
    rd_level = np.array(
        [levels[rng.choice(4, p=np.array(p[4]) / sum(p[4]))] for p in profile], dtype=object
    )
    niche = np.clip(np.array([p[5] for p in profile]) * rng.lognormal(0.0, 0.8, n), 0.0005, 0.7)
    share_low = np.array([p[6] for p in profile])
    main_share = np.round(rng.uniform(share_low, 1.0), 3)
    debt = np.round(np.clip(rng.normal(0.52, 0.15, n), 0.08, 0.95), 3)
    tier_rank = np.array([criteria.quality_rank(q) for q in quality])
    years = np.clip(1 + rng.poisson(2.0 + 2.5 * tier_rank + np.where(young, 0, 3)), 1, 40)
    strategic = rng.random(n) < np.array([CLUSTERS[c].strategic_share for c in cluster])
    equity = np.where(rng.random(n) < 0.08, np.round(rng.lognormal(math.log(800), 0.8, n), 0), 0.0)
    st_award = rng.random(n) < 0.01 + 0.02 * tier_rank
    refinement = np.round(np.clip(rng.uniform(0.2, 0.8, n) + 0.05 * tier_rank, 0.0, 1.0), 2)
    national_rank = np.maximum(1, np.round(0.5 / niche * rng.lognormal(0.0, 0.4, n)))
    provincial_rank = np.maximum(1, np.round(national_rank / rng.uniform(1.0, 3.0, n)))
    has_equipment = (rng.random(n) < np.where(young, 0.3, 0.45)) | near_ten
    equipment = np.where(
        has_equipment,
        np.round(revenue * rng.uniform(0.05, 0.35, n) + rng.uniform(0, 400, n), 0),
        0.0,
    )

    names = _firm_names(rng, district, cluster, size)
    frame = pd.DataFrame(
        {
            "firm_id": [f"F{i + 1:05d}" for i in range(n)],
            "name": names,
            "district": district.astype(str).astype(object),
            "cluster": cluster.astype(str).astype(object),
            "size_tier": size.astype(str).astype(object),
            "quality_tier": quality.astype(str).astype(object),
            "revenue": revenue.astype(float),
            "revenue_last_year": revenue_last.astype(float),
            "revenue_growth": np.round(growth, 4),
            "growth_2y_avg": np.round(growth_2y, 4),
            "rd_expense": rd_expense,
            "rd_ratio": rd_ratio,
            "debt_ratio": debt,
            "main_business_share": main_share,
            "ip_class1": ip_class1,
            "ip_other": ip_other,
            "years_in_niche": years.astype(float),
            "strategic_emerging": _yn(strategic),
            "high_tech_cert": _yn(high_tech),
            "equity_financing_3y": equity,
            "niche_market_share": np.round(niche, 4),
            "has_rd_institution": _yn(rd_level != "none"),
            "innovation_score": 0.0,
            "srdi_score": 0.0,
            # extras used by the criteria and the options
            "rd_institution_level": rd_level.astype(str).astype(object),
            "st_award": _yn(st_award),
            "refinement_index": refinement,
            "provincial_rank": provincial_rank.astype(float),
            "national_rank": national_rank.astype(float),
            "planned_equipment_investment": equipment,
        }
    ).astype(
        {
            "name": object,
            "strategic_emerging": object,
            "high_tech_cert": object,
            "has_rd_institution": object,
            "st_award": object,
        }
    )
    records = frame.to_dict("records")
    frame["innovation_score"] = [criteria.innovative_sme_score(r) for r in records]
    frame["srdi_score"] = [round(criteria.srdi_score(r), 1) for r in records]
    return frame


def _growth_rung(
    firm: dict, threshold: float, uplift_max: float, values: dict[str, float]
) -> tuple[float, float]:
    """Base and best chance that revenue crosses ``threshold`` this year.

    The growth needed is compared with the firm's momentum (the mean of last year's and the 2-year
    growth), with normal uncertainty ``growth_sd``; full support adds up to ``uplift_max`` growth.
    """
    needed = threshold / firm["revenue"] - 1.0
    sd = values["growth_sd"]
    cap = values["probability_cap"]
    momentum = 0.5 * (firm["revenue_growth"] + firm["growth_2y_avg"])
    base = _normal_cdf((momentum - needed) / sd)
    ceiling = min(_normal_cdf((momentum + uplift_max - needed) / sd), cap)
    base = min(max(base, _MIN_PROBABILITY / 10), ceiling - _MIN_HEADROOM)
    return base, ceiling


def _tech_subsidy(firm: dict, values: dict[str, float]) -> float:
    """The technical-renovation subsidy the firm's planned equipment investment qualifies for
    (0 below the minimum investment); firms above 10 billion yuan get the higher rate and cap."""
    equipment = firm["planned_equipment_investment"]
    if equipment < values["tech_renovation_min_equipment"]:
        return 0.0
    if firm["revenue"] >= criteria.TEN_BILLION_REVENUE:
        rate, cap = (
            values["tech_renovation_rate_ten_billion"],
            values["tech_renovation_cap_ten_billion"],
        )
    else:
        rate, cap = values["tech_renovation_rate"], values["tech_renovation_cap"]
    return min(rate * equipment, cap)


def _firm_options(firm: dict, rung: str, values: dict[str, float]) -> list[dict]:
    """The support menu of one firm for one rung (before probabilities)."""
    v = values
    subsidy = _tech_subsidy(firm, v)
    renovation = [v["tech_renovation_uplift"]]
    if rung == "above_size":
        slots = {"service_agency_slots": v["agency_slots_per_guided_firm"]}
        guidance = [v["upgrade_guidance_uplift"]]
        orders = guidance + [v["order_matching_uplift"]]
        line = "above_size_upgrade"
        options = [
            _option("upgrade_guidance", line, v["upgrade_guidance_cost"], guidance, **slots),
            _option(
                "guidance_and_orders",
                line,
                v["upgrade_guidance_cost"] + v["order_matching_cost"],
                orders,
                **slots,
            ),
        ]
        if subsidy > 0:
            options.append(_option("tech_renovation", "tech_renovation", subsidy, renovation))
        return options
    if rung == "ten_billion":
        staff = {"staff_days_industry": v["dispatch_staff_days"]}
        quotas = {
            "land_quota_mu": v["ten_billion_factor_land_mu"],
            "energy_quota_tce": v["ten_billion_factor_energy_tce"],
        }
        dispatch = [v["dispatch_uplift"]]
        factors = dispatch + [v["ten_billion_factor_uplift"]]
        options = [
            _option("dispatch", "", 0.0, dispatch, **staff),
            _option(
                "dispatch_and_factors",
                "project_factor_support",
                v["ten_billion_factor_cost"],
                factors,
                **staff,
                **quotas,
            ),
        ]
        if subsidy > 0:
            options.append(
                _option(
                    "dispatch_factors_renovation",
                    "tech_renovation",
                    subsidy,
                    factors + renovation,
                    **staff,
                    **quotas,
                )
            )
        return options
    # quality rungs: coaching by a service agency, then IP service, R&D subsidy, R&D-centre help
    slots = {"service_agency_slots": v["agency_slots_per_option"]}
    line = "srdi_cultivation"
    coaching = v[f"coaching_cost_{rung}"]
    with_ip_cost = coaching + v["ip_service_cost"]
    coach = [v["coaching_uplift"]]
    with_ip = coach + [v["ip_service_uplift"]]
    options = [
        _option("application_coaching", line, coaching, coach, **slots),
        _option("coaching_and_ip", line, with_ip_cost, with_ip, **slots),
    ]
    if rung == "innovative_sme":
        return options
    rd_subsidy = _clip_cost(
        v["rd_subsidy_rate"] * firm["rd_expense"], v["rd_subsidy_min"], v["rd_subsidy_cap"]
    )
    with_rd = with_ip + [v["rd_subsidy_uplift"]]
    options.append(
        _option("coaching_ip_rd_subsidy", line, with_ip_cost + rd_subsidy, with_rd, **slots)
    )
    if rung == "champion":  # a champion's strongest lever is renovation, not an R&D centre
        if subsidy > 0:
            options.append(_option("tech_renovation", "tech_renovation", subsidy, renovation))
    elif criteria.rd_institution_level(firm) in ("none", "city"):
        options.append(
            _option(
                "coaching_ip_rd_centre",
                line,
                with_ip_cost + rd_subsidy + v["rd_centre_cost"],
                with_rd + [v["rd_centre_uplift"]],
                **slots,
            )
        )
    return options


def _firm_candidacies(firm: dict, values: dict[str, float]) -> list[tuple[str, float, float]]:
    """(rung, base, ceiling) for each rung this firm could reach this year.

    Size: seed and quasi-above-size firms → above_size; firms at ``ten_billion_candidate_share`` of
    10 billion yuan or more → ten_billion. Quality: the next rung of the ladder, and for SRDI firms
    also the provincial champion. A quality candidate's base chance decays with its gap index (the
    summed relative shortfall against the rung's criteria); firms too far away are left out.
    """
    v = values
    out: list[tuple[str, float, float]] = []
    size = firm["size_tier"]
    if size in ("seed", "quasi_above_size"):
        base, ceiling = _growth_rung(
            firm, criteria.ABOVE_SIZE_REVENUE, v["growth_uplift_above_size"], v
        )
        if ceiling >= v["min_candidate_probability"]:
            out.append(("above_size", base, ceiling))
    elif (
        size != "ten_billion"
        and firm["revenue"] >= v["ten_billion_candidate_share"] * criteria.TEN_BILLION_REVENUE
    ):
        base, ceiling = _growth_rung(
            firm, criteria.TEN_BILLION_REVENUE, v["growth_uplift_ten_billion"], v
        )
        if ceiling >= v["min_candidate_probability"]:
            out.append(("ten_billion", base, ceiling))
    quality = firm["quality_tier"]
    rungs = []
    nxt = criteria.next_quality_rung(quality)
    if nxt is not None:
        rungs.append(nxt)
    if quality == "srdi":  # provincial champions need not be little giants first
        rungs.append("champion")
    for rung in rungs:
        gap = criteria.check_rung(firm, rung).gap_index
        if gap > v["max_candidate_gap"]:
            continue
        ceiling = min(
            v[f"ceiling_{rung}"] * math.exp(-v["support_gap_decay"] * gap), v["probability_cap"]
        )
        if ceiling < v["min_candidate_probability"]:
            continue
        base = v[f"p_meet_{rung}"] * math.exp(-v["gap_decay"] * gap)
        out.append((rung, min(base, ceiling - _MIN_HEADROOM), ceiling))
    return out


# ---------------------------------------------------------------------------------------------------
# Candidates, options and contributions
# ---------------------------------------------------------------------------------------------------


def _priced_options(candidate_id: str, base: float, ceiling: float, menu: list[dict]) -> list[dict]:
    """Probabilities for a menu (base + uplift × headroom), keeping only options that are not
    dominated: sorted by cost, each must raise the probability (so stronger always costs more)."""
    rows: list[dict] = []
    for item in sorted(menu, key=lambda o: (o["cost"], o["uplift"])):
        p = round(base + (ceiling - base) * item["uplift"], 4)
        cost = round(float(item["cost"]), 1)
        if rows and (p <= rows[-1]["probability"] or cost < rows[-1]["cost"]):
            continue
        if rows and cost == rows[-1]["cost"]:
            rows.pop()  # same cost, higher chance: the weaker one is dominated
        row = {k: val for k, val in item.items() if k != "uplift"}
        row.update(candidate_id=candidate_id, probability=p, cost=cost)
        if cost == 0:
            row["fund_line"] = ""
        rows.append(row)
    return rows


def _awards(values: dict[str, float]) -> dict[str, float]:
    return {
        "start": 0.0,
        "above_size": values["award_above_size"],
        "innovative_sme": values["award_innovative_sme"],
        "srdi": values["award_srdi"],
        "little_giant": values["award_little_giant"],
        "champion": values["award_champion"],
        "ten_billion": values["award_ten_billion"],
    }


def generate_demo(seed: int = 2026, assumptions: pd.DataFrame | None = None) -> Workbook:
    """Generate the demo city's planning workbook.

    Parameters
    ----------
    seed : int, default 2026
        Seed of numpy's ``Generator(PCG64(seed))``; the same seed and assumptions give the same
        workbook, value for value.
    assumptions : pandas.DataFrame, optional
        The policy assumptions table (`default_assumptions` when omitted). Awards, subsidy rates and
        caps, uplifts, costs, staff days, agency slots, probability model, goals and budget ratios
        are read from it.

    Returns
    -------
    Workbook
        Every problem sheet plus the descriptive ``projects`` and ``enterprises`` sheets; candidates
        carry ``entity_id``, ``rung``, ``cluster``, ``lead_department``; budgets, resources and
        targets carry ``label_zh`` and ``label_en``.

    Raises
    ------
    ValueError
        If the assumptions table has an unknown key or a value that is not a number ≥ 0.
    """
    values = assumption_values(assumptions)
    rng = np.random.Generator(np.random.PCG64(seed))
    projects = _projects(rng, values)
    projects["stage_entered"] = _stage_entered(projects, seed)
    projects["stage_entered"] = projects["stage_entered"].astype(object)
    enterprises = _enterprises(rng)
    awards = _awards(values)

    candidates: list[dict] = []
    options: list[dict] = []
    contributions: list[dict] = []

    def add(
        entity: dict, kind: str, rung: str, base: float, ceiling: float, menu: list[dict], lead: str
    ) -> None:
        candidate_id = f"{entity['id']}-{rung}"
        priced = _priced_options(candidate_id, base, ceiling, menu)
        if len(priced) < 2:
            return  # not a decision worth showing
        award = awards[rung]
        candidates.append(
            {
                "candidate_id": candidate_id,
                "name": entity["name"],
                "kind": kind,
                "district": entity["district"],
                "base_probability": round(base, 4),
                "award": award,
                "award_line": "enterprise_awards" if award > 0 else "",
                "entity_id": entity["id"],
                "rung": rung,
                "cluster": entity["cluster"],
                "lead_department": lead,
            }
        )
        options.extend(priced)
        contributions.append(
            {"candidate_id": candidate_id, "target": _RUNG_TARGET[rung], "value": 1.0}
        )
        if kind == "project":
            contributions.append(
                {
                    "candidate_id": candidate_id,
                    "target": "investment_completed",
                    "value": float(entity["annual_investment"]),
                }
            )

    for project in projects.to_dict("records"):
        if project["stage"] not in _CANDIDATE_STAGES:
            continue
        base, ceiling, menu = _project_options(project, values)
        add(
            {**project, "id": project["project_id"]},
            "project",
            "start",
            base,
            ceiling,
            menu,
            project["lead_department"],
        )
    for firm in enterprises.to_dict("records"):
        for rung, base, ceiling in _firm_candidacies(firm, values):
            menu = _firm_options(firm, rung, values)
            add({**firm, "id": firm["firm_id"]}, "enterprise", rung, base, ceiling, menu, _MIIT)

    candidate_frame = pd.DataFrame(candidates)
    contribution_frame = pd.DataFrame(contributions)
    resources = _resources(options, values)
    option_frame = _option_frame(options, list(resources["resource"]))
    budgets = _budgets(candidate_frame, option_frame, values)
    targets = _targets(projects, candidate_frame, contribution_frame, values)

    return Workbook(
        budgets=budgets,
        resources=resources,
        targets=targets,
        candidates=_object_text(candidate_frame),
        contributions=_object_text(contribution_frame),
        options=option_frame,
        locks=empty_frame("locks"),
        floors=empty_frame("floors"),
        settings={
            "pool_share": values["pool_share"],
            "award_prudence": values["award_prudence"],
            # Not optimizer settings: the workbook keeps them as text (the date its data describe,
            # and when a project counts as stalled), so they travel with an export.
            "as_of": POPULATION.as_of,
            "stall_days": f"{values['stall_days']:g}",
        },
        projects=projects,
        enterprises=enterprises,
    )


def _object_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as object dtype holding Python str, as the workbook reader produces them."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(
            out[column]
        ):
            out[column] = pd.Series([str(x) for x in out[column]], dtype=object, index=out.index)
        elif pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("float64")
    return out


def _option_frame(options: list[dict], resource_names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(options)
    for name in resource_names:
        frame[name] = frame[name].fillna(0.0).astype(float) if name in frame else 0.0
    columns = ["candidate_id", "option", "probability", "fund_line", "cost", *resource_names]
    return _object_text(frame[columns])


def _strongest(options: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's strongest option (the highest probability)."""
    options = options.reset_index(drop=True)
    idx = options.groupby("candidate_id", sort=False)["probability"].idxmax()
    return options.loc[idx]


def _resources(options: list[dict], values: dict[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(options)
    strongest = _strongest(frame)
    rows = []
    for dept, resource, label_en in LEAD_DEPARTMENTS:
        rows.append(
            (
                resource,
                "staff days",
                f"{dept}工作人员人日",
                f"{label_en} staff days",
                "resource_ratio",
            )
        )
    rows.extend(_OTHER_RESOURCES)
    out = []
    for resource, unit, label_zh, label_en, ratio_key in rows:
        demand = float(strongest[resource].fillna(0.0).sum()) if resource in strongest else 0.0
        capacity = float(math.ceil(demand / values[ratio_key]))
        out.append(
            {
                "resource": resource,
                "capacity": capacity,
                "unit": unit,
                "label_zh": label_zh,
                "label_en": label_en,
            }
        )
    return _object_text(pd.DataFrame(out))


def _budgets(
    candidates: pd.DataFrame, options: pd.DataFrame, values: dict[str, float]
) -> pd.DataFrame:
    strongest = _strongest(options)
    upfront = strongest.groupby("fund_line")["cost"].sum()
    award_p = candidates.set_index("candidate_id")["award"]
    reserve_strong = float(
        (
            award_p.loc[strongest["candidate_id"]].to_numpy() * strongest["probability"].to_numpy()
        ).sum()
    )
    reserve_base = float((candidates["award"] * candidates["base_probability"]).sum())
    rows = []
    for line, pooled, label_zh, label_en in FUND_LINES:
        demand = float(upfront.get(line, 0.0))
        amount = demand / values["budget_ratio"]
        if line == "enterprise_awards":
            demand += reserve_strong * values["award_prudence"]
            amount = max(
                demand / values["budget_ratio"],
                values["awards_margin"] * reserve_base * values["award_prudence"],
            )
        rows.append(
            {
                "fund_line": line,
                "amount": float(round(amount, -1)),
                "pooled": pooled,
                "label_zh": label_zh,
                "label_en": label_en,
            }
        )
    frame = _object_text(pd.DataFrame(rows))
    frame["pooled"] = frame["pooled"].astype(bool)
    return frame


def _targets(
    projects: pd.DataFrame,
    candidates: pd.DataFrame,
    contributions: pd.DataFrame,
    values: dict[str, float],
) -> pd.DataFrame:
    plan = projects[projects["library"] == "plan"]
    started = int(plan["stage"].isin(["started", "production"]).sum())
    projects_goal = max(
        1.0, float(math.ceil(values["projects_started_plan_share"] * len(plan)) - started)
    )
    plan_candidates = plan[~plan["stage"].isin(["started", "production"])]
    investment_goal = float(
        round(values["investment_goal_share"] * plan_candidates["annual_investment"].sum(), -2)
    )
    goals = {
        "new_srdi_champion": values["goal_new_srdi_champion"],
        "new_above_size": values["goal_new_above_size"],
        "new_ten_billion": values["goal_new_ten_billion"],
        "new_innovative_sme": values["goal_new_innovative_sme"],
        "projects_started": projects_goal,
        "investment_completed": investment_goal,
    }
    weights = {"new_innovative_sme": values["weight_new_innovative_sme"]}
    present = set(contributions["target"])
    rows = [
        {
            "target": t,
            "goal": float(goals[t]),
            "weight": float(weights.get(t, 1.0)),
            "unit": unit,
            "label_zh": zh,
            "label_en": en,
        }
        for t, unit, zh, en in TARGETS
        if t in present and goals[t] > 0
    ]
    return _object_text(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------------
# Summary (docs/demo-city.md is generated from this)
# ---------------------------------------------------------------------------------------------------


def demo_summary(wb: Workbook) -> dict[str, pd.DataFrame]:
    """The demo's main counts and totals, as small tables.

    Parameters
    ----------
    wb : Workbook
        A workbook from `generate_demo`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``city`` (projects and firms), ``candidates`` (per rung: count, mean base and strongest
        probability), ``targets`` (goal, expectation with no support and with every candidate at
        its strongest option), ``budgets`` and ``resources`` (amount or capacity, strongest demand,
        ratio).
    """
    p, e, c = wb.projects, wb.enterprises, wb.candidates
    strongest = _strongest(wb.options).set_index("candidate_id")
    plan = p["library"] == "plan"
    started = p["stage"].isin(["started", "production"])
    small = e["size_tier"].isin(["seed", "quasi_above_size"])
    city = pd.DataFrame(
        [
            ("Key projects", len(p)),
            ("  in the plan library / already started", f"{int(plan.sum())} / {int(started.sum())}"),
            ("  province / city / county level", "/".join(str(int((p["level"] == lv).sum())) for lv in ("province", "city", "county"))),
            ("  waiting in the plan library / stalled in a stage", _stalled_summary(wb)),
            ("  major productivity layout / engine", f"{int((p['major_layout'] == 'Y').sum())} / {int((p['engine'] == 'Y').sum())}"),
            ("  total investment (亿元)", f"{p['total_investment'].sum() / 1e4:,.0f}"),
            ("  mean total investment (万元)", f"{p['total_investment'].mean():,.0f}"),
            ("  annual planned ÷ total investment", f"{p['annual_investment'].sum() / p['total_investment'].sum():.2f}"),
            ("Firms", len(e)),
            ("  seed + quasi-above-size: below / at or above 2000万元", f"{int((small & (e['revenue'] < 2000)).sum())} / {int((small & (e['revenue'] >= 2000)).sum())}"),
            ("  above-size / large / ten-billion", "/".join(str(int((e["size_tier"] == t).sum())) for t in ("above_size", "large", "ten_billion"))),
            ("  innovative SME / SRDI / little giant / champion", "/".join(str(int((e["quality_tier"] == t).sum())) for t in criteria.QUALITY_LADDER[1:])),
            ("  at 7–10 billion yuan", int(e["revenue"].between(700_000, 1_000_000, inclusive="left").sum())),
            ("Candidates / options", f"{len(c)} / {len(wb.options)}"),
        ],
        columns=["item", "value"],
    )  # fmt: skip
    c = c.assign(strongest=strongest.loc[c["candidate_id"], "probability"].to_numpy())
    rungs = (
        c.groupby("rung", sort=False)
        .agg(candidates=("candidate_id", "size"), base=("base_probability", "mean"), strongest=("strongest", "mean"))
        .round(3)
        .reset_index()
    )  # fmt: skip
    k = wb.contributions.merge(c[["candidate_id", "base_probability", "strongest"]])
    expected = pd.DataFrame(
        {
            "base": (k["value"] * k["base_probability"]).groupby(k["target"]).sum(),
            "strongest": (k["value"] * k["strongest"]).groupby(k["target"]).sum(),
        }
    )
    targets = wb.targets[["target", "goal", "weight", "unit"]].join(expected, on="target")
    targets["base"] = targets["base"].round(1)
    targets["strongest"] = targets["strongest"].round(1)
    upfront = strongest.groupby("fund_line")["cost"].sum()
    award = c.set_index("candidate_id")["award"]
    reserve = float((award * c.set_index("candidate_id")["strongest"]).sum())
    budgets = wb.budgets[["fund_line", "amount", "pooled"]].copy()
    budgets["strongest"] = [
        round(float(upfront.get(line, 0.0)) + (reserve if line == "enterprise_awards" else 0.0), 1)
        for line in budgets["fund_line"]
    ]
    budgets["ratio"] = (budgets["strongest"] / budgets["amount"]).round(2)
    resources = wb.resources[["resource", "capacity", "unit"]].copy()
    resources["strongest"] = [float(strongest[r].sum()) for r in resources["resource"]]
    resources["ratio"] = (resources["strongest"] / resources["capacity"]).round(2)
    return {
        "city": city,
        "candidates": rungs,
        "targets": targets,
        "budgets": budgets,
        "resources": resources,
    }


def _stalled_summary(wb: Workbook) -> str:
    """Plan-library projects not started, and those longer than ``stall_days`` in their stage."""
    p = wb.projects
    waiting = (p["library"] == "plan") & ~p["stage"].isin(["started", "production"])
    as_of = pd.Timestamp(str(wb.settings.get("as_of", POPULATION.as_of)))
    days = (as_of - pd.to_datetime(p["stage_entered"], format="%Y-%m-%d")).dt.days
    stalled = waiting & (days > float(wb.settings.get("stall_days", 60)))
    rule = f"> {wb.settings.get('stall_days')} days on {as_of.date()}"
    return f"{int(waiting.sum())} / {int(stalled.sum())} ({rule})"


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: object) -> str:
        if isinstance(value, bool):
            return "Y" if value else "N"
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.0f}"
        return str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def summary_markdown(wb: Workbook) -> str:
    """`demo_summary` as Markdown tables (the generated part of docs/demo-city.md)."""
    titles = {
        "city": "The city",
        "candidates": "Candidates by rung (mean probability with no support and at the strongest option)",
        "targets": "Targets: goal and expectation with no support / every candidate at its strongest option",
        "budgets": "Fund lines (万元): amount and the cost of every candidate at its strongest option",
        "resources": "Resources: capacity and the use of every candidate at its strongest option",
    }
    parts = []
    for name, frame in demo_summary(wb).items():
        parts.append(f"#### {titles[name]}\n\n{_markdown_table(frame)}\n")
    return "\n".join(parts)

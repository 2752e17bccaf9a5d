"""The demo city's population (docs/demo-city.md): descriptive calibration, not policy.

Districts, industry clusters, lead departments, fund lines, other resources and targets, how many
projects and firms of which kinds, and the words their names are made of; plus the two ways the
generators draw from these shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    """An industry cluster: shares, how energy- and emission-hungry its projects are, words for names."""

    project_share: float  # weight among industrial projects (industrial investment, science)
    firm_share: float
    strategic_share: float  # share of its firms in a strategic emerging industry
    energy_tce_per_wan: float  # median yearly energy use per 万元 of project investment
    emission_t_per_wan: float  # median yearly pollutant emission (t) per 万元 of investment
    offshore: bool  # can have sea-use projects
    products: tuple[str, ...]
    firm_words: tuple[str, ...]
    # GB/T 4754 sections of its firms other than manufacturing (C), with their shares
    other_sectors: tuple[tuple[str, float], ...] = ()


# The "1" (the overall lead, which also dispatches every key project's full support and the
# major-layout projects) first, then the six category leads (data.assumptions.CATEGORY_LEADS).
LEAD_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # (department, staff-days resource, English label)
    ("市发展改革委", "staff_days_development_reform", "Development & Reform Commission"),
    ("市科技局", "staff_days_science", "Science & Technology Bureau"),
    ("市工业和信息化局", "staff_days_industry", "Industry & IT Bureau"),
    ("市住房城乡建设局", "staff_days_housing", "Housing & Urban-Rural Development Bureau"),
    ("市农业农村局", "staff_days_agriculture", "Agriculture & Rural Affairs Bureau"),
    ("市海洋发展局", "staff_days_ocean", "Ocean Development Bureau"),
    ("市文化和旅游局", "staff_days_culture_tourism", "Culture & Tourism Bureau"),
)
_DRC, _SCIENCE, _MIIT, _HOUSING, _AGRICULTURE, _OCEAN, _TOURISM = (d[0] for d in LEAD_DEPARTMENTS)
_STAFF_RESOURCE = {d[0]: d[1] for d in LEAD_DEPARTMENTS}
NON_INDUSTRIAL = "non_industrial"  # the cluster code of projects outside the industry clusters

CLUSTERS: dict[str, Cluster] = {
    "新一代信息技术": Cluster(
        0.14, 0.14, 0.9, 0.04, 0.0001, False,
        ("智能终端", "打印机及耗材", "集成电路封测", "新型显示模组", "工业互联网", "数据中心", "智能传感器", "5G通信模组"),
        ("电子科技", "信息技术", "智能科技", "光电科技", "通信技术"),
        (("I", 0.2),),
    ),
    "新医药与医疗器械": Cluster(
        0.14, 0.12, 0.9, 0.05, 0.0004, False,
        ("高端医用耗材", "医疗器械", "创新药", "生物医药", "康复辅具", "体外诊断试剂", "医用高分子材料"),
        ("医疗器械", "生物医药", "医用材料", "制药", "健康科技"),
    ),
    "先进装备与智能制造": Cluster(
        0.24, 0.24, 0.7, 0.06, 0.0003, True,
        ("船舶修造", "海洋高端装备", "节能电机", "汽车零部件", "数控机床", "智能制造装备", "工业机器人", "轮胎"),
        ("机械", "船舶重工", "电机", "汽车配件", "精密制造", "智能装备"),
    ),
    "碳纤维等复合材料": Cluster(
        0.08, 0.06, 0.9, 0.12, 0.0005, False,
        ("碳纤维", "复合材料制品", "高性能纤维", "碳纤维预浸料", "轻量化材料"),
        ("碳纤维", "复合材料", "新材料", "纤维科技"),
    ),
    "海洋生物与健康食品": Cluster(
        0.12, 0.16, 0.4, 0.05, 0.0004, True,
        ("海洋生物制品", "海参精深加工", "海洋食品", "水产品冷链物流", "海藻生物", "远洋渔业综合基地", "海洋牧场"),
        ("海洋生物", "食品", "水产", "海洋科技", "海藻"),
    ),
    "时尚与休闲运动产品": Cluster(
        0.10, 0.20, 0.1, 0.03, 0.0003, False,
        ("渔具", "户外运动用品", "高端纺织服装", "家纺", "休闲运动器材"),
        ("渔具", "服饰", "纺织", "体育用品", "户外用品"),
    ),
    "康养旅游": Cluster(
        0.0, 0.02, 0.1, 0.01, 0.0, False,
        ("滨海康养", "文旅综合体", "温泉度假", "海岛旅游", "精品民宿集群", "康养社区"),
        ("文旅发展", "康养", "旅游开发"),
        (("R", 1.0),),  # tourism groups are services: never on a manufacturing ladder
    ),
    "新能源": Cluster(
        0.18, 0.06, 0.9, 0.005, 0.00005, True,
        ("海上风电", "光伏发电", "储能电站", "氢能产业园", "核电配套装备", "风电装备"),
        ("新能源", "能源科技", "电力科技", "储能技术"),
        (("D", 0.4),),  # power producers are section D, not manufacturing
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Category:
    """A key-project category of the "1+6" mechanism (docs/projects.md): its share of the key
    projects and what its projects are — (product, cluster) pairs and name suffixes; an empty
    ``items`` means the industry clusters' own products."""

    project_share: float
    items: tuple[tuple[str, str], ...]
    suffixes: tuple[str, ...]
    energy_tce_per_wan: float = 0.01  # non-industrial projects (industrial: their cluster's)


_MARINE = "海洋生物与健康食品"
_EQUIPMENT = "先进装备与智能制造"
CATEGORIES: dict[str, Category] = {
    "industrial_investment": Category(
        0.36, (), ("产业园项目", "生产基地项目", "扩建项目", "智能化改造项目", "基地建设项目")
    ),
    "science_innovation": Category(
        0.08, (), ("研发中心项目", "创新平台项目", "中试基地项目", "科创园项目")
    ),
    "marine": Category(
        0.12,
        (
            ("海参精深加工", _MARINE), ("海洋食品", _MARINE), ("水产品冷链物流", _MARINE),
            ("海藻生物", _MARINE), ("远洋渔业综合基地", _MARINE), ("海洋牧场", _MARINE),
            ("海洋生物制品", _MARINE), ("船舶修造", _EQUIPMENT), ("海洋高端装备", _EQUIPMENT),
            ("海上风电", "新能源"),
        ),
        ("产业园项目", "基地建设项目", "扩建项目", "项目"),
    ),
    "urban_infrastructure": Category(
        0.24,
        tuple(
            (p, NON_INDUSTRIAL)
            for p in (
                "城市更新", "老旧小区改造", "市政道路提升", "供热管网改造", "污水处理厂",
                "中小学校", "医院", "综合交通枢纽", "国省道改扩建", "港口码头", "保障性住房",
                "城市公园",
            )
        ),
        ("建设项目", "改造项目", "提升项目", "项目"),
        0.004,
    ),
    "rural_revitalisation": Category(
        0.10,
        tuple(
            (p, NON_INDUSTRIAL)
            for p in (
                "高标准农田", "现代农业产业园", "乡村振兴示范片区", "农村供水保障",
                "农产品仓储保鲜", "和美乡村",
            )
        ),
        ("建设项目", "提升项目", "项目"),
        0.003,
    ),
    "culture_tourism": Category(
        0.10,
        tuple((p, "康养旅游") for p in CLUSTERS["康养旅游"].products),
        ("项目", "综合体项目", "开发项目", "提升项目"),
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
    (
        "emission_quota_t",
        "t",
        "环境容量（主要污染物排放总量指标，吨）",
        "Environmental capacity (emission quota, t)",
        "factor_quota_ratio",
    ),
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
    (
        "new_ten_billion_stretch",
        "firms",
        "新增百亿级企业（力争）",
        "New 10-billion firms (stretch)",
    ),
    ("new_innovative_sme", "firms", "新增创新型中小企业", "New innovative SMEs"),
    ("projects_started", "projects", "重点项目新开工", "Key projects started"),
    ("projects_completed", "projects", "重点项目竣工投产", "Key projects completed"),
    ("investment_completed", "万元", "重点项目年度投资完成", "Annual investment completed"),
    (
        "major_layout_investment",
        "万元",
        "重大生产力布局项目年度投资完成",
        "Major-layout projects' annual investment",
    ),
)
_RUNG_TARGET = {
    "start": "projects_started",
    "completion": "projects_completed",
    "above_size": "new_above_size",
    "innovative_sme": "new_innovative_sme",
    "srdi": "new_srdi_champion",
    "little_giant": "new_srdi_champion",
    "champion": "new_srdi_champion",
    "ten_billion": "new_ten_billion",
}
# Rungs whose success counts once more toward a second count target (百亿: the floor and the stretch).
_RUNG_EXTRA_TARGET = {"ten_billion": "new_ten_billion_stretch"}

GATES = ("approval", "land", "planning", "environment", "energy", "construction_permit", "sea_use")
_CANDIDATE_STAGES = ("reserve", "review_integration", "assisted_handling", "factor_guarantee")


@dataclass(frozen=True)
class _Population:
    """How many projects and firms of which kinds (docs/demo-city.md, "The population")."""

    n_projects: int = 800
    # stage shares: reserve → ... → production. Most of a year's key projects are under
    # construction already (续建) or started in the first quarter: 90.7 % of Weihai's 2023 key
    # projects had started by the end of March (docs/projects.md).
    stage_shares: tuple[tuple[str, float], ...] = (
        ("reserve", 0.06),
        ("review_integration", 0.08),
        ("assisted_handling", 0.10),
        ("factor_guarantee", 0.16),
        ("started", 0.54),
        ("production", 0.06),
    )
    continued_share: float = 0.70  # of started projects: under construction since an earlier year
    completion_share: float = 0.35  # of 续建 projects: due to be completed (竣工投产) this year
    # investment done by as_of, as a share of the year's plan (Weihai 2023: 31 % by end of March)
    ytd_share: tuple[float, float] = (0.12, 0.40)
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
    n_provincial_bid: int = 6  # of the major-layout projects, bidding for the provincial list
    n_engine: int = 6  # reserve-library projects being conceived (谋划)
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
        ("quasi_above_size", 450),
        ("large", 200),
        ("ten_billion", 3),
    )  # above_size: the rest, less the 10-billion candidates
    n_ten_billion_candidates: int = 6  # firms at 7–10 billion yuan (counted as large)
    quality_shares: tuple[tuple[str, tuple[float, ...]], ...] = (
        # none, innovative_sme, srdi, little_giant, champion
        ("seed", (0.80, 0.20, 0.0, 0.0, 0.0)),
        ("quasi_above_size", (0.62, 0.30, 0.08, 0.0, 0.0)),
        ("above_size", (0.34, 0.38, 0.23, 0.03, 0.02)),
        ("large", (0.25, 0.15, 0.30, 0.15, 0.15)),
        ("ten_billion", (0.0, 0.0, 0.0, 0.34, 0.66)),
    )


POPULATION = _Population()

# Firm attributes by quality tier: (rd_ratio median, class-I IP mean, other IP mean, high-tech share,
# R&D institution shares none/city/provincial/national, niche-share median, main-share low)
_TIER_PROFILE: dict[str, tuple] = {
    "none": (0.009, 0.3, 1.0, 0.02, (0.88, 0.11, 0.01, 0.0), 0.004, 0.50),
    "innovative_sme": (0.042, 1.5, 4.0, 0.35, (0.45, 0.35, 0.18, 0.02), 0.012, 0.55),
    "srdi": (0.042, 3.0, 6.0, 0.6, (0.2, 0.4, 0.35, 0.05), 0.04, 0.65),
    "little_giant": (0.05, 6.0, 9.0, 0.9, (0.0, 0.2, 0.55, 0.25), 0.15, 0.75),
    "champion": (0.045, 8.0, 12.0, 0.9, (0.0, 0.15, 0.5, 0.35), 0.25, 0.75),
}

_NAME_SYLLABLES = tuple(
    "海华泰鑫宏恒瑞远盛达源信康明润嘉新东裕安丰众祥金蓝天誉和通峰德正晟博创联隆星洋航力云卓凯迈汇捷豪"
)
_FIRM_PLACES = {d.name: d.short.removesuffix("区").removesuffix("市") for d in DISTRICTS}
_FIRM_PLACES.update({"火炬高技术产业开发区": "威海", "经济技术开发区": "威海", "南海新区": "威海"})
_NO_LAND_SUFFIXES = ("智能化改造项目", "技术改造项目")


# ---------------------------------------------------------------------------------------------------
# Drawing from the shares
# ---------------------------------------------------------------------------------------------------


def _choice(rng: np.random.Generator, items: list, weights: list[float], size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(items, dtype=object), size=size, p=w / w.sum())


def _yn(values: np.ndarray) -> list[str]:
    return ["Y" if bool(v) else "N" for v in values]

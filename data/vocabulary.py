"""The domain's one vocabulary: every code the planning data use and its Chinese and English label.

Rungs, size and quality tiers, project stages and libraries, approval gates, project levels, support
options, targets, fund lines, departments, districts, clusters and the ladder's criteria are named
here once, in the wording a 发改委 or 工信局 staffer writes (省级专精特新中小企业, 储备库/计划库, …).
The dashboard's translation table (``ui.i18n``), the criteria, the insights and the firm checklist
(``reports.checklist``) all read these tables, so a label can no longer differ between two screens.

The module imports nothing of the project: every layer may use it. Tables are read-only mappings
``code -> (中文, English)``; ``label(kind, code, lang)`` reads one and gives unknown codes back as
they are, so imported data with new names still show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

Label = tuple[str, str]  # (中文, English)

LANGS: Final = ("zh", "en")
DEFAULT_LANG: Final = "zh"

# ---------------------------------------------------------------------------------------------------
# Codes in their order (docs/workbook.md describes the columns that hold them)
# ---------------------------------------------------------------------------------------------------

# The enterprise ladder: what a firm can reach this year, size rungs and quality rungs together.
RUNGS: Final = ("above_size", "innovative_sme", "srdi", "little_giant", "champion", "ten_billion")
# A project's candidacy carries the rung "start" (a 新开工 project starting construction this year);
# a project under construction (续建, or started earlier this year) the rung "year_plan" (completing its
# year's investment plan) or, when it is due to be completed this year, "completion" (竣工投产).
PROJECT_RUNG: Final = "start"
PROJECT_RUNGS: Final = ("start", "year_plan", "completion")
# Key-project categories of the "1+6" mechanism (docs/projects.md): one lead department each.
CATEGORIES: Final = (
    "science_innovation",
    "industrial_investment",
    "urban_infrastructure",
    "rural_revitalisation",
    "marine",
    "culture_tourism",
)
# 新开工 (starts this year) or 续建 (under construction since an earlier year).
CONSTRUCTION: Final = ("new_start", "continued")
# GB/T 4754-2017 sections the demo's firms belong to (C = manufacturing).
SECTORS: Final = ("C", "D", "I", "R")
QUALITY_TIERS: Final = ("none", "innovative_sme", "srdi", "little_giant", "champion")
SIZE_TIERS: Final = ("seed", "quasi_above_size", "above_size", "large", "ten_billion")
LIBRARIES: Final = ("reserve", "plan")
STAGES: Final = (
    "reserve",
    "review_integration",
    "assisted_handling",
    "factor_guarantee",
    "started",
    "production",
)
NOT_STARTED: Final = STAGES[:4]
GATES: Final = (
    "approval",
    "land",
    "planning",
    "environment",
    "energy",
    "construction_permit",
    "sea_use",
)
LEVELS: Final = ("province", "city", "county")
ENTITY_KINDS: Final = ("project", "enterprise")
NO_SUPPORT: Final = "none"  # the option code of "no support" (data.schema.NONE_OPTION)


def _frozen(pairs: dict[str, Label]) -> Mapping[str, Label]:
    return MappingProxyType(pairs)


# ---------------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------------

_ABOVE_SIZE: Final = ("规模以上工业企业", "Above-size industrial enterprise")
_TEN_BILLION: Final = ("百亿级企业", "10-billion-yuan enterprise")
_INNOVATIVE_SME: Final = ("创新型中小企业", "Innovative SME")
_SRDI: Final = ("省级专精特新中小企业", "Provincial SRDI SME")
_LITTLE_GIANT: Final = ("专精特新“小巨人”企业", "SRDI “little giant” enterprise")
_CHAMPION: Final = ("制造业单项冠军企业", "Manufacturing single champion")
_NONE: Final = ("无", "None")

RUNG_LABELS: Final = _frozen(
    {
        "above_size": _ABOVE_SIZE,
        "innovative_sme": _INNOVATIVE_SME,
        "srdi": _SRDI,
        "little_giant": _LITTLE_GIANT,
        "champion": _CHAMPION,
        "ten_billion": _TEN_BILLION,
        PROJECT_RUNG: ("开工", "Start"),
        "year_plan": ("完成年度投资计划", "Year's investment plan completed"),
        "completion": ("竣工投产", "Completed and in production"),
    }
)
SIZE_TIER_LABELS: Final = _frozen(
    {
        "seed": ("种子企业", "Seed enterprise"),
        "quasi_above_size": ("准规上工业企业", "Quasi-above-size enterprise"),
        "above_size": _ABOVE_SIZE,
        "large": ("大型企业", "Large enterprise"),
        "ten_billion": _TEN_BILLION,
    }
)
QUALITY_TIER_LABELS: Final = _frozen(
    {
        "none": _NONE,
        "innovative_sme": _INNOVATIVE_SME,
        "srdi": _SRDI,
        "little_giant": _LITTLE_GIANT,
        "champion": _CHAMPION,
    }
)
# The reserve stage is the reserve library itself, so both say 储备库.
LIBRARY_LABELS: Final = _frozen(
    {
        "reserve": ("储备库", "Reserve library"),
        "plan": ("计划库", "Plan library"),
    }
)
STAGE_LABELS: Final = _frozen(
    {
        "reserve": LIBRARY_LABELS["reserve"],
        "review_integration": ("审查集成", "Review integration"),
        "assisted_handling": ("帮办代办", "Assisted handling"),
        "factor_guarantee": ("要素保障", "Factor guarantee"),
        "started": ("开工", "Started"),
        "production": ("投产", "In production"),
    }
)
GATE_LABELS: Final = _frozen(
    {
        "approval": ("审批/核准/备案", "Approval / registration"),
        "land": ("用地", "Land"),
        "planning": ("规划许可", "Planning permit"),
        "environment": ("环评", "Environmental review"),
        "energy": ("节能审查", "Energy review"),
        "construction_permit": ("施工许可", "Construction permit"),
        "sea_use": ("用海审批", "Sea-use approval"),
    }
)
CATEGORY_LABELS: Final = _frozen(
    {
        "science_innovation": ("科技创新", "Science & innovation"),
        "industrial_investment": (
            "工业投资（先进制造业）",
            "Industrial investment (manufacturing)",
        ),
        "urban_infrastructure": (
            "城建与基础设施（含交通、社会民生）",
            "Urban construction & infrastructure (incl. transport, livelihood)",
        ),
        "rural_revitalisation": ("农业农村（乡村振兴）", "Agriculture & rural revitalisation"),
        "marine": ("海洋产业", "Marine industry"),
        "culture_tourism": ("文旅康养", "Culture, tourism & wellness"),
    }
)
CONSTRUCTION_LABELS: Final = _frozen(
    {
        "new_start": ("新开工", "New start"),
        "continued": ("续建", "Continued"),
    }
)
SECTOR_LABELS: Final = _frozen(
    {
        "C": ("制造业", "Manufacturing"),
        "D": ("电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water"),
        "I": ("信息传输、软件和信息技术服务业", "Information & software services"),
        "R": ("文化、体育和娱乐业", "Culture, sports & entertainment"),
    }
)
LEVEL_LABELS: Final = _frozen(
    {
        "province": ("省级", "Province"),
        "city": ("市级", "City"),
        "county": ("县级", "County"),
    }
)
ENTITY_KIND_LABELS: Final = _frozen(
    {
        "project": ("项目", "Project"),
        "enterprise": ("企业", "Enterprise"),
    }
)
OPTION_LABELS: Final = _frozen(
    {
        NO_SUPPORT: _NONE,
        # projects
        # Every plan-library project passes through 帮办代办 and 要素保障; the options are how much
        # extra help it gets: staff days of its lead department, land, energy and emission quotas,
        # money, financing and the overall lead's dispatch (docs/projects.md).
        "assisted_handling": ("帮办代办加力（专班人日）", "Extra assisted handling (staff days)"),
        "factor_guarantee": (
            "帮办代办加力+要素指标保障",
            "Extra assisted handling + factor quotas (land, energy, emissions)",
        ),
        "full_support": (
            "帮办代办加力+要素指标保障+融资对接调度",
            "Extra assisted handling + factor quotas + financing and dispatch",
        ),
        # projects under construction (续建 or started this year): completing the year's plan
        "dispatch_problems": ("调度解难（专班人日）", "Dispatch and problem solving (staff days)"),
        "dispatch_and_quotas": (
            "调度解难+要素指标保障",
            "Dispatch + factor quotas (energy, emissions)",
        ),
        "dispatch_quotas_financing": (
            "调度解难+要素指标保障+融资对接",
            "Dispatch + factor quotas + financing",
        ),
        # firms becoming above-size
        "upgrade_guidance": ("升规指导", "Upgrade guidance"),
        "guidance_and_orders": ("升规指导+产需对接", "Upgrade guidance + order matching"),
        "tech_renovation": ("技术改造补助", "Technical-renovation subsidy"),
        # quality rungs
        "application_coaching": ("服务机构申报辅导", "Application coaching"),
        "coaching_and_ip": ("申报辅导+知识产权服务", "Coaching + IP services"),
        "coaching_ip_rd_subsidy": (
            "申报辅导+知识产权服务+研发投入补助",
            "Coaching + IP services + R&D subsidy",
        ),
        "coaching_ip_certification": (
            "申报辅导+知识产权服务（如需）+资质认证辅导",
            "Coaching + IP services (where short) + certification",
        ),
        "coaching_ip_rd_centre": (
            "申报辅导+知识产权服务、资质认证（如需）+研发机构建设奖补",
            "Coaching + IP and certification (where short) + R&D-centre award",
        ),
        # ten-billion candidates
        "dispatch": ("实时调度", "Real-time dispatch"),
        "dispatch_and_factors": ("实时调度+要素保障", "Dispatch + factor guarantee"),
        "dispatch_factors_renovation": (
            "实时调度+要素保障+技术改造补助",
            "Dispatch + factor guarantee + renovation subsidy",
        ),
    }
)
TARGET_LABELS: Final = _frozen(
    {
        "new_srdi_champion": (
            "新增省级以上专精特新和单项冠军企业",
            "New SRDI & champion firms",
        ),
        "new_above_size": ("新增规上工业企业", "New above-size industrial firms"),
        "new_ten_billion": ("新增百亿级企业", "New 10-billion firms"),
        "new_innovative_sme": ("新增创新型中小企业", "New innovative SMEs"),
        "new_ten_billion_stretch": ("新增百亿级企业（力争）", "New 10-billion firms (stretch)"),
        "projects_started": ("重点项目新开工", "Key projects started"),
        "projects_completed": ("重点项目竣工投产", "Key projects completed"),
        "investment_completed": ("重点项目年度投资完成", "Annual investment completed"),
        "major_layout_investment": (
            "重大生产力布局项目年度投资完成",
            "Major-layout projects' annual investment",
        ),
    }
)
# Short target names for narrow places (a metric's label); the full name goes in its help.
TARGET_SHORT_LABELS: Final = _frozen(
    {
        "new_srdi_champion": ("新增专精特新及冠军", "New SRDI & champions"),
        "new_above_size": ("新增规上工业企业", "New above-size firms"),
        "new_ten_billion": ("新增百亿级企业", "New 10-billion firms"),
        "new_innovative_sme": ("新增创新型中小企业", "New innovative SMEs"),
        "new_ten_billion_stretch": ("百亿级企业（力争）", "10-billion (stretch)"),
        "projects_started": ("重点项目新开工", "Projects started"),
        "projects_completed": ("重点项目竣工投产", "Projects completed"),
        "investment_completed": ("年度投资完成", "Investment completed"),
        "major_layout_investment": ("重大布局项目投资", "Major-layout investment"),
    }
)
FUND_LINE_LABELS: Final = _frozen(
    {
        "srdi_cultivation": ("专精特新培育资金", "SRDI cultivation fund"),
        "above_size_upgrade": ("小升规培育资金", "Above-size upgrade fund"),
        "tech_renovation": ("技术改造专项资金", "Technical renovation fund (earmarked)"),
        "project_factor_support": ("重点项目要素保障资金", "Key-project factor support fund"),
        "enterprise_awards": ("企业奖励资金", "Enterprise awards (entitlements)"),
    }
)
# Departments are named in Chinese in the data; the "1+6" lead departments in full, and the short
# names a workbook may use.
DEPARTMENT_LABELS: Final = _frozen(
    {
        "市发展改革委": ("市发展改革委", "Development & Reform Commission"),
        "市工业和信息化局": ("市工业和信息化局", "Industry & IT Bureau"),
        "市商务局": ("市商务局", "Commerce Bureau"),
        "市住房城乡建设局": ("市住房城乡建设局", "Housing & Urban-Rural Development Bureau"),
        "市科技局": ("市科技局", "Science & Technology Bureau"),
        "市文化和旅游局": ("市文化和旅游局", "Culture & Tourism Bureau"),
        "市海洋发展局": ("市海洋发展局", "Ocean Development Bureau"),
        "市农业农村局": ("市农业农村局", "Agriculture & Rural Affairs Bureau"),
        "市交通运输局": ("市交通运输局", "Transport Bureau"),
        "市财政局": ("市财政局", "Finance Bureau"),
        "发展改革委": ("发展改革委", "Development & Reform Commission"),
        "工信局": ("工信局", "Industry & IT Bureau"),
        "财政局": ("财政局", "Finance Bureau"),
        "商务局": ("商务局", "Commerce Bureau"),
        "住建局": ("住建局", "Housing & Construction Bureau"),
        "交通运输局": ("交通运输局", "Transport Bureau"),
        "文旅局": ("文旅局", "Culture & Tourism Bureau"),
        "海洋发展局": ("海洋发展局", "Ocean Development Bureau"),
        "科技局": ("科技局", "Science & Technology Bureau"),
        "自然资源和规划局": ("自然资源和规划局", "Natural Resources & Planning Bureau"),
        "生态环境局": ("生态环境局", "Ecology & Environment Bureau"),
        "卫健委": ("卫健委", "Health Commission"),
        "农业农村局": ("农业农村局", "Agriculture & Rural Affairs Bureau"),
    }
)
# The city's reporting units (docs/demo-city.md), in full and in the short form of project names.
DISTRICT_LABELS: Final = _frozen(
    {
        "环翠区": ("环翠区", "Huancui District"),
        "文登区": ("文登区", "Wendeng District"),
        "荣成市": ("荣成市", "Rongcheng City"),
        "乳山市": ("乳山市", "Rushan City"),
        "火炬高技术产业开发区": ("火炬高技术产业开发区", "Torch High-tech Zone"),
        "高区": ("高区", "High-tech Zone"),
        "经济技术开发区": ("经济技术开发区", "Economic & Technological Development Zone"),
        "经区": ("经区", "Economic Development Zone"),
        "临港经济技术开发区": ("临港经济技术开发区", "Lingang Economic & Technological Zone"),
        "临港区": ("临港区", "Lingang Zone"),
        "南海新区": ("南海新区", "Nanhai New Area"),
    }
)
CLUSTER_LABELS: Final = _frozen(
    {
        "新一代信息技术": ("新一代信息技术", "Next-generation IT"),
        "新医药与医疗器械": ("新医药与医疗器械", "Pharma & medical devices"),
        "先进装备与智能制造": ("先进装备与智能制造", "Advanced equipment & smart manufacturing"),
        "碳纤维等复合材料": ("碳纤维等复合材料", "Carbon fibre & composites"),
        "海洋生物与健康食品": ("海洋生物与健康食品", "Marine bio & health food"),
        "时尚与休闲运动产品": ("时尚与休闲运动产品", "Fashion & leisure sports goods"),
        "康养旅游": ("康养旅游", "Health & wellness tourism"),
        "新能源": ("新能源", "New energy"),
        # key projects outside the industry clusters (infrastructure, livelihood, rural)
        "non_industrial": ("非产业类项目", "Non-industrial project"),
    }
)
# The ladder's criteria (data.criteria names them in its checks).
CRITERION_LABELS: Final = _frozen(
    {
        "revenue": ("主营业务收入（万元）", "Main-business revenue (10k yuan)"),
        "innovation_score": ("创新型中小企业评价得分", "Innovative-SME score"),
        "innovation_points": ("创新能力得分", "Innovation points"),
        "growth_points": ("成长性得分", "Growth points"),
        "specialisation_points": ("专业化得分", "Specialisation points"),
        "direct_route": (
            "直通条件（高企/省级以上奖励/省级以上研发机构/股权融资）",
            "Direct route",
        ),
        "is_innovative_sme": ("已是" + _INNOVATIVE_SME[0], "Already an innovative SME"),
        "years_in_niche": ("从事细分市场年限", "Years in niche"),
        "rd_expense": ("上年研发费用（万元）", "R&D expense last year (10k yuan)"),
        "rd_ratio": ("研发费用占营业收入比重", "R&D / revenue"),
        "revenue_or_equity": ("营业收入或股权融资达标", "Revenue or equity financing"),
        "srdi_score": ("专精特新评价得分", "SRDI score"),
        "is_srdi": ("已是" + _SRDI[0], "Already a provincial SRDI SME"),
        "main_business_share": ("主营业务收入占比", "Main-business share"),
        "growth_2y_avg": ("近2年主营业务收入平均增长率", "2-year average growth"),
        "debt_ratio": ("资产负债率", "Debt ratio"),
        "niche_market_share": ("细分市场全国占有率", "National niche market share"),
        "has_rd_institution": ("自建或合作研发机构", "Own or joint R&D institution"),
        "ip_class1": ("主导产品I类知识产权（项）", "Class-I IP on main product"),
        "provincial_rank": ("全省细分市场排名", "Rank in Shandong"),
        "national_rank": ("全国细分市场排名", "National rank"),
        "global_rank": ("全球细分市场排名", "Global rank"),
        "is_provincial_champion": (
            "已是省级" + _CHAMPION[0],
            "Already a provincial single champion",
        ),
        # the 2022 criteria (data/criteria.py)
        "manufacturing": (
            "属于制造业（国民经济行业分类C门类）",
            "Manufacturing (GB/T 4754 section C)",
        ),
        "sme": (
            "属于中小企业（从业人员1000人以下或营业收入4亿元以下）",
            "SME (under 1,000 staff or under 40,000 万元 revenue)",
        ),
        "srdi_direct_route": (
            "专精特新直通条件（省级以上科技奖励/研发费用/股权融资/创客中国500强）",
            "SRDI direct route",
        ),
        "management_certified": (
            "取得管理体系认证或发达国家和地区产品认证",
            "Management-system certification",
        ),
        "own_brand": ("拥有自主品牌", "Own brand"),
        "chain_key_role": (
            "在产业链中发挥补短板、锻长板、填空白作用",
            "Key role on an industrial chain",
        ),
        "key_field": ("主导产品属于重点领域（工业六基等）", "Main product in a key field"),
        "rd_ratio_2y_min": (
            "近2年研发费用占营业收入比重（较低一年）",
            "R&D / revenue, lower of the last 2 years",
        ),
        "equity_financing_2y": ("近2年新增股权融资（万元）", "New equity, last 2 years (10k yuan)"),
        "rd_expense_2y": ("近2年研发费用总额（万元）", "R&D expense, last 2 years (10k yuan)"),
        "rd_staff_share": ("研发人员占职工总数比重", "R&D staff share"),
        "little_giant_direct_route": (
            "小巨人创新直通条件（国家级科技奖励/创客中国50强）",
            "Little-giant innovation direct route",
        ),
        "years_in_field": ("从事相关业务领域年限", "Years in the field"),
        "sales_3y_min": (
            "近三年最低年销售收入（万元）",
            "Sales, lowest of the last 3 years (10k yuan)",
        ),
        "champion_sales_route": (
            "已是专精特新“小巨人”企业或年销售收入1亿元以上的省级专精特新中小企业（免近三年4亿元销售收入要求）",
            "Already a little giant, or an SRDI firm with sales above 100 million yuan (instead of "
            "400 million yuan of sales in each of the last three years)",
        ),
        "main_product_share": ("主营产品销售收入占比", "Main product share of revenue"),
        "application_ready": ("申报材料完整规范", "Application complete"),
    }
)

# Official wording a 发改委 / 工信局 staffer writes (the screens' text in ui/i18n.py uses these words;
# docs/projects.md): support money is 扶持资金 (前期投入 means pre-construction work), money comes
# through 资金渠道 / 专项资金, the outlook of a target is one of 有望完成 / 需加力推进 / 完成难度大, and
# innovative SMEs are assessed and announced (评价, 公告), not recognised (认定).
TERM_LABELS: Final = _frozen(
    {
        "support_money": ("扶持资金", "Support money"),
        # What a plan sets aside on a fund line for awards and 后补助/奖补 paid once a candidate succeeds.
        "award_reserve": ("奖补预留", "Award reserve"),
        "fund_line": ("资金渠道", "Fund line"),
        "special_fund": ("专项资金", "Special fund"),
        "outlook_green": ("有望完成", "On track"),
        "outlook_amber": ("需加力推进", "Watch"),
        "outlook_red": ("完成难度大", "At risk"),
        "annual_outlook": ("年度目标完成情况预判", "Annual targets outlook"),
        "slow_projects": ("推进缓慢项目", "Stalled"),
        "reserve_library": LIBRARY_LABELS["reserve"],
        "plan_library": LIBRARY_LABELS["plan"],
        "innovative_sme_announced": ("新公告创新型中小企业", "Newly announced innovative SMEs"),
        "innovative_sme_assessment": ("创新型中小企业评价", "Innovative-SME assessment"),
        "supply_demand_matching": ("产需对接", "Order matching"),
        "role_planner": ("业务经办人员", "planner"),
        "role_viewer": ("浏览用户", "viewer"),
        "engine_project": ("引擎性项目（谋划中）", "Engine project (being conceived)"),
        "major_layout": ("重大生产力布局项目", "Major productivity-layout project"),
        "provincial_bid": (
            "争创省重大支撑性引领性项目",
            "Bidding for the provincial major supporting and leading list",
        ),
        "paid_on_success": ("后补助/奖补（达标后兑付）", "Paid on success (后补助/奖补)"),
        "paid_up_front": ("预先拨付（服务费等）", "Paid up front (service fees)"),
    }
)

# Every table by its kind. A code may be in several kinds (above_size is a rung and a size tier;
# factor_guarantee is a stage and an option): `value_label` resolves a bare code in this order.
TABLES: Final[Mapping[str, Mapping[str, Label]]] = MappingProxyType(
    {
        "district": DISTRICT_LABELS,
        "cluster": CLUSTER_LABELS,
        "entity_kind": ENTITY_KIND_LABELS,
        "library": LIBRARY_LABELS,
        "stage": STAGE_LABELS,
        "level": LEVEL_LABELS,
        "category": CATEGORY_LABELS,
        "construction": CONSTRUCTION_LABELS,
        "sector": SECTOR_LABELS,
        "size_tier": SIZE_TIER_LABELS,
        "quality_tier": QUALITY_TIER_LABELS,
        "rung": RUNG_LABELS,
        "gate": GATE_LABELS,
        "department": DEPARTMENT_LABELS,
        "option": OPTION_LABELS,
        "target": TARGET_LABELS,
        "fund_line": FUND_LINE_LABELS,
        "criterion": CRITERION_LABELS,
        "target_short": TARGET_SHORT_LABELS,
        "term": TERM_LABELS,
    }
)
# Kinds whose codes are data values (a cell of a sheet) rather than names the code gives things.
VALUE_KINDS: Final = (
    "district",
    "cluster",
    "entity_kind",
    "library",
    "stage",
    "level",
    "category",
    "construction",
    "sector",
    "size_tier",
    "quality_tier",
    "rung",
    "gate",
    "department",
    "option",
    "target",
    "fund_line",
)


def _merged(kinds: Iterable[str]) -> Mapping[str, Label]:
    out: dict[str, Label] = {}
    for kind in kinds:
        for code, pair in TABLES[kind].items():
            out.setdefault(code, pair)
    return MappingProxyType(out)


# A bare data value (no kind known) -> its label: the first kind in `VALUE_KINDS` that knows it.
VALUE_LABELS: Final = _merged(VALUE_KINDS)


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'zh' or 'en'")
    return LANGS.index(lang)


def table(kind: str) -> Mapping[str, Label]:
    """The read-only table ``code -> (中文, English)`` of one kind (see `TABLES`).

    Raises
    ------
    KeyError
        If ``kind`` is not a kind of the vocabulary.
    """
    if kind not in TABLES:
        raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(TABLES)}")
    return TABLES[kind]


def label(kind: str, code: object, lang: str = DEFAULT_LANG) -> str:
    """The label of ``code`` of ``kind`` in ``lang`` (``zh`` or ``en``); unknown codes as they are.

    >>> label("rung", "srdi", "zh")
    '省级专精特新中小企业'
    >>> label("district", "某新区", "en")
    '某新区'
    """
    text = "" if code is None else str(code)
    pair = table(kind).get(text)
    return text if pair is None else pair[_index(lang)]


def labels(kind: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """``{code: label}`` of every code of ``kind`` in ``lang``."""
    i = _index(lang)
    return {code: pair[i] for code, pair in table(kind).items()}


def value_label(code: object, lang: str = DEFAULT_LANG) -> str:
    """A data value of unknown kind (a district, a stage, an option …) in ``lang``; unknown as is."""
    text = "" if code is None else str(code)
    pair = VALUE_LABELS.get(text)
    return text if pair is None else pair[_index(lang)]

"""The one translation table: every label the dashboard shows, in Chinese (default) and English.

``t("key")`` gives a label in the current language; ``tv(value)`` translates a known data value
(district, cluster, department, stage, level, tier, rung, gate, target, fund line, resource, option)
and passes unknown values through unchanged, so imported data with new names still shows.
A test checks that every key used in the code exists in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (中文, English). Labels for screens first, then known data values under "value.<raw>".
TABLE: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("威海市经济运行决策支持", "Weihai economic planning support"),
    "app.subtitle": (
        "项目策划生成 · 企业梯度培育 · 资源统筹配置",
        "Project pipeline · enterprise ladder · resource allocation",
    ),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.open_demo": (
        "开放演示：未配置登录，所有人以规划员身份操作。",
        "Open demo: no sign-in configured; everyone acts as a planner.",
    ),
    "app.user": ("当前用户：{user}（{role}）", "Signed in as {user} ({role})"),
    "app.scenario_in_use": ("当前情景：{name}", "Scenario in use: {name}"),
    "app.scenario_stored": ("库存数据（未调整）", "stored data (unchanged)"),
    "app.scenario_adjusted": ("已调整的设置", "adjusted settings"),
    "app.data_version": ("数据版本：{version}", "Data version: {version}"),
    "app.link_loaded": ("已从链接恢复情景设置。", "Scenario settings restored from the link."),
    "app.link_problems": (
        "链接中的部分参数无效，已忽略：",
        "Some parameters in the link are invalid and were ignored:",
    ),
    "app.store_error": ("无法打开数据库：{error}", "Cannot open the database: {error}"),
    "app.load_error": ("无法读取规划数据：{error}", "Cannot read the planning data: {error}"),
    "role.planner": ("规划员", "planner"),
    "role.viewer": ("查看者", "viewer"),
    "role.admin": ("管理员", "administrator"),
    "auth.denied": ("当前身份无权执行此操作。", "Your role may not do this."),
    # navigation
    "nav.group.lead": ("领导", "Leadership"),
    "nav.group.work": ("业务", "Work"),
    "nav.group.plan": ("规划", "Planning"),
    "nav.cockpit": ("领导驾驶舱", "Leadership cockpit"),
    "nav.pipeline": ("项目策划生成", "Project pipeline"),
    "nav.ladder": ("企业梯度培育", "Enterprise ladder"),
    "nav.studio": ("资源配置", "Allocation studio"),
    "nav.scenarios": ("情景对比", "Scenarios"),
    "nav.data": ("数据管理", "Data"),
    # solve status
    "solve.running": ("正在求解配置方案…", "Solving the allocation…"),
    "solve.optimal": ("最优方案", "Optimal plan"),
    "solve.feasible_gap": (
        "求解达到时限，显示当前最好方案（与最优的差距不超过 {gap}）。",
        "The solver hit its time limit; showing the best plan found (within {gap} of optimal).",
    ),
    "solve.infeasible": (
        "当前设置下无可行方案：{message}",
        "No plan satisfies these settings: {message}",
    ),
    "solve.failed": (
        "求解出错：{error}。显示上一次成功的方案。",
        "The solve failed: {error}. Showing the last good plan.",
    ),
    "solve.failed_no_plan": ("求解出错：{error}", "The solve failed: {error}"),
    "solve.seconds": ("求解用时 {seconds} 秒", "Solved in {seconds} s"),
    "solve.stale": (
        "以下为上一次成功的方案，不对应当前设置。",
        "Below is the last good plan; it does not match the current settings.",
    ),
    # common words
    "common.goal": ("目标值", "Goal"),
    "common.weight": ("权重", "Weight"),
    "common.expected": ("预期", "Expected"),
    "common.expected_base": ("不支持时预期", "Expected with no support"),
    "common.expected_plan": ("当前方案预期", "Expected under the plan"),
    "common.p_meet": ("达成概率", "Chance of meeting it"),
    "common.attainment": ("完成度", "Attainment"),
    "common.target": ("目标", "Target"),
    "common.unit": ("单位", "Unit"),
    "common.district": ("区市", "District"),
    "common.cluster": ("产业集群", "Cluster"),
    "common.department": ("牵头部门", "Lead department"),
    "common.level": ("项目级别", "Level"),
    "common.stage": ("服务阶段", "Stage"),
    "common.library": ("项目库", "Library"),
    "common.name": ("名称", "Name"),
    "common.id": ("编号", "ID"),
    "common.kind": ("类型", "Kind"),
    "common.option": ("支持方式", "Support option"),
    "common.probability": ("成功概率", "Probability"),
    "common.base_probability": ("无支持概率", "Probability with no support"),
    "common.fund_line": ("资金渠道", "Fund line"),
    "common.cost": ("前期投入", "Up-front cost"),
    "common.reserve": ("奖励预留", "Award reserve"),
    "common.amount": ("预算", "Budget"),
    "common.used": ("已用", "Used"),
    "common.remaining": ("剩余", "Remaining"),
    "common.capacity": ("容量", "Capacity"),
    "common.resource": ("资源", "Resource"),
    "common.count": ("数量", "Count"),
    "common.all": ("全部", "All"),
    "common.search": ("搜索（名称或编号）", "Search (name or ID)"),
    "common.none": ("无", "None"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.month": ("月份", "Month"),
    "common.rung": ("培育层级", "Rung"),
    "common.share": ("占比", "Share"),
    "common.supported": ("获支持", "Supported"),
    "common.candidates": ("候选对象", "Candidates"),
    "common.money": ("资金", "Money"),
    "common.status": ("状态", "Status"),
    "common.chance": ("概率", "Chance"),
    "common.value": ("数值", "Value"),
    "common.no_data": ("暂无数据。", "No data."),
    "common.inflow": ("调入", "Inflow"),
    "common.outflow": ("调出", "Outflow"),
    "common.available": ("可用", "Available"),
    "common.use_share": ("使用率", "Use"),
    "common.scenario": ("情景", "Scenario"),
    "common.total": ("合计", "Total"),
    "common.download_csv": ("下载 CSV", "Download CSV"),
    "common.download_xlsx": ("下载 Excel", "Download Excel"),
    "common.filters": ("筛选", "Filters"),
    "common.rows": ("共 {n} 行", "{n} rows"),
    "common.month_n": ("{n}月", "M{n}"),
    # traffic light
    "light.green": ("达成把握大", "On track"),
    "light.amber": ("需关注", "Watch"),
    "light.red": ("风险高", "At risk"),
    # units
    "unit.count": ("个", "count"),
    "unit.wan": ("万元", "10k CNY"),
    "unit.mu": ("亩", "mu"),
    "unit.tce": ("吨标煤", "tce"),
    "unit.days": ("人日", "staff days"),
    "unit.slots": ("个名额", "slots"),
    "unit.firms": ("家", "firms"),
    "unit.projects": ("个", "projects"),
}


def _lang_from_session() -> str:
    """The language chosen in this browser session (``zh`` outside Streamlit)."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # outside a Streamlit run there is no session: use the default
        lang = DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language in use: ``zh`` or ``en``."""
    return _lang_from_session()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The label for ``key`` in ``lang`` (default: the session's language), with ``{}`` fields filled.

    Parameters
    ----------
    key : str
        A key of :data:`TABLE`.
    lang : {"zh", "en"}, optional
        Language; the session's language when omitted.
    **values
        Values for the label's ``{name}`` fields.

    Returns
    -------
    str
        The label. A missing key shows as the key itself (and a test fails on it).
    """
    lang = lang or _lang_from_session()
    pair = TABLE.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(lang)]
    return text.format(**values) if values else text


def has_value(value: object) -> bool:
    """True when ``value`` is a data value the table knows."""
    return f"value.{value}" in TABLE


def tv(value: object, lang: str | None = None) -> str:
    """A data value (district, cluster, stage, tier, …) in ``lang``; unknown values pass through."""
    if value is None:
        return ""
    text = str(value)
    pair = TABLE.get(f"value.{text}")
    if pair is None:
        return text
    return pair[LANGS.index(lang or _lang_from_session())]


def tv_map(values: Iterable[object], lang: str | None = None) -> dict[str, str]:
    """``{raw: translated}`` for a set of data values (for chart legends and select boxes)."""
    return {str(v): tv(v, lang) for v in values}


def _values(pairs: dict[str, tuple[str, str]]) -> None:
    """Add known data values to the table under ``value.<raw>``."""
    for raw, pair in pairs.items():
        TABLE[f"value.{raw}"] = pair


# Known data values. Data carries Chinese names (districts, clusters, departments) or English codes
# (stages, levels, tiers, rungs, gates, options); both kinds are listed here once.
_values(
    {
        # districts (DOMAIN.md §5)
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
        # clusters
        "新一代信息技术": ("新一代信息技术", "Next-generation IT"),
        "新医药与医疗器械": ("新医药与医疗器械", "Pharma & medical devices"),
        "先进装备与智能制造": ("先进装备与智能制造", "Advanced equipment & smart manufacturing"),
        "碳纤维等复合材料": ("碳纤维等复合材料", "Carbon fibre & composites"),
        "海洋生物与健康食品": ("海洋生物与健康食品", "Marine bio & health food"),
        "时尚与休闲运动产品": ("时尚与休闲运动产品", "Fashion & leisure sports goods"),
        "康养旅游": ("康养旅游", "Health & wellness tourism"),
        "新能源": ("新能源", "New energy"),
        # project kinds and libraries
        "project": ("项目", "Project"),
        "enterprise": ("企业", "Enterprise"),
        "reserve": ("项目储备", "Reserve"),
        "plan": ("计划库", "Plan library"),
        # service stages
        "review_integration": ("审查集成", "Review integration"),
        "assisted_handling": ("帮办代办", "Assisted handling"),
        "factor_guarantee": ("要素保障", "Factor guarantee"),
        "started": ("开工", "Started"),
        "production": ("投产", "In production"),
        # levels
        "province": ("省级", "Province"),
        "city": ("市级", "City"),
        "county": ("县级", "County"),
        # size and quality tiers, rungs
        "seed": ("种子企业", "Seed firm"),
        "quasi_above_size": ("准规上企业", "Quasi-above-size firm"),
        "above_size": ("规上工业企业", "Above-size industrial firm"),
        "large": ("大型企业", "Large firm"),
        "ten_billion": ("百亿级企业", "10-billion firm"),
        "innovative_sme": ("创新型中小企业", "Innovative SME"),
        "srdi": ("专精特新中小企业", "SRDI SME"),
        "little_giant": ("专精特新“小巨人”", "“Little giant”"),
        "champion": ("制造业单项冠军", "Single champion"),
        "start": ("开工", "Start"),
        "none": ("无", "None"),
        # approval gates
        "approval": ("审批/核准/备案", "Approval / registration"),
        "land": ("用地", "Land"),
        "planning": ("规划许可", "Planning permit"),
        "environment": ("环评", "Environmental review"),
        "energy": ("节能审查", "Energy review"),
        "construction_permit": ("施工许可", "Construction permit"),
        "sea_use": ("用海审批", "Sea-use approval"),
        # solve status
        "optimal": ("最优", "optimal"),
        "feasible": ("可行（未证最优）", "feasible (not proven optimal)"),
        "infeasible": ("无可行解", "infeasible"),
        # departments (“1+6”)
        "发展改革委": ("发展改革委", "Development & Reform Commission"),
        "市发展改革委": ("市发展改革委", "Development & Reform Commission"),
        "工信局": ("工信局", "Industry & IT Bureau"),
        "市工业和信息化局": ("市工业和信息化局", "Industry & IT Bureau"),
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

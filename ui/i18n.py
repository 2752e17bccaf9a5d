"""The dashboard's screen text in Chinese (default) and English; the domain's names come from data.vocabulary.

``t("key")`` gives a label in the current language; ``tv(value)`` translates a known data value
(district, cluster, department, stage, level, tier, rung, gate, target, fund line, option) from
`data.vocabulary` and passes unknown values through unchanged, so imported data with new names
still shows. A test checks that every key used in the code exists in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable

from data import vocabulary
from data.vocabulary import DEFAULT_LANG, LANGS

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "SCREEN",
    "TABLE",
    "current_lang",
    "has_value",
    "t",
    "tv",
    "tv_map",
]

# key: (中文, English). Screen text only: the domain's names (rungs, stages, options, districts,
# criteria, …) are in data/vocabulary.py and reach `TABLE` below.
SCREEN: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("威海市经济运行决策支持", "Weihai economic planning support"),
    "app.subtitle": (
        "项目策划生成 · 企业梯度培育 · 资源统筹配置",
        "Project pipeline · enterprise ladder · resource allocation",
    ),
    "app.loading": ("正在载入规划数据…", "Loading the planning data…"),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.open_demo": ("开放演示：未配置登录。", "Open demo: no sign-in configured."),
    # what the open demo's role allows (roles.demo), so the notice never overstates it
    "app.open_demo_viewer": (
        "只读：任何人都可以浏览和试算，但不能保存任何内容。",
        "Read-only: anyone can explore and try settings, but nothing can be saved.",
    ),
    "app.open_demo_planner": (
        "任何人都可以导入数据、编辑锁定并保存情景（重置数据和审计日志除外）。",
        "Anyone can import data, edit locks and save scenarios (not reset data or read the audit log).",
    ),
    "app.open_demo_admin": (
        "任何人都可以修改数据，包括导入、重置和查看审计日志。",
        "Anyone can change the data, including import, reset and the audit log.",
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
    "role.planner": vocabulary.TERM_LABELS["role_planner"],
    "role.viewer": vocabulary.TERM_LABELS["role_viewer"],
    "role.admin": ("管理员", "administrator"),
    "role.none": ("未授权", "no access"),
    "auth.denied": ("当前身份无权执行此操作。", "Your role may not do this."),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.please_sign_in": (
        "请使用统一身份认证登录后使用本系统。",
        "Please sign in with the city's single sign-on to use this dashboard.",
    ),
    "auth.no_role": (
        "账号 {user} 已登录，但尚未分配角色，请联系系统管理员。",
        "{user} is signed in but has no role here; please ask the administrator for access.",
    ),
    "auth.closed_demo": (
        "本系统未配置登录，且演示角色为“无”，暂不开放。",
        "No sign-in is configured and the demo role is “none”: the dashboard is closed.",
    ),
    "auth.config_error": (
        "登录或角色配置有误，暂时无人可以使用，也不会写入任何数据。请管理员修正：",
        "The sign-in or roles configuration is broken, so nobody is let in and nothing is written."
        " The administrator must fix:",
    ),
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
    "solve.refining": (
        "显示 {seconds} 秒内求得的方案（与最优的差距不超过 {gap}）；后台正在继续优化，完成后页面自动更新。",
        "Showing the plan found in {seconds} s (within {gap} of the best possible); the solver keeps "
        "improving it in the background and the page updates when it is done.",
    ),
    "solve.refining_no_bound": (
        "显示 {seconds} 秒内求得的方案（尚无上界，与最优的差距未知）；后台正在继续优化，完成后页面自动更新。",
        "Showing the plan found in {seconds} s (no bound yet, so how far it is from the best possible "
        "is unknown); the solver keeps improving it in the background and the page updates when it "
        "is done.",
    ),
    "solve.feasible_no_bound": (
        "求解达到时限，显示当前最好方案；尚无上界，与最优的差距未知。",
        "The solver hit its time limit; showing the best plan found. No bound was reached yet, "
        "so how far it is from optimal is unknown.",
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
    "common.cost": ("扶持资金（预先拨付）", "Up-front cost"),
    "common.paid_on_success": (
        vocabulary.TERM_LABELS["paid_on_success"][0],
        "Paid on success",
    ),
    "common.reserve": ("奖补预留", "Award reserve"),
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
    "common.chance": ("达成概率", "Chance"),
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
    "common.no_support": ("不支持时预期", "No support"),
    "common.under_plan": ("当前方案预期", "Under the plan"),
    "common.month_n": ("{n}月", "M{n}"),
    # traffic light
    "light.green": vocabulary.TERM_LABELS["outlook_green"],
    "light.amber": vocabulary.TERM_LABELS["outlook_amber"],
    "light.red": vocabulary.TERM_LABELS["outlook_red"],
    # units
    "unit.count": ("个", "count"),
    "unit.wan": ("万元", "× CNY 10,000"),
    "unit.mu": ("亩", "mu"),
    "unit.tonnes": ("吨", "t"),
    "unit.tce": ("吨标煤", "tce"),
    "unit.days": ("人日", "staff days"),
    "unit.slots": ("个名额", "slots"),
    "unit.firms": ("家", "firms"),
    "unit.projects": ("个", "projects"),
    # page captions
    "cockpit.caption": (
        "各项年度目标的当前把握：目标值、不支持时的预期、当前方案下的预期与达成概率。",
        "Where each annual target stands: goal, expectation with no support, expectation under the plan, and the chance of meeting it.",
    ),
    "pipeline.caption": (
        "项目从储备库到计划库，经审查集成、帮办代办、要素保障到开工投产。",
        "Projects from the reserve to the plan library, through review integration, assisted handling and factor guarantee to start and production.",
    ),
    "ladder.caption": (
        "创新型中小企业 → 专精特新 → “小巨人” → 单项冠军；种子/准规上 → 规上；百亿企业培育。",
        "Innovative SME → SRDI → little giant → single champion; seed / quasi-above-size → above-size; 10-billion candidates.",
    ),
    "studio.caption": (
        "调整资金、资源、目标与锁定，方案即时重算。",
        "Change funds, resources, goals and locks; the plan is re-solved at once.",
    ),
    "scenarios.caption": (
        "保存、比较情景，查看效率前沿，分享链接。",
        "Save and compare scenarios, see the efficient frontier, share a link.",
    ),
    "data.caption": (
        "导入规划数据工作簿、下载模板与数据、恢复演示数据、查看操作日志。",
        "Import a planning workbook, download the template and data, reset to the demo, read the audit log.",
    ),
    # cockpit
    "cockpit.targets": (vocabulary.TERM_LABELS["annual_outlook"][0], "Annual targets outlook"),
    "cockpit.money": ("资金使用", "Fund-line use"),
    "cockpit.money_total": (
        "已安排 {used}，预算合计 {total}",
        "{used} committed of {total} in all",
    ),
    "cockpit.resources": ("资源使用", "Resource use"),
    "cockpit.risks": ("主要风险", "Top risks"),
    "cockpit.risk.targets": ("达成概率低于 80% 的目标", "Targets under 80% chance"),
    "cockpit.risk.stalled": (
        "计划库推进缓慢项目（{n} 个）",
        "Plan-library projects stalled in a stage ({n})",
    ),
    "cockpit.risk.stalled_note": (
        "尚未开工、在当前阶段停留超过 {days} 天（截至 {date}），按年度计划投资从大到小排列。",
        "Not started and more than {days} days in their current stage on {date}; "
        "largest annual planned investment first.",
    ),
    "cockpit.risk.stalled_more": (
        "另有 {n} 个，见项目策划生成页（筛选“仅看推进缓慢项目”）。",
        "{n} more on the project pipeline page (filter “Stalled only”).",
    ),
    "cockpit.risk.stalled_none": (
        "没有在同一阶段停留超过 {days} 天的计划库项目。",
        "No plan-library project has spent more than {days} days in one stage.",
    ),
    "cockpit.risk.no_stage_dates": (
        "数据未记录项目进入当前阶段的日期（projects 表 stage_entered 列），无法判断推进缓慢项目。",
        "The data do not record when projects entered their stage (projects.stage_entered), "
        "so stalls cannot be judged.",
    ),
    "common.days_in_stage": ("停留天数", "Days in stage"),
    "common.stage_entered": ("进入本阶段", "In stage since"),
    "common.annual_investment_short": ("年度计划投资", "Annual investment"),
    "app.as_of": ("数据截至 {date}", "Data as of {date}"),
    "cockpit.risk.capacity": ("满负荷的部门与资源", "Departments and resources at capacity"),
    "cockpit.risk.demand": ("需求为容量的 {demand}", "demand {demand} of capacity"),
    "cockpit.risk.none": ("无", "None"),
    "cockpit.districts": ("分区市情况", "By district"),
    "cockpit.districts_note": (
        "预计成功数：开工的项目与迈上一级的企业，不支持时与当前方案下。",
        "Expected successes (projects started and firms reaching a rung), with no support and "
        "under the plan.",
    ),
    "cockpit.attainment_note": (
        "预期值占目标值的比例；红色虚线为目标。",
        "Expected as a share of the goal; the red dashed line is the goal.",
    ),
    "cockpit.delta_help": (
        "达成概率：按当前方案下每个候选对象的成功概率，精确计算完成目标值（成功数不少于目标）的概率。"
        "灰色数字为与不给任何支持时相比增加的百分点数。预期值是平均结果，达到目标的概率才是完成的把握。",
        "Chance of meeting the goal: the exact probability that successes reach the goal, from each "
        "candidate's chance under the plan. The grey figure is the rise in percentage points against "
        "no support at all. The expectation is the average outcome; the chance is how sure the goal is.",
    ),
    "cockpit.plan_summary": (
        "本方案支持 {n} 个对象（项目 {projects} 个、企业 {firms} 家），安排扶持资金 {money}，"
        "另为达标后兑现的奖补预留 {reserve}。按资金渠道：{lines}。",
        "The plan supports {n} candidates ({projects} projects, {firms} firms) with {money} of "
        "support money, and holds {reserve} for awards paid on success. By fund line: {lines}.",
    ),
    "cockpit.plan_none": (
        "本方案不支持任何对象：预期值均为不支持时的结果。",
        "The plan supports nobody: every expectation is the one without support.",
    ),
    "cockpit.resources_note": (
        "超出容量的排在前面，按缺口大小排序；条末为已用 / 容量。",
        "Resources over capacity come first, by how much is missing; each bar ends with used / "
        "capacity.",
    ),
    "studio.exact_amount": ("精确数值", "Exact amount"),
    # a target card's sentence (ui.widgets.card_verdict) and change line
    "card.delta": ("较不支持 {points} 个百分点", "{points} points vs no support"),
    "card.verdict.likely": (
        "目标 {goal}，预期 {expected}，完成把握 {p}。",
        "Goal {goal}, expected {expected}: a {p} chance of meeting it.",
    ),
    "card.verdict.at_goal": (
        "目标 {goal}，预期 {expected}，与目标持平，但完成把握仅 {p}：实际结果有相当可能低于目标。",
        "Goal {goal}, expected {expected}: level with the goal, but only a {p} chance of reaching "
        "it — the result may well fall short.",
    ),
    "card.verdict.short": (
        "目标 {goal}，预期 {expected}，比目标少 {gap}；完成把握 {p}。",
        "Goal {goal}, expected {expected}: {gap} short, a {p} chance of meeting it.",
    ),
    "common.probability_source": ("概率来源", "Probability source"),
    "card.independent": (
        "本概率已考虑年景好坏（各对象成败同向波动）；若各对象成败互不相关，概率为 {p}。",
        "This chance allows for good and bad years (outcomes moving together); if outcomes were "
        "independent it would be {p}.",
    ),
    "card.verdict.base": ("（不支持时预期 {base}）", "(With no support: {base}.)"),
    "cockpit.district.money": ("预先拨付的扶持资金", "Up-front money"),
    # pipeline
    "pipeline.no_projects": (
        "当前数据中没有项目明细表（projects）。",
        "The data have no projects sheet.",
    ),
    "pipeline.projects": ("项目数", "Projects"),
    "pipeline.in_plan": ("计划库项目", "In the plan library"),
    "pipeline.annual_investment": ("年度计划投资", "Annual planned investment"),
    "pipeline.total_investment": ("总投资（万元）", "Total investment (10k CNY)"),
    "pipeline.total_investment_plain": ("总投资", "Total investment"),
    "pipeline.expected_starts": ("预计今年开工", "Expected to start this year"),
    "pipeline.funnel": ("储备库 → 计划库 → 服务阶段", "Reserve → plan library → service stages"),
    "pipeline.step.all": ("全部项目", "All projects"),
    "pipeline.by_department": ("按牵头部门（“1+6”）与阶段", "By lead department (“1+6”) and stage"),
    "pipeline.by_month": (
        "计划开工月份（未开工项目）",
        "Planned starts by month (not yet started)",
    ),
    "pipeline.by_month_note": (
        "截至 {date}：{month}之前的月份为计划开工已过期但尚未开工的项目（{n} 个）。",
        "On {date}: months before {month} are planned starts that are overdue ({n} projects).",
    ),
    "pipeline.month.overdue": ("已过计划开工月份", "Planned start passed"),
    "pipeline.month.upcoming": ("计划开工月份未到", "Still to come"),
    "pipeline.only_stalled": (
        "仅看推进缓慢项目（计划库、未开工、本阶段超过 {days} 天）",
        "Stalled only (plan library, not started, over {days} days in the stage)",
    ),
    "pipeline.stalled": vocabulary.TERM_LABELS["slow_projects"],
    "pipeline.stalled_help": (
        "计划库中尚未开工、在当前阶段停留超过 {days} 天的项目。",
        "Plan-library projects not yet started that have spent more than {days} days in their stage.",
    ),
    "pipeline.expected_starts_help": (
        "各未开工项目在当前方案下今年开工概率之和 / 未开工项目数。",
        "Sum of each waiting project's chance of starting this year under the plan / projects waiting.",
    ),
    "pipeline.in_stage_since": (
        "自 {date} 进入本阶段，已 {days} 天。",
        "In this stage since {date}: {days} days.",
    ),
    "pipeline.stalled_badge": ("推进缓慢", "Stalled"),
    "pipeline.by_level_district": ("按区市与项目级别", "By district and level"),
    "pipeline.major": ("重大生产力布局与引擎性项目", "Major-layout and engine projects"),
    "pipeline.table": ("项目清单", "Project list"),
    "pipeline.chance_start": (
        "今年开工（在建项目：完成年度计划）概率",
        "Chance this year (start, or year plan)",
    ),
    "pipeline.category": ("项目类别", "Category"),
    "pipeline.construction": ("新开工/续建", "New start / continued"),
    "pipeline.flags": ("标识", "Flags"),
    "pipeline.flag.major_layout": vocabulary.TERM_LABELS["major_layout"],
    "pipeline.flag.engine": vocabulary.TERM_LABELS["engine_project"],
    "pipeline.flag.provincial_bid": vocabulary.TERM_LABELS["provincial_bid"],
    "pipeline.flag.completion": ("年内计划竣工投产", "Due to be completed this year"),
    "pipeline.by_category": (
        "按项目类别与牵头部门（“1+6”：市发展改革委总牵头）",
        "By category and its lead department (“1+6”: the Development & Reform Commission leads overall)",
    ),
    "pipeline.category_table_note": (
        "年度投资：续建项目按年度计划、新开工项目按开工后月份折算。",
        "Investment this year: a continued project's year plan, a new start's months after it starts.",
    ),
    "pipeline.year_investment": ("今年可完成投资（万元）", "Investment this year (10k CNY)"),
    "pipeline.new_starts": ("新开工", "New starts"),
    "pipeline.continued": ("续建", "Continued"),
    "pipeline.detail": ("项目详情", "Project detail"),
    "pipeline.pick": ("选择项目", "Choose a project"),
    "pipeline.gates_open": ("尚未办结的审批事项", "Approval gates still open"),
    "pipeline.gates_none": ("审批事项均已办结", "All gates passed"),
    "pipeline.factors": ("要素需求", "Factors needed"),
    "pipeline.land": ("用地", "Land"),
    "pipeline.energy": ("能耗", "Energy"),
    "pipeline.support": ("计划支持", "Support planned"),
    "pipeline.options": ("可选支持方式", "Support options"),
    "pipeline.not_candidate": (
        "该项目处于“{stage}”阶段，今年已无需计划支持。",
        "This project is at “{stage}”: nothing is left to plan for it this year.",
    ),
    # ladder
    "ladder.no_firms": (
        "当前数据中没有企业明细表（enterprises）。",
        "The data have no enterprises sheet.",
    ),
    "ladder.quality_tiers": ("质量梯度（企业数）", "Quality tiers (firms)"),
    "ladder.size_tiers": ("规模梯度（企业数）", "Size tiers (firms)"),
    "ladder.rungs": ("今年培育对象", "This year's candidates"),
    "ladder.expected_new": ("预计新增", "Expected new"),
    "ladder.rung_note": (
        "候选 {n} 家，支持 {supported} 家；不支持时预计 {base}",
        "{n} candidates, {supported} supported; {base} expected with no support",
    ),
    "ladder.near": ("接近门槛的企业", "Firms near the threshold"),
    "ladder.main_is": ("主要指标：{criterion}", "Main criterion: {criterion}"),
    "ladder.main_value": ("现值", "Now"),
    "ladder.main_threshold": ("门槛", "Threshold"),
    "ladder.distance": ("差距", "Distance"),
    "ladder.unmet": ("未达标项", "Criteria unmet"),
    "ladder.firm": ("企业明白纸", "Firm checklist (明白纸)"),
    "ladder.pick": ("选择企业", "Choose a firm"),
    "ladder.not_candidate": (
        "该企业今年不在培育名单中，以下为其下一梯度的对照。",
        "This firm is not a candidate this year; below is the check for its next rung.",
    ),
    "ladder.eligible": ("已满足条件", "meets the conditions"),
    "ladder.eligible_direct": ("已满足条件（直通条件）", "meets the conditions (direct route)"),
    "ladder.tier_none": ("尚未认定", "Not yet recognised"),
    "ladder.near_note": (
        "已达门槛待认定 {already} 家；尚有差距 {short} 家，按差距由小到大列出：",
        "{already} already meet the rule and await recognition; {short} are short, closest first:",
    ),
    "ladder.gaps": ("尚有 {n} 项未达标", "criteria still unmet: {n}"),
    "ladder.revenue_now": ("主营业务收入", "Main-business revenue"),
    "ladder.revenue_last_year": ("上年营业收入", "Revenue last year"),
    "ladder.employees": ("从业人员 {n} 人", "{n} employees"),
    "ladder.sme": ("中小企业", "SME"),
    "ladder.not_sme": ("大型企业（不属中小企业）", "Large firm (not an SME)"),
    "ladder.ten_billion_goals": (
        "目标：保底 {floor} 家，力争 {stretch} 家",
        "Goal: a floor of {floor}, a stretch of {stretch}",
    ),
    "ladder.criterion": ("指标", "Criterion"),
    "ladder.actual": ("企业现状", "Firm now"),
    "ladder.required": ("要求", "Required"),
    "ladder.met": ("达标", "Met"),
    "ladder.gap": ("差距", "Gap"),
    "ladder.by_district": (
        "今年培育对象：按区市与产业集群",
        "This year's candidates by district and cluster",
    ),
    # studio
    "studio.reset": ("恢复为库存数据", "Reset to the stored data"),
    "studio.tab.money": ("资金", "Funds"),
    "studio.tab.resources": ("资源", "Resources"),
    "studio.tab.targets": ("目标与权重", "Goals"),
    "studio.tab.locks": ("锁定", "Locks"),
    "studio.stored_value": ("库存数据：{value}", "Stored value: {value}"),
    "studio.pool_share": ("资金统筹比例", "Pool share"),
    "studio.pool_share_help": (
        "参与统筹的资金渠道，每条最多可调出其预算的这一比例。",
        "Each pooled fund line may give up to this share of its budget to other pooled lines.",
    ),
    "studio.award_prudence": ("奖补预留系数", "Award prudence"),
    "studio.award_prudence_help": (
        "按成功概率乘以此系数预留“达标即奖”资金（1 = 按期望预留）。",
        "Reserve for on-success awards = min(1, this × probability) × award (1 = the expected amount).",
    ),
    "studio.locks_help": (
        "领导确定的事项：指定某对象的支持方式，或排除支持。",
        "Decisions fixed by leadership: a candidate's support option, or no support.",
    ),
    "studio.no_locks": ("暂无锁定。", "No locks."),
    "studio.lock_candidate": ("锁定对象", "Candidate to lock"),
    "studio.lock_add": ("添加锁定", "Add lock"),
    "studio.lock_remove": ("取消锁定", "Remove locks"),
    "studio.lock_remove_button": ("取消所选锁定", "Remove the chosen locks"),
    "studio.figures": ("驾驶舱指标", "Cockpit figures"),
    "studio.objective": ("加权目标完成度", "Weighted attainment"),
    "studio.objective_help": (
        "Σ 权重 × min(1, 预期 ÷ 目标值)，以其最大值 Σ 权重（全部目标达成）的百分比显示；下方为原始数值 / 最大值。",
        "Σ weight × min(1, expected ÷ goal), as a percentage of its maximum Σ weights (every "
        "target met); below, the figure itself / the maximum.",
    ),
    "studio.objective_raw": ("{value} / 最高 {most}", "{value} of {most}"),
    "studio.figure_help": (
        "{target}：达成概率；下方为当前方案预期 / 目标值。",
        "{target}: chance of meeting it; below, expected under the plan / goal.",
    ),
    "studio.targets_note": (
        "预期：不支持时与当前方案下；完成度 = min(1, 预期 ÷ 目标值)；概率为达成目标的概率。",
        "Expected with no support and under the plan; attainment = min(1, expected ÷ goal); "
        "chance of meeting the goal.",
    ),
    "studio.slider_value": ("当前：{value}", "Now: {value}"),
    "studio.slider_value_changed": (
        "当前：{value}（库存数据 {stored}）",
        "Now: {value} (stored: {stored})",
    ),
    "studio.fund_table": ("资金渠道明细（含统筹调剂）", "Fund lines in detail (with pooling)"),
    "studio.marginal": (
        "边际价值：再增加一档资金或资源的效果",
        "Marginal values: what one more step of a limit buys",
    ),
    "studio.marginal_help": (
        "逐项增减一档后重新求解，得到加权完成度的变化（百分制）。",
        "Each limit is raised and lowered by one step and re-solved; the change in weighted attainment (0–100 points).",
    ),
    "studio.marginal_run": ("计算边际价值", "Compute marginal values"),
    "studio.marginal_running": ("正在逐项重算…", "Re-solving limit by limit…"),
    "studio.limit": ("资金/资源", "Fund line / resource"),
    "studio.current": ("当前", "Now"),
    "studio.step": ("一档", "Step"),
    "studio.points_up": ("增加一档（加权完成度，百分点）", "One step more (points)"),
    "studio.points_down": ("减少一档（加权完成度，百分点）", "One step less (points)"),
    "studio.points_lp": ("平滑估计（每档，百分点）", "LP estimate per step (points)"),
    "studio.points_up_short": ("增一档", "+1 step"),
    "studio.points_down_short": ("减一档", "−1 step"),
    "studio.points_lp_short": ("平滑估计", "LP est."),
    "studio.marginal_precision": (
        "重新求解的方案与最优的差距均在 0.1% 以内，因此两次求解之差只精确到约 ±0.06 个百分点：小于此值的变化可视为约等于零。"
        "“平滑估计”按每一小份资金或资源的平均效果折算一档，数值平稳，可作参照；两者差别大时，说明效果不均匀（例如一档资金恰好够或不够支持某个大项目）。",
        "Each re-solved plan is within 0.1% of the best possible, so a difference of two solves is exact "
        "only to about ±0.06 points: read smaller changes as about zero. The LP estimate (the relaxed "
        "problem's shadow price × one step) is smooth and a useful reference; where the two differ "
        "much, the effect is uneven (one step may just fund, or just miss, a large candidate).",
    ),
    "studio.allocation": ("配置方案", "The allocation"),
    "studio.robustness": (
        "稳健性：成功概率估计不准时方案如何变化",
        "Robustness: the plan when probabilities are only estimates",
    ),
    "studio.robustness_run": ("运行稳健性分析", "Run the robustness analysis"),
    "studio.robustness_running": ("正在重算…", "Re-solving…"),
    "studio.robust_p10": ("预期（较差情形，P10）", "Expected, low case (P10)"),
    "studio.robust_p90": ("预期（较好情形，P90）", "Expected, high case (P90)"),
    "studio.explain": ("为什么支持（或不支持）某个对象？", "Why is a candidate (not) supported?"),
    "studio.explain_pick": ("选择对象", "Choose a candidate"),
    "studio.explain_run": ("给出解释", "Explain"),
    "ladder.download_checklist": ("下载明白纸", "Download the checklist"),
    "studio.only_supported": ("只看获支持对象", "Supported only"),
    "studio.download_csv": ("下载方案 CSV", "Download allocation (CSV)"),
    "studio.download_xlsx": ("下载方案 Excel", "Download allocation (Excel)"),
    "studio.download_scenario": ("下载情景工作簿", "Download scenario workbook"),
    "download.sheet.allocation": ("配置方案", "Allocation"),
    "download.sheet.targets": ("目标", "Targets"),
    # scenarios
    "scenarios.save": ("保存当前情景", "Save the current scenario"),
    "scenarios.name": ("情景名称", "Scenario name"),
    "scenarios.overwrite": ("覆盖同名情景", "Overwrite a scenario of this name"),
    "scenarios.save_button": ("保存", "Save"),
    "scenarios.need_name": ("请输入情景名称。", "Please give the scenario a name."),
    "scenarios.saved": ("已保存情景“{name}”。", "Saved scenario “{name}”."),
    "scenarios.name_taken": (
        "已有名为“{name}”的情景；勾选“覆盖”或换一个名称。",
        "A scenario named “{name}” exists; tick “overwrite” or choose another name.",
    ),
    "scenarios.error": ("操作失败：{error}", "That did not work: {error}"),
    "scenarios.list": ("已保存的情景", "Saved scenarios"),
    "scenarios.none_saved": ("还没有保存的情景。", "No saved scenarios yet."),
    "scenarios.baseline": ("基准", "Baseline"),
    "scenarios.author": ("保存人", "Saved by"),
    "scenarios.updated": ("更新时间", "Updated"),
    "scenarios.pick": ("选择情景", "Choose a scenario"),
    "scenarios.load": ("载入为当前情景", "Use this scenario"),
    "scenarios.loaded": ("已载入情景“{name}”。", "Now using scenario “{name}”."),
    "scenarios.cannot_load": (
        "该情景与当前数据不符，无法载入：",
        "This scenario does not fit the current data:",
    ),
    "scenarios.set_baseline": ("设为基准", "Set as baseline"),
    "scenarios.baseline_set": ("“{name}”已设为基准。", "“{name}” is now the baseline."),
    "scenarios.delete": ("删除", "Delete"),
    "scenarios.delete_confirm": ("确定删除情景“{name}”？", "Delete scenario “{name}”?"),
    "scenarios.delete_button": ("确认删除", "Yes, delete"),
    "scenarios.deleted": ("已删除情景“{name}”。", "Deleted scenario “{name}”."),
    "scenarios.new_name": ("新名称", "New name"),
    "scenarios.rename": ("重命名", "Rename"),
    "scenarios.renamed": ("已重命名为“{name}”。", "Renamed to “{name}”."),
    "scenarios.compare": ("情景对比", "Compare scenarios"),
    "scenarios.compare_pick": ("选择 2–4 个情景", "Choose 2–4 scenarios"),
    "scenarios.compare_need": ("请至少选择两个情景。", "Choose at least two scenarios."),
    "scenarios.current": ("当前设置", "Current settings"),
    "scenarios.solving": ("正在求解所选情景…", "Solving the chosen scenarios…"),
    "scenarios.money_used": ("资金使用合计", "Money committed"),
    "scenarios.differ": ("支持安排不同的对象", "Candidates whose support differs"),
    "scenarios.differ_count": ("共 {n} 个", "{n} candidates"),
    "scenarios.frontier": ("效率前沿", "Efficient frontier"),
    "scenarios.frontier_help": (
        "按比例放大或缩小全部预算，看最优加权完成度如何变化；圆点为各情景。",
        "All budgets scaled together: the best weighted attainment at each total; dots are scenarios.",
    ),
    "scenarios.frontier_run": ("计算效率前沿", "Compute the frontier"),
    "scenarios.frontier_running": ("正在计算效率前沿…", "Computing the frontier…"),
    "scenarios.total_budget": ("预算合计（万元）", "Total budget (10k CNY)"),
    "scenarios.link": ("分享链接", "Shareable link"),
    "scenarios.link_help": (
        "打开此链接即可恢复当前情景设置（只包含与库存数据不同的部分）。",
        "Opening this link restores the current settings (only what differs from the stored data).",
    ),
    # data
    "data.candidates": ("候选对象", "Candidates"),
    "data.options": ("支持方式", "Options"),
    "data.projects": ("项目", "Projects"),
    "data.firms": ("企业", "Firms"),
    "data.import": ("导入规划数据", "Import planning data"),
    "data.import_help": (
        "上传 Excel 工作簿（.xlsx）或 CSV 压缩包（.zip）。先校验，全部通过才会保存。",
        "Upload an Excel workbook (.xlsx) or a zip of CSVs. It is checked first and stored only if every check passes.",
    ),
    "data.upload": ("选择文件", "Choose a file"),
    "data.invalid": ("校验未通过：发现 {n} 个问题。", "The workbook is not valid: {n} problems."),
    "data.unreadable": ("无法读取该文件：{error}", "Cannot read the file: {error}"),
    "data.nothing_stored": ("未保存任何数据。", "Nothing was stored."),
    "data.sheet": ("工作表", "Sheet"),
    "data.row": ("行", "Row"),
    "data.column": ("列", "Column"),
    "data.message": ("问题", "Problem"),
    "data.valid": (
        "校验通过：{candidates} 个候选对象、{options} 个支持方式、{targets} 个目标。",
        "Valid: {candidates} candidates, {options} options, {targets} targets.",
    ),
    "data.settings_note": ("请检查设置表：{note}", "Check the settings sheet: {note}"),
    "data.import_button": ("导入并替换现有数据", "Import and replace the stored data"),
    "data.imported": ("已导入“{name}”。", "Imported “{name}”."),
    "data.downloads": ("下载", "Downloads"),
    "data.download_template": ("空白模板", "Blank template"),
    "data.download_current": ("当前数据", "Current data"),
    "data.download_demo": ("演示数据", "Demo data"),
    "data.reset": ("恢复演示数据", "Reset to the demo"),
    "data.reset_confirm": (
        "我确认用演示城市数据替换现有数据",
        "I understand this replaces the stored data with the demo city",
    ),
    "data.reset_button": ("恢复演示数据", "Reset to the demo"),
    "data.resetting": ("正在生成演示数据…", "Generating the demo city…"),
    "data.reset_done": ("已恢复演示数据。", "The demo city is back."),
    "data.audit": ("操作日志", "Audit log"),
    "data.when": ("时间", "When"),
    "data.who": ("操作人", "Who"),
    "data.user_system": ("系统", "System"),
    "data.user_demo": ("演示访客", "Demo visitor"),
    "data.action": ("操作", "Action"),
    "data.detail": ("详情", "Detail"),
    # audit-log actions (data.store writes these codes)
    "audit.demo": ("载入演示数据", "demo city loaded"),
    "audit.import": ("导入数据", "data imported"),
    "audit.save_assumptions": ("保存参数", "assumptions saved"),
    "audit.save_scenario": ("保存情景", "scenario saved"),
    "audit.overwrite_scenario": ("覆盖情景", "scenario overwritten"),
    "audit.rename_scenario": ("重命名情景", "scenario renamed"),
    "audit.delete_scenario": ("删除情景", "scenario deleted"),
    "audit.set_baseline": ("设为基准", "baseline set"),
    # probabilities
    "nav.calibration": ("概率校准", "Calibration"),
    "calibration.caption": (
        "成功概率从往年名单与结果中估计：可靠性、回测得分、各支持方式的提升及其不确定性。",
        "Success probabilities estimated from past years' lists and outcomes: reliability, backtest "
        "scores, each option's uplift and its uncertainty.",
    ),
    "calibration.no_history": (
        "当前数据没有往年记录（history 表），所有概率均为假设值。导入含 history 表的工作簿后可在此估计。",
        "The data have no past years (history sheet): every probability is an assumption. Import a "
        "workbook with a history sheet to estimate them here.",
    ),
    "calibration.running": (
        "正在根据往年数据估计概率…",
        "Estimating probabilities from past years…",
    ),
    "calibration.candidates_estimated": ("基础概率已估计", "Base probabilities estimated"),
    "calibration.options_estimated": ("支持方式概率已估计", "Option probabilities estimated"),
    "calibration.correlation": ("年度相关系数 ρ", "Year-to-year correlation ρ"),
    "calibration.correlation_help": (
        "ρ 衡量好年景、坏年景使成败同向变动的程度（超出随机波动的年度差异）；ρ>0 时达标概率考虑年度波动。",
        "ρ measures how much good and bad years move successes together (variation between years "
        "beyond chance); with ρ > 0 the odds of meeting each goal allow for year swings.",
    ),
    "calibration.reliability": (
        "可靠性（按预测十分位）",
        "Reliability (by decile of the estimate)",
    ),
    "calibration.reliability_help": (
        "每一年的结果由其余年份拟合的模型预测；点越靠近虚线，估计越可靠。",
        "Each year is predicted by a model fitted on the other years; the closer the points lie to "
        "the dashed line, the more the estimates can be trusted.",
    ),
    "calibration.predicted": ("预测成功率", "Predicted success rate"),
    "calibration.observed": ("实际成功率", "Observed success rate"),
    "calibration.rows": ("记录数", "Rows"),
    "calibration.no_rows": ("暂无可显示的记录。", "Nothing to show yet."),
    "calibration.backtest": (
        "回测（用前几年拟合，检验最后一年）",
        "Backtest (fit earlier years, score the last)",
    ),
    "calibration.backtest_help": (
        "Brier 分数越低越好；与“该层级的平均成功率”对比，说明模型是否比简单平均更有用。",
        "Lower Brier scores are better; compared with the rung's plain success rate, it shows "
        "whether the model adds anything over a simple average.",
    ),
    "calibration.rung": ("层级", "Rung"),
    "calibration.rows_used": ("使用记录", "Rows used"),
    "calibration.year_scored": ("检验年份", "Year scored"),
    "calibration.brier": ("Brier（估计）", "Brier (estimates)"),
    "calibration.brier_plain": ("Brier（平均成功率）", "Brier (plain rate)"),
    "calibration.better": ("优于平均", "Beats the plain rate"),
    "calibration.uplifts": ("各支持方式的提升", "Uplift of each option"),
    "calibration.uplift_help": (
        "同等条件下（已按影响支持分配的特征调整）支持方式使成功概率平均提高多少；区间为 95% 置信区间。",
        "How much an option raises the chance of success on average at equal features (adjusted for "
        "the features that drove who got support); the interval is a 95% confidence interval.",
    ),
    "calibration.option": ("支持方式", "Option"),
    "calibration.uplift": ("平均提升", "Mean uplift"),
    "calibration.interval": ("95% 区间", "95% interval"),
    "calibration.sources": ("概率来源", "Where each probability comes from"),
    "calibration.candidate": ("候选编号", "Candidate"),
    "calibration.name": ("名称", "Name"),
    "calibration.in_use": ("当前基础概率", "Base probability in use"),
    "calibration.source": ("当前来源", "Source in use"),
    "calibration.estimate": ("估计值", "Estimate"),
    "calibration.estimate_source": ("采用后来源", "Source once adopted"),
    "calibration.source.estimated": ("估计", "estimated"),
    "calibration.source.assumed": ("假设", "assumed"),
    "calibration.source.entered": ("手工录入", "entered by hand"),
    "calibration.adopt": ("采用估计值", "Adopt the estimates"),
    "calibration.adopt_help": (
        "将估计的概率与相关系数写入当前数据，所有情景随之使用；每个概率保留来源标记，手工录入的概率保持不变，"
        "之后仍可通过导入工作簿逐项修改。",
        "Writes the estimated probabilities and correlation into the stored data, which every "
        "scenario then uses; each probability keeps its source, probabilities entered by hand stay "
        "as entered, and any one can still be changed by importing a workbook.",
    ),
    "calibration.adopt_confirm": (
        "我确认用估计值替换当前数据中的概率",
        "I understand this replaces the probabilities in the stored data",
    ),
    "calibration.adopt_button": ("采用估计值", "Adopt the estimates"),
    "calibration.adopted": ("已采用估计的概率。", "The estimated probabilities are in use."),
    "chance.title": ("达标概率最大的方案", "The plan that makes meeting the goals most likely"),
    "chance.help": (
        "与“期望完成度最高”的方案并列比较：按目标权重最大化达标概率，可能集中支持以确保部分目标、放弃无望的目标。",
        "Side by side with the plan of highest expected attainment: maximises the weighted chance of "
        "meeting the goals, which may concentrate support to secure some goals and give up a "
        "hopeless one.",
    ),
    "chance.run": (
        "计算达标概率最大的方案",
        "Find the plan that makes meeting the goals most likely",
    ),
    "chance.running": ("正在计算（约 10 秒）…", "Searching (about 10 seconds)…"),
    "chance.expected_plan": ("期望方案的加权达标概率", "Weighted chance, expected-attainment plan"),
    "chance.chance_plan": ("达标方案的加权达标概率", "Weighted chance, chance-aware plan"),
    "chance.bound": ("任何方案都不超过", "No plan can exceed"),
    "chance.expected_plan_expected": ("期望方案：预计", "Expected plan: expected"),
    "chance.expected_plan_p": ("期望方案：达标概率", "Expected plan: chance"),
    "chance.chance_plan_expected": ("达标方案：预计", "Chance plan: expected"),
    "chance.chance_plan_p": ("达标方案：达标概率", "Chance plan: chance"),
    "chance.change": ("预计值变化", "Change in expected"),
    "chance.bound_help": (
        "达标概率按年度相关系数 ρ = {rho} 计算；上限取“全部候选用最强支持时的概率”与“单独追求该目标时的期望/目标”中较小者。",
        "Chances use the year-to-year correlation ρ = {rho}; the bound takes, per target, the lesser "
        "of the chance with every candidate at its strongest option and the best expected value "
        "over goal when that target alone is pursued.",
    ),
    # year
    "audit.save_snapshot": ("保存调度", "dispatch round saved"),
    "audit.save_district_goals": ("保存区市目标", "district goals saved"),
    "nav.dispatch": ("月度调度", "Monthly dispatch"),
    "dispatch.caption": (
        "录入本月调度结果，保存为带日期的调度快照，据此重新安排全年剩余资金和力量。",
        "Enter the month's results, keep them as a dated dispatch round, and re-plan the rest of the year.",
    ),
    "dispatch.enter": ("录入调度结果", "Enter results"),
    "dispatch.enter_help": (
        "每行一个已有进展的候选对象：状态为 supported（已支持、结果未定）、succeeded（已开工/已认定）或 failed（本年已无望）；支持方式为其选项之一或 none；日期格式 YYYY-MM-DD。",
        "One row per candidate with news: status supported (support given, outcome open), succeeded (started / recognised) or failed (no longer possible this year); option one of its options or none; date YYYY-MM-DD.",
    ),
    "dispatch.round_date": ("调度截止日期", "Round as of"),
    "dispatch.note": ("备注", "Note"),
    "dispatch.candidate": ("候选对象编号", "Candidate ID"),
    "dispatch.status": ("状态", "Status"),
    "dispatch.option": ("支持方式", "Option"),
    "dispatch.date": ("日期", "Date"),
    "dispatch.save": ("校验并保存为调度快照", "Check and save as a dispatch round"),
    "dispatch.saving": ("正在保存调度快照…", "Saving the dispatch round…"),
    "dispatch.invalid": ("校验未通过：发现 {n} 个问题。", "Not valid: {n} problems."),
    "dispatch.saved": (
        "已保存调度快照 #{id}（截至 {date}），后续方案从此出发重新安排。",
        "Dispatch round #{id} (as of {date}) saved; the plan now starts from it.",
    ),
    "dispatch.replan": ("重排剩余年度", "Re-plan the rest of the year"),
    "dispatch.replan_help": (
        "已有结果的对象保持其支持方式，已支出资金不再可用，已完成的计为确定完成；优化只分配剩余资金和力量。",
        "Decided candidates keep their option, money spent stays spent and achieved successes are certain; the optimizer spends only what is left.",
    ),
    "dispatch.compare": ("调度对比", "Compare rounds"),
    "dispatch.compare_need_two": (
        "至少需要两次调度快照。",
        "At least two dispatch rounds are needed.",
    ),
    "dispatch.before": ("前一次", "Before"),
    "dispatch.after": ("后一次", "After"),
    "dispatch.change": ("变化", "Change"),
    "dispatch.measure": ("指标", "Measure"),
    "dispatch.measure.starts": ("项目开工（个）", "Projects started"),
    "dispatch.measure.recognitions": ("企业认定/升规（家）", "Firms recognised"),
    "dispatch.measure.failures": ("本年无望（个）", "No longer possible"),
    "dispatch.measure.supported": ("已给予支持（个）", "Support given"),
    "dispatch.measure.spent": ("已支出资金（万元）", "Money spent (10k CNY)"),
    "dispatch.measure.achieved": ("已完成", "Achieved"),
    "dispatch.measure.p_meet": ("完成概率", "Chance of meeting the goal"),
    "dispatch.goals": ("区市目标", "District goals"),
    "dispatch.goals_help": (
        "全市目标分解到各区市（district、target、goal 三列）；可在表中修改，或导入 CSV/Excel 文件。",
        "The city's targets broken down by district (columns district, target, goal); edit here or import a CSV/Excel file.",
    ),
    "dispatch.goals_default": (
        "尚未设定区市目标：下表按各区市候选对象的基础贡献比例分解。",
        "No district goals set yet: below, the goals split by what each district's candidates would bring unaided.",
    ),
    "dispatch.goals_upload": ("导入区市目标", "Import district goals"),
    "dispatch.goals_save": ("校验并保存区市目标", "Check and save the district goals"),
    "dispatch.goals_saved": ("已保存 {n} 条区市目标。", "{n} district goals saved."),
    "dispatch.goals_weight": ("区市目标权重", "Weight of each district goal"),
    "dispatch.goals_count": ("纳入方案优化", "Count them in the plan"),
    "dispatch.goals_uncount": ("不再纳入方案优化", "Stop counting them in the plan"),
    "year.title": ("年度目标完成情况预判", "The year so far"),
    "year.caption": (
        "时间进度 {share}，剩余 {months} 个月。",
        "{share} of the year gone, {months} months left.",
    ),
    "year.target": ("目标", "Target"),
    "year.goal": ("年度目标", "Goal"),
    "year.achieved": ("已完成", "Achieved"),
    "year.achieved_share": ("完成进度", "Share achieved"),
    "year.on_pace": ("按时间进度应完成", "On pace by now"),
    "year.expected": ("预计全年", "Expected by year end"),
    "year.chance": ("完成概率", "Chance"),
    "year.pace_needed": ("每月尚需", "Needed per month"),
    "year.light": ("研判", "Outlook"),
    "year.light.green": ("有望完成", "on track"),
    "year.light.yellow": ("需加力推进", "needs a push"),
    "year.light.red": ("完成难度大", "at risk"),
    "year.round": ("调度日期", "Round"),
    "year.trend": ("历次调度完成进度", "Progress over the rounds"),
    "year.since_last": ("与上次调度相比", "Since the last round"),
    "year.starts": ("已开工项目", "Projects started"),
    "year.recognitions": ("已认定/升规企业", "Firms recognised"),
    "year.failures": ("本年无望", "No longer possible"),
    "year.spent": ("已支出资金", "Money spent"),
    "year.districts": ("区市目标与排名", "Districts: goals and ranking"),
    "year.rank": ("排名", "Rank"),
    "year.district": ("区市", "District"),
    "year.completion": ("完成进度", "Completion"),
    "year.expected_share": ("预计完成率", "Expected"),
    "year.district_goals": ("各项目标（已完成/目标）", "Goals (achieved/goal)"),
    "year.lists": ("红黄榜", "Red and yellow lists"),
    "year.stalled": ("推进缓慢项目", "Stalled projects"),
    "year.behind": ("进度滞后的目标", "Targets behind pace"),
    "year.over_capacity": ("力量紧张的部门", "Departments near or over capacity"),
    "year.none": ("无", "None"),
    "year.project": ("项目", "Project"),
    "year.stage": ("阶段", "Stage"),
    "year.days": ("停留天数", "Days in stage"),
    "year.bottlenecks": ("要素瓶颈：资源 × 牵头部门", "Bottlenecks: resource × lead department"),
    "year.department": ("牵头部门", "Lead department"),
    "year.resource": ("资源", "Resource"),
    "year.used": ("已用", "Used"),
    "year.capacity": ("可用量", "Capacity"),
    "year.share": ("占用比例", "Share of capacity"),
    # ux: what every move changed, codes and units in words, workflow details
    "solve.replaced": (
        "求解已完成：最终方案已替换快速方案，标“●”的数字随之变化。",
        "Solving finished: the final plan replaced the quick one; figures marked “●” moved.",
    ),
    "solve.refined_same": (
        "求解已完成：快速方案即为最终方案，数字不变。",
        "Solving finished: the quick plan is the final one; no figure moved.",
    ),
    "change.title": ("本次调整带来的变化：", "What this move changed:"),
    "change.against_stored": ("与库存数据相比", "Against the stored data"),
    "change.nothing": ("各项指标和支持对象均无变化。", "No figure and no candidate changed."),
    "change.points": ("{value} 个百分点", "{value} points"),
    "change.updated": ("{label} ●已更新", "{label} ● updated"),
    "change.goals": ("{name}目标", "goal for {name}"),
    "change.weights": ("{name}权重", "weight of {name}"),
    "change.pool_share": ("统筹调剂比例", "pooled share"),
    "change.award_prudence": ("奖补兑现审慎系数", "award prudence"),
    "change.lock": ("锁定{who}为“{option}”", "locked {who} to “{option}”"),
    "change.unlock": ("解除对{who}的锁定", "unlocked {who}"),
    "change.expectations": ("预期完成量：", "Expected: "),
    "change.target": ("{target}从 {before} 变为 {after}", "{target} {before} → {after}"),
    "change.candidates": (
        "新增支持 {gained} 个（{money_gained}），不再支持 {lost} 个（{money_lost}），"
        "改变支持方式 {switched} 个。",
        "{gained} newly supported ({money_gained}), {lost} no longer supported ({money_lost}), "
        "{switched} supported differently.",
    ),
    "change.transfer": (
        "资金统筹：从{source}调剂到{sink}的资金由 {before} 变为 {after}。",
        "Pooling: money moved from {source} to {sink} went from {before} to {after}.",
    ),
    "change.cut_raises": (
        "削减一个资金渠道后{targets}的预期反而上升，原因是统筹调剂改变了资金去向：",
        "A cut to one fund line raised {targets}, because pooling moved money between lines:",
    ),
    "change.details": ("查看变化的支持对象（{n} 个）", "Candidates that changed ({n})"),
    "change.what": ("变化", "Change"),
    "change.gained": ("新增支持", "newly supported"),
    "change.lost": ("不再支持", "no longer supported"),
    "change.switched": ("改变支持方式", "supported differently"),
    "change.option_before": ("调整前支持方式", "Support before"),
    "change.option_after": ("调整后支持方式", "Support now"),
    "change.money": ("资金变化", "Money moved"),
    "studio.buys": ("多一档带来（预期）", "One step more buys (expected)"),
    "why.below": ("不足 0.01", "under 0.01"),
    "common.choose": ("请选择", "Choose"),
    "scenarios.settings": ("主要设置", "Key settings"),
    "scenarios.summary_total": ("资金合计 {total}", "Money in all {total}"),
    "scenarios.summary_same": ("，其余与库存数据相同", ", otherwise as the stored data"),
    "scenarios.difference": ("差异（{other} 较 {first}）", "Difference ({other} vs {first})"),
    "scenarios.points": ("个百分点", "points"),
    "scenarios.total_budget_axis": ("资金总额（亿元）", "Total budget (CNY m)"),
    "scenarios.objective_axis": (
        "加权目标完成度（占最高值的百分比）",
        "Weighted attainment (% of its maximum)",
    ),
    "why.no_effect": ("各目标预期基本不变", "no target moves noticeably"),
    "why.locked": (
        "{who}已由领导锁定为“{option}”，其代价见“锁定代价”。",
        "{who} is locked by leadership to “{option}”; see the price of locks.",
    ),
    "why.no_options": ("{who}没有可选的支持方式，方案无法支持。", "{who} has no support options."),
    "why.chance": ("成功概率由 {before} 提高到 {after}", "chance of success {before} → {after}"),
    "why.money": ("使用{line} {amount}", "{amount} from {line}"),
    "why.no_money": ("不占用资金", "no money"),
    "why.rate": (
        "；每 100 万元提高 {rate} 个百分点，本资金渠道入选支持中最低为 {cutoff} 个百分点",
        "; {rate} points per CNY 1 m, against {cutoff} for the weakest support funded on this line",
    ),
    "why.funded": (
        "{who}获得支持：“{option}”，{cost}，{chance}，加权完成度因此提高 {points} 个百分点{rate}。",
        "{who} is supported with “{option}” ({cost}; {chance}), adding {points} points of "
        "weighted attainment{rate}.",
    ),
    "why.not_funded": (
        "{who}未获支持。最合适的支持方式为“{option}”，需{cost}，{chance}，"
        "可提高加权完成度 {points} 个百分点{rate}。",
        "{who} is not supported. Its best option, “{option}” ({cost}; {chance}), would add "
        "{points} points of weighted attainment{rate}.",
    ),
    "why.drop": (
        "若取消对其支持，加权完成度将下降 {points} 个百分点",
        "Dropping it would lose {points} points of weighted attainment",
    ),
    "why.drop_infeasible": (
        "若取消对其支持，将无可行方案。",
        "Dropping it leaves no feasible plan.",
    ),
    "why.changes": ("；方案将随之调整：{changes}。", "; the plan would change: {changes}."),
    "why.change_item": ("{who}（由{before}改为{after}）", "{who} ({before} → {after})"),
    "why.more": ("另有 {n} 个", "{n} more"),
    "why.already_met": (
        "它所贡献的目标按预期已经完成，支持它不再提高完成度。",
        "Its targets are already met in expectation, so it adds nothing to attainment.",
    ),
    "why.margin": (
        "它正处在入选边缘：按现有额度重新求解也可能入选。",
        "It is at the margin: a re-solve with today's limits may support it.",
    ),
    "why.takes": (
        "若{limit}再增加 {more}即可入选（增加 {less}仍不入选）。",
        "It would be supported with {more} more {limit} (with {less} more it is not).",
    ),
    "why.never": (
        "即使{limit}再增加 {more}，它也不会入选。",
        "Even {more} more {limit} would not get it supported.",
    ),
    "why.forced_infeasible": (
        "若强行纳入，将无可行方案。",
        "Forcing it in leaves no feasible plan.",
    ),
    "why.forced": (
        "若强行纳入（“{option}”），加权完成度将下降 {points} 个百分点",
        "Forcing it in (with “{option}”) would cost {points} points of weighted attainment",
    ),
    # --- analyses2 ---
    "studio.robust_help_fit": (
        "成功概率按历年数据拟合的不确定性随机抽取（无历史数据的对象上下浮动 20%），并计入好年景与"
        "坏年景的共同波动；重新求解 20 次，看本方案各目标能保住多少、哪些资金稳妥。",
        "Success probabilities are drawn from the uncertainty of their fit to past years (±20% "
        "where a rung has no history), with good and bad years moving them together; the plan is "
        "re-solved 20 times: what each goal can count on and which money is safe.",
    ),
    "studio.robust_help_spread": (
        "成功概率随机上下浮动 20%（并计入好年景与坏年景的共同波动），重新求解 20 次，看本方案各目标"
        "能保住多少、哪些资金稳妥。",
        "Success probabilities are perturbed by up to 20% (with good and bad years moving them "
        "together) and the plan re-solved 20 times: what each goal can count on and which money "
        "is safe.",
    ),
    "studio.robust_goal": (
        "{target}：九成样本中，本方案预期不少于 {assured}（目标 {goal}；{samples} 个样本中 {met} 个达到）",
        "{target}: in 90% of the samples the plan as it is expects at least {assured} (goal "
        "{goal}; met in {met} of {samples} samples)",
    ),
    "studio.robust_money": (
        "几乎总被支持的支持方式（九成以上重算中保留）占本方案资金的 {core_money}：{kept}（共 "
        "{total}）；其余 {in_doubt} 投向视概率估计而定的对象。",
        "Supports kept in at least 90% of the re-solves take {core_money} of this plan's money: "
        "{kept} of {total}; the other {in_doubt} go to candidates that depend on the estimates.",
    ),
    # --- ux2 ---
    "pipeline.stalled_list": ("推进缓慢项目（{n} 个）", "Stalled projects ({n})"),
    "pipeline.stalled_list_note": (
        "计划库中尚未开工、在当前阶段停留超过 {days} 天的项目，按超期天数从多到少排列（超期最多的在最前）。"
        "点击一行，在下方“项目详情”中查看。",
        "Plan-library projects not started and more than {days} days in their stage, most days "
        "overdue first. Click a row to see it under “Project detail”.",
    ),
    "pipeline.stalled_list_none": (
        "没有在同一阶段停留超过 {days} 天的计划库项目。",
        "No plan-library project has spent more than {days} days in one stage.",
    ),
    "pipeline.days_overdue": ("超期天数", "Days overdue"),
    "pipeline.click_hint": (
        "点击表格中的一行，在下方查看该项目详情。",
        "Click a row to see the project's detail below.",
    ),
    "ladder.near_note_sorted": (
        "已达门槛待认定 {already} 家；尚有差距 {short} 家，按未达标项数由少到多、"
        "同数时按主要指标差距（占门槛的比例）由小到大列出：",
        "{already} already meet the rule and await recognition; {short} are short, fewest unmet "
        "criteria first, then the smallest gap on the main criterion (as a share of its threshold):",
    ),
    "ladder.all_districts": ("全部区市", "All districts"),
    "ladder.click_hint": (
        "点击一行，在下方“企业明白纸”中查看该企业的梯度位置、各项条件和方案中的支持。",
        "Click a row to see the firm's rung, criteria and the plan's support below.",
    ),
    "ladder.main_met_short": (
        "主要指标已达标，尚缺：{criterion}",
        "Main criterion met; lacks: {criterion}",
    ),
    "ladder.points": ("{n} 分", "{n} points"),
    "ladder.share_points": ("{n} 个百分点", "{n} percentage points"),
    "ladder.years": ("{n} 年", "{n} years"),
    "ladder.items": ("{n} 项", "{n}"),
    "ladder.rank": ("第 {n} 名", "#{n}"),
    "ladder.top_n": ("前 {n} 名", "top {n}"),
    "ladder.unranked": ("未进入排名", "not ranked"),
    "ladder.gap_none": ("无", "none"),
    "ladder.not_met": ("未满足", "not met"),
    "ladder.not_ranked_yet": ("排名未达到", "rank not reached"),
    "studio.marginal_sentence": (
        "再增加 {step}{limit} → 预计{effects}",
        "{step} more for {limit} → expected {effects}",
    ),
    # --- chance2 ---
    "chance2.adopt_scenario": ("在当前情景中采用估计值", "Adopt the estimates in this scenario"),
    "chance2.adopt_scenario_help": (
        "将估计的概率与年度相关系数写入当前情景（仅本次会话，不改动已存数据），每个概率标记为“估计”；"
        "在情景中手工录入的概率保持不变。",
        "Puts the estimated probabilities and year-to-year correlation into this session's scenario "
        "(the stored data stay as they are), each marked estimated; a probability entered by hand in "
        "the scenario stays as entered.",
    ),
    "chance2.adopt_scenario_button": ("在情景中采用", "Adopt in this scenario"),
    "chance2.adopted_scenario": (
        "当前情景已采用估计的概率。",
        "This scenario now uses the estimated probabilities.",
    ),
    "chance2.override": ("手工录入某一概率", "Enter one probability by hand"),
    "chance2.override_value": ("成功概率", "Success probability"),
    "chance2.override_button": ("在情景中使用该概率", "Use this probability in the scenario"),
    "chance2.overridden": (
        "已在当前情景中使用手工录入的概率。",
        "This scenario now uses the probability entered by hand.",
    ),
    "chance2.save_stored": (
        "保存到已存数据（管理员）",
        "Save into the stored data (administrator)",
    ),
    "chance2.save_stored_help": (
        "将估计的概率与相关系数写入已存数据，所有情景随之使用；操作记入审计日志，手工录入的概率保持不变。",
        "Writes the estimated probabilities and correlation into the stored data, which every "
        "scenario then uses; the write is audited, and probabilities entered by hand stay as entered.",
    ),
    "chance2.save_stored_button": ("保存到已存数据", "Save into the stored data"),
    "chance2.no_bound": ("未算出上限", "No bound"),
    "chance2.source": ("概率来源", "Probability source"),
}


# Values the dashboard itself produces (the solver's status), not names of the domain.
_SCREEN_VALUES: dict[str, tuple[str, str]] = {
    "optimal": ("最优", "optimal"),
    "feasible": ("可行（未证最优）", "feasible (not proven optimal)"),
    "infeasible": ("无可行解", "infeasible"),
}


def _domain_keys() -> dict[str, tuple[str, str]]:
    """The vocabulary under the keys pages use: ``value.<code>``, ``criterion.<name>``, ``<kind>.<code>``.

    Screen keys win where a name is both (none is today); the membership tests of pages
    (``key in TABLE``) keep working because the keys are listed, not computed on the fly.
    """
    keys: dict[str, tuple[str, str]] = {}
    for kind in ("criterion", "target_short"):
        keys.update({f"{kind}.{code}": pair for code, pair in vocabulary.table(kind).items()})
    keys.update({f"value.{code}": pair for code, pair in vocabulary.VALUE_LABELS.items()})
    keys.update({f"value.{code}": pair for code, pair in _SCREEN_VALUES.items()})
    return keys


# Every key t() knows: the screen text and the vocabulary (built once; the vocabulary is frozen).
TABLE: dict[str, tuple[str, str]] = {**_domain_keys(), **SCREEN}


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
        A key of :data:`TABLE`, or ``<kind>.<code>`` of a vocabulary kind (``rung.srdi``).
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
        kind, _, code = key.partition(".")
        if kind in vocabulary.TABLES and code in vocabulary.TABLES[kind]:
            return vocabulary.label(kind, code, lang)
        return key
    text = pair[LANGS.index(lang)]
    return text.format(**values) if values else text


def has_value(value: object) -> bool:
    """True when ``value`` is a data value the table knows."""
    return f"value.{value}" in TABLE


def tv(value: object, lang: str | None = None, kind: str | None = None) -> str:
    """A data value (district, cluster, stage, tier, …) in ``lang``; unknown values pass through.

    ``kind`` (a kind of `data.vocabulary`, e.g. ``"option"``) picks the label where one code names
    two things (``factor_guarantee`` is a stage and an option); without it the stage wins.
    """
    if value is None:
        return ""
    lang = lang or _lang_from_session()
    if kind is not None:
        return vocabulary.label(kind, value, lang)
    text = str(value)
    pair = TABLE.get(f"value.{text}")
    if pair is None:
        return text
    return pair[LANGS.index(lang)]


def tv_map(values: Iterable[object], lang: str | None = None) -> dict[str, str]:
    """``{raw: translated}`` for a set of data values (for chart legends and select boxes)."""
    return {str(v): tv(v, lang) for v in values}

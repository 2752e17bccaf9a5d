"""The policy assumptions table: every number that shapes the demo city's awards, support options,
probabilities, goals and budgets, in one editable place.

Each row has ``key, value, unit, description_en, description_zh, source``; ``source`` is marked
[S] official document or press report, [G] general knowledge, [E] estimate. The demo
generator reads these values from the table it is given, so an edited table changes the options.
"""

from __future__ import annotations

import math

import pandas as pd

ASSUMPTION_COLUMNS = ["key", "value", "unit", "description_en", "description_zh", "source"]

# (key, value, unit, description_en, description_zh, source)
_ROWS: list[tuple[str, float, str, str, str, str]] = [
    # --- Budgets, resources and settings -----------------------------------------------------------
    (
        "budget_ratio",
        2.98,
        "×",
        "Cost of supporting every candidate at its strongest option ÷ fund-line amount",
        "全部候选按最强方案支持所需资金 ÷ 资金渠道额度",
        "[E]",
    ),
    (
        "resource_ratio",
        1.9,
        "×",
        "Staff days of every candidate at its strongest option ÷ the department's staff days",
        "全部候选按最强方案所需牵头部门人日 ÷ 可用人日",
        "[E]",
    ),
    (
        "agency_slot_ratio",
        2.8,
        "×",
        "Service-agency slots of every candidate at its strongest option ÷ slots available",
        "全部候选按最强方案所需服务机构名额 ÷ 可用名额",
        "[E]",
    ),
    (
        "factor_quota_ratio",
        1.8,
        "×",
        "Land and energy quota of every candidate at its strongest option ÷ quota available",
        "全部候选按最强方案所需用地、能耗指标 ÷ 可用指标",
        "[E]",
    ),
    (
        "awards_margin",
        1.15,
        "×",
        "Award line holds at least this × the entitlement reserve with no support",
        "奖励资金渠道至少为无支持时应兑奖励准备金的倍数",
        "[E]",
    ),
    (
        "pool_share",
        0.2,
        "share",
        "Share of a pooled fund line that may move to other pooled lines",
        "可统筹调剂的资金比例",
        "[E] share; the mechanism [S] 涉企资金统筹整合 (docs/projects.md)",
    ),
    (
        "award_prudence",
        1.0,
        "×",
        "Entitlement reserve = min(1, prudence × probability) × award",
        "奖励准备金审慎系数",
        "[E]",
    ),
    (
        "year_correlation",
        0.15,
        "ρ",
        "Year-to-year correlation of the demo's past outcomes (one common factor per year: a strict "
        "batch or a slow economy moves many together)",
        "示例城市历年结果的年度相关系数（每年一个共同因子：评审从严或经济下行时多数同时受影响）",
        "[E]",
    ),
    # --- Awards paid on success (entitlements) ---------------------------------------------------------
    (
        "award_above_size",
        20.0,
        "万元",
        "Award for a new above-size industrial firm",
        "新升规工业企业奖励",
        "[S] 5–30 万元 in Shandong cities",
    ),
    (
        "award_innovative_sme",
        2.0,
        "万元",
        "Award for a new innovative SME",
        "新公告创新型中小企业奖励",
        "[E] 0–5 万元",
    ),
    (
        "award_srdi",
        20.0,
        "万元",
        "Award for a new provincial SRDI SME",
        "新认定省级专精特新中小企业奖励",
        "[S] 10–30 万元",
    ),
    (
        "award_little_giant",
        50.0,
        "万元",
        "Award for a new national little giant",
        "新认定国家级专精特新“小巨人”奖励",
        "[E] 30–100 万元",
    ),
    (
        "award_champion",
        50.0,
        "万元",
        "Award for a new provincial single champion",
        "新认定省级制造业单项冠军奖励",
        "[S] 50 万元 provincial, 100–200 national",
    ),
    (
        "award_ten_billion",
        1000.0,
        "万元",
        "Award for a firm first crossing 10 billion yuan revenue",
        "首次突破百亿元营业收入企业奖励",
        "[S] the city's 2023 policy (docs/domain.md); 威政发〔2022〕3号 expired at the end of 2022",
    ),
    (
        "award_ten_billion_step",
        1000.0,
        "万元",
        "Award for each further 10-billion step of a firm already above 10 billion yuan",
        "百亿级企业营业收入每再跨一个百亿台阶的奖励",
        "[S] the city's 2023 policy (docs/domain.md)",
    ),
    # --- Technical renovation subsidy -----------------------------------------------------------------
    (
        "tech_renovation_rate",
        0.05,
        "share",
        "Tech-renovation subsidy as a share of equipment investment",
        "技改补助占设备投资比例",
        "[S] 威海",
    ),
    (
        "tech_renovation_cap",
        300.0,
        "万元",
        "Tech-renovation subsidy cap per project",
        "技改补助上限",
        "[S] 威海",
    ),
    (
        "tech_renovation_rate_ten_billion",
        0.10,
        "share",
        "Subsidy rate for firms above 10 billion yuan",
        "百亿企业技改补助比例",
        "[S] 威海",
    ),
    (
        "tech_renovation_cap_ten_billion",
        500.0,
        "万元",
        "Subsidy cap for firms above 10 billion yuan",
        "百亿企业技改补助上限",
        "[S] 威海",
    ),
    (
        "tech_renovation_min_equipment",
        500.0,
        "万元",
        "Minimum equipment investment for a subsidised renovation",
        "技改补助设备投资门槛",
        "[E]",
    ),
    (
        "renovation_equipment_share",
        0.6,
        "share",
        "Equipment share of a technical-renovation key project's annual investment (its subsidy base)",
        "技术改造类重点项目年度投资中设备投资的比例（技改补助基数）",
        "[E]",
    ),
    (
        "tech_renovation_uplift",
        0.6,
        "share",
        "Share of the reachable headroom closed by a tech-renovation subsidy",
        "技改补助可弥补的提升空间比例",
        "[E]",
    ),
    # --- Above-size upgrade support ----------------------------------------------------------------------
    (
        "upgrade_guidance_cost",
        2.0,
        "万元",
        "Upgrade guidance by a service agency, per firm",
        "升规指导服务费（每户）",
        "[E]",
    ),
    (
        "upgrade_guidance_uplift",
        0.03,
        "share",
        "Headroom closed by upgrade guidance",
        "升规指导可弥补的提升空间比例",
        "[E]",
    ),
    (
        "order_matching_cost",
        5.0,
        "万元",
        "Order matching (supply-chain fairs, 产需对接), per firm",
        "产需对接服务费（每户）",
        "[E]",
    ),
    (
        "order_matching_uplift",
        0.06,
        "share",
        "Headroom closed by order matching",
        "产需对接可弥补的提升空间比例",
        "[E]",
    ),
    (
        "growth_sd",
        0.12,
        "share",
        "Uncertainty (sd) of a firm's revenue growth this year",
        "企业年度营收增长率的不确定性（标准差）",
        "[E]",
    ),
    (
        "growth_uplift_above_size",
        0.55,
        "share",
        "Extra growth full support can bring a firm near 20 million yuan",
        "充分支持可为临近规上企业带来的增长率提升",
        "[E]",
    ),
    (
        "growth_uplift_ten_billion",
        0.2,
        "share",
        "Extra growth full support can bring a 7–10 billion firm",
        "充分支持可为百亿培育企业带来的增长率提升",
        "[E]",
    ),
    (
        "probability_cap",
        0.95,
        "probability",
        "No option gives a higher chance: success is never certain",
        "任何方案的成功概率上限（成功从不确定）",
        "[E]",
    ),
    (
        "ten_billion_candidate_share",
        0.7,
        "share",
        "Firms at this share of 10 billion yuan revenue or more are 10-billion candidates",
        "营收达到百亿元该比例以上的企业列入百亿培育",
        "[S] 百亿企业培育工程; [E] share",
    ),
    (
        "min_candidate_probability",
        0.02,
        "probability",
        "A firm is a size candidate only if full support could give it this chance",
        "纳入规上/百亿候选的最低可达概率",
        "[E]",
    ),
    # --- Quality ladder support (innovative SME, SRDI, little giant, champion) ----------------------------
    (
        "coaching_cost_innovative_sme",
        1.0,
        "万元",
        "Application coaching by a service agency: innovative SME",
        "服务机构申报辅导费：创新型中小企业",
        "[E]",
    ),
    (
        "coaching_cost_srdi",
        4.0,
        "万元",
        "Application coaching: provincial SRDI",
        "服务机构申报辅导费：专精特新",
        "[E]",
    ),
    (
        "coaching_cost_little_giant",
        8.0,
        "万元",
        "Application coaching: little giant",
        "服务机构申报辅导费：小巨人",
        "[E]",
    ),
    (
        "coaching_cost_champion",
        12.0,
        "万元",
        "Application coaching: single champion",
        "服务机构申报辅导费：单项冠军",
        "[E]",
    ),
    (
        "coaching_uplift_ready",
        0.45,
        "share",
        "Headroom closed by application coaching when the application is the only gap left "
        "(the firm meets every criterion: the file and the window are what is left)",
        "企业已满足全部条件、仅差申报材料时申报辅导可弥补的提升空间比例",
        "[E]",
    ),
    (
        "coaching_uplift",
        0.12,
        "share",
        "Headroom closed by application coaching",
        "申报辅导可弥补的提升空间比例",
        "[E]",
    ),
    (
        "agency_slots_per_option",
        1.0,
        "slots",
        "Service-agency slots one firm coached for a quality rung uses",
        "每户申报辅导占用的服务机构名额",
        "[E]",
    ),
    (
        "agency_slots_per_guided_firm",
        0.0,
        "slots",
        "Service-agency slots one firm in upgrade guidance uses (0: the seed-library staff of the "
        "industry bureau and districts guide it, not an accredited agency)",
        "每户升规指导占用的服务机构名额（0：由工信部门和区市种子库人员指导，不占服务机构名额）",
        "[E]",
    ),
    (
        "ip_service_cost",
        6.0,
        "万元",
        "IP service (patent layout, class-I applications), per firm",
        "知识产权服务费（每户）",
        "[E]",
    ),
    (
        "ip_service_uplift",
        0.2,
        "share",
        "Headroom closed by IP service",
        "知识产权服务可弥补的提升空间比例",
        "[E]",
    ),
    (
        "rd_centre_cost",
        30.0,
        "万元",
        "Help building an R&D centre (研发中心), per firm, paid as a 奖补 once the firm is recognised",
        "研发机构建设奖补（每户，达标后兑付）",
        "[E]",
    ),
    (
        "rd_centre_uplift",
        0.45,
        "share",
        "Headroom closed by R&D-centre help",
        "研发机构建设支持可弥补的提升空间比例",
        "[E]",
    ),
    (
        "certification_cost",
        8.0,
        "万元",
        "Certification coaching (高新技术企业, management-system certificates), per firm without one",
        "资质认证辅导费（高新技术企业、体系认证，每户）",
        "[E]",
    ),
    (
        "certification_uplift",
        0.2,
        "share",
        "Headroom closed by a certification",
        "资质认证可弥补的提升空间比例",
        "[E]",
    ),
    (
        "ip_saturation_class1",
        5.0,
        "items",
        "IP service is offered only to firms holding fewer class-I IP items than this (it addresses a gap)",
        "Ⅰ类知识产权少于该数量的企业才提供知识产权服务（针对短板）",
        "[E]",
    ),
    (
        "p_meet_innovative_sme",
        0.3,
        "probability",
        "Chance of recognition when every criterion is met: innovative SME",
        "满足条件时入选公告概率：创新型中小企业",
        "[E]",
    ),
    (
        "p_meet_srdi",
        0.2,
        "probability",
        "Chance of recognition when every criterion is met: SRDI",
        "满足条件时认定概率：专精特新",
        "[E]",
    ),
    (
        "p_meet_little_giant",
        0.28,
        "probability",
        "Chance of recognition when every criterion is met: little giant",
        "满足条件时认定概率：小巨人",
        "[E]",
    ),
    (
        "p_meet_champion",
        0.2,
        "probability",
        "Chance of recognition when every criterion is met: champion",
        "满足条件时认定概率：单项冠军",
        "[E]",
    ),
    (
        "ceiling_innovative_sme",
        0.95,
        "probability",
        "Best chance with full support when every criterion is met: innovative SME",
        "充分支持且满足条件时的最高概率：创新型中小企业",
        "[E]",
    ),
    (
        "ceiling_srdi",
        0.7,
        "probability",
        "Best chance with full support: SRDI",
        "充分支持时的最高概率：专精特新",
        "[E]",
    ),
    (
        "ceiling_little_giant",
        0.50,
        "probability",
        "Best chance with full support: little giant",
        "充分支持时的最高概率：小巨人",
        "[E]",
    ),
    (
        "ceiling_champion",
        0.50,
        "probability",
        "Best chance with full support: champion",
        "充分支持时的最高概率：单项冠军",
        "[E]",
    ),
    (
        "gap_decay",
        3.0,
        "per gap unit",
        "Base chance falls by exp(−decay × gap index) with distance to the criteria",
        "基础概率随与标准差距的衰减系数",
        "[E]",
    ),
    (
        "support_gap_decay",
        1.2,
        "per gap unit",
        "Best supported chance falls by exp(−decay × gap index)",
        "支持后最高概率随差距的衰减系数",
        "[E]",
    ),
    (
        "max_candidate_gap",
        1.0,
        "gap units",
        "A firm farther than this from the next rung's criteria is not a candidate",
        "纳入候选的最大差距指数",
        "[E]",
    ),
    # --- Ten-billion programme ------------------------------------------------------------------------------
    (
        "dispatch_staff_days",
        12.0,
        "staff days",
        "Real-time dispatch of a 10-billion candidate (industry bureau)",
        "百亿培育企业实时调度占用工信局人日",
        "[S] mechanism; [E] days",
    ),
    (
        "dispatch_uplift",
        0.20,
        "share",
        "Headroom closed by real-time dispatch",
        "实时调度可弥补的提升空间比例",
        "[E]",
    ),
    (
        "ten_billion_factor_land_mu",
        60.0,
        "mu",
        "Land quota a 10-billion candidate's expansion needs",
        "百亿培育企业扩产所需用地指标",
        "[E]",
    ),
    (
        "ten_billion_factor_energy_tce",
        8000.0,
        "tce",
        "Energy quota a 10-billion candidate's expansion needs",
        "百亿培育企业扩产所需能耗指标",
        "[E]",
    ),
    (
        "ten_billion_factor_cost",
        150.0,
        "万元",
        "Financing and factor support for a 10-billion candidate",
        "百亿培育企业要素保障与融资支持",
        "[E]",
    ),
    (
        "ten_billion_factor_uplift",
        0.35,
        "share",
        "Headroom closed by factor guarantee",
        "要素保障可弥补的提升空间比例",
        "[E]",
    ),
    # --- Key projects ---------------------------------------------------------------------------------------
    (
        "project_base_reserve",
        0.10,
        "probability",
        "Start chance this year with no support: reserve stage",
        "无支持开工概率：项目储备阶段",
        "[E]",
    ),
    (
        "project_base_review_integration",
        0.45,
        "probability",
        "Start chance with no support: review integration",
        "无支持开工概率：审查集成阶段",
        "[E]",
    ),
    (
        "project_base_assisted_handling",
        0.65,
        "probability",
        "Start chance with no support: assisted handling",
        "无支持开工概率：帮办代办阶段",
        "[E]",
    ),
    (
        "project_base_factor_guarantee",
        0.78,
        "probability",
        "Start chance with no support: factor guarantee",
        "无支持开工概率：要素保障阶段",
        "[E]",
    ),
    (
        "project_ceiling_reserve",
        0.45,
        "probability",
        "Best start chance with full support: reserve stage",
        "充分支持时最高开工概率：项目储备阶段",
        "[E]",
    ),
    (
        "project_ceiling_review_integration",
        0.85,
        "probability",
        "Best start chance: review integration",
        "充分支持时最高开工概率：审查集成阶段",
        "[E]",
    ),
    (
        "project_ceiling_assisted_handling",
        0.93,
        "probability",
        "Best start chance: assisted handling",
        "充分支持时最高开工概率：帮办代办阶段",
        "[E]",
    ),
    (
        "project_ceiling_factor_guarantee",
        0.95,
        "probability",
        "Best start chance: factor guarantee",
        "充分支持时最高开工概率：要素保障阶段",
        "[E]",
    ),
    (
        "project_gate_penalty",
        0.03,
        "probability",
        "Start chance lost per approval gate still open",
        "每个未完成审批环节降低的开工概率",
        "[E]",
    ),
    (
        "project_late_month",
        9.0,
        "month",
        "Projects planned to start after this month risk slipping into next year",
        "计划开工月份晚于该月的项目存在跨年风险",
        "[E]",
    ),
    (
        "project_late_penalty",
        0.04,
        "probability",
        "Start chance lost per planned month after project_late_month",
        "计划开工月份每晚一个月降低的开工概率",
        "[E]",
    ),
    (
        "start_month_from_started",
        1.0,
        "month",
        "Projects already started this year started from this month ...",
        "今年已开工项目的开工月份起",
        "[S] collective starts in February (docs/projects.md); [E] window",
    ),
    ("start_month_to_started", 3.0, "month", "... to this month", "……至该月", "[E]"),
    (
        "start_month_from_factor_guarantee",
        2.0,
        "month",
        "Planned start month of a factor-guarantee project: from ...",
        "要素保障阶段项目计划开工月份：起",
        "[E]",
    ),
    ("start_month_to_factor_guarantee", 7.0, "month", "... to", "……至", "[E]"),
    (
        "start_month_from_assisted_handling",
        3.0,
        "month",
        "Planned start month of an assisted-handling project: from ...",
        "帮办代办阶段项目计划开工月份：起",
        "[E]",
    ),
    ("start_month_to_assisted_handling", 9.0, "month", "... to", "……至", "[E]"),
    (
        "start_month_from_review_integration",
        5.0,
        "month",
        "Planned start month of a review-integration project: from ...",
        "审查集成阶段项目计划开工月份：起",
        "[E]",
    ),
    ("start_month_to_review_integration", 11.0, "month", "... to", "……至", "[E]"),
    (
        "start_month_from_reserve",
        7.0,
        "month",
        "Planned start month of a reserve-stage project: from ...",
        "项目储备阶段项目计划开工月份：起",
        "[E]",
    ),
    ("start_month_to_reserve", 12.0, "month", "... to", "……至", "[E]"),
    (
        "stall_days",
        60.0,
        "days",
        "A plan-library project not yet started is stalled after this many days in its stage",
        "计划库未开工项目在同一阶段停留超过该天数即为推进缓慢项目",
        "[E]",
    ),
    (
        "project_reserve_library_factor",
        0.6,
        "×",
        "Start chance of a reserve-library project relative to a plan-library one",
        "储备库项目相对计划库项目的开工概率系数",
        "[E]",
    ),
    (
        "assisted_days_per_gate",
        3.0,
        "staff days",
        "Lead-department staff days of assisted handling per open gate",
        "帮办代办每个审批环节占用牵头部门人日",
        "[S] mechanism; [E] days",
    ),
    (
        "assisted_uplift",
        0.18,
        "share",
        "Headroom closed by assisted handling",
        "帮办代办可弥补的提升空间比例",
        "[S] approvals in hours not weeks; [E] size",
    ),
    (
        "land_quota_uplift",
        0.30,
        "share",
        "Headroom closed by granting the land quota (when land is open)",
        "保障用地指标可弥补的提升空间比例",
        "[E]",
    ),
    (
        "energy_quota_uplift",
        0.25,
        "share",
        "Headroom closed by granting the energy quota (when energy review is open)",
        "保障能耗指标可弥补的提升空间比例",
        "[E]",
    ),
    (
        "factor_support_rate",
        0.003,
        "share",
        "Factor-guarantee support (early-stage works) as a share of annual planned investment",
        "要素保障支持占年度计划投资比例",
        "[E]",
    ),
    (
        "factor_support_min",
        10.0,
        "万元",
        "Smallest factor-guarantee support",
        "要素保障支持下限",
        "[E]",
    ),
    ("factor_support_cap", 60.0, "万元", "Factor-guarantee support cap", "要素保障支持上限", "[E]"),
    (
        "factor_support_uplift",
        0.3,
        "share",
        "Headroom closed by factor-guarantee support money",
        "要素保障资金可弥补的提升空间比例",
        "[E]",
    ),
    (
        "financing_rate",
        0.008,
        "share",
        "Financing support (interest subsidy) as a share of annual planned investment",
        "融资贴息支持占年度计划投资比例",
        "[E]",
    ),
    ("financing_min", 30.0, "万元", "Smallest financing support", "融资支持下限", "[E]"),
    ("financing_cap", 150.0, "万元", "Financing support cap", "融资支持上限", "[E]"),
    (
        "financing_uplift",
        0.5,
        "share",
        "Headroom closed by financing support and dispatch",
        "融资支持与调度可弥补的提升空间比例",
        "[E]",
    ),
    (
        "dispatch_extra_days",
        1.0,
        "staff days",
        "Staff days of the overall lead (市发展改革委) dispatching a project in the full package",
        "全程调度占用总牵头部门（市发展改革委）人日",
        '[S] "1+6" mechanism; [E] days',
    ),
    (
        "factor_coordination_days",
        0.5,
        "staff days",
        "Staff days of the overall lead (市发展改革委) coordinating a project's factor package",
        "总牵头部门（市发展改革委）统筹协调项目要素保障占用人日",
        '[S] "1+6" mechanism; [E] days',
    ),
    (
        "major_layout_dispatch_days",
        2.0,
        "staff days",
        "Extra dispatch staff days for a major productivity-layout project",
        "重大生产力布局项目额外调度人日",
        "[E]",
    ),
    (
        "emission_quota_uplift",
        0.25,
        "share",
        "Headroom closed by granting the emission quota (环境容量) when the environmental review is open",
        "保障主要污染物排放总量指标（环境容量）可弥补的提升空间比例",
        "[E]",
    ),
    (
        "new_start_ramp_months",
        1.0,
        "months",
        "Months after a mid-month start that add no investment (site preparation); a start in month m "
        "adds max(0, 12.5 − m − this) / 12 of a full year's investment",
        "新开工项目开工后不形成投资的准备期（月）；第 m 月开工的项目当年完成投资为全年计划的 "
        "max(0, 12.5 − m − 该值) / 12",
        "[E]",
    ),
    (
        "project_base_year_plan",
        0.72,
        "probability",
        "Chance a project under construction completes its year plan with no extra help",
        "在建项目无额外支持时完成年度投资计划的概率",
        "[E]",
    ),
    (
        "project_ceiling_year_plan",
        0.95,
        "probability",
        "Best chance a project under construction completes its year plan",
        "在建项目充分支持时完成年度投资计划的最高概率",
        "[E]",
    ),
    (
        "project_base_completion",
        0.55,
        "probability",
        "Chance a 续建 project due this year is completed and in production (竣工投产) with no extra help",
        "年内计划竣工的续建项目无额外支持时竣工投产的概率",
        "[E]",
    ),
    (
        "project_ceiling_completion",
        0.90,
        "probability",
        "Best chance of 竣工投产 this year",
        "充分支持时年内竣工投产的最高概率",
        "[E]",
    ),
    (
        "year_plan_pace",
        0.25,
        "share",
        "Share of its year plan a project on pace has done by as_of (early April)",
        "截至数据日期（4月初）按进度应完成的年度计划比例",
        "[S] 31 % by end of March 2023 (docs/projects.md); [E] pace",
    ),
    (
        "year_plan_pace_slope",
        1.0,
        "probability per share",
        "Chance gained per share of the year plan done ahead of pace (lost when behind)",
        "投资进度每超前（滞后）年度计划一个比例所增加（减少）的完成概率",
        "[E]",
    ),
    (
        "year_dispatch_days",
        2.0,
        "staff days",
        "Lead-department staff days of dispatch and problem solving (调度解难) for a project under construction",
        "在建项目调度解难占用牵头部门人日",
        "[E]",
    ),
    (
        "year_dispatch_uplift",
        0.2,
        "share",
        "Headroom closed by dispatch and problem solving",
        "调度解难可弥补的提升空间比例",
        "[E]",
    ),
    (
        "year_emission_share",
        0.3,
        "share",
        "Share of its yearly emissions a project under construction still needs as quota for its next phase",
        "在建项目下一阶段仍需的排放总量指标占其年排放量的比例",
        "[E]",
    ),
    (
        "energy_review_min_tce",
        1000.0,
        "tce",
        "Energy review needed only at or above this yearly consumption",
        "需节能审查的年综合能耗下限",
        "[S] 节能审查办法",
    ),
    # --- Targets ----------------------------------------------------------------------------------------------
    (
        "goal_new_srdi_champion",
        150.0,
        "firms",
        "New provincial-or-higher SRDI and champion firms",
        "新增省级以上专精特新和单项冠军企业",
        "[S] 2023 work plan",
    ),
    (
        "goal_new_above_size",
        150.0,
        "firms",
        "New above-size industrial firms",
        "新增规上工业企业",
        "[S] 2023 work plan",
    ),
    (
        "goal_new_ten_billion",
        1.0,
        "firms",
        "New firms above 10 billion yuan revenue: the floor of the 1–2 goal",
        "新增百亿级企业（保底）",
        "[S] 1–2",
    ),
    (
        "goal_new_ten_billion_stretch",
        2.0,
        "firms",
        "New firms above 10 billion yuan revenue: the stretch of the 1–2 goal",
        "新增百亿级企业（力争）",
        "[S] 1–2",
    ),
    (
        "weight_new_ten_billion_stretch",
        0.5,
        "weight",
        "Weight of the 10-billion stretch goal (the floor weighs 1)",
        "百亿级企业力争目标的权重（保底目标为1）",
        "[E]",
    ),
    (
        "goal_new_innovative_sme",
        209.0,
        "firms",
        "New innovative SMEs",
        "新增创新型中小企业",
        "[S] 209 in 2024; [E] goal",
    ),
    (
        "weight_new_innovative_sme",
        0.25,
        "weight",
        "Weight of the innovative-SME target (others weigh 1)",
        "创新型中小企业目标权重（其他目标为1）",
        "[E]",
    ),
    (
        "projects_started_plan_share",
        0.95,
        "share",
        "Share of the plan library to have started by year end (already started count)",
        "计划库项目年内开工比例（含已开工）",
        "[S] 90.7 % by March 2023",
    ),
    (
        "investment_goal_share",
        0.845,
        "share",
        "Investment goal as a share of what the plan library's key projects, 新开工 and 续建, "
        "would complete this year (new starts phased by start month)",
        "投资目标占计划库重点项目（新开工与续建，新开工按开工月份折算）年内可完成投资的比例",
        "[E]",
    ),
    (
        "projects_completed_plan_share",
        0.76,
        "share",
        "Share of the 续建 projects due this year to be completed and in production (竣工投产)",
        "年内计划竣工的续建项目竣工投产比例",
        "[E]",
    ),
    (
        "major_layout_goal_share",
        0.82,
        "share",
        "Goal of the major productivity-layout projects' investment as a share of what they would complete",
        "重大生产力布局项目投资目标占其年内可完成投资的比例",
        "[E]",
    ),
    (
        "weight_major_layout",
        1.0,
        "weight",
        "Weight of the major-layout target (on top of their share of the investment target)",
        "重大生产力布局项目目标权重（另计入年度投资目标）",
        "[E]",
    ),
]


# The "1+6" mechanism (docs/projects.md): 市发展改革委 leads overall, and every key-project category
# has one lead department. (category, lead department, source)
OVERALL_LEAD = "市发展改革委"
CATEGORY_LEADS: tuple[tuple[str, str, str], ...] = (
    ("science_innovation", "市科技局", "[S] 2022 categories; 2024 press conference"),
    ("industrial_investment", "市工业和信息化局", "[S] 2022 categories; 2024 press conference"),
    ("urban_infrastructure", "市住房城乡建设局", "[S] 2022 categories; 2024 press conference"),
    ("rural_revitalisation", "市农业农村局", "[S] 2024 press conference"),
    ("marine", "市海洋发展局", "[S] 2022 marine key projects; 2024 press conference"),
    ("culture_tourism", "市文化和旅游局", "[E] the sixth category and its lead"),
)


def category_leads() -> pd.DataFrame:
    """The "1+6" table: one row per key-project category and its lead department.

    Returns
    -------
    pandas.DataFrame
        Columns ``category, lead_department, source``; the overall lead is `OVERALL_LEAD`.
    """
    return pd.DataFrame(list(CATEGORY_LEADS), columns=["category", "lead_department", "source"])


def default_assumptions() -> pd.DataFrame:
    """The default policy assumptions table.

    Returns
    -------
    pandas.DataFrame
        Columns ``key, value, unit, description_en, description_zh, source``; one row per assumption,
        ``value`` float.
    """
    frame = pd.DataFrame(_ROWS, columns=ASSUMPTION_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def assumption_values(assumptions: pd.DataFrame | None = None) -> dict[str, float]:
    """The table as ``{key: value}``; keys missing from ``assumptions`` take their default value.

    Parameters
    ----------
    assumptions : pandas.DataFrame, optional
        A table with at least ``key`` and ``value`` columns (an edited copy of `default_assumptions`).

    Returns
    -------
    dict of str to float

    Raises
    ------
    ValueError
        If a value is not a finite number, or a key is unknown (a typo would silently do nothing).
    """
    values = {key: float(value) for key, value, *_ in _ROWS}
    if assumptions is None:
        return values
    missing_columns = {"key", "value"} - set(assumptions.columns)
    if missing_columns:
        raise ValueError(f"assumptions table lacks column(s): {', '.join(sorted(missing_columns))}")
    problems = []
    for key, value in zip(assumptions["key"], assumptions["value"], strict=True):
        key = str(key).strip()
        if key not in values:
            problems.append(f"unknown assumption {key!r}")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            problems.append(f"assumption {key!r} must be a number ≥ 0, got {value!r}")
            continue
        values[key] = number
    if problems:
        raise ValueError("; ".join(problems))
    return values


# How the demo draws the enterprises columns the 2022 criteria read (data/criteria.py FIRM_COLUMNS),
# per quality tier (none, innovative_sme, srdi, little_giant, champion), for Weihai's manufacturing
# SMEs. Descriptive calibration, not policy, so not in the editable table above. Every value is [E]:
# no public Weihai micro-data exist; the orders of magnitude follow the 2022 rules' thresholds (a
# recognised tier mostly clears the bars of the tier below it) and docs/demo-city.md.
FIRM_PROFILE_TIERS = ("none", "innovative_sme", "srdi", "little_giant", "champion")
FIRM_PROFILES: dict[str, tuple[float, ...] | tuple[tuple[float, ...], ...]] = {
    # [E] share of firms with a steady R&D effort (研发费用加计扣除 claimed), and their median R&D /
    # revenue; the others keep the tier's median (data/demo/city.py)
    "rd_active_share": (1.0, 1.0, 1.0, 1.0, 1.0),
    "rd_active_ratio": (0.07, 0.065, 0.055, 0.05, 0.045),
    # [E] median R&D staff / all staff (lognormal, σ 0.5)
    "rd_staff_share": (0.10, 0.16, 0.17, 0.22, 0.18),
    # [E] mean net margin last year (normal, sd 0.04)
    "net_margin": (0.055, 0.07, 0.075, 0.09, 0.09),
    # [E] 数字化水平 level 1–4 shares
    "digital_level": (
        (0.45, 0.40, 0.13, 0.02),
        (0.20, 0.45, 0.28, 0.07),
        (0.10, 0.40, 0.40, 0.10),
        (0.00, 0.25, 0.50, 0.25),
        (0.00, 0.20, 0.50, 0.30),
    ),
    # [E] mean number of quality-management items (Poisson)
    "quality_items": (0.6, 1.3, 1.8, 2.5, 3.0),
    # [E] chain role shares: key (补短板/锻长板/填空白), base (工业六基, 老字号, chain-leader supplier), none
    "chain_role": (
        (0.05, 0.15, 0.80),
        (0.30, 0.35, 0.35),
        (0.40, 0.35, 0.25),
        (0.85, 0.15, 0.00),
        (0.70, 0.30, 0.00),
    ),
    # [E] mean 特色化 points as Shandong scores them (normal, sd 3, within 0–15)
    "local_feature_points": (7.0, 12.0, 11.0, 12.0, 12.0),
    # [E] share of class-I IP that is self-developed, and of that the high-value share
    "ip_class1_own_share": (0.5, 0.6, 0.7, 0.8, 0.8),
    "ip_high_value_share": (0.05, 0.10, 0.20, 0.35, 0.40),
    # [E] shares holding a management-system certification, an own brand, a key-field product
    "management_certified": (0.30, 0.55, 0.80, 0.95, 0.95),
    "own_brand": (0.50, 0.70, 0.85, 0.95, 0.95),
    "key_field": (0.30, 0.50, 0.70, 0.95, 0.95),
    # [E] 创客中国 national top 500 in three years (top 50: a tenth of those)
    "chuangke_top500": (0.003, 0.01, 0.02, 0.03, 0.03),
}
# [E] share of an S&T award's winners at national level (the rest provincial); their rank is
# 1 + Poisson(4) among the winners
FIRM_ST_AWARD_NATIONAL_SHARE = 0.15
# [E] share of the firms that already meet every criterion of the next quality rung on last year's
# figures that were recognised in an earlier batch (a firm that qualifies mostly has applied: the
# candidates left are those a gap still keeps off the rung)
# The innovative-SME evaluation is open all year and self-assessed: many firms that qualify wait to
# be mobilised (动员申报), which is the 工信局's work; the SRDI batch is yearly and reviewed.
FIRM_ALREADY_RECOGNISED_SHARE: dict[str, float] = {"innovative_sme": 0.1, "srdi": 0.5}
# [E] share of the firms with a chance this year whose application file the district judges incomplete
# (coaching closes it); a firm with no chance this year prepares no application
FIRM_APPLICATION_NOT_READY_SHARE = 0.35

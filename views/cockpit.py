"""Leadership cockpit (领导驾驶舱): where each annual target stands under the scenario in use, and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, state
from ui.format import money, percent, today_local
from ui.i18n import current_lang, t, tv
from ui.insights import district_breakdown, stalled_projects, tight_resources
from ui.tables import label_for, name_labels
from ui.widgets import light_of, page_header, plan_or_stop, target_cards

lang = current_lang()
wb, _ = state.workbook()
labels = name_labels(wb, lang)

page_header("nav.cockpit", "cockpit.caption")
st.caption(t("app.scenario_in_use", name=state.scenario_label(wb)))
plan = plan_or_stop()

# Headline: one card per target.
st.subheader(t("cockpit.targets"))
target_cards(plan, labels)

chart_frame = pd.DataFrame(
    {
        "label": [label_for(v, labels, lang) for v in plan.targets["target"]],
        "plan": (plan.targets["expected"] / plan.targets["goal"]).astype(float),
        "base": (plan.targets["expected_base"] / plan.targets["goal"]).astype(float),
    }
)
st.altair_chart(
    charts.attainment_chart(
        chart_frame, "label", "plan", "base", t("common.expected_plan"), t("common.expected_base")
    ),
    width="stretch",
)

# Money and resources.
left, right = st.columns(2)
with left:
    st.subheader(t("cockpit.money"))
    fund = plan.fund_lines.copy()
    if len(fund):
        fund["label"] = [label_for(v, labels, lang) for v in fund["fund_line"]]
        fund["capacity"] = fund["available"] if "available" in fund else fund["amount"]
        st.altair_chart(
            charts.use_chart(fund, "label", "used", "capacity", warn_full=False),
            width="stretch",
        )
        total_used = float(fund["used"].sum())
        total = float(fund["amount"].sum())
        st.caption(t("cockpit.money_total", used=money(total_used, lang), total=money(total, lang)))
with right:
    st.subheader(t("cockpit.resources"))
    res = plan.resources.copy()
    if len(res):
        res["label"] = [label_for(v, labels, lang) for v in res["resource"]]
        st.altair_chart(charts.use_chart(res, "label", "used", "capacity"), width="stretch")

# Top risks.
st.subheader(t("cockpit.risks"))
risk_targets = plan.targets[plan.targets["p_meet"] < 0.8]
stalled = stalled_projects(wb, today_local().month)
tight = tight_resources(plan, wb)
col_a, col_b, col_c = st.columns(3)
with col_a:
    st.markdown(f"**{t('cockpit.risk.targets')}**")
    if risk_targets.empty:
        st.success(t("cockpit.risk.none"))
    for row in risk_targets.itertuples(index=False):
        st.markdown(
            f"- {light_of(row.p_meet, markdown=True)} {label_for(row.target, labels, lang)}: "
            f"{t('common.p_meet')} {percent(row.p_meet)}"
        )
with col_b:
    st.markdown(f"**{t('cockpit.risk.stalled')}**")
    if stalled.empty:
        st.success(t("cockpit.risk.none"))
    else:
        st.caption(t("cockpit.risk.stalled_note", n=len(stalled)))
        for row in stalled.head(8).itertuples(index=False):
            st.markdown(
                f"- {row.name} · {tv(row.stage, lang)} · "
                f"{t('common.month_n', n=int(row.planned_start_month))}"
            )
with col_c:
    st.markdown(f"**{t('cockpit.risk.capacity')}**")
    if tight.empty:
        st.success(t("cockpit.risk.none"))
    for row in tight.itertuples(index=False):
        st.markdown(
            f"- {label_for(row.resource, labels, lang)}: {percent(row.share)} "
            f"({t('cockpit.risk.demand', demand=percent(row.demand_share))})"
        )

# District breakdown.
st.subheader(t("cockpit.districts"))
districts = district_breakdown(plan)
if len(districts):
    districts["label"] = [tv(d, lang) for d in districts["district"]]
    long = districts.melt(
        id_vars=["label"],
        value_vars=["expected_base", "expected"],
        var_name="series",
        value_name="value",
    )
    long["series"] = long["series"].map(
        {"expected_base": t("common.expected_base"), "expected": t("common.expected_plan")}
    )
    st.altair_chart(
        charts.grouped_bars(
            long,
            "label",
            "value",
            colour="series",
            value_format=",.0f",
            stack=False,
            colours=[charts.muted(), charts.primary()],
        ),
        width="stretch",
    )
    shown = pd.DataFrame(
        {
            t("common.district"): districts["label"],
            t("common.candidates"): districts["candidates"],
            t("common.supported"): districts["supported"],
            t("cockpit.district.money"): [money(v, lang) for v in districts["money"]],
            t("common.expected_base"): districts["expected_base"].round(1),
            t("common.expected_plan"): districts["expected"].round(1),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")

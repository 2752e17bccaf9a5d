"""The cockpit's panels: attainment chart, money and resource use, risks, districts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from data.schema import Workbook
from optimizer.solve import AllocationResult
from ui import charts
from ui.format import local_date, money, percent, quantity
from ui.i18n import t, tv
from ui.insights import district_breakdown, stall_days, stalled_projects, tight_resources
from ui.tables import label_for, unit_label
from ui.widgets import light_of

STALLED_SHOWN = 10


def attainment(plan: AllocationResult, labels: Mapping[str, str], lang: str) -> None:
    """Expected attainment per target, under the plan and without support."""
    chart_frame = pd.DataFrame(
        {
            "label": [label_for(v, labels, lang) for v in plan.targets["target"]],
            "plan": (plan.targets["expected"] / plan.targets["goal"]).astype(float),
            "base": (plan.targets["expected_base"] / plan.targets["goal"]).astype(float),
        }
    )
    st.altair_chart(
        charts.attainment_chart(
            chart_frame,
            "label",
            "plan",
            "base",
            t("common.expected_plan"),
            t("common.expected_base"),
        ),
        width="stretch",
    )
    st.caption(t("cockpit.attainment_note"))


def plan_summary(plan: AllocationResult, labels: Mapping[str, str], lang: str) -> None:
    """What the plan does, in one paragraph: whom it supports and where the money goes."""
    chosen = plan.allocation[plan.allocation["option"].astype(str) != "none"]
    if chosen.empty:
        st.markdown(t("cockpit.plan_none"))
        return
    kinds = chosen["kind"].astype(str).value_counts()
    by_line = (
        chosen[chosen["cost"] > 0].groupby("fund_line", sort=False)["cost"].sum().sort_values()
    )
    lines = "、" if lang == "zh" else ", "
    st.markdown(
        t(
            "cockpit.plan_summary",
            n=len(chosen),
            projects=int(kinds.get("project", 0)),
            firms=int(kinds.get("enterprise", 0)),
            money=money(float(chosen["cost"].sum()), lang),
            reserve=money(float(plan.fund_lines["used"].sum() - chosen["cost"].sum()), lang),
            lines=lines.join(
                f"{label_for(line, labels, lang)} {money(float(v), lang)}"
                for line, v in by_line.iloc[::-1].items()
            ),
        )
    )


def money_and_resources(plan: AllocationResult, labels: Mapping[str, str], lang: str) -> None:
    """Use of each fund line and resource, with amounts; the resources over capacity first, by how
    much is missing (the resources' names are longer: more room)."""
    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("cockpit.money"))
        fund = plan.fund_lines.copy()
        if len(fund):
            fund["label"] = [label_for(v, labels, lang) for v in fund["fund_line"]]
            fund["capacity"] = fund["available"] if "available" in fund else fund["amount"]
            fund["amounts"] = [
                f"{money(u, lang)} / {money(c, lang)}"
                for u, c in zip(fund["used"], fund["capacity"], strict=True)
            ]
            st.altair_chart(
                charts.use_chart(
                    fund, "label", "used", "capacity", warn_full=False, amounts="amounts"
                ),
                width="stretch",
            )
            total_used = float(fund["used"].sum())
            total = float(fund["amount"].sum())
            st.caption(
                t("cockpit.money_total", used=money(total_used, lang), total=money(total, lang))
            )
    with right:
        st.subheader(t("cockpit.resources"))
        res = plan.resources.copy()
        if len(res):
            res["label"] = [label_for(v, labels, lang) for v in res["resource"]]
            units = res["unit"] if "unit" in res else pd.Series([""] * len(res), index=res.index)
            res["amounts"] = [
                f"{quantity(u, unit_label(unit, lang))} / {quantity(c, unit_label(unit, lang))}"
                for u, c, unit in zip(res["used"], res["capacity"], units, strict=True)
            ]
            res["shortfall"] = res["used"] - res["capacity"]
            res = res.sort_values("shortfall", ascending=False, kind="stable")
            st.altair_chart(
                charts.use_chart(res, "label", "used", "capacity", amounts="amounts"),
                width="stretch",
            )
            st.caption(t("cockpit.resources_note"))


def risks(
    plan: AllocationResult, wb: Workbook, as_of: date, labels: Mapping[str, str], lang: str
) -> None:
    """Top risks: targets, capacity, then the stalled projects as a table (names are long)."""
    st.subheader(t("cockpit.risks"))
    risk_targets = plan.targets[plan.targets["p_meet"] < 0.8]
    tight = tight_resources(plan, wb)
    col_a, col_b = st.columns(2)
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
        st.markdown(f"**{t('cockpit.risk.capacity')}**")
        if tight.empty:
            st.success(t("cockpit.risk.none"))
        for row in tight.itertuples(index=False):
            st.markdown(
                f"- {label_for(row.resource, labels, lang)}: {percent(row.share)} "
                f"({t('cockpit.risk.demand', demand=percent(row.demand_share))})"
            )

    stalled = stalled_projects(wb, as_of)
    limit = f"{stall_days(wb):g}"
    st.markdown(f"**{t('cockpit.risk.stalled', n=len(stalled))}**")
    if "stage_entered" not in wb.projects.columns:
        st.info(t("cockpit.risk.no_stage_dates"))
    elif stalled.empty:
        st.success(t("cockpit.risk.stalled_none", days=limit))
    else:
        st.caption(t("cockpit.risk.stalled_note", days=limit, date=local_date(as_of, lang)))
        top = stalled.head(STALLED_SHOWN)
        st.dataframe(
            pd.DataFrame(
                {
                    t("common.name"): top["name"],
                    t("common.stage"): top["stage"].map(lambda v: tv(v, lang)),
                    t("common.days_in_stage"): top["days_in_stage"].astype(int),
                    t("common.annual_investment_short"): [
                        money(v, lang) for v in top["annual_investment"]
                    ],
                    t("common.department"): top["lead_department"].map(lambda v: tv(v, lang)),
                }
            ),
            hide_index=True,
            width="stretch",
            # no district column: a project's name starts with its district (乳山市…, 高区…)
            column_config={t("common.name"): st.column_config.TextColumn(width=300)},
        )
        if len(stalled) > STALLED_SHOWN:
            st.caption(t("cockpit.risk.stalled_more", n=len(stalled) - STALLED_SHOWN))


def districts(plan: AllocationResult, lang: str) -> None:
    """Expected results by district, without support and under the plan."""
    st.subheader(t("cockpit.districts"))
    st.caption(t("cockpit.districts_note"))
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
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                t("common.expected_base"): st.column_config.NumberColumn(format="%.1f"),
                t("common.expected_plan"): st.column_config.NumberColumn(format="%.1f"),
            },
        )

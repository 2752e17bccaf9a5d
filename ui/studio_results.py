"""The studio's results: the cockpit's figures, the target and fund tables, the use charts, the
allocation table and the downloads, for the plan of the scenario in use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.schema import NONE_OPTION
from optimizer.solve import AllocationResult
from ui import charts, downloads, state
from ui.format import money, percent
from ui.i18n import t, tv
from ui.studio_context import StudioContext
from ui.tables import allocation_frame, label_for, short_target_label
from ui.widgets import format_amount


def figures(plan: AllocationResult, ctx: StudioContext) -> None:
    """The objective and each target's chance, three to a row, with the solve's time and status."""
    lang, labels = ctx.lang, ctx.labels
    # The cockpit's figures, right above the plan, so a planner sees the effect of each change.
    st.subheader(t("studio.figures"))
    figures = st.container(key="cockpit-figures")
    with figures:
        # Three to a row, so that no label or figure is cut; the full target name is in the help.
        per_row = 3
        cells = [None, *plan.targets.itertuples(index=False)]
        most = float(pd.to_numeric(plan.targets["weight"], errors="coerce").fillna(0).sum())
        for start in range(0, len(cells), per_row):
            cols = st.columns(per_row)
            for cell, row in zip(cols, cells[start : start + per_row], strict=False):
                if row is None:
                    objective = float(plan.objective or 0.0)
                    cell.metric(
                        t("studio.objective"),
                        percent(objective / most, 1) if most > 0 else "–",
                        delta=t(
                            "studio.objective_raw",
                            value=f"{objective:.3f}",
                            most=f"{most:g}",
                        ),
                        delta_color="off",
                        delta_arrow="off",
                        help=t("studio.objective_help"),
                    )
                else:
                    full = label_for(row.target, labels, lang)
                    cell.metric(
                        short_target_label(row.target, full, lang),
                        percent(row.p_meet),
                        delta=f"{format_amount(row.expected, row.unit, lang)} / "
                        f"{format_amount(row.goal, row.unit, lang)}",
                        delta_color="off",
                        delta_arrow="off",
                        help=t("studio.figure_help", target=full),
                    )
    st.caption(
        t("solve.seconds", seconds=f"{plan.build_seconds + plan.solve_seconds:.2f}")
        + f" · {tv(plan.status, lang)}"
    )


def target_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """Per target: goal, expectation without support and under the plan, attainment, chance."""
    lang, labels = ctx.lang, ctx.labels
    targets_shown = pd.DataFrame(
        {
            t("common.target"): [
                short_target_label(v, label_for(v, labels, lang), lang)
                for v in plan.targets["target"]
            ],
            t("common.goal"): [
                format_amount(g, u, lang)
                for g, u in zip(plan.targets["goal"], plan.targets["unit"], strict=True)
            ],
            t("common.no_support"): [
                format_amount(g, u, lang)
                for g, u in zip(plan.targets["expected_base"], plan.targets["unit"], strict=True)
            ],
            t("common.under_plan"): [
                format_amount(g, u, lang)
                for g, u in zip(plan.targets["expected"], plan.targets["unit"], strict=True)
            ],
            t("common.attainment"): [percent(v) for v in plan.targets["attainment"]],
            t("common.chance"): [percent(p) for p in plan.targets["p_meet"]],
        }
    )
    st.dataframe(targets_shown, hide_index=True, width="stretch")
    st.caption(t("studio.targets_note"))


def use_charts(plan: AllocationResult, ctx: StudioContext) -> None:
    """How much of each fund line and resource the plan uses (two tabs)."""
    lang, labels = ctx.lang, ctx.labels
    use_money, use_resources = st.tabs([t("cockpit.money"), t("cockpit.resources")])
    with use_money:
        fund = plan.fund_lines.copy()
        fund["label"] = [label_for(v, labels, lang) for v in fund["fund_line"]]
        fund["capacity"] = fund["available"]
        st.altair_chart(
            charts.use_chart(fund, "label", "used", "capacity", warn_full=False),
            width="stretch",
        )
    with use_resources:
        res = plan.resources.copy()
        res["label"] = [label_for(v, labels, lang) for v in res["resource"]]
        st.altair_chart(charts.use_chart(res, "label", "used", "capacity"), width="stretch")


def fund_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """Per fund line: amount, inflow, outflow, cost, reserve and what remains (in an expander)."""
    lang, labels = ctx.lang, ctx.labels
    fund_table = pd.DataFrame(
        {
            t("common.fund_line"): [
                label_for(v, labels, lang) for v in plan.fund_lines["fund_line"]
            ],
            t("common.amount"): [money(v, lang) for v in plan.fund_lines["amount"]],
            t("common.inflow"): [money(v, lang) for v in plan.fund_lines["inflow"]],
            t("common.outflow"): [money(v, lang) for v in plan.fund_lines["outflow"]],
            t("common.cost"): [money(v, lang) for v in plan.fund_lines["upfront"]],
            t("common.reserve"): [money(v, lang) for v in plan.fund_lines["reserve"]],
            t("common.remaining"): [money(v, lang) for v in plan.fund_lines["remaining"]],
        }
    )
    with st.expander(t("studio.fund_table")):
        st.dataframe(fund_table, hide_index=True, width="stretch")


def allocation_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """The allocation, filtered by kind, support and a search."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    # The allocation table.
    st.subheader(t("studio.allocation"))
    f1, f2, f3 = st.columns(3)
    kind = f1.selectbox(
        t("common.kind"),
        ["all", "project", "enterprise"],
        format_func=lambda v: t("common.all", lang) if v == "all" else tv(v, lang),
        key="studio.kind",
    )
    only_supported = f2.toggle(t("studio.only_supported"), value=True, key="studio.only_supported")
    search = f3.text_input(t("common.search"), key="studio.search")
    allocation = plan.allocation
    if kind != "all":
        allocation = allocation[allocation["kind"].astype(str) == kind]
    if only_supported:
        allocation = allocation[allocation["option"].astype(str) != NONE_OPTION]
    if search:
        allocation = allocation[
            allocation["name"].astype(str).str.contains(search, case=False, regex=False)
            | allocation["candidate_id"].astype(str).str.contains(search, case=False, regex=False)
        ]
    st.caption(t("common.rows", n=len(allocation)))
    shown_alloc = allocation_frame(allocation, lang, labels, wb.resource_names)
    st.dataframe(
        shown_alloc,
        hide_index=True,
        width="stretch",
        height=380,
        column_config={
            t("common.probability"): st.column_config.NumberColumn(format="percent"),
            t("common.base_probability"): st.column_config.NumberColumn(format="percent"),
        },
    )


def download_buttons(plan: AllocationResult, plan_key: str, ctx: StudioContext) -> None:
    """The allocation (CSV, XLSX) and the whole scenario workbook."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    settings = ctx.settings
    # Downloads: allocation (CSV/XLSX, headers in the chosen language) and the whole scenario.
    # A row that wraps, each button as wide as its label (equal columns cut the longer labels).
    buttons = st.container(horizontal=True, wrap=True)
    stem = downloads.file_stem(state.scenario_label(wb), plan_key)
    buttons.download_button(
        t("studio.download_csv"),
        data=downloads.allocation_csv(plan, lang, labels, wb.resource_names),
        file_name=f"{stem}_allocation.csv",
        mime="text/csv",
        key="studio.download_csv",
        on_click="ignore",
    )
    buttons.download_button(
        t("studio.download_xlsx"),
        data=downloads.allocation_xlsx(
            plan,
            lang,
            labels,
            wb.resource_names,
            settings=settings,
            data_version=ctx.fingerprint,
            scenario=state.scenario_label(wb),
        ),
        file_name=f"{stem}_allocation.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="studio.download_xlsx",
        on_click="ignore",
    )
    buttons.download_button(
        t("studio.download_scenario"),
        data=downloads.scenario_workbook(wb, settings),
        file_name=f"{stem}_workbook.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="studio.download_scenario",
        on_click="ignore",
    )

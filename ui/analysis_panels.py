"""The studio's analyses on request: marginal values, why a candidate is (not) supported, robustness.

Each runs several solves, so only on a click; its result is kept in the session by the key of the
settings the plan was solved for, and its button goes once the result is shown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimizer.analysis import explain_candidate, robustness
from optimizer.solve import AllocationResult
from ui import downloads, state
from ui.format import number, percent
from ui.i18n import t
from ui.insights import money_by_robustness
from ui.studio_context import StudioContext
from ui.tables import label_for
from ui.widgets import format_amount


def marginal_panel(plan_key: str, ctx: StudioContext) -> None:
    """Points of attainment per step of each limit (budgets, resources)."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    fingerprint, settings = ctx.fingerprint, ctx.settings
    # Marginal values, where the analysis module provides them (several solves: on request).
    with st.expander(t("studio.marginal")):
        st.caption(t("studio.marginal_help"))
        computed = st.session_state.setdefault("marginal", {})
        button = st.empty()  # gone once the values are there
        if plan_key not in computed and button.button(
            t("studio.marginal_run"), key="studio.marginal_run"
        ):
            with st.spinner(t("studio.marginal_running"), show_time=True):
                try:
                    computed[plan_key] = downloads.marginal_values_table(wb, fingerprint, settings)
                    button.empty()
                except Exception as exc:  # an analysis failure is a message, not a crash
                    st.error(t("solve.failed_no_plan", error=exc))
        table = computed.get(plan_key)
        if table is not None and len(table):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("studio.limit"): [label_for(n, labels, lang) for n in table["name"]],
                        t("studio.current"): [number(v) for v in table["current"]],
                        t("studio.step"): [number(v) for v in table["step"]],
                        t("studio.points_up"): table["points_up"].round(2),
                        t("studio.points_down"): (-table["points_down"]).round(2),
                        t("studio.points_lp"): table["points_lp"].round(2)
                        if "points_lp" in table
                        else None,
                    }
                ),
                hide_index=True,
                width="stretch",
                # Narrow columns with short headers (the full wording in each header's help), so
                # the figures fit beside the long resource names without scrolling sideways.
                column_config={
                    t("studio.limit"): st.column_config.TextColumn(width=200),
                    t("studio.current"): st.column_config.TextColumn(width=70),
                    t("studio.step"): st.column_config.TextColumn(width=60),
                    **{
                        t(key): st.column_config.NumberColumn(
                            label=t(f"{key}_short"), help=t(key), format="%.2f", width=70
                        )
                        for key in (
                            "studio.points_up",
                            "studio.points_down",
                            "studio.points_lp",
                        )
                    },
                },
            )
            st.caption(t("studio.marginal_precision"))


def explain_panel(plan: AllocationResult, plan_key: str, ctx: StudioContext) -> None:
    """Why a chosen candidate is (not) supported, in sentences."""
    lang, wb = ctx.lang, ctx.wb
    settings = ctx.settings
    # Why a candidate is (not) supported, where the analysis module explains it (a few re-solves).
    with st.expander(t("studio.explain")):
        cand_names = dict(
            zip(
                plan.allocation["candidate_id"].astype(str),
                plan.allocation["name"].astype(str),
                strict=True,
            )
        )
        who = st.selectbox(
            t("studio.explain_pick"),
            list(cand_names),
            index=None,
            format_func=lambda c: f"{c} · {cand_names[c]}",
            placeholder=t("common.search"),
            key="studio.explain_pick",
        )
        answers = st.session_state.setdefault("explanations", {})
        if who and st.button(t("studio.explain_run"), key="studio.explain_run"):
            with st.spinner(t("studio.marginal_running"), show_time=True):
                try:
                    result = explain_candidate(state.scenario_workbook(wb, settings), who)
                    answers[(plan_key, who)] = result.sentences
                except Exception as exc:  # an analysis failure is a message, not a crash
                    st.error(t("solve.failed_no_plan", error=exc))
        sentences = answers.get((plan_key, who))
        if sentences:
            st.markdown("\n".join(f"- {s}" for s in sentences.get(lang, [])))


def robustness_panel(plan: AllocationResult, plan_key: str, ctx: StudioContext) -> None:
    """The plan re-solved with the probabilities perturbed: spread per target, core and borderline."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    settings = ctx.settings
    # Robustness: the plan re-solved with the probabilities perturbed (many solves, with progress).
    with st.expander(t("studio.robustness")):
        st.caption(t("studio.robustness_help"))
        runs = st.session_state.setdefault("robustness", {})
        button = st.empty()  # gone once the analysis has run
        if plan_key not in runs and button.button(
            t("studio.robustness_run"), key="studio.robustness_run"
        ):
            bar = st.progress(0.0, text=t("studio.robustness_running"))

            def _tick(done: int, total: int) -> None:
                bar.progress(
                    min(1.0, done / max(total, 1)),
                    text=f"{t('studio.robustness_running')} {done}/{total}",
                )

            try:
                result = robustness(
                    state.scenario_workbook(wb, settings), samples=20, progress=_tick
                )
                runs[plan_key] = (result.targets, result.candidates)
                button.empty()
            except Exception as exc:  # an analysis failure is a message, not a crash
                st.error(t("solve.failed_no_plan", error=exc))
            bar.empty()
        if plan_key in runs:
            spread, classes = runs[plan_key]
            units = dict(zip(plan.targets["target"], plan.targets["unit"], strict=True))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("common.target"): [label_for(v, labels, lang) for v in spread["target"]],
                        t("common.goal"): [
                            format_amount(g, units.get(n, ""), lang)
                            for n, g in zip(spread["target"], spread["goal"], strict=True)
                        ],
                        t("studio.robust_p10"): [
                            format_amount(g, units.get(n, ""), lang)
                            for n, g in zip(spread["target"], spread["expected_p10"], strict=True)
                        ],
                        t("studio.robust_p90"): [
                            format_amount(g, units.get(n, ""), lang)
                            for n, g in zip(spread["target"], spread["expected_p90"], strict=True)
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    t("common.target"): st.column_config.TextColumn(width=180),
                    **{
                        t(key): st.column_config.TextColumn(width=105)
                        for key in ("common.goal", "studio.robust_p10", "studio.robust_p90")
                    },
                },
            )
            counts = classes["class"].value_counts()
            shares = money_by_robustness(plan.allocation, classes)
            st.caption(
                t(
                    "studio.robust_classes",
                    core=number(int(counts.get("core", 0))),
                    borderline=number(int(counts.get("borderline", 0))),
                    core_money=percent(shares.get("core", 0.0)),
                    borderline_money=percent(
                        shares.get("borderline", 0.0) + shares.get("exterior", 0.0)
                    ),
                )
            )

"""Allocation studio (资源配置): change budgets, resources, goals and locks; see the new plan at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.scenario import settings_from_workbook
from data.schema import AWARD_PRUDENCE_RANGE, NONE_OPTION, POOL_SHARE_RANGE
from ui import charts, downloads, state
from ui.auth import can
from ui.format import money, number, percent
from ui.i18n import current_lang, t, tv
from ui.insights import money_by_robustness
from ui.safe_text import plain
from ui.tables import allocation_frame, label_for, name_labels, short_target_label
from ui.widgets import format_amount, page_header, plan_or_stop

lang = current_lang()
wb, fingerprint = state.workbook()
labels = name_labels(wb, lang)
stored = settings_from_workbook(wb)
settings = state.scenario()
W = state.WIDGET_PREFIX

page_header("nav.studio", "studio.caption")


def _bind(key: str, section: str, name: str | None, value: float) -> str:
    """Give a widget its value from the scenario the first time it is drawn; return its key."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _changed(key: str, section: str, name: str | None) -> None:
    """on_change: copy the widget's value into the scenario (the non-widget state pages share)."""
    value = st.session_state[key]
    if section == "locks":
        return
    state.update_setting(section, name, float(value))


def _slider_max(value: float) -> float:
    """A slider range that leaves room to double the stored amount (rounded to a readable number)."""
    top = max(2.0 * value, 1.0)
    magnitude = 10 ** max(0, len(str(int(top))) - 2)
    return float(-(-top // magnitude) * magnitude)


def _step(top: float) -> float:
    return float(max(1, round(top / 200)))


def _money_text(wan: float) -> str:
    """A slider's amount in its own unit (万元, grouped) and, where different, as people say it."""
    grouped = f"{number(wan)} {t('unit.wan')}"
    spoken = money(wan, lang)
    return grouped if spoken == grouped else f"{grouped} = {spoken}"


def _value_caption(value: str, stored: str) -> None:
    """The slider's value grouped and with its unit (st.slider's format cannot group thousands)."""
    if value == stored:
        st.caption(t("studio.slider_value", value=value))
    else:
        st.caption(t("studio.slider_value_changed", value=value, stored=stored))


def _reset() -> None:
    state.set_scenario(settings_from_workbook(wb))


controls, results = st.columns([1, 2], gap="large")

with controls:
    st.button(t("studio.reset"), on_click=_reset, key="studio.reset_button")
    tab_money, tab_res, tab_targets, tab_locks = st.tabs(
        [
            t("studio.tab.money"),
            t("studio.tab.resources"),
            t("studio.tab.targets"),
            t("studio.tab.locks"),
        ]
    )
    with tab_money:
        for fund_line, amount in stored["budgets"].items():
            top = _slider_max(amount)
            key = _bind(
                f"{W}budget.{fund_line}",
                "budgets",
                fund_line,
                settings["budgets"].get(fund_line, amount),
            )
            st.slider(
                f"{label_for(fund_line, labels, lang)} ({t('unit.wan')})",
                min_value=0.0,
                max_value=max(top, float(st.session_state[key])),
                step=_step(top),
                format="%.0f",
                key=key,
                on_change=_changed,
                args=(key, "budgets", fund_line),
                help=t("studio.stored_value", value=money(amount, lang)),
            )
            _value_caption(_money_text(st.session_state[key]), _money_text(amount))
        key = _bind(f"{W}pool_share", "pool_share", None, settings.get("pool_share", 0.0))
        st.slider(
            t("studio.pool_share"),
            min_value=POOL_SHARE_RANGE[0],
            max_value=POOL_SHARE_RANGE[1],
            step=0.05,
            key=key,
            on_change=_changed,
            args=(key, "pool_share", None),
            help=t("studio.pool_share_help"),
        )
        key = _bind(
            f"{W}award_prudence", "award_prudence", None, settings.get("award_prudence", 1.0)
        )
        st.slider(
            t("studio.award_prudence"),
            min_value=AWARD_PRUDENCE_RANGE[0],  # the import's range (data.schema)
            max_value=AWARD_PRUDENCE_RANGE[1],
            step=0.1,
            key=key,
            on_change=_changed,
            args=(key, "award_prudence", None),
            help=t("studio.award_prudence_help"),
        )
    with tab_res:
        units = dict(
            zip(wb.resources["resource"].astype(str), wb.resources["unit"].astype(str), strict=True)
        )
        for resource, capacity in stored["resources"].items():
            top = _slider_max(capacity)
            key = _bind(
                f"{W}resource.{resource}",
                "resources",
                resource,
                settings["resources"].get(resource, capacity),
            )
            unit = units.get(resource, "")
            st.slider(
                label_for(resource, labels, lang) + (f" ({tv(unit, lang)})" if unit else ""),
                min_value=0.0,
                max_value=max(top, float(st.session_state[key])),
                step=_step(top),
                format="%.0f",
                key=key,
                on_change=_changed,
                args=(key, "resources", resource),
                help=t("studio.stored_value", value=number(capacity)),
            )
            unit_text = f" {tv(unit, lang)}" if unit else ""
            _value_caption(number(st.session_state[key]) + unit_text, number(capacity) + unit_text)
    with tab_targets:
        for target, goal in stored["goals"].items():
            st.markdown(f"**{plain(label_for(target, labels, lang))}**")
            a, b = st.columns(2)
            key = _bind(f"{W}goal.{target}", "goals", target, settings["goals"].get(target, goal))
            a.number_input(
                t("common.goal"),
                min_value=0.001,
                step=float(max(1.0, round(goal / 20))),
                key=key,
                on_change=_changed,
                args=(key, "goals", target),
            )
            key = _bind(
                f"{W}weight.{target}", "weights", target, settings["weights"].get(target, 1.0)
            )
            b.number_input(
                t("common.weight"),
                min_value=0.0,
                max_value=100.0,
                step=0.5,
                key=key,
                on_change=_changed,
                args=(key, "weights", target),
            )
    with tab_locks:
        st.caption(t("studio.locks_help"))
        locks = dict(settings.get("locks", {}))
        names = dict(
            zip(
                wb.candidates["candidate_id"].astype(str),
                wb.candidates["name"].astype(str),
                strict=True,
            )
        )
        option_lists = wb.options.groupby("candidate_id")["option"].agg(list).to_dict()
        if locks:
            shown = pd.DataFrame(
                {
                    t("common.id"): list(locks),
                    t("common.name"): [names.get(c, c) for c in locks],
                    t("common.option"): [tv(o, lang) for o in locks.values()],
                }
            )
            st.dataframe(shown, hide_index=True, width="stretch")
        else:
            st.caption(t("studio.no_locks"))
        allowed = can("edit_locks")
        candidate = st.selectbox(
            t("studio.lock_candidate"),
            list(names),
            index=None,
            format_func=lambda c: f"{c} · {names[c]}",
            key="studio.lock_candidate",
            placeholder=t("common.search"),
            disabled=not allowed,
        )
        if candidate:
            choices = [NONE_OPTION, *option_lists.get(candidate, [])]
            option = st.selectbox(
                t("common.option"),
                choices,
                format_func=lambda o: tv(o, lang),
                key="studio.lock_option",
            )
            if st.button(t("studio.lock_add"), key="studio.lock_add", disabled=not allowed):
                state.update_setting("locks", candidate, option)
                st.rerun()
        if locks:
            remove = st.multiselect(
                t("studio.lock_remove"),
                list(locks),
                format_func=lambda c: f"{c} · {names.get(c, c)}",
                key="studio.lock_remove_pick",
            )
            if remove and st.button(
                t("studio.lock_remove_button"), key="studio.lock_remove", disabled=not allowed
            ):
                state.remove_locks(remove)
                st.rerun()
        if not allowed:
            st.caption(t("auth.denied"))

with results:
    plan = plan_or_stop()
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

    use_money, use_resources = st.tabs([t("cockpit.money"), t("cockpit.resources")])
    with use_money:
        fund = plan.fund_lines.copy()
        fund["label"] = [label_for(v, labels, lang) for v in fund["fund_line"]]
        fund["capacity"] = fund["available"]
        st.altair_chart(
            charts.use_chart(fund, "label", "used", "capacity", warn_full=False), width="stretch"
        )
    with use_resources:
        res = plan.resources.copy()
        res["label"] = [label_for(v, labels, lang) for v in res["resource"]]
        st.altair_chart(charts.use_chart(res, "label", "used", "capacity"), width="stretch")

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

    # Marginal values, where the analysis module provides them (several solves: on request).
    if downloads.marginal_values_available():
        with st.expander(t("studio.marginal")):
            st.caption(t("studio.marginal_help"))
            computed = st.session_state.setdefault("marginal", {})
            button = st.empty()  # gone once the values are there
            if plan.settings_key not in computed and button.button(
                t("studio.marginal_run"), key="studio.marginal_run"
            ):
                with st.spinner(t("studio.marginal_running"), show_time=True):
                    try:
                        computed[plan.settings_key] = downloads.marginal_values_table(
                            wb, fingerprint, settings
                        )
                        button.empty()
                    except Exception as exc:  # an analysis failure is a message, not a crash
                        st.error(t("solve.failed_no_plan", error=exc))
            table = computed.get(plan.settings_key)
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

    # Why a candidate is (not) supported, where the analysis module explains it (a few re-solves).
    explain = downloads.analysis_function("explain_candidate")
    if explain is not None:
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
                        result = explain(state.scenario_workbook(wb, settings), who)
                        answers[(plan.settings_key, who)] = result.sentences
                    except Exception as exc:  # an analysis failure is a message, not a crash
                        st.error(t("solve.failed_no_plan", error=exc))
            sentences = answers.get((plan.settings_key, who))
            if sentences:
                st.markdown("\n".join(f"- {s}" for s in sentences.get(lang, [])))

    # Robustness: the plan re-solved with the probabilities perturbed (many solves, with progress).
    robustness = downloads.analysis_function("robustness")
    if robustness is not None:
        with st.expander(t("studio.robustness")):
            st.caption(t("studio.robustness_help"))
            runs = st.session_state.setdefault("robustness", {})
            button = st.empty()  # gone once the analysis has run
            if plan.settings_key not in runs and button.button(
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
                    runs[plan.settings_key] = (result.targets, result.candidates)
                    button.empty()
                except Exception as exc:  # an analysis failure is a message, not a crash
                    st.error(t("solve.failed_no_plan", error=exc))
                bar.empty()
            if plan.settings_key in runs:
                spread, classes = runs[plan.settings_key]
                units = dict(zip(plan.targets["target"], plan.targets["unit"], strict=True))
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("common.target"): [
                                label_for(v, labels, lang) for v in spread["target"]
                            ],
                            t("common.goal"): [
                                format_amount(g, units.get(n, ""), lang)
                                for n, g in zip(spread["target"], spread["goal"], strict=True)
                            ],
                            t("studio.robust_p10"): [
                                format_amount(g, units.get(n, ""), lang)
                                for n, g in zip(
                                    spread["target"], spread["expected_p10"], strict=True
                                )
                            ],
                            t("studio.robust_p90"): [
                                format_amount(g, units.get(n, ""), lang)
                                for n, g in zip(
                                    spread["target"], spread["expected_p90"], strict=True
                                )
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

    # Downloads: allocation (CSV/XLSX, headers in the chosen language) and the whole scenario.
    # A row that wraps, each button as wide as its label (equal columns cut the longer labels).
    buttons = st.container(horizontal=True, wrap=True)
    stem = downloads.file_stem(state.scenario_label(wb), plan.settings_key)
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
        data=downloads.allocation_xlsx(plan, lang, labels, wb.resource_names),
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

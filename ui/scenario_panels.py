"""The scenarios page's panels: save the settings in use, the saved list (load, baseline, delete,
rename), a side-by-side comparison, the efficient frontier and a link that restores the settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from data.scenario import (
    ScenarioError,
    settings_to_query,
    validate_settings,
)
from data.schema import NONE_OPTION, Workbook
from optimizer.solve import AllocationResult
from ui import charts, downloads, state
from ui.auth import can
from ui.format import local_datetime, money, money_change, number, percent, signed
from ui.i18n import t, tv
from ui.safe_text import plain, plain_lines
from ui.scenario_state import NAME_PARAM
from ui.tables import candidate_label, label_for, name_labels, unit_label
from ui.widgets import format_amount

CURRENT = 0  # the settings in use (maybe unsaved)
STORED = -1  # the stored workbook as it is
SUMMARY_PARTS = 3  # settings named in the list's summary; the rest counted


def settings_summary(
    settings: Mapping[str, Any],
    stored_settings: Mapping[str, Any],
    wb: Workbook,
    labels: Mapping[str, str],
    lang: str,
) -> str:
    """A scenario's key settings in one line: the money in all, then what differs from the data."""
    from data.scenario import settings_diff
    from ui.studio_results import settings_sentence

    budgets = {**stored_settings.get("budgets", {}), **(settings.get("budgets") or {})}
    total = t("scenarios.summary_total", lang, total=money(float(sum(budgets.values())), lang))
    diff = settings_diff(stored_settings, {**stored_settings, **settings})
    if not diff:
        return f"{total}{t('scenarios.summary_same', lang)}"
    units = dict(zip(wb.resources["resource"], wb.resources["unit"], strict=True))
    units.update(zip(wb.targets["target"], wb.targets["unit"], strict=True))
    names = dict(
        zip(
            wb.candidates["candidate_id"].astype(str),
            wb.candidates["name"].astype(str),
            strict=True,
        )
    )
    sep = "；" if lang == "zh" else "; "
    parts = settings_sentence(diff, stored_settings, labels, units, lang, names).split(sep)
    shown = sep.join(parts[:SUMMARY_PARTS])
    if len(parts) > SUMMARY_PARTS:
        shown += sep + t("why.more", lang, n=len(parts) - SUMMARY_PARTS)
    return f"{total}{sep}{shown}"


def show_flash() -> None:
    """Messages from the last action: they survive the rerun that follows it."""
    for level, text in st.session_state.pop("scenarios.flash", []):
        {"success": st.success, "error": st.error, "warning": st.warning}[level](text)


def _flash(level: str, text: str) -> None:
    st.session_state.setdefault("scenarios.flash", []).append((level, text))


def save_form(
    wb: Workbook, fingerprint: str, store: state.GuardedStore, plan: AllocationResult
) -> None:
    """Save the settings in use under a name, with the finished plan's summary."""
    # save the current settings
    st.subheader(t("scenarios.save"))
    with st.form("scenarios.save_form", clear_on_submit=False, border=True):
        c1, c2 = st.columns([3, 1])
        name = c1.text_input(t("scenarios.name"), value=st.session_state.get("scenario_name") or "")
        overwrite = c2.checkbox(t("scenarios.overwrite"))
        submitted = st.form_submit_button(
            t("scenarios.save_button"), disabled=not can("save_scenario")
        )
    if submitted:
        if not name.strip():
            st.error(t("scenarios.need_name"))
        else:
            from data.store import ScenarioNameTaken

            try:
                # The result saved is the finished plan: when the page shows a live one still being
                # improved in the background, wait for that (comparisons use the finished plan too).
                with st.spinner(t("solve.running"), show_time=True):
                    final = state.solve_cached(wb, fingerprint, state.scenario())
                store.save_scenario(
                    name.strip(),
                    state.scenario().as_dict(),
                    state.plan_summary_json(final if state.has_plan(final) else plan),
                    overwrite=overwrite,
                )
                st.session_state["scenario_name"] = name.strip()
                _flash("success", t("scenarios.saved", name=plain(name.strip())))
                st.rerun()
            except ScenarioNameTaken:
                st.error(t("scenarios.name_taken", name=plain(name.strip())))
            except Exception as exc:  # a database error is a message in the page
                st.error(t("scenarios.error", error=plain(exc)))


def saved_list(
    wb: Workbook, store: state.GuardedStore, stored_settings: Mapping[str, Any]
) -> pd.DataFrame:
    """The saved scenarios, and load / make baseline / delete / rename for the one picked."""
    # the list
    st.subheader(t("scenarios.list"))
    saved = store.list_scenarios()
    if saved.empty:
        st.info(t("scenarios.none_saved"))
    else:
        lang = st.session_state.get("lang", "zh")
        labels = name_labels(wb, lang)
        summaries = []
        for scenario_id in saved["id"].astype(int):
            try:
                record = store.get_scenario(int(scenario_id))
                summaries.append(
                    settings_summary(record["settings"], stored_settings, wb, labels, lang)
                )
            except Exception:  # a scenario that no longer reads is listed without its summary
                summaries.append("–")
        listing = pd.DataFrame(
            {
                t("common.id"): saved["id"],
                t("scenarios.name"): saved["name"],
                t("scenarios.baseline"): saved["is_baseline"].map(lambda b: "★" if b else ""),
                t("scenarios.settings"): summaries,
                t("scenarios.author"): saved["author"],
                t("scenarios.updated"): saved["updated_at"].map(local_datetime),
            }
        )
        st.dataframe(
            listing,
            hide_index=True,
            width="stretch",
            column_config={t("scenarios.settings"): st.column_config.TextColumn(width="large")},
        )
        ids = [int(i) for i in saved["id"]]
        names = dict(zip(ids, saved["name"].astype(str), strict=True))
        chosen = st.selectbox(
            t("scenarios.pick"), ids, format_func=lambda i: f"#{i} {names[i]}", key="scenarios.pick"
        )
        b1, b2, b3 = st.columns(3)
        if b1.button(t("scenarios.load"), key="scenarios.load", type="primary"):
            record = store.get_scenario(chosen)
            problems = validate_settings(wb, record["settings"])
            if problems:
                st.error(t("scenarios.cannot_load") + "\n\n" + plain_lines(problems))
            else:
                state.set_scenario({**stored_settings, **record["settings"]}, record["name"])
                _flash("success", t("scenarios.loaded", name=plain(record["name"])))
                st.rerun()
        if b2.button(
            t("scenarios.set_baseline"),
            key="scenarios.set_baseline",
            disabled=not can("set_baseline"),
        ):
            store.set_baseline(chosen)
            _flash("success", t("scenarios.baseline_set", name=plain(names[chosen])))
            st.rerun()
        may_edit = can("edit_scenario")
        with b3.popover(t("scenarios.delete"), disabled=not may_edit):
            st.warning(t("scenarios.delete_confirm", name=plain(names[chosen])))
            if st.button(
                t("scenarios.delete_button"),
                key="scenarios.delete_button",
                type="primary",
                disabled=not may_edit,
            ):
                store.delete_scenario(chosen)
                if st.session_state.get("scenario_name") == names[chosen]:
                    st.session_state["scenario_name"] = None
                _flash("success", t("scenarios.deleted", name=plain(names[chosen])))
                st.rerun()
        with st.form("scenarios.rename_form", border=False):
            r1, r2 = st.columns([3, 1])
            new_name = r1.text_input(t("scenarios.new_name"), key="scenarios.new_name")
            rename = r2.form_submit_button(t("scenarios.rename"), disabled=not may_edit)
        if rename and new_name.strip():
            from data.store import ScenarioNameTaken

            try:
                store.rename_scenario(chosen, new_name.strip())
                if st.session_state.get("scenario_name") == names[chosen]:
                    st.session_state["scenario_name"] = new_name.strip()
                _flash("success", t("scenarios.renamed", name=plain(new_name.strip())))
                st.rerun()
            except ScenarioNameTaken:
                st.error(t("scenarios.name_taken", name=plain(new_name.strip())))
    return saved


def comparison(
    wb: Workbook,
    fingerprint: str,
    store: state.GuardedStore,
    plan: AllocationResult,
    saved: pd.DataFrame,
    stored_settings: Mapping[str, Any],
    labels: Mapping[str, str],
    lang: str,
) -> None:
    """Two to four scenarios side by side: targets, money, and the candidates whose option differs."""
    # compare two to four side by side
    st.subheader(t("scenarios.compare"))
    options = [CURRENT, STORED, *[int(i) for i in saved["id"]]]
    option_names = {
        CURRENT: t("scenarios.current"),
        STORED: t("app.scenario_stored"),
        **dict(zip(saved["id"].astype(int), saved["name"].astype(str), strict=True)),
    }
    baseline = store.baseline_id()

    def _settings_of(scenario_id: int) -> Mapping[str, Any]:
        if scenario_id == CURRENT:
            return state.scenario()
        if scenario_id == STORED:
            return stored_settings
        return {**stored_settings, **store.get_scenario(scenario_id)["settings"]}

    # Start from two different scenarios: the settings in use against the baseline, the stored
    # data or the first saved scenario that differs from them (the same twice compares nothing).
    from data.scenario import settings_key

    current_key = settings_key(state.scenario())
    other = next(
        (
            i
            for i in [baseline, STORED, *options[2:]]
            if i is not None and i != CURRENT and settings_key(_settings_of(i)) != current_key
        ),
        baseline if baseline else STORED,
    )
    picked = st.multiselect(
        t("scenarios.compare_pick"),
        options,
        default=[CURRENT, other],
        max_selections=4,
        format_func=lambda i: option_names[i] + (" ★" if i == baseline else ""),
        placeholder=t("common.choose"),
        key="scenarios.compare_pick",
    )

    if len(picked) < 2:
        st.info(t("scenarios.compare_need"))
    else:
        plans: dict[str, AllocationResult] = {}
        progress = st.progress(0.0, text=t("scenarios.solving"))
        for n, scenario_id in enumerate(picked, start=1):
            title = option_names[scenario_id]
            try:
                plans[title] = state.solve_cached(wb, fingerprint, _settings_of(scenario_id))
            except (
                ScenarioError,
                Exception,
            ) as exc:  # one broken scenario must not hide the others
                st.error(plain(f"{title}: {exc}"))
            progress.progress(n / len(picked), text=t("scenarios.solving"))
        progress.empty()
        if len(plans) >= 2:
            target_rows = []
            titles = list(plans)
            first = titles[0]
            difference = {
                title: t("scenarios.difference", lang, other=title, first=first)
                for title in titles[1:]
            }
            for target in plan.targets["target"]:
                row = {t("common.target"): label_for(target, labels, lang)}
                for title, p in plans.items():
                    tr = p.targets.set_index("target").loc[target] if state.has_plan(p) else None
                    row[f"{title} · {t('common.expected')}"] = (
                        format_amount(tr["expected"], tr["unit"], lang) if tr is not None else "–"
                    )
                    row[f"{title} · {t('common.chance')}"] = (
                        percent(tr["p_meet"]) if tr is not None else "–"
                    )
                for title in titles[1:]:
                    row[difference[title]] = _difference(plans[first], plans[title], target, lang)
                target_rows.append(row)
            objective_row = {t("common.target"): t("studio.objective")}
            money_row = {t("common.target"): t("scenarios.money_used")}
            for title, p in plans.items():
                # the figure and its share of the maximum Σ weights (the scenario's own), as in the studio
                most = float(pd.to_numeric(p.targets["weight"], errors="coerce").fillna(0).sum())
                share = f" ({percent((p.objective or 0) / most, 1)})" if most > 0 else ""
                objective_row[f"{title} · {t('common.expected')}"] = (
                    f"{(p.objective or 0):.3f}{share}"
                )
                objective_row[f"{title} · {t('common.chance')}"] = ""
                money_row[f"{title} · {t('common.expected')}"] = (
                    money(p.fund_lines["used"].sum(), lang) if state.has_plan(p) else "–"
                )
                money_row[f"{title} · {t('common.chance')}"] = ""
            for title in titles[1:]:
                a, b = plans[first], plans[title]
                objective_row[difference[title]] = (
                    f"{signed(100 * ((b.objective or 0) - (a.objective or 0)) / _most(a), 1)} "
                    + t("scenarios.points", lang)
                )
                money_row[difference[title]] = (
                    money_change(b.fund_lines["used"].sum() - a.fund_lines["used"].sum(), lang)
                    if state.has_plan(a) and state.has_plan(b)
                    else "–"
                )
            st.dataframe(
                pd.DataFrame([*target_rows, objective_row, money_row]),
                hide_index=True,
                width="stretch",
            )

            st.markdown(f"**{t('cockpit.resources')}**")
            use_rows = []
            for resource in plan.resources["resource"]:
                row = {t("common.resource"): label_for(resource, labels, lang)}
                for title, p in plans.items():
                    rr = p.resources.set_index("resource").loc[resource]
                    unit = unit_label(rr.get("unit", ""), lang)
                    row[title] = f"{number(rr['used'])} / {number(rr['capacity'])} {unit}".strip()
                use_rows.append(row)
            st.dataframe(pd.DataFrame(use_rows), hide_index=True, width="stretch")

            st.markdown(f"**{t('scenarios.differ')}**")
            ids = sorted(set().union(*[p.choices for p in plans.values()]))
            names_by_id = dict(
                zip(
                    wb.candidates["candidate_id"].astype(str),
                    wb.candidates["name"].astype(str),
                    strict=True,
                )
            )
            differ = [
                c for c in ids if len({p.choices.get(c, NONE_OPTION) for p in plans.values()}) > 1
            ]
            st.caption(t("scenarios.differ_count", n=len(differ)))
            if differ:
                table = pd.DataFrame(
                    {
                        t("common.name"): [
                            candidate_label(c, names_by_id.get(c, ""), lang) for c in differ
                        ],
                        **{
                            title: [
                                tv(p.choices.get(c, NONE_OPTION), lang, "option") for c in differ
                            ]
                            for title, p in plans.items()
                        },
                    }
                )
                st.dataframe(table, hide_index=True, width="stretch", height=300)


def _most(plan: AllocationResult) -> float:
    """The plan's highest weighted attainment (Σ weights), 1 when there are no weights."""
    most = float(pd.to_numeric(plan.targets["weight"], errors="coerce").fillna(0).sum())
    return most if most > 0 else 1.0


def _difference(first: AllocationResult, other: AllocationResult, target: str, lang: str) -> str:
    """One target's difference between two plans: expected value and chance (percentage points)."""
    if not (state.has_plan(first) and state.has_plan(other)):
        return "–"
    a = first.targets.set_index("target").loc[target]
    b = other.targets.set_index("target").loc[target]
    change = float(b["expected"]) - float(a["expected"])
    amount = format_amount(abs(change), a["unit"], lang)
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    chance = signed(100 * (float(b["p_meet"]) - float(a["p_meet"])), 0)
    return f"{sign}{amount} · {chance} {t('scenarios.points', lang)}"


def frontier_panel(
    wb: Workbook,
    fingerprint: str,
    store: state.GuardedStore,
    plan: AllocationResult,
    plan_key: str,
    saved: pd.DataFrame,
    stored_settings: Mapping[str, Any],
    lang: str,
) -> None:
    """The total-budget frontier (on request) with the scenarios on it."""
    # the efficient frontier with the scenarios on it
    st.subheader(t("scenarios.frontier"))
    st.caption(t("scenarios.frontier_help"))
    frontier_store = st.session_state.setdefault("frontier", {})
    frontier_key = (fingerprint, plan_key)
    if frontier_key not in frontier_store and st.button(
        t("scenarios.frontier_run"), key="scenarios.frontier_run"
    ):
        bar = st.progress(0.0, text=t("scenarios.frontier_running"))

        def _tick(done: int, total: int) -> None:
            bar.progress(
                min(1.0, done / max(total, 1)),
                text=t("scenarios.frontier_running") + f" {done}/{total}",
            )

        try:
            table = downloads.analysis_frontier(
                wb, state.scenario(), points_count=9, max_scale=1.6, progress=_tick
            )
            frontier_store[frontier_key] = table
        except Exception as exc:  # the frontier is an extra: a failure is a message
            st.error(t("solve.failed_no_plan", error=exc))
        bar.empty()
    frontier = frontier_store.get(frontier_key)
    if frontier is not None and len(frontier):
        points = [
            {
                "name": t("scenarios.current"),
                "total_budget": float(sum(state.scenario()["budgets"].values())),
                "objective": float(plan.objective or 0.0),
            }
        ]
        for scenario_id in saved["id"].astype(int):
            record = store.get_scenario(int(scenario_id))
            result = record.get("result") or {}
            if result.get("objective") is None:
                continue
            budgets = {**stored_settings["budgets"], **record["settings"].get("budgets", {})}
            points.append(
                {
                    "name": record["name"],
                    "total_budget": float(sum(budgets.values())),
                    "objective": float(result["objective"]),
                }
            )
        # Axes people read: money in 亿元 (CNY m in English), attainment as a share of its maximum.
        most = _most(plan)
        scale = 10_000.0 if lang == "zh" else 100.0  # 万元 per 亿元 / per CNY 1 m
        line = frontier.dropna(subset=["objective"]).assign(
            total_budget=lambda f: f["total_budget"] / scale,
            objective=lambda f: f["objective"] / most,
        )
        dots = pd.DataFrame(points)
        dots["total_budget"] = dots["total_budget"] / scale
        dots["objective"] = dots["objective"] / most
        st.altair_chart(
            charts.frontier_chart(
                line,
                "total_budget",
                "objective",
                t("scenarios.total_budget_axis"),
                t("scenarios.objective_axis"),
                dots,
            ),
            width="stretch",
        )


def share_link(stored_settings: Mapping[str, Any], lang: str) -> None:
    """A link that restores the settings in use."""
    # a link that restores the settings in use
    st.subheader(t("scenarios.link"))
    params = {"lang": lang, **settings_to_query(state.scenario(), stored_settings)}
    name = st.session_state.get("scenario_name")
    if name:  # the link names the scenario it restores
        params[NAME_PARAM] = str(name)
    base_url = (st.context.url or "").split("?")[0]
    if base_url.rstrip("/").endswith("/scenarios"):
        base_url = base_url.rstrip("/")[: -len("scenarios")]
    st.caption(t("scenarios.link_help"))
    st.code(
        f"{base_url}studio?{urlencode(params)}" if base_url else f"?{urlencode(params)}",
        language=None,
    )

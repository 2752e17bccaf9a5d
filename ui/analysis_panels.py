"""The studio's analyses on request: marginal values, why a candidate is (not) supported, robustness.

Each runs several solves, so only on a click; its result is kept in the session by the key of the
settings the plan was solved for, and its button goes once the result is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data.schema import Workbook
from optimizer.analysis import explain_candidate, robustness
from optimizer.solve import AllocationResult
from ui import downloads, sources_view, state
from ui.format import money, number, percent
from ui.i18n import t, tv
from ui.insights import money_by_robustness
from ui.safe_text import plain_lines
from ui.studio_context import StudioContext
from ui.tables import candidate_label, label_for, short_target_label, unit_label
from ui.widgets import format_amount

NAMED_CHANGES = 5  # candidates named in a sentence; the rest counted
MARGINAL_SENTENCES = 5  # limits said in words above the marginal table


def limit_amount(value: float, kind: str | None, unit: object, lang: str) -> str:
    """An amount of a fund line (money) or a resource (number and unit: ``26 人日``)."""
    if kind == "fund_line" or str(unit) in ("万元", "wan"):
        return money(value, lang)
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    return f"{number(value, digits)} {unit_label(unit, lang)}".strip()


def _points(value: float | None, lang: str) -> str:
    """Percentage points of weighted attainment, readable when tiny (``不足 0.01``)."""
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞"
    if abs(value) < 0.005:
        return t("why.below", lang)
    return f"{value:,.2f}"


def _probabilities(wb: Workbook, candidate_id: str, option: str | None) -> tuple[float, float]:
    """The candidate's chance of success without support and with ``option`` (NaN if unknown)."""
    base = wb.candidates.loc[wb.candidates["candidate_id"].astype(str) == candidate_id]
    p0 = float(base["base_probability"].iloc[0]) if len(base) else math.nan
    rows = wb.options[
        (wb.options["candidate_id"].astype(str) == candidate_id)
        & (wb.options["option"].astype(str) == str(option))
    ]
    p1 = float(rows["probability"].iloc[0]) if len(rows) else math.nan
    return p0, p1


def _stop(lang: str) -> str:
    """A sentence's full stop."""
    return "。" if lang == "zh" else "."


def _change_list(changes: list[dict[str, Any]], lang: str) -> str:
    """The candidates another plan would treat differently, by name and support in words."""
    sep = "、" if lang == "zh" else ", "
    parts = [
        t(
            "why.change_item",
            lang,
            who=candidate_label(c.get("candidate_id", ""), c.get("name", ""), lang),
            before=tv(c.get("before"), lang, "option"),
            after=tv(c.get("after"), lang, "option"),
        )
        for c in changes[:NAMED_CHANGES]
    ]
    rest = len(changes) - NAMED_CHANGES
    if rest > 0:
        parts.append(t("why.more", lang, n=rest))
    return sep.join(parts)


def explanation_sentences(ex: Any, wb: Workbook, labels: Mapping[str, str], lang: str) -> list[str]:
    """Why a candidate is (not) supported, in the reader's language and the bureaus' words.

    Built from the analysis's figures (``optimizer.analysis.Explanation``) rather than its own
    sentences, so that options, fund lines and resources read by their names (data.vocabulary,
    docs/workbook.md), amounts carry their units (``26 人日``) and attainment reads in percentage
    points of the plan's weighted attainment.
    """
    who = candidate_label(ex.candidate_id, ex.name, lang)
    if lang != "zh":  # English readers may look the ID up in the workbook; Chinese ones read names
        who = f"{who} ({ex.candidate_id})"
    line = label_for(ex.fund_line, labels, lang) if ex.fund_line else ""
    out: list[str] = []
    if ex.locked is not None:
        out.append(t("why.locked", lang, who=who, option=tv(ex.locked, lang, "option")))
    option = ex.option if ex.funded else ex.considered_option
    if option is None:
        return [*out, t("why.no_options", lang, who=who)]
    p0, p1 = _probabilities(wb, str(ex.candidate_id), option)
    chance = (
        t("why.chance", lang, before=percent(p0), after=percent(p1))
        if not (math.isnan(p0) or math.isnan(p1))
        else ""
    )
    cost = (
        t("why.money", lang, line=line, amount=money(ex.money, lang))
        if ex.money > 0
        else t("why.no_money", lang)
    )
    rate = (
        t("why.rate", lang, rate=_points(ex.per_100, lang), cutoff=_points(ex.cutoff_per_100, lang))
        if ex.money > 0 and ex.cutoff_per_100 is not None
        else ""
    )
    key = "why.funded" if ex.funded else "why.not_funded"
    out.append(
        t(
            key,
            lang,
            who=who,
            option=tv(option, lang, "option"),
            cost=cost,
            chance=chance,
            points=_points(ex.gain_points, lang),
            rate=rate,
        )
    )
    if ex.funded:
        if ex.drop_loss is not None:
            if math.isnan(ex.drop_loss):
                out.append(t("why.drop_infeasible", lang))
            else:
                changes = _change_list(ex.changes, lang)
                out.append(
                    t("why.drop", lang, points=_points(ex.drop_points, lang))
                    + (t("why.changes", lang, changes=changes) if changes else _stop(lang))
                )
        return out
    if ex.gain_attainment <= 1e-12:
        out.append(t("why.already_met", lang))
    limit = label_for(ex.limit, labels, lang) if ex.limit else ""
    if ex.takes is not None and ex.limit:
        if ex.takes == 0:
            out.append(t("why.margin", lang))
        else:
            out.append(
                t(
                    "why.takes",
                    lang,
                    limit=limit,
                    more=limit_amount(ex.takes, ex.limit_kind, ex.limit_unit, lang),
                    less=limit_amount(
                        ex.takes_checked_below or 0.0, ex.limit_kind, ex.limit_unit, lang
                    ),
                )
            )
    elif ex.searched_up_to is not None and ex.limit:
        out.append(
            t(
                "why.never",
                lang,
                limit=limit,
                more=limit_amount(ex.searched_up_to, ex.limit_kind, ex.limit_unit, lang),
            )
        )
    if ex.forced_loss is not None:
        if math.isnan(ex.forced_loss):
            out.append(t("why.forced_infeasible", lang))
        else:
            changes = _change_list(ex.changes, lang)
            out.append(
                t(
                    "why.forced",
                    lang,
                    option=tv(ex.forced_option, lang, "option"),
                    points=_points(ex.forced_points, lang),
                )
                + (t("why.changes", lang, changes=changes) if changes else _stop(lang))
            )
    return out


def _step_effects(
    row: Any, units: Mapping[str, object], lang: str
) -> list[tuple[str, float, object]]:
    """(target's short name, change, unit) for each target one step more of a limit moves by a
    tenth of a firm or project or more (below that is noise, not an effect)."""
    out = []
    for column in row.index:
        if not str(column).startswith("expected_up:"):
            continue
        target = str(column).split(":", 1)[1]
        value = float(row[column]) if pd.notna(row[column]) else 0.0
        if abs(value) < 0.05:
            continue
        out.append(
            (short_target_label(target, tv(target, lang), lang), value, units.get(target, ""))
        )
    return out


def marginal_effects(row: Any, units: Mapping[str, object], lang: str) -> str:
    """What one step more of a limit buys, target by target (``+0.8 家`` 专精特新 …)."""
    sep = "、" if lang == "zh" else ", "
    parts = [
        f"{name} {'+' if value > 0 else '-'}{format_amount(abs(value), unit, lang)}"
        for name, value, unit in _step_effects(row, units, lang)
    ]
    return sep.join(parts) if parts else t("why.no_effect", lang)


def marginal_sentence(
    row: Any, limit: str, step: str, units: Mapping[str, object], lang: str
) -> str | None:
    """One step more of a limit, said as people say it: "再增加 500 万元小升规培育资金 → 预计多
    0.8 家规上工业企业". None when the step buys nothing measurable."""
    parts = []
    for name, value, unit in _step_effects(row, units, lang):
        amount = format_amount(abs(value), unit, lang)
        if lang == "zh":
            counted = str(unit) not in ("万元", "wan")
            # "新增规上工业企业" reads "多 0.8 家规上工业企业"; an amount of money follows its name
            thing = name.removeprefix("新增")
            more = "多" if value > 0 else "少"
            parts.append(f"{more} {amount}{thing}" if counted else f"{thing}{more} {amount}")
        else:
            parts.append(f"{name} {'+' if value > 0 else '-'}{amount}")
    if not parts:
        return None
    return t(
        "studio.marginal_sentence",
        lang,
        step=step,
        limit=limit,
        effects=("，" if lang == "zh" else ", ").join(parts),
    )


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
            units = dict(zip(wb.targets["target"], wb.targets["unit"], strict=True))
            kinds = table["kind"] if "kind" in table else pd.Series([None] * len(table))
            limit_units = table["unit"] if "unit" in table else pd.Series([""] * len(table))
            # The limits that buy most first, each in one sentence (the table below has the figures).
            said = [
                marginal_sentence(
                    row,
                    label_for(row["name"], labels, lang),
                    limit_amount(float(row["step"]), k, u, lang),
                    units,
                    lang,
                )
                for (_, row), k, u in zip(table.iterrows(), kinds, limit_units, strict=True)
            ]
            order = table["points_up"].fillna(0).to_numpy().argsort()[::-1]
            sentences = [said[i] for i in order if said[i]][:MARGINAL_SENTENCES]
            if sentences:
                st.markdown(plain_lines(sentences))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("studio.limit"): [label_for(n, labels, lang) for n in table["name"]],
                        t("studio.current"): [
                            limit_amount(float(v), k, u, lang)
                            for v, k, u in zip(table["current"], kinds, limit_units, strict=True)
                        ],
                        t("studio.step"): [
                            "+" + limit_amount(float(v), k, u, lang)
                            for v, k, u in zip(table["step"], kinds, limit_units, strict=True)
                        ],
                        t("studio.buys"): [
                            marginal_effects(row, units, lang) for _, row in table.iterrows()
                        ],
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
                    t("studio.limit"): st.column_config.TextColumn(width=180),
                    t("studio.current"): st.column_config.TextColumn(width=95),
                    t("studio.step"): st.column_config.TextColumn(width=85),
                    t("studio.buys"): st.column_config.TextColumn(width=220),
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
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
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
            format_func=lambda c: candidate_label(c, cand_names[c], lang),
            placeholder=t("common.search"),
            key="studio.explain_pick",
        )
        if who:
            st.caption(sources_view.source_caption(plan, who, lang))
        answers = st.session_state.setdefault("explanations", {})
        if who and st.button(t("studio.explain_run"), key="studio.explain_run"):
            with st.spinner(t("studio.marginal_running"), show_time=True):
                try:
                    scenario_wb = state.scenario_workbook(wb, settings)
                    result = explain_candidate(scenario_wb, who)
                    answers[(plan_key, who)] = {
                        code: explanation_sentences(result, scenario_wb, labels, code)
                        for code in ("zh", "en")
                    }
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
        has_history = wb.history is not None and len(wb.history) > 0
        st.caption(t("studio.robust_help_fit" if has_history else "studio.robust_help_spread"))
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
                runs[plan_key] = (result.targets, result.candidates, result.samples)
                button.empty()
            except Exception as exc:  # an analysis failure is a message, not a crash
                st.error(t("solve.failed_no_plan", error=exc))
            bar.empty()
        if plan_key in runs:
            spread, classes, samples = runs[plan_key]
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
            # What it means in targets and money (issue 13), not in counts of near-tied candidates:
            # per goal what the plan as it is expects in nine samples of ten, and the money on the
            # supports the re-solves keep.
            goals = [
                t(
                    "studio.robust_goal",
                    target=label_for(rec["target"], labels, lang),
                    assured=format_amount(
                        rec["base_plan_expected_p10"], units.get(rec["target"], ""), lang
                    ),
                    goal=format_amount(rec["goal"], units.get(rec["target"], ""), lang),
                    met=number(int(rec["samples_met"])),
                    samples=number(int(samples)),
                )
                for rec in spread.to_dict("records")
            ]
            st.markdown("\n".join(f"- {line}" for line in goals))
            shares = money_by_robustness(plan.allocation, classes)
            spent = plan.allocation["cost"].astype(float).sum()
            if "reserve" in plan.allocation.columns:
                spent += plan.allocation["reserve"].astype(float).fillna(0.0).sum()
            core_share = shares.get("core", 0.0)
            st.caption(
                t(
                    "studio.robust_money",
                    core_money=percent(core_share),
                    kept=money(core_share * spent, lang),
                    total=money(spent, lang),
                    in_doubt=money((1.0 - core_share) * spent if shares else 0.0, lang),
                )
            )

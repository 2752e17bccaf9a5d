"""The calibration page's panels: reliability diagram, backtest, option uplifts, sources, adopting
into the scenario (or, for an administrator, into the stored data) and entering one by hand."""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from data.scenario import PROBABILITY_KEY_SEP
from data.schema import NONE_OPTION, Workbook
from optimizer.calibrate import ASSUMED, ENTERED, ESTIMATED, SOURCE_COLUMN, Calibration, calibrate
from ui import state
from ui.auth import can, current_user, require
from ui.charts import muted, primary
from ui.format import percent
from ui.i18n import current_lang, t, tv
from ui.settings import FrozenMap, ScenarioSettings


@st.cache_data(show_spinner=False, max_entries=2)
def calibration_for(_wb: Workbook, fingerprint: str) -> Calibration:
    """`optimizer.calibrate.calibrate` of the stored workbook, once per stored version."""
    del fingerprint  # the cache key: the workbook itself is not hashed
    return calibrate(_wb)


def source_label(source: object) -> str:
    """A probability's source on screen: estimated / assumed / entered by hand."""
    text = str(source) if source in (ESTIMATED, ASSUMED, ENTERED) else ASSUMED
    return t(f"calibration.source.{text}")


def summary(result: Calibration) -> None:
    """How many probabilities come from history, and the estimated year-to-year correlation."""
    report = result.report
    cands, opts = report["candidates"], report["options"]
    assert isinstance(cands, dict) and isinstance(opts, dict)
    c1, c2, c3 = st.columns(3)
    c1.metric(
        t("calibration.candidates_estimated"), f"{cands[ESTIMATED]:,} / {sum(cands.values()):,}"
    )
    c2.metric(t("calibration.options_estimated"), f"{opts[ESTIMATED]:,} / {sum(opts.values()):,}")
    c3.metric(t("calibration.correlation"), f"{float(str(report['correlation'])):.3f}")
    st.caption(t("calibration.correlation_help"))


def reliability_chart(result: Calibration) -> None:
    """Predicted against observed success rate by decile (each year predicted by the other years)."""
    st.subheader(t("calibration.reliability"))
    table = result.reliability
    if table.empty:
        st.info(t("calibration.no_rows"))
        return
    frame = table.rename(
        columns={
            "predicted": t("calibration.predicted"),
            "observed": t("calibration.observed"),
            "rows": t("calibration.rows"),
        }
    )
    x, y, n = t("calibration.predicted"), t("calibration.observed"), t("calibration.rows")
    diagonal = (
        alt.Chart(pd.DataFrame({x: [0.0, 1.0], y: [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color=muted())
        .encode(
            x=alt.X(f"{x}:Q", axis=alt.Axis(format="%")),
            y=alt.Y(f"{y}:Q", axis=alt.Axis(format="%")),
        )
    )
    points = (
        alt.Chart(frame)
        .mark_line(point=True, color=primary())
        .encode(
            x=alt.X(f"{x}:Q", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(f"{y}:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip(f"{x}:Q", format=".1%"), alt.Tooltip(f"{y}:Q", format=".1%"), n],
        )
    )
    st.altair_chart(diagonal + points, width="stretch")
    st.caption(t("calibration.reliability_help"))


def backtest_table(result: Calibration) -> None:
    """Per rung: rows used, the year scored, Brier of the estimates and of the plain rate."""
    st.subheader(t("calibration.backtest"))
    rows = []
    rungs = result.report["rungs"]
    assert isinstance(rungs, dict)
    for rung, info in rungs.items():
        back = info["backtest"]
        rows.append(
            {
                t("calibration.rung"): tv(rung),
                t("calibration.rows_used"): info["rows_used"],
                t("calibration.year_scored"): back.get("year_scored"),
                t("calibration.brier"): back.get("brier"),
                t("calibration.brier_plain"): back.get("brier_plain_rate"),
                t("calibration.better"): (
                    "✓"
                    if back.get("brier") is not None and back["brier"] < back["brier_plain_rate"]
                    else "—"
                ),
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            t("calibration.brier"): st.column_config.NumberColumn(format="%.4f"),
            t("calibration.brier_plain"): st.column_config.NumberColumn(format="%.4f"),
        },
    )
    st.caption(t("calibration.backtest_help"))


def uplift_table(result: Calibration) -> None:
    """Each option's uplift on this year's candidates, with its 95% interval."""
    st.subheader(t("calibration.uplifts"))
    up = result.uplifts
    if up.empty:
        st.info(t("calibration.no_rows"))
        return
    frame = pd.DataFrame(
        {
            t("calibration.rung"): [tv(r) for r in up["rung"]],
            t("calibration.option"): [tv(o, kind="option") for o in up["option"]],
            t("calibration.uplift"): [percent(v) for v in up["uplift"]],
            t("calibration.interval"): [
                f"{percent(lo)} – {percent(hi)}"
                for lo, hi in zip(up["low"], up["high"], strict=True)
            ],
            t("calibration.rows"): up["rows"],
        }
    )
    st.dataframe(frame, hide_index=True)
    st.caption(t("calibration.uplift_help"))


def source_table(wb: Workbook, result: Calibration) -> None:
    """This year's candidates: the probability in use in the scenario and its source, the estimate
    beside it."""
    st.subheader(t("calibration.sources"))
    now = state.scenario_workbook(wb, state.scenario()).candidates
    new = result.workbook.candidates
    sources = now[SOURCE_COLUMN] if SOURCE_COLUMN in now else pd.Series([ASSUMED] * len(now))
    frame = pd.DataFrame(
        {
            t("calibration.candidate"): now["candidate_id"].astype(str),
            t("calibration.name"): now["name"].astype(str),
            t("calibration.rung"): [tv(r) for r in now.get("rung", pd.Series([""] * len(now)))],
            t("calibration.in_use"): now["base_probability"].to_numpy(),
            t("calibration.source"): [source_label(s) for s in sources],
            t("calibration.estimate"): new["base_probability"].to_numpy(),
            t("calibration.estimate_source"): [source_label(s) for s in new[SOURCE_COLUMN]],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            t("calibration.in_use"): st.column_config.NumberColumn(format="%.3f"),
            t("calibration.estimate"): st.column_config.NumberColumn(format="%.3f"),
        },
    )


def estimated_entries(result: Calibration) -> dict[str, tuple[float, str]]:
    """The scenario's ``probabilities`` section for calibrate's estimates (data/scenario.py): every
    estimated base probability (by candidate) and option probability (by ``candidate|option``)."""
    out: dict[str, tuple[float, str]] = {}
    cands, opts = result.workbook.candidates, result.workbook.options
    hit = cands[SOURCE_COLUMN] == ESTIMATED
    for cid, p in zip(
        cands.loc[hit, "candidate_id"], cands.loc[hit, "base_probability"], strict=True
    ):
        out[str(cid)] = (float(p), ESTIMATED)
    hit = opts[SOURCE_COLUMN] == ESTIMATED
    for cid, option, p in zip(
        opts.loc[hit, "candidate_id"], opts.loc[hit, "option"], opts.loc[hit, "probability"],
        strict=True,
    ):  # fmt: skip
        out[f"{cid}{PROBABILITY_KEY_SEP}{option}"] = (float(p), ESTIMATED)
    return out


def adopt_into_scenario(result: Calibration, settings: ScenarioSettings) -> ScenarioSettings:
    """The scenario with the estimates and the estimated correlation adopted; a probability a
    planner entered by hand in the scenario stays as entered."""
    entries = estimated_entries(result)
    for name, (p, source) in (settings.probabilities or {}).items():
        if source == ENTERED:
            entries[name] = (p, source)
    rho = float(str(result.report["correlation"]))
    return replace(settings, probabilities=FrozenMap.of(entries), correlation=rho)


def override(settings: ScenarioSettings, name: str, probability: float) -> ScenarioSettings:
    """The scenario with one probability entered by hand (``name``: a candidate, or
    ``candidate|option``)."""
    entries = dict(settings.probabilities or {})
    entries[name] = (float(probability), ENTERED)
    return replace(settings, probabilities=FrozenMap.of(entries))


def adopt_panel(wb: Workbook, result: Calibration) -> None:
    """Adopt the estimates into this session's scenario (each probability with its source), enter
    one by hand, and — for an administrator — save them into the stored data (audited)."""
    st.subheader(t("chance2.adopt_scenario"))
    st.caption(t("chance2.adopt_scenario_help"))
    if st.button(
        t("chance2.adopt_scenario_button"), type="primary", key="calibration.adopt_scenario"
    ):
        st.session_state["scenario"] = adopt_into_scenario(result, state.scenario())
        st.session_state["calibration.flash"] = t("chance2.adopted_scenario")
        st.rerun()
    override_form(wb)
    if current_user().role != "admin":
        return
    st.subheader(t("chance2.save_stored"))
    st.caption(t("chance2.save_stored_help"))
    confirm = st.checkbox(
        t("calibration.adopt_confirm"), key="calibration.adopt_confirm", disabled=not can("import")
    )
    if st.button(
        t("chance2.save_stored_button"),
        key="calibration.adopt_button",
        disabled=not (can("import") and confirm),
    ):
        require("import")
        state.get_store().replace_workbook(result.workbook, action="import", detail="calibrate")
        st.session_state["calibration.flash"] = t("calibration.adopted")
        st.rerun()


def override_form(wb: Workbook) -> None:
    """One probability entered by hand into the scenario (source: entered by hand)."""
    with st.expander(t("chance2.override")):
        cands = wb.candidates
        ids = cands["candidate_id"].astype(str).tolist()
        names = dict(zip(ids, cands["name"].astype(str), strict=True))
        cid = st.selectbox(
            t("calibration.candidate"),
            ids,
            format_func=lambda c: f"{c} · {names.get(c, '')}",
            key="calibration.override_candidate",
        )
        menu = wb.options.loc[wb.options["candidate_id"].astype(str) == cid, "option"].astype(str)
        # The language fixed now: an option's label must not depend on when it is asked for.
        labels = {o: tv(o, lang=current_lang(), kind="option") for o in [NONE_OPTION, *menu]}
        option = st.selectbox(
            t("calibration.option"),
            list(labels),
            format_func=labels.__getitem__,
            key="calibration.override_option",
        )
        scenario_wb = state.scenario_workbook(wb, state.scenario())
        if option == NONE_OPTION:
            row = scenario_wb.candidates["candidate_id"].astype(str) == cid
            now = float(scenario_wb.candidates.loc[row, "base_probability"].iloc[0])
        else:
            opts = scenario_wb.options
            row = (opts["candidate_id"].astype(str) == cid) & (opts["option"].astype(str) == option)
            now = float(opts.loc[row, "probability"].iloc[0])
        value = st.number_input(
            t("chance2.override_value"),
            min_value=0.0,
            max_value=1.0,
            value=now,
            step=0.01,
            format="%.3f",
            key=f"calibration.override_value.{cid}.{option}",
        )
        if st.button(t("chance2.override_button"), key="calibration.override_button"):
            name = cid if option == NONE_OPTION else f"{cid}{PROBABILITY_KEY_SEP}{option}"
            st.session_state["scenario"] = override(state.scenario(), name, value)
            st.session_state["calibration.flash"] = t("chance2.overridden")
            st.rerun()

"""The cockpit for the year: targets against the calendar, the trend over the 调度 rounds, districts and
their ranking, the red/yellow lists and the bottlenecks.

Every figure comes from `optimizer.progress` (the 调度通报 documents read the same functions); this
module only lays them out (docs/dashboard.md "The year loop").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data.schema import Workbook
from optimizer import progress
from optimizer.solve import AllocationResult
from ui.format import money, number, percent
from ui.i18n import t, tv
from ui.store import GuardedStore
from ui.tables import label_for

LIST_SHOWN = 10
LIGHT_WORDS = {"green": "year.light.green", "yellow": "year.light.yellow", "red": "year.light.red"}


def _choices_key(choices: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(choices.items())).encode()).hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=16)
def _round_figures(
    fingerprint: str, snapshot_id: int, plan_key: str, _wb: Workbook, _store: Any, _choices: Any
) -> dict[str, Any]:
    """One round's figures (kept, or computed under the plan in use for rounds that kept none)."""
    return progress.complete_figures(_wb, _store.get_snapshot(snapshot_id), _choices)


def round_figures(
    wb: Workbook, fingerprint: str, store: GuardedStore, plan: AllocationResult
) -> list[dict[str, Any]]:
    """Every 调度 round's figures, oldest first."""
    listed = store.list_snapshots()
    key = _choices_key(plan.choices)
    return [_round_figures(fingerprint, int(i), key, wb, store, plan.choices) for i in listed["id"]]


def targets_table(table: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """`optimizer.progress.target_progress` as the cockpit shows it."""
    return pd.DataFrame(
        {
            t("year.target"): [label_for(v, labels, lang) for v in table["target"]],
            t("year.goal"): [number(v, 1 if v % 1 else 0) for v in table["goal"]],
            t("year.achieved"): [number(v, 1 if v % 1 else 0) for v in table["achieved"]],
            t("year.achieved_share"): [percent(v) for v in table["achieved_share"]],
            t("year.on_pace"): [number(v, 1) for v in table["on_pace_level"]],
            t("year.expected"): [number(v, 1) for v in table["expected"]],
            t("year.chance"): [percent(v) for v in table["p_meet"]],
            t("year.pace_needed"): [number(v, 2) for v in table["pace_needed"]],
            t("year.light"): [t(LIGHT_WORDS[v]) for v in table["light"]],
        }
    )


def trend_chart(lines: pd.DataFrame, labels: Mapping[str, str], lang: str) -> alt.Chart:
    """Share of each goal achieved at each round (a line per target)."""
    frame = lines.assign(label=[label_for(v, labels, lang) for v in lines["target"]])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of:N", title=t("year.round")),
            y=alt.Y("achieved_share:Q", title=t("year.achieved_share"), axis=alt.Axis(format="%")),
            color=alt.Color("label:N", title=None),
            tooltip=[
                alt.Tooltip("label:N", title=t("year.target")),
                alt.Tooltip("as_of:N", title=t("year.round")),
                alt.Tooltip("achieved_share:Q", format=".0%", title=t("year.achieved_share")),
                alt.Tooltip("p_meet:Q", format=".0%", title=t("year.chance")),
            ],
        )
        .properties(height=260)
    )


def districts_table(
    report: progress.YearProgress, labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The districts' ranking with their goals in one line each."""
    detail = report.districts
    goals = {
        district: "；".join(
            f"{label_for(r['target'], labels, lang)} {number(r['achieved'])}/{number(r['goal'])}"
            for r in part.to_dict("records")
        )
        for district, part in detail.groupby("district", sort=False)
    }
    ranking = report.ranking
    return pd.DataFrame(
        {
            t("year.rank"): ranking["rank"],
            t("year.district"): [tv(d) for d in ranking["district"]],
            t("year.completion"): [percent(v) for v in ranking["completion"]],
            t("year.expected_share"): [percent(v) for v in ranking["expected_share"]],
            t("year.chance"): [percent(v) for v in ranking["p_meet"]],
            t("year.district_goals"): [goals.get(d, "") for d in ranking["district"]],
        }
    )


def watch_lists(report: progress.YearProgress, labels: Mapping[str, str], lang: str) -> None:
    """推进缓慢项目, targets behind pace, departments near or over capacity."""
    watch = report.watch
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown(f"**{t('year.stalled')}** ({len(watch.stalled)})")
        if watch.stalled.empty:
            st.caption(t("year.none"))
        else:
            shown = watch.stalled.head(LIST_SHOWN)
            st.dataframe(
                pd.DataFrame(
                    {
                        t("year.project"): shown["name"],
                        t("year.stage"): [tv(s) for s in shown["stage"]],
                        t("year.days"): shown["days_in_stage"].astype("Int64"),
                        t("year.district"): [tv(d) for d in shown["district"]],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    with c2:
        st.markdown(f"**{t('year.behind')}** ({len(watch.behind_pace)})")
        if watch.behind_pace.empty:
            st.caption(t("year.none"))
        for row in watch.behind_pace.to_dict("records"):
            icon = "🔴" if row["light"] == "red" else "🟡"
            st.write(
                f"{icon} {label_for(row['target'], labels, lang)}: "
                f"{percent(row['achieved_share'])} / {percent(row['time_share'])} · "
                f"{t('year.chance')} {percent(row['p_meet'])}"
            )
    with c3:
        st.markdown(f"**{t('year.over_capacity')}** ({len(watch.over_capacity)})")
        if watch.over_capacity.empty:
            st.caption(t("year.none"))
        for row in watch.over_capacity.to_dict("records"):
            icon = "🔴" if row["light"] == "red" else "🟡"
            st.write(f"{icon} {label_for(row['resource'], labels, lang)}: {percent(row['share'])}")


def bottleneck_chart(frame: pd.DataFrame, labels: Mapping[str, str], lang: str) -> alt.Chart:
    """Resource × lead department: the share of the resource's capacity the department's candidates use."""
    data = frame.assign(
        resource_label=[label_for(v, labels, lang) for v in frame["resource"]],
        department=[tv(v) for v in frame["lead_department"]],
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("department:N", title=t("year.department")),
            y=alt.Y("resource_label:N", title=None),
            color=alt.Color("share:Q", title=t("year.share"), scale=alt.Scale(scheme="orangered")),
            tooltip=[
                alt.Tooltip("resource_label:N", title=t("year.resource")),
                alt.Tooltip("department:N", title=t("year.department")),
                alt.Tooltip("used:Q", format=",.1f", title=t("year.used")),
                alt.Tooltip("capacity:Q", format=",.1f", title=t("year.capacity")),
                alt.Tooltip("share:Q", format=".0%", title=t("year.share")),
            ],
        )
        .properties(height=320)
    )


def year_section(
    wb: Workbook,
    fingerprint: str,
    plan: AllocationResult,
    store: GuardedStore,
    labels: Mapping[str, str],
    lang: str,
) -> progress.YearProgress:
    """The cockpit's year view; returns the figures shown (for the downloads beside it)."""
    rounds = round_figures(wb, fingerprint, store, plan)
    report = progress.year_progress(wb, plan, store.load_district_goals(), rounds)
    st.subheader(t("year.title"))
    st.caption(
        t(
            "year.caption",
            share=percent(progress.time_share(report.as_of)),
            months=number(progress.months_left(report.as_of), 1),
        )
    )
    st.dataframe(targets_table(report.targets, labels, lang), hide_index=True, width="stretch")
    spent = sum(float(v) for v in progress.money_spent(wb)["spent"])
    counts = progress.actuals_counts(wb)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("year.starts"), number(counts["starts"]))
    c2.metric(t("year.recognitions"), number(counts["recognitions"]))
    c3.metric(t("year.failures"), number(counts["failures"]))
    c4.metric(t("year.spent"), money(spent, lang))

    if len(report.trend["as_of"].unique()) >= 2:
        st.markdown(f"**{t('year.trend')}**")
        st.altair_chart(trend_chart(report.trend, labels, lang), width="stretch")
    if not report.comparison.empty:
        with st.expander(t("year.since_last")):
            from ui.dispatch_panels import comparison_frame  # the 调度 page's table, same words

            st.dataframe(comparison_frame(report.comparison), hide_index=True, width="stretch")

    st.subheader(t("year.districts"))
    st.dataframe(districts_table(report, labels, lang), hide_index=True, width="stretch")
    st.subheader(t("year.lists"))
    watch_lists(report, labels, lang)
    if not report.bottlenecks.empty:
        st.subheader(t("year.bottlenecks"))
        st.altair_chart(bottleneck_chart(report.bottlenecks, labels, lang), width="stretch")
    return report

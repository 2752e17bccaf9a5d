"""The project pipeline's panels: filters, headline figures, funnel and planned starts, breakdowns
by category and its lead department ("1+6"), major-layout and engine projects, the searchable table
and a project's detail (新开工/续建 and the flags shown throughout; docs/projects.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data.schema import Workbook
from ui import charts, sources_view
from ui.format import local_date, money, percent, quantity
from ui.i18n import t, tv
from ui.insights import (
    NOT_STARTED,
    STAGES,
    days_in_stage,
    funnel_counts,
    open_gates,
    planned_starts_by_month,
    stalled_mask,
    started_projects,
)
from ui.safe_text import plain
from ui.tables import label_for

LEVELS = ("province", "city", "county")
# Y/N flag columns of the projects sheet and their screen labels (docs/projects.md)
FLAGS = (
    ("major_layout", "pipeline.flag.major_layout"),
    ("provincial_bid", "pipeline.flag.provincial_bid"),
    ("engine", "pipeline.flag.engine"),
    ("completion_planned", "pipeline.flag.completion"),
)


def _is_yes(values: pd.Series) -> pd.Series:
    return values.astype(str).str.upper().isin(["Y", "TRUE", "1"])


def flag_text(row: Mapping[str, Any] | pd.Series) -> str:
    """The project's flags (major layout, provincial bid, engine, due for completion) as one text."""
    return "、".join(
        t(key) for column, key in FLAGS if str(row.get(column, "")).upper() in ("Y", "TRUE", "1")
    )


def mark_stalled(projects: pd.DataFrame, wb: Workbook, as_of: date, limit: float) -> None:
    """Add ``days_in_stage`` and ``stalled`` (a plan-library project not started, in its stage
    longer than ``limit`` days) to ``projects``, in place.

    A start recorded as succeeded in the workbook's actuals is not stalled, whatever its stage
    says: the same rule as the cockpit's and the 调度通报's list (`optimizer.progress.stalled_projects`).
    """
    projects["days_in_stage"] = days_in_stage(projects, as_of)
    stalled = stalled_mask(projects, projects["days_in_stage"], limit)
    started = started_projects(wb)
    if started:
        stalled &= ~projects["project_id"].astype(str).isin(started)
    projects["stalled"] = stalled


def add_year_investment(projects: pd.DataFrame, wb: Workbook) -> None:
    """Add ``year_investment``: what the project's candidate adds to this year's investment target
    (a 续建 project's year plan, a new start's months after its start; docs/projects.md), in place.
    Projects without a candidate (producing ones) add 0."""
    k = wb.contributions
    amounts = k[k["target"].astype(str) == "investment_completed"].set_index("candidate_id")[
        "value"
    ]
    ids = projects["candidate_id"] if "candidate_id" in projects else pd.Series(dtype=object)
    projects["year_investment"] = ids.map(amounts).fillna(0.0).astype(float)


def filtered(projects: pd.DataFrame, limit: float, lang: str) -> pd.DataFrame:
    """The projects the filters (category and lead department — the "1+6" mechanism —, 新开工/续建,
    level, district, cluster, stalled only) let through."""

    def _choices(column: str) -> list[str]:
        return sorted(projects[column].dropna().astype(str).unique()) if column in projects else []

    with st.expander(t("common.filters"), expanded=False):
        cols = [*st.columns(3), *st.columns(3)]
        selected: dict[str, list[str]] = {}
        only_stalled = st.toggle(
            t("pipeline.only_stalled", days=f"{limit:g}"), key="pipeline.only_stalled"
        )
        for cell, column, key in zip(
            cols,
            ("category", "lead_department", "construction", "level", "district", "cluster"),
            (
                "pipeline.category",
                "common.department",
                "pipeline.construction",
                "common.level",
                "common.district",
                "common.cluster",
            ),
            strict=True,
        ):
            selected[column] = cell.multiselect(
                t(key),
                _choices(column),
                format_func=lambda v: tv(v, lang),
                placeholder=t("common.all"),  # no choice is every value
                key=f"pipeline.{column}",
            )
    shown = projects
    for column, values in selected.items():
        if values:
            shown = shown[shown[column].astype(str).isin(values)]
    if only_stalled:
        shown = shown[shown["stalled"]]
    return shown


def headline(shown: pd.DataFrame, limit: float, lang: str) -> None:
    """Projects, in the plan library, expected starts, investment, stalled."""
    in_plan = shown[shown["library"].astype(str) == "plan"] if "library" in shown else shown
    not_started = shown[~shown["stage"].astype(str).isin(["started", "production"])]
    expected_starts = float(not_started["probability"].fillna(0).sum()) if len(not_started) else 0.0
    # The investment figure is the longest ("CNY 83.76 bn"): its column is wider, so nothing is cut.
    m1, m2, m3, m4, m5 = st.columns([0.8, 1, 1.5, 1.2, 0.8])
    m1.metric(t("pipeline.projects"), f"{len(shown):,}")
    m2.metric(t("pipeline.in_plan"), f"{len(in_plan):,}")
    m3.metric(
        t("pipeline.annual_investment"),
        money(float(pd.to_numeric(shown.get("annual_investment"), errors="coerce").sum()), lang),
    )
    m4.metric(
        t("pipeline.expected_starts"),
        f"{expected_starts:,.0f} / {len(not_started):,}",
        help=t("pipeline.expected_starts_help"),
    )
    m5.metric(
        t("pipeline.stalled"),
        f"{int(shown['stalled'].sum()):,}",
        help=t("pipeline.stalled_help", days=f"{limit:g}"),
    )


def funnel_and_starts(shown: pd.DataFrame, as_of: date, lang: str) -> None:
    """The stage funnel and the planned starts by month, side by side."""
    # Funnel and planned starts side by side; the charts with a legend get the full width, so that
    # long department and district names leave room for the bars and the legend is never cut.
    left, right = st.columns(2)
    with left:
        st.subheader(t("pipeline.funnel"))
        funnel = funnel_counts(shown)
        funnel["label"] = funnel["step"].map(
            lambda s: t("pipeline.step.all") if s == "all" else tv(s, lang)
        )
        st.altair_chart(charts.funnel_chart(funnel, "label", "count"), width="stretch")
    with right:
        st.subheader(t("pipeline.by_month"))
        months = planned_starts_by_month(shown, as_of)
        months["label"] = months["month"].map(lambda m: t("common.month_n", n=m))
        months["due_label"] = months["due"].map(lambda d: t(f"pipeline.month.{d}"))
        st.altair_chart(
            charts.month_chart(months, "label", "count", colour="due_label"), width="stretch"
        )
        overdue = int(months.loc[months["due"] == "overdue", "count"].sum())
        st.caption(
            t(
                "pipeline.by_month_note",
                date=local_date(as_of, lang),
                month=t("common.month_n", n=as_of.month),
                n=overdue,
            )
        )


def category_label(category: object, department: object, lang: str) -> str:
    """A category with its lead department, as the "1+6" mechanism pairs them."""
    if category is None or (isinstance(category, float) and pd.isna(category)) or category == "":
        return tv(department, lang)
    return f"{tv(category, lang)}（{tv(department, lang)}）"


def category_table(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per category and its lead department: projects, 新开工 and 续建, this year's investment."""
    frame = shown.assign(
        _new=(shown["construction"].astype(str) == "new_start").astype(int),
        _continued=(shown["construction"].astype(str) == "continued").astype(int),
        _money=pd.to_numeric(shown.get("year_investment"), errors="coerce").fillna(0.0),
    )
    grouped = (
        frame.groupby(["category", "lead_department"], sort=False)
        .agg(
            n=("project_id", "count"),
            new=("_new", "sum"),
            continued=("_continued", "sum"),
            money=("_money", "sum"),
        )
        .reset_index()
        .sort_values("money", ascending=False)
    )
    return pd.DataFrame(
        {
            t("pipeline.category"): grouped["category"].map(lambda v: tv(v, lang)),
            t("common.department"): grouped["lead_department"].map(lambda v: tv(v, lang)),
            t("pipeline.projects"): grouped["n"],
            t("pipeline.new_starts"): grouped["new"],
            t("pipeline.continued"): grouped["continued"],
            t("pipeline.year_investment"): grouped["money"].round(0),
        }
    )


def breakdowns(shown: pd.DataFrame, lang: str) -> None:
    """Projects by category and its lead department ("1+6"), and by level and district."""
    if {"category", "construction"} <= set(shown.columns):
        st.subheader(t("pipeline.by_category"))
        st.dataframe(
            category_table(shown, lang),
            hide_index=True,
            width="stretch",
            column_config={
                t("pipeline.year_investment"): st.column_config.NumberColumn(format="localized")
            },
        )
        st.caption(t("pipeline.category_table_note"))
    else:
        st.subheader(t("pipeline.by_department"))
    if "lead_department" in shown:
        by_dept = shown.groupby(
            ["lead_department", "stage", *(["category"] if "category" in shown else [])],
            dropna=False,
        )
        by_dept = by_dept.size().reset_index(name="count")
        by_dept["dept"] = [
            category_label(row.get("category", ""), row["lead_department"], lang)
            for row in by_dept.to_dict("records")
        ]
        by_dept["order"] = by_dept["stage"].map({s: i for i, s in enumerate(STAGES)})
        by_dept = by_dept.sort_values("order")
        by_dept["stage_label"] = by_dept["stage"].map(lambda v: tv(v, lang))
        st.altair_chart(
            charts.grouped_bars(
                by_dept,
                "dept",
                "count",
                colour="stage_label",
                colours=charts.palette()[: len(STAGES)],
                legend_columns=3,
            ),
            width="stretch",
        )

    st.subheader(t("pipeline.by_level_district"))
    if {"level", "district"} <= set(shown.columns):
        by_level = shown.groupby(["district", "level"]).size().reset_index(name="count")
        by_level["order"] = by_level["level"].map({v: i for i, v in enumerate(LEVELS)})
        by_level = by_level.sort_values("order")
        by_level["district_label"] = by_level["district"].map(lambda v: tv(v, lang))
        by_level["level_label"] = by_level["level"].map(lambda v: tv(v, lang))
        st.altair_chart(
            charts.grouped_bars(
                by_level, "district_label", "count", colour="level_label", legend_columns=None
            ),
            width="stretch",
        )


def project_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Projects as a readable table (translated values, chance of starting as a percentage)."""

    def text(column: str) -> pd.Series:
        values = frame.get(column, pd.Series("", index=frame.index))
        return values.map(lambda v: tv(v, lang))

    # What a planner scans for first (stage, how long, the chance) comes right after the name.
    out = pd.DataFrame(
        {
            t("common.id"): frame["project_id"],
            t("common.name"): frame["name"],
            t("common.stage"): text("stage"),
            t("pipeline.construction"): text("construction"),
            t("common.days_in_stage"): frame["days_in_stage"],
            t("pipeline.chance_start"): (100 * frame["probability"].astype(float)).round(0),
            sources_view.source_header(lang): sources_view.source_texts(frame, lang),
            # started projects are not candidates: no option rather than "nan"
            t("common.option"): frame["option"].map(lambda v: tv(v, lang) if pd.notna(v) else ""),
            t("common.district"): text("district"),
            t("common.level"): text("level"),
            t("pipeline.category"): text("category"),
            t("common.department"): text("lead_department"),
            t("pipeline.flags"): [flag_text(row) for _, row in frame.iterrows()],
            t("common.cluster"): text("cluster"),
            t("pipeline.total_investment"): pd.to_numeric(
                frame.get("total_investment"), errors="coerce"
            ).round(0),
        }
    )
    return out


def column_config() -> dict[str, Any]:
    """The project tables' column formats."""
    # Widths for a 1366×768 screen: what a planner scans first (name, stage, days, chance, option)
    # fits without scrolling; the descriptive columns after it scroll sideways.
    return {
        t("common.id"): st.column_config.TextColumn(width=60),
        t("common.name"): st.column_config.TextColumn(width=220),
        t("common.stage"): st.column_config.TextColumn(width=75),
        t("pipeline.construction"): st.column_config.TextColumn(width=65),
        t("pipeline.chance_start"): st.column_config.ProgressColumn(
            t("pipeline.chance_start"), min_value=0, max_value=100, format="%d%%", width=120
        ),
        t("common.option"): st.column_config.TextColumn(width=170),
        t("pipeline.total_investment"): st.column_config.NumberColumn(format="localized"),
        t("common.days_in_stage"): st.column_config.NumberColumn(format="%d", width=70),
    }


def major_projects(shown: pd.DataFrame, lang: str) -> None:
    """Major-layout projects (those bidding for the provincial list marked) and engine projects
    being conceived in the reserve library."""
    st.subheader(t("pipeline.major"))
    flags = pd.Series(False, index=shown.index)
    for column in ("major_layout", "engine"):
        if column in shown:
            flags |= _is_yes(shown[column])
    major = shown[flags]
    if major.empty:
        st.info(t("common.no_data"))
    else:
        st.dataframe(
            project_frame(major, lang),
            hide_index=True,
            width="stretch",
            column_config=column_config(),
        )


def overdue_days(frame: pd.DataFrame, limit: float) -> pd.Series:
    """Days past the stall limit: how long a stalled project has been in its stage beyond it."""
    return (pd.to_numeric(frame["days_in_stage"], errors="coerce") - limit).clip(lower=0)


def stalled_frame(shown: pd.DataFrame, limit: float, lang: str) -> pd.DataFrame:
    """The stalled projects, most days overdue first (then the larger annual investment), as a
    short readable table: name, stage, days in stage, days overdue, lead department, investment."""
    stalled = shown[shown["stalled"].astype(bool)].copy()
    stalled["_overdue"] = overdue_days(stalled, limit)
    stalled["_money"] = pd.to_numeric(stalled.get("annual_investment"), errors="coerce").fillna(0)
    stalled = stalled.sort_values(["_overdue", "_money"], ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "project_id": stalled["project_id"].astype(str),
            t("common.name"): stalled["name"].astype(str),
            t("common.stage"): stalled["stage"].map(lambda v: tv(v, lang)),
            t("pipeline.days_overdue"): stalled["_overdue"].astype(int),
            t("common.days_in_stage"): stalled["days_in_stage"].astype(int),
            t("common.department"): stalled.get(
                "lead_department", pd.Series("", index=stalled.index)
            ).map(lambda v: tv(v, lang)),
            t("common.annual_investment_short"): [money(v, lang) for v in stalled["_money"]],
        }
    ).reset_index(drop=True)


def clicked_id(event: Any, ids: Sequence[str], table_key: str, pick_key: str) -> str | None:
    """Follow a click on a table row: the row's ID goes to the detail picker (``pick_key``).

    A selection stays on the table across reruns, so only a new click moves the picker (the
    picker can still be changed by hand afterwards). Returns the newly clicked ID, if any.
    """
    rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    chosen = str(ids[rows[0]]) if rows and 0 <= rows[0] < len(ids) else None
    seen = f"{table_key}.seen"
    fresh = chosen is not None and st.session_state.get(seen) != chosen
    st.session_state[seen] = chosen
    if fresh:
        st.session_state[pick_key] = chosen
        return chosen
    return None


def stalled_list(shown: pd.DataFrame, limit: float, lang: str) -> None:
    """推进缓慢项目, most days overdue first; a click on a row opens the project's detail below."""
    table = stalled_frame(shown, limit, lang)
    st.subheader(t("pipeline.stalled_list", n=len(table)))
    if table.empty:
        st.success(t("pipeline.stalled_list_none", days=f"{limit:g}"))
        return
    st.caption(t("pipeline.stalled_list_note", days=f"{limit:g}"))
    ids = list(table.pop("project_id"))
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(36 + 35 * len(table), 320),
        on_select="rerun",
        selection_mode="single-row",
        key="pipeline.stalled_table",
        # Few columns, each wide enough at 1366×768: the name takes the room, numbers stay narrow.
        column_config={
            t("common.name"): st.column_config.TextColumn(width=300),
            t("common.stage"): st.column_config.TextColumn(width=90),
            t("pipeline.days_overdue"): st.column_config.NumberColumn(format="%d", width=80),
            t("common.days_in_stage"): st.column_config.NumberColumn(format="%d", width=80),
            t("common.department"): st.column_config.TextColumn(width=150),
            t("common.annual_investment_short"): st.column_config.TextColumn(width=110),
        },
    )
    clicked_id(event, ids, "pipeline.stalled_table", "pipeline.pick")


def table_and_detail(
    wb: Workbook, shown: pd.DataFrame, labels: Mapping[str, str], lang: str
) -> None:
    """The searchable project table, and the detail of one project (stalled ones first)."""
    # Searchable table and a project's detail.
    st.subheader(t("pipeline.table"))
    query = st.text_input(t("common.search"), key="pipeline.search")
    found = shown
    if query:
        mask = found["name"].astype(str).str.contains(query, case=False, regex=False) | found[
            "project_id"
        ].astype(str).str.contains(query, case=False, regex=False)
        found = found[mask]
    if st.session_state.get("pipeline.only_stalled"):
        # Stalled only: the same order as the stalled list (most days overdue first).
        found = found.sort_values("days_in_stage", ascending=False, kind="stable")
    st.caption(t("common.rows", n=len(found)))
    st.caption(t("pipeline.click_hint"))
    event = st.dataframe(
        project_frame(found, lang),
        hide_index=True,
        width="stretch",
        column_config=column_config(),
        height=360,
        on_select="rerun",
        selection_mode="single-row",
        key="pipeline.table",
    )
    clicked_id(event, list(found["project_id"].astype(str)), "pipeline.table", "pipeline.pick")

    st.subheader(t("pipeline.detail"))
    # Stalled projects first (largest annual investment first), then the others waiting, then started.
    ordered = found.assign(
        _rank=found["stalled"].map({True: 0, False: 1})
        + (~found["stage"].astype(str).isin(NOT_STARTED)).astype(int),
        _money=pd.to_numeric(found.get("annual_investment"), errors="coerce").fillna(0),
    ).sort_values(["_rank", "_money"], ascending=[True, False], kind="stable")
    ids = list(ordered["project_id"].astype(str))
    picked = st.session_state.get("pipeline.pick")
    if (
        isinstance(picked, str)
        and picked not in ids
        and picked in set(shown["project_id"].astype(str))
    ):
        ids.insert(0, picked)  # a row clicked in the stalled list, outside the search
    if ids:
        names = dict(zip(shown["project_id"].astype(str), shown["name"].astype(str), strict=True))
        chosen = st.selectbox(
            t("pipeline.pick"), ids, format_func=lambda i: f"{i} · {names[i]}", key="pipeline.pick"
        )
        row = shown[shown["project_id"].astype(str) == chosen].iloc[0]
        a, b = st.columns(2)
        with a:
            st.markdown(f"#### {plain(row['name'])}")
            st.markdown(
                f"{t('common.stage')}: **{tv(row['stage'], lang)}** · "
                f"{t('common.level')}: {tv(row.get('level', ''), lang)} · "
                f"{t('pipeline.category')}: "
                f"{category_label(row.get('category', ''), row.get('lead_department', ''), lang)} · "
                f"{tv(row.get('construction', ''), lang)}"
            )
            flags = flag_text(row)
            if flags:
                st.markdown(f":blue-badge[{flags}]")
            if pd.notna(row["days_in_stage"]):
                entered = pd.Timestamp(str(row["stage_entered"])).date()
                since = t(
                    "pipeline.in_stage_since",
                    date=local_date(entered, lang),
                    days=int(row["days_in_stage"]),
                )
                if row["stalled"]:
                    st.markdown(
                        f"{since} :red-badge[:material/hourglass_bottom: {t('pipeline.stalled_badge')}]"
                    )
                else:
                    st.markdown(since)
            gates = open_gates(row.get("open_gates"))
            st.markdown(f"**{t('pipeline.gates_open')}**")
            if gates:
                st.markdown("\n".join(f"- :red[:material/block:] {tv(g, lang)}" for g in gates))
            else:
                st.markdown(f"- :green[:material/check:] {t('pipeline.gates_none')}")
            st.markdown(f"**{t('pipeline.factors')}**")
            st.markdown(
                f"- {t('pipeline.land')}: {quantity(row.get('land_mu'), t('unit.mu'), 1)}\n"
                f"- {t('pipeline.energy')}: {quantity(row.get('energy_tce'), t('unit.tce'))}\n"
                f"- {t('pipeline.total_investment_plain')}: "
                f"{money(row.get('total_investment'), lang)}\n"
                f"- {t('pipeline.annual_investment')}: {money(row.get('annual_investment'), lang)}"
            )
        with b:
            st.markdown(f"**{t('pipeline.support')}**")
            if not isinstance(row.get("candidate_id"), str):
                # Started or producing projects are not candidates this year: nothing to plan.
                st.info(t("pipeline.not_candidate", stage=tv(row["stage"], lang)))
                st.stop()
            option = str(row.get("option", "none"))
            st.metric(
                t("pipeline.chance_start"),
                percent(row.get("probability")),
                # the change against no support in words ("较不支持 +37 个百分点"), never "pp"
                delta=(
                    t(
                        "card.delta",
                        points=f"{100 * (float(row['probability']) - float(row['base_probability'])):+.0f}",
                    )
                    if pd.notna(row.get("base_probability"))
                    else None
                ),
                delta_color="off",
            )
            st.markdown(f"{t('common.option')}: **{tv(option, lang)}**")
            if pd.notna(row.get("cost")) and float(row.get("cost") or 0) > 0:
                st.markdown(f"{t('common.cost')}: {money(row.get('cost'), lang)}")
            candidate = row.get("candidate_id")
            if isinstance(candidate, str):
                opts = wb.options[wb.options["candidate_id"] == candidate]
                if len(opts):
                    menu = pd.DataFrame(
                        {
                            t("common.option"): opts["option"].map(lambda v: tv(v, lang)),
                            t("common.probability"): opts["probability"].map(percent),
                            t("common.cost"): opts["cost"].map(lambda v: money(v, lang)),
                            # 后补助/奖补: paid only if the project delivers (docs/projects.md)
                            **(
                                {
                                    t("common.paid_on_success"): opts["paid_on_success"].map(
                                        lambda v: money(v, lang)
                                    )
                                }
                                if "paid_on_success" in opts and opts["paid_on_success"].sum() > 0
                                else {}
                            ),
                            **{
                                label_for(r, labels, lang): opts[r]
                                for r in wb.resource_names
                                if r in opts and opts[r].sum() > 0
                            },
                        }
                    )
                    st.caption(t("pipeline.options"))
                    st.dataframe(menu, hide_index=True, width="stretch")

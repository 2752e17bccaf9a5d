"""Project pipeline (项目策划生成): reserve → plan library funnel, the four service stages, project details."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, state
from ui.format import money, percent, quantity
from ui.i18n import current_lang, t, tv
from ui.insights import STAGES, funnel_counts, open_gates, project_table
from ui.tables import label_for, name_labels
from ui.widgets import page_header, plan_or_stop

lang = current_lang()
wb, _ = state.workbook()
labels = name_labels(wb, lang)

page_header("nav.pipeline", "pipeline.caption")
if wb.projects.empty:
    st.info(t("pipeline.no_projects"))
    st.stop()
plan = plan_or_stop()
projects = project_table(wb, plan)


def _choices(column: str) -> list[str]:
    return sorted(projects[column].dropna().astype(str).unique()) if column in projects else []


# Filters (by lead department — the "1+6" mechanism —, level, district, cluster).
with st.expander(t("common.filters"), expanded=False):
    cols = st.columns(4)
    selected: dict[str, list[str]] = {}
    for cell, column, key in zip(
        cols,
        ("lead_department", "level", "district", "cluster"),
        ("common.department", "common.level", "common.district", "common.cluster"),
        strict=True,
    ):
        selected[column] = cell.multiselect(
            t(key), _choices(column), format_func=lambda v: tv(v, lang), key=f"pipeline.{column}"
        )
shown = projects
for column, values in selected.items():
    if values:
        shown = shown[shown[column].astype(str).isin(values)]

# Headline numbers.
in_plan = shown[shown["library"].astype(str) == "plan"] if "library" in shown else shown
not_started = shown[~shown["stage"].astype(str).isin(["started", "production"])]
expected_starts = float(not_started["probability"].fillna(0).sum()) if len(not_started) else 0.0
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("pipeline.projects"), f"{len(shown):,}")
m2.metric(t("pipeline.in_plan"), f"{len(in_plan):,}")
m3.metric(
    t("pipeline.annual_investment"),
    money(float(pd.to_numeric(shown.get("annual_investment"), errors="coerce").sum()), lang),
)
m4.metric(t("pipeline.expected_starts"), f"{expected_starts:,.0f} / {len(not_started):,}")

# Funnel and stages by lead department.
left, right = st.columns(2)
with left:
    st.subheader(t("pipeline.funnel"))
    funnel = funnel_counts(shown)
    funnel["label"] = funnel["step"].map(
        lambda s: t("pipeline.step.all") if s == "all" else tv(s, lang)
    )
    st.altair_chart(charts.funnel_chart(funnel, "label", "count"), width="stretch")
with right:
    st.subheader(t("pipeline.by_department"))
    if "lead_department" in shown:
        by_dept = shown.groupby(["lead_department", "stage"]).size().reset_index(name="count")
        by_dept["dept"] = by_dept["lead_department"].map(lambda v: tv(v, lang))
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
            ),
            width="stretch",
        )

left, right = st.columns(2)
with left:
    st.subheader(t("pipeline.by_month"))
    pending = shown[shown["stage"].astype(str).isin(STAGES[:4])]
    months = (
        pd.to_numeric(pending["planned_start_month"], errors="coerce")
        .dropna()
        .astype(int)
        .value_counts()
        .reindex(range(1, 13), fill_value=0)
        .rename_axis("month")
        .reset_index(name="count")
    )
    months["label"] = months["month"].map(lambda m: t("common.month_n", n=m))
    st.altair_chart(charts.month_chart(months, "label", "count"), width="stretch")
with right:
    st.subheader(t("pipeline.by_level_district"))
    if {"level", "district"} <= set(shown.columns):
        by_level = shown.groupby(["district", "level"]).size().reset_index(name="count")
        by_level["district_label"] = by_level["district"].map(lambda v: tv(v, lang))
        by_level["level_label"] = by_level["level"].map(lambda v: tv(v, lang))
        st.altair_chart(
            charts.grouped_bars(by_level, "district_label", "count", colour="level_label"),
            width="stretch",
        )

# Major-layout and engine projects.
st.subheader(t("pipeline.major"))
flags = pd.Series(False, index=shown.index)
for column in ("major_layout", "engine"):
    if column in shown:
        flags |= shown[column].astype(str).str.upper().isin(["Y", "TRUE", "1"])
major = shown[flags]


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """Projects as a readable table (translated values, chance of starting as a percentage)."""
    out = pd.DataFrame(
        {
            t("common.id"): frame["project_id"],
            t("common.name"): frame["name"],
            t("common.district"): frame["district"].map(lambda v: tv(v, lang)),
            t("common.cluster"): frame.get("cluster", pd.Series("", index=frame.index)).map(
                lambda v: tv(v, lang)
            ),
            t("common.level"): frame.get("level", pd.Series("", index=frame.index)).map(
                lambda v: tv(v, lang)
            ),
            t("common.department"): frame.get(
                "lead_department", pd.Series("", index=frame.index)
            ).map(lambda v: tv(v, lang)),
            t("common.stage"): frame["stage"].map(lambda v: tv(v, lang)),
            t("pipeline.total_investment"): pd.to_numeric(
                frame.get("total_investment"), errors="coerce"
            ).round(0),
            t("common.option"): frame["option"].map(lambda v: tv(v, lang)),
            t("pipeline.chance_start"): (100 * frame["probability"].astype(float)).round(0),
        }
    )
    return out


column_config = {
    t("pipeline.chance_start"): st.column_config.ProgressColumn(
        t("pipeline.chance_start"), min_value=0, max_value=100, format="%d%%"
    ),
    t("pipeline.total_investment"): st.column_config.NumberColumn(format="localized"),
}
if major.empty:
    st.info(t("common.no_data"))
else:
    st.dataframe(_table(major), hide_index=True, width="stretch", column_config=column_config)

# Searchable table and a project's detail.
st.subheader(t("pipeline.table"))
query = st.text_input(t("common.search"), key="pipeline.search")
found = shown
if query:
    mask = found["name"].astype(str).str.contains(query, case=False, regex=False) | found[
        "project_id"
    ].astype(str).str.contains(query, case=False, regex=False)
    found = found[mask]
st.caption(t("common.rows", n=len(found)))
st.dataframe(
    _table(found), hide_index=True, width="stretch", column_config=column_config, height=360
)

st.subheader(t("pipeline.detail"))
ids = list(found["project_id"].astype(str))
if ids:
    names = dict(zip(found["project_id"].astype(str), found["name"].astype(str), strict=True))
    chosen = st.selectbox(
        t("pipeline.pick"), ids, format_func=lambda i: f"{i} · {names[i]}", key="pipeline.pick"
    )
    row = found[found["project_id"].astype(str) == chosen].iloc[0]
    a, b = st.columns(2)
    with a:
        st.markdown(f"#### {row['name']}")
        st.markdown(
            f"{t('common.stage')}: **{tv(row['stage'], lang)}** · "
            f"{t('common.level')}: {tv(row.get('level', ''), lang)} · "
            f"{t('common.department')}: {tv(row.get('lead_department', ''), lang)}"
        )
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
            f"- {t('pipeline.total_investment')}: {money(row.get('total_investment'), lang)}\n"
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
            delta=(
                f"{100 * (float(row['probability']) - float(row['base_probability'])):+.0f} pp"
                if pd.notna(row.get("base_probability"))
                else None
            ),
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
                        **{
                            label_for(r, labels, lang): opts[r]
                            for r in wb.resource_names
                            if r in opts and opts[r].sum() > 0
                        },
                    }
                )
                st.caption(t("pipeline.options"))
                st.dataframe(menu, hide_index=True, width="stretch")

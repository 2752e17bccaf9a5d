"""The enterprise ladder's panels: tiers, candidates per rung, distances to each rung's threshold,
a firm's checklist (明白纸) and the candidates by district and cluster."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from data import criteria
from data.schema import Workbook
from data.vocabulary import label
from optimizer.solve import AllocationResult
from reports.checklist import firm_checklist_bytes
from ui import charts, report_downloads, sources_view
from ui.format import money, number, percent
from ui.i18n import t, tv
from ui.insights import QUALITY_TIERS, RUNGS, SIZE_TIERS

# The headline distance for each rung: the criterion a planner would quote first.
MAIN_CRITERION = {
    "above_size": "revenue",
    "ten_billion": "revenue",
    "innovative_sme": "innovation_score",
    "srdi": "srdi_score",
}


@st.cache_data(show_spinner=False, max_entries=8)
def _distances(fingerprint: str, _candidates: pd.DataFrame) -> pd.DataFrame:
    """Per firm candidate: gap index to its rung, unmet criteria, and the main criterion's distance."""
    rows = []
    for record in _candidates.to_dict("records"):
        rung = str(record.get("rung", ""))
        if rung not in criteria.CHECKS:
            continue
        check = criteria.check_rung(record, rung)
        main = next((c for c in check.criteria if c.name == MAIN_CRITERION.get(rung)), None)
        rows.append(
            {
                "candidate_id": record["candidate_id"],
                "gap_index": check.gap_index,
                "unmet": len(check.unmet),
                "main_value": main.value if main else float("nan"),
                "main_threshold": main.threshold if main else float("nan"),
                "main_gap": main.gap if main else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _fmt_value(value: float) -> str:
    """Ratios as percentages, counts and money as grouped numbers."""
    if abs(value) < 1 and value != 0:
        return percent(value, 1)
    return number(value, 0 if float(value).is_integer() or abs(value) >= 100 else 1)


_SIGNS = {">=": "≥", "<=": "≤", "!=": "≠"}  # as a planner writes them on the checklist
# SME by the 2011 standard for industry (docs/projects.md): fewer than 1,000 employees or revenue
# under 40,000 万元 last year
_SME_EMPLOYEES, _SME_REVENUE = 1000.0, 40_000.0


def _firm_facts(firm: Mapping[str, object], lang: str) -> str:
    """Sector (GB/T 4754), employees, last year's revenue and SME status, where the data have them."""
    parts: list[str] = []
    sector = firm.get("sector")
    if isinstance(sector, str) and sector:
        parts.append(f"{sector} {label('sector', sector, lang)}")
    employees = pd.to_numeric(pd.Series([firm.get("employees")]), errors="coerce").iloc[0]
    last = pd.to_numeric(pd.Series([firm.get("revenue_last_year")]), errors="coerce").iloc[0]
    if pd.notna(employees):
        parts.append(t("ladder.employees", n=number(float(employees), 0)))
    if pd.notna(last):
        parts.append(f"{t('ladder.revenue_last_year')}: {money(float(last), lang)}")
    if pd.notna(employees) and pd.notna(last):
        sme = float(employees) < _SME_EMPLOYEES or float(last) < _SME_REVENUE
        parts.append(t("ladder.sme" if sme else "ladder.not_sme"))
    return " · ".join(parts)


def tier_charts(firms: pd.DataFrame, lang: str) -> None:
    """Firms per quality tier and per size tier, side by side."""
    # Tiers.
    left, right = st.columns(2)
    with left:
        st.subheader(t("ladder.quality_tiers"))
        if "quality_tier" in firms:
            counts = (
                firms["quality_tier"]
                .astype(str)
                .value_counts()
                .reindex(QUALITY_TIERS, fill_value=0)
            )
            frame = pd.DataFrame(
                {
                    "label": [
                        t("ladder.tier_none") if v == "none" else tv(v, lang) for v in counts.index
                    ],
                    "count": counts.to_numpy(),
                }
            )
            st.altair_chart(
                charts.grouped_bars(frame, "label", "count", sort=list(frame["label"])),
                width="stretch",
            )
    with right:
        st.subheader(t("ladder.size_tiers"))
        if "size_tier" in firms:
            counts = firms["size_tier"].astype(str).value_counts().reindex(SIZE_TIERS, fill_value=0)
            frame = pd.DataFrame(
                {"label": [tv(v, lang) for v in counts.index], "count": counts.to_numpy()}
            )
            st.altair_chart(
                charts.grouped_bars(frame, "label", "count", sort=list(frame["label"])),
                width="stretch",
            )


def rung_cards(
    candidates: pd.DataFrame, lang: str, goals: Mapping[str, float] | None = None
) -> None:
    """Per rung: firms expected to reach it this year under the plan and without support; for the
    10-billion rung the floor and the stretch of its "1–2" goal (``goals``: target → goal)."""
    goals = goals or {}
    # This year's candidates per rung.
    st.subheader(t("ladder.rungs"))
    if "rung" in candidates:
        per_rung = (
            candidates.assign(supported=(candidates["option"].astype(str) != "none").astype(int))
            .groupby("rung")
            .agg(
                n=("candidate_id", "count"),
                supported=("supported", "sum"),
                base=("base_probability", "sum"),
                expected=("probability", "sum"),
            )
            .reindex([r for r in RUNGS if r in set(candidates["rung"].astype(str))])
            .reset_index()
        )
        cols = st.columns(max(1, len(per_rung)))
        for cell, row in zip(cols, per_rung.itertuples(index=False), strict=False):
            with cell.container(border=True):
                st.markdown(f"**{tv(row.rung, lang)}**")
                st.metric(
                    t("ladder.expected_new"),
                    number(row.expected, 1),
                    delta=f"{row.expected - row.base:+.1f}",
                )
                st.caption(
                    t(
                        "ladder.rung_note",
                        n=int(row.n),
                        supported=int(row.supported),
                        base=number(row.base, 1),
                    )
                )
                if row.rung == "ten_billion" and "new_ten_billion" in goals:
                    st.caption(
                        t(
                            "ladder.ten_billion_goals",
                            floor=number(goals["new_ten_billion"], 0),
                            stretch=number(
                                goals.get("new_ten_billion_stretch", goals["new_ten_billion"]), 0
                            ),
                        )
                    )


def near_threshold(candidates: pd.DataFrame, fingerprint: str, lang: str) -> None:
    """The firms still short of a chosen rung, nearest first, with the main criterion's distance."""
    # Near each threshold.
    st.subheader(t("ladder.near"))
    distances = _distances(fingerprint, candidates)
    rung_options = [
        r for r in RUNGS if "rung" in candidates and r in set(candidates["rung"].astype(str))
    ]
    if rung_options and len(distances):
        rung = (
            st.segmented_control(
                t("common.rung"),
                rung_options,
                default=rung_options[0],
                format_func=lambda r: tv(r, lang),
                key="ladder.rung",
            )
            or rung_options[0]
        )
        on_rung = candidates[candidates["rung"].astype(str) == rung].merge(
            distances, on="candidate_id"
        )
        # Firms that already meet the rule only need recognising; the list is about those still short.
        already = int((on_rung["gap_index"] <= 0).sum())
        near = on_rung[on_rung["gap_index"] > 0]
        near = near.sort_values(["gap_index", "probability"], ascending=[True, False]).head(50)
        st.caption(t("ladder.near_note", already=already, short=len(on_rung) - already))
        table = pd.DataFrame(
            {
                t("common.id"): near["entity_id"] if "entity_id" in near else near["candidate_id"],
                t("common.name"): near["name"],
                t("common.district"): near["district"].map(lambda v: tv(v, lang)),
                t("ladder.main_value"): near["main_value"].round(1),
                t("ladder.main_threshold"): near["main_threshold"].round(1),
                t("ladder.distance"): near["main_gap"].round(1),
                t("ladder.unmet"): near["unmet"],
                t("common.option"): near["option"].map(lambda v: tv(v, lang)),
                t("common.probability"): (100 * near["probability"]).round(0),
                sources_view.source_header(lang): sources_view.source_texts(near, lang),
            }
        )
        main = MAIN_CRITERION.get(rung)
        if main:
            st.caption(t("ladder.main_is", criterion=t(f"criterion.{main}")))
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=320,
            column_config={
                t("common.probability"): st.column_config.ProgressColumn(
                    min_value=0, max_value=100, format="%d%%"
                )
            },
        )


def firm_checklist(
    wb: Workbook, candidates: pd.DataFrame, plan: AllocationResult, lang: str
) -> None:
    """A firm picked by search: its facts, its checklist per rung and the checklist download."""
    firms = wb.enterprises
    # A firm's checklist.
    st.subheader(t("ladder.firm"))
    firm_ids = list(firms["firm_id"].astype(str))
    names = dict(zip(firms["firm_id"].astype(str), firms["name"].astype(str), strict=True))
    query = st.text_input(t("common.search"), key="ladder.search")
    if query:
        firm_ids = [f for f in firm_ids if query.lower() in f.lower() or query in names[f]]
    if firm_ids:
        # Firms that are candidates this year first: their checklist is what the bureau sends out.
        with_candidates = set(candidates.get("entity_id", pd.Series(dtype=str)).astype(str))
        firm_ids.sort(key=lambda f: (f not in with_candidates, f))
        chosen = st.selectbox(
            t("ladder.pick"), firm_ids, format_func=lambda f: f"{f} · {names[f]}", key="ladder.pick"
        )
        firm = firms[firms["firm_id"].astype(str) == chosen].iloc[0].to_dict()
        tier = str(firm.get("quality_tier", "none"))
        quality = t("ladder.tier_none") if tier == "none" else tv(tier, lang)
        st.markdown(
            f"#### {firm['name']}  \n"
            f"{tv(firm.get('district'), lang)} · {tv(firm.get('cluster'), lang)} · "
            f"{tv(firm.get('size_tier'), lang)} · {quality} · "
            f"{t('ladder.revenue_now')}: {money(firm.get('revenue'), lang)}"
        )
        facts = _firm_facts(firm, lang)
        if facts:
            st.caption(facts)
        buttons = st.container(horizontal=True, wrap=True)
        # The printable Word file first: it is what the bureau sends to the firm.
        report_downloads.checklist_docx_button(
            wb, lang, firm_id=chosen, choices=plan.choices, container=buttons
        )
        report_downloads.checklist_docx_button(
            wb,
            lang,
            district=str(firm.get("district")),
            choices=plan.choices,
            container=buttons,
            key="ladder.district_docx",
        )
        buttons.download_button(
            t("ladder.download_checklist"),
            data=lambda: firm_checklist_bytes(wb, chosen, lang=lang, choices=plan.choices),
            file_name=f"{chosen}_checklist_{lang}.md",
            mime="text/markdown",
            key="ladder.download_checklist",
            on_click="ignore",
        )
        own = candidates[
            candidates.get("entity_id", pd.Series("", index=candidates.index)).astype(str) == chosen
        ]
        rungs = list(own["rung"].astype(str)) if "rung" in own else []
        if not rungs:
            nxt = criteria.next_quality_rung(str(firm.get("quality_tier", "none")))
            rungs = [nxt] if nxt else []
            st.caption(t("ladder.not_candidate"))
        for rung in rungs:
            check = criteria.check_rung(firm, rung)
            with st.container(border=True):
                if check.eligible:
                    verdict = t(
                        "ladder.eligible_direct" if check.route == "direct" else "ladder.eligible"
                    )
                else:
                    verdict = t("ladder.gaps", n=len(check.unmet))
                head = f"**{tv(rung, lang)}** — {verdict}"
                st.markdown(head)
                rows = own[own["rung"].astype(str) == rung] if "rung" in own else own.iloc[0:0]
                if len(rows):
                    row = rows.iloc[0]
                    st.markdown(
                        f"{t('common.option')}: **{tv(row['option'], lang)}** · "
                        f"{t('common.probability')}: **{percent(row['probability'])}** "
                        f"({t('common.base_probability')}: {percent(row['base_probability'])})"
                    )
                checklist = pd.DataFrame(
                    {
                        t("ladder.criterion"): [t(f"criterion.{c.name}") for c in check.criteria],
                        t("ladder.actual"): [_fmt_value(c.value) for c in check.criteria],
                        t("ladder.required"): [
                            f"{_SIGNS.get(c.comparison, c.comparison)} {_fmt_value(c.threshold)}"
                            for c in check.criteria
                        ],
                        t("ladder.met"): ["✓" if c.met else "✗" for c in check.criteria],
                        t("ladder.gap"): [
                            "" if c.met else _fmt_value(c.gap) for c in check.criteria
                        ],
                    }
                )
                st.dataframe(checklist, hide_index=True, width="stretch")


def by_district(candidates: pd.DataFrame, lang: str) -> None:
    """Candidates per rung by district and by cluster."""
    # By district and cluster.
    st.subheader(t("ladder.by_district"))
    if "rung" in candidates:
        # One under the other, full width: long district and cluster names leave room for the bars
        # and the rungs' legend.
        for column in ("district", "cluster"):
            if column not in candidates:
                continue
            cell = st.container()
            grouped = candidates.groupby([column, "rung"]).size().reset_index(name="count")
            grouped["label"] = grouped[column].map(lambda v: tv(v, lang))
            # the legend reads up the ladder, whatever order the data came in
            grouped["order"] = grouped["rung"].map({r: i for i, r in enumerate(RUNGS)})
            grouped = grouped.sort_values(["order", "label"])
            grouped["rung_label"] = grouped["rung"].map(lambda v: tv(v, lang))
            cell.markdown(f"**{t('common.' + column)}**")
            cell.altair_chart(
                charts.grouped_bars(
                    grouped, "label", "count", colour="rung_label", legend_columns=3
                ),
                width="stretch",
            )

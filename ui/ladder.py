"""The enterprise ladder's panels: tiers, candidates per rung, distances to each rung's threshold,
a firm's checklist (明白纸) and the candidates by district and cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from data import criteria
from data.schema import Workbook
from data.vocabulary import label
from optimizer.solve import AllocationResult
from reports.checklist import firm_checklist_bytes
from ui import charts, report_downloads, sources_view
from ui.format import money, number, percent
from ui.i18n import TABLE, t, tv
from ui.insights import QUALITY_TIERS, RUNGS, SIZE_TIERS
from ui.pipeline import clicked_id

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
        unmet = [c.name for c in check.unmet if not c.alternative]
        rows.append(
            {
                "candidate_id": record["candidate_id"],
                "gap_index": check.gap_index,
                "unmet": len(unmet),
                "unmet_names": tuple(unmet),
                "main_value": main.value if main else float("nan"),
                "main_threshold": main.threshold if main else float("nan"),
                "main_gap": main.gap if main else float("nan"),
                # the main criterion's shortfall as a share of its threshold (the list's order)
                "main_share": (main.gap / abs(main.threshold)) if main and main.threshold else 0.0,
            }
        )
    return pd.DataFrame(rows)


# How each criterion of data/criteria.py is measured (docs/domain.md §2): shares of revenue and
# growth rates are fractions, money is 万元, yes/no criteria are 1/0, ranks are places, the rest
# (scores and their parts) are points.
_SHARE_CRITERIA = criteria.SHARE_CRITERIA
_MONEY_CRITERIA = criteria.MONEY_CRITERIA
# The champion's little-giant/SRDI route is a yes or a no in the near list too (the 明白纸 words it
# as the route itself).
_YES_NO_CRITERIA = criteria.YES_NO_CRITERIA | {"champion_sales_route"}
_RANK_CRITERIA = frozenset({"provincial_rank", "national_rank", "global_rank"})
_YEAR_CRITERIA = frozenset({"years_in_niche", "years_in_field"})
_COUNT_CRITERIA = frozenset({"ip_class1"})


def _trim(value: float, digits: int = 1) -> str:
    """A number with at most ``digits`` decimals and no trailing zeros (``0.4``, ``60``)."""
    text = f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def criterion_amount(name: str, value: float, lang: str) -> str:
    """A criterion's value or threshold in its own unit: ``3.1%``, ``2,000 万元``, ``是``, ``第3名``,
    ``2 年``, ``1 项`` or ``58.5 分``."""
    if value is None or pd.isna(value):
        return "–"
    if name in _SHARE_CRITERIA:
        return percent(value, 1)
    if name in _MONEY_CRITERIA:
        return money(value, lang)
    if name in _YES_NO_CRITERIA:
        return t("common.yes" if value >= 0.5 else "common.no", lang)
    if name in _RANK_CRITERIA:
        return (
            t("ladder.unranked", lang) if value >= 999 else t("ladder.rank", lang, n=f"{value:.0f}")
        )
    if name in _YEAR_CRITERIA:
        return t("ladder.years", lang, n=_trim(value))
    if name in _COUNT_CRITERIA:
        return t("ladder.items", lang, n=f"{value:.0f}")
    return t("ladder.points", lang, n=_trim(value))


def criterion_gap(name: str, gap: float, lang: str) -> str:
    """How far a firm is short on one criterion, in the criterion's unit: ``0.4 分`` (points),
    ``1.2 个百分点`` (a share), ``350 万元``, ``未满足`` (yes/no), never a bare percentage."""
    if gap is None or pd.isna(gap):
        return "–"
    if gap <= 0:
        return t("ladder.gap_none", lang)
    if name in _SHARE_CRITERIA:
        return t("ladder.share_points", lang, n=_trim(100 * gap))
    if name in _YES_NO_CRITERIA:
        return t("ladder.not_met", lang)
    if name in _RANK_CRITERIA:
        return t("ladder.not_ranked_yet", lang)
    return criterion_amount(name, gap, lang)


def criterion_name(name: str, lang: str) -> str:
    """A criterion's name without the unit in brackets (the amounts beside it carry the unit)."""
    text = t(f"criterion.{name}", lang) if f"criterion.{name}" in TABLE else name
    for unit in ("（万元）", "（项）", " (10k yuan)"):
        text = text.replace(unit, "")
    return text


def near_frame(near: pd.DataFrame, main: str | None, lang: str) -> pd.DataFrame:
    """The near-threshold firms as shown: the main criterion's value, threshold and gap in its unit,
    and the unmet criteria by name (a firm that meets the main criterion says what it still lacks)."""
    name = main or ""

    def distance(row: pd.Series) -> str:
        if pd.notna(row["main_gap"]) and row["main_gap"] > 0:
            return criterion_gap(name, float(row["main_gap"]), lang)
        first = next(iter(row["unmet_names"]), None)
        return t(
            "ladder.main_met_short", lang, criterion=criterion_name(first, lang) if first else "–"
        )

    sep = "、" if lang == "zh" else "; "
    return pd.DataFrame(
        {
            t("common.name", lang): near["name"],
            t("common.district", lang): near["district"].map(lambda v: tv(v, lang)),
            t("ladder.main_value", lang): [
                criterion_amount(name, v, lang) for v in near["main_value"]
            ],
            t("ladder.main_threshold", lang): [
                criterion_amount(name, v, lang) for v in near["main_threshold"]
            ],
            t("ladder.distance", lang): [distance(row) for _, row in near.iterrows()],
            t("ladder.unmet", lang): [
                sep.join(criterion_name(c, lang) for c in names) for names in near["unmet_names"]
            ],
            t("common.option", lang): near["option"].map(lambda v: tv(v, lang, "option")),
            t("common.probability", lang): (100 * near["probability"]).round(0),
            sources_view.source_header(lang): sources_view.source_texts(near, lang),
        }
    ).reset_index(drop=True)


def near_order(on_rung: pd.DataFrame) -> pd.DataFrame:
    """The firms short of a rung in the order the list's caption states: fewest unmet criteria first,
    then the smallest shortfall on the main criterion (as a share of its threshold), then the
    likelier firm first."""
    return on_rung.sort_values(
        ["unmet", "main_share", "probability"], ascending=[True, True, False], kind="stable"
    )


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


def near_threshold(
    candidates: pd.DataFrame,
    fingerprint: str,
    lang: str,
    wb: Workbook | None = None,
    plan: AllocationResult | None = None,
) -> tuple[str | None, list[str]]:
    """The firms still short of a chosen rung, nearest first, with the main criterion's distance in
    its unit; filtered by district, with that district's 明白纸 to download (``wb`` and ``plan``).
    A click on a row opens the firm's checklist below. Returns the chosen rung and the listed
    firms' IDs, nearest first."""
    # Near each threshold.
    st.subheader(t("ladder.near"))
    distances = _distances(fingerprint, candidates)
    rung_options = [
        r for r in RUNGS if "rung" in candidates and r in set(candidates["rung"].astype(str))
    ]
    if not (rung_options and len(distances)):
        return None, []
    # The rungs take the full width (their names are long); the district below, beside the download.
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
    on_rung = candidates[candidates["rung"].astype(str) == rung].merge(distances, on="candidate_id")
    districts = sorted(on_rung["district"].dropna().astype(str).unique())
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    with left:
        district = st.selectbox(
            t("common.district"),
            ["", *districts],
            format_func=lambda d: tv(d, lang) if d else t("ladder.all_districts"),
            key="ladder.near_district",
        )
    if district and wb is not None:
        # Every listed firm of the district on one Word file, each on its own page (the 明白纸 the
        # district's industry office hands out; reports/checklist_docx.py).
        report_downloads.checklist_docx_button(
            wb,
            lang,
            district=district,
            choices=plan.choices if plan is not None else None,
            container=right,
            key="ladder.near_district_docx",
        )
    if district:
        on_rung = on_rung[on_rung["district"].astype(str) == district]
    # Firms that already meet the rule only need recognising; the list is about those still short.
    already = int((on_rung["gap_index"] <= 0).sum())
    near = near_order(on_rung[on_rung["gap_index"] > 0]).head(50)
    st.caption(t("ladder.near_note_sorted", already=already, short=len(on_rung) - already))
    main = MAIN_CRITERION.get(rung)
    if main:
        st.caption(t("ladder.main_is", criterion=criterion_name(main, lang)))
    event = st.dataframe(
        near_frame(near, main, lang),
        hide_index=True,
        width="stretch",
        height=320,
        on_select="rerun",
        selection_mode="single-row",
        key="ladder.near_table",
        # No codes, and widths that fit a 1366×768 screen: the name and the unmet criteria take
        # the room, the amounts stay narrow.
        column_config={
            t("common.name"): st.column_config.TextColumn(width=190),
            t("common.district"): st.column_config.TextColumn(width=120),
            t("ladder.main_value"): st.column_config.TextColumn(width=80),
            t("ladder.main_threshold"): st.column_config.TextColumn(width=80),
            t("ladder.distance"): st.column_config.TextColumn(width=110),
            t("ladder.unmet"): st.column_config.TextColumn(width=110),
            t("common.option"): st.column_config.TextColumn(width=90),
            t("common.probability"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d%%", width=75
            ),
        },
    )
    st.caption(t("ladder.click_hint"))
    ids = list((near["entity_id"] if "entity_id" in near else near["candidate_id"]).astype(str))
    clicked_id(event, ids, "ladder.near_table", "ladder.pick")
    return str(rung), ids


def _required(c: criteria.CriterionResult, lang: str) -> str:
    """What a criterion asks for: ``≥ 60 分``, ``≤ 55.0%``, ``前 3 名``, or ``是`` for a yes/no."""
    if c.name in _RANK_CRITERIA:
        return t("ladder.top_n", lang, n=f"{c.threshold:.0f}")
    if c.name in _YES_NO_CRITERIA:
        return criterion_amount(c.name, c.threshold, lang)
    return f"{_SIGNS.get(c.comparison, c.comparison)} {criterion_amount(c.name, c.threshold, lang)}"


def checklist_frame(results: Sequence[criteria.CriterionResult], lang: str) -> pd.DataFrame:
    """A rung's criteria for one firm: what it has, what is required and the gap, each in the
    criterion's own unit (``0.4 分``, ``1.2 个百分点``, ``350 万元``)."""
    return pd.DataFrame(
        {
            t("ladder.criterion", lang): [criterion_name(c.name, lang) for c in results],
            t("ladder.actual", lang): [criterion_amount(c.name, c.value, lang) for c in results],
            t("ladder.required", lang): [_required(c, lang) for c in results],
            t("ladder.met", lang): ["✓" if c.met else "✗" for c in results],
            t("ladder.gap", lang): [
                "" if c.met else criterion_gap(c.name, c.gap, lang) for c in results
            ],
        }
    )


def firm_checklist(
    wb: Workbook,
    candidates: pd.DataFrame,
    plan: AllocationResult,
    lang: str,
    rung: str | None = None,
    near_ids: Sequence[str] = (),
) -> None:
    """A firm picked by search (or a click in the near-threshold list): its facts, its checklist
    per rung and the checklist download. The picker offers the firms listed above (``near_ids``,
    nearest first), then the other candidates of ``rung`` (the tier chosen above), and moves to
    the list's first firm when the tier or the list changes."""
    firms = wb.enterprises
    # A firm's checklist.
    st.subheader(t("ladder.firm"))
    firm_ids = list(firms["firm_id"].astype(str))
    names = dict(zip(firms["firm_id"].astype(str), firms["name"].astype(str), strict=True))
    query = st.text_input(t("common.search"), key="ladder.search")
    if query:
        firm_ids = [f for f in firm_ids if query.lower() in f.lower() or query in names[f]]
    if firm_ids:
        # Firms that are candidates this year first: their checklist is what the bureau sends out;
        # the chosen tier's candidates before the others.
        entity = candidates.get("entity_id", pd.Series("", index=candidates.index)).astype(str)
        with_candidates = set(entity)
        on_tier = (
            set(entity[candidates["rung"].astype(str) == rung])
            if rung and "rung" in candidates
            else set()
        )
        listed = {f: i for i, f in enumerate(near_ids)}
        firm_ids.sort(
            key=lambda f: (
                listed.get(f, len(listed)),
                f not in on_tier,
                f not in with_candidates,
                f,
            )
        )
        follow = f"{rung}|{near_ids[0] if near_ids else ''}"
        if rung and st.session_state.get("ladder.pick_follows") != follow:
            st.session_state["ladder.pick_follows"] = follow
            if firm_ids and (on_tier or listed):
                st.session_state["ladder.pick"] = firm_ids[0]
        picked = st.session_state.get("ladder.pick")
        if isinstance(picked, str) and picked in names and picked not in firm_ids:
            firm_ids.insert(0, picked)  # clicked in the list, outside the search
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
                checklist = checklist_frame(check.criteria, lang)
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

"""The 调度 page's panels: a month's actuals entered and kept as a snapshot, the re-plan, snapshot comparison,
district goals.

What is stored goes through the guarded store (`ui.store.GuardedStore`: it asks for the role and logs
the user); every check and figure comes from `optimizer.progress` (docs/dashboard.md "The year loop").
"""

from __future__ import annotations

import calendar
import io
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data.schema import Workbook
from data.workbook.issues import WorkbookIssue
from optimizer import progress
from ui.format import local_date
from ui.i18n import t, tv
from ui.store import GuardedStore

EDITOR_KEY = "dispatch.editor"
GOALS_KEY = "dispatch.goals_editor"


def next_round_date(as_of: date) -> date:
    """The default date of the next round: the end of the month after ``as_of`` (end of December at
    most); the end of ``as_of``'s own month when ``as_of`` is not a month end."""
    last = calendar.monthrange(as_of.year, as_of.month)[1]
    if as_of.day < last:
        return date(as_of.year, as_of.month, last)
    if as_of.month == 12:
        return as_of
    month = as_of.month + 1
    return date(as_of.year, month, calendar.monthrange(as_of.year, month)[1])


def issues_table(issues: list[WorkbookIssue]) -> pd.DataFrame:
    """Problems as the import report shows them: sheet, row, column, problem."""
    return pd.DataFrame(
        {
            t("data.sheet"): [i.sheet for i in issues],
            t("data.row"): [i.row for i in issues],
            t("data.column"): [i.column or "" for i in issues],
            t("data.message"): [i.message for i in issues],
        }
    )


def _editable(frame: pd.DataFrame) -> pd.DataFrame:
    """The actuals as the editor shows them: the four contract columns, text."""
    return frame[progress.ACTUALS_COLUMNS].astype(str).reset_index(drop=True)


def edited_actuals(shown: pd.DataFrame, raw: object) -> pd.DataFrame:
    """What the actuals editor returns, as a plain frame (one seam for the AppTests: AppTest cannot
    type into a data editor)."""
    return pd.DataFrame(raw).reset_index(drop=True)


def actuals_editor(wb: Workbook, store: GuardedStore, choices: dict[str, str] | None) -> None:
    """The month's actuals in an editable table, checked like an import and kept as a new snapshot."""
    st.subheader(t("dispatch.enter"))
    st.caption(t("dispatch.enter_help"))
    current = progress.as_of_date(wb)
    c1, c2 = st.columns([1, 2])
    day = c1.date_input(
        t("dispatch.round_date"), value=next_round_date(current), key="dispatch.round_date"
    )
    note = c2.text_input(t("dispatch.note"), key="dispatch.note")
    shown = _editable(progress.actuals_of(wb))
    edited = st.data_editor(
        shown,
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        key=EDITOR_KEY,
        column_config={
            "candidate_id": st.column_config.TextColumn(t("dispatch.candidate"), required=True),
            "status": st.column_config.SelectboxColumn(
                t("dispatch.status"), options=list(progress.ACTUAL_STATUSES), required=True
            ),
            "option": st.column_config.TextColumn(t("dispatch.option")),
            "date": st.column_config.TextColumn(t("dispatch.date")),
        },
    )
    if st.button(t("dispatch.save"), type="primary", key="dispatch.save"):
        frame = edited_actuals(shown, edited)
        issues = progress.check_actuals(wb, frame)
        if issues:
            st.error(t("dispatch.invalid", n=len(issues)) + " " + t("data.nothing_stored"))
            st.dataframe(issues_table(issues), hide_index=True, width="stretch")
            return
        as_of = (day if isinstance(day, date) else current).isoformat()
        clean = progress.with_actuals(wb, frame, as_of).actuals
        with st.spinner(t("dispatch.saving")):
            figures = progress.figures_at(wb, clean, as_of, choices)
            snapshot_id = store.save_snapshot(clean, as_of, figures, note=note.strip())
        st.session_state.pop(EDITOR_KEY, None)
        st.session_state["dispatch.flash"] = t(
            "dispatch.saved", id=snapshot_id, date=local_date(date.fromisoformat(as_of))
        )
        st.rerun()


def replan_panel(wb: Workbook, plan: Any) -> None:
    """The plan for the rest of the year: decided candidates keep their option, achieved counts as
    certain; what each target still needs and its chance now."""
    st.subheader(t("dispatch.replan"))
    st.caption(t("dispatch.replan_help"))
    table = progress.target_progress(wb, plan)
    st.dataframe(
        pd.DataFrame(
            {
                t("year.target"): [tv(x) for x in table["target"]],
                t("year.goal"): table["goal"],
                t("year.achieved"): table["achieved"],
                t("year.expected"): table["expected"].round(1),
                t("year.chance"): table["p_meet"].map(lambda p: f"{p:.0%}" if p == p else ""),
                t("year.pace_needed"): table["pace_needed"].round(2),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def snapshot_label(row: pd.Series) -> str:
    """How a snapshot is named in a select box: date, author, note."""
    note = f" · {row['note']}" if row["note"] else ""
    return f"#{row['id']} {row['as_of']} · {row['author']}{note}"


def compare_panel(wb: Workbook, store: GuardedStore, choices: dict[str, str] | None) -> None:
    """What changed between two 调度 rounds, in one table (the last two by default)."""
    st.subheader(t("dispatch.compare"))
    listed = store.list_snapshots()
    if len(listed) < 2:
        st.info(t("dispatch.compare_need_two"))
        return
    labels: dict[int, str] = {int(r["id"]): snapshot_label(r) for _, r in listed.iterrows()}
    ids: list[int] = list(labels)

    def name(snapshot_id: int) -> str:
        return labels[snapshot_id]

    c1, c2 = st.columns(2)
    before = c1.selectbox(
        t("dispatch.before"), ids, index=len(ids) - 2, format_func=name, key="dispatch.a"
    )
    after = c2.selectbox(
        t("dispatch.after"), ids, index=len(ids) - 1, format_func=name, key="dispatch.b"
    )
    first = int(before if before is not None else ids[-2])
    second = int(after if after is not None else ids[-1])
    a = progress.complete_figures(wb, store.get_snapshot(first), choices)
    b = progress.complete_figures(wb, store.get_snapshot(second), choices)
    st.dataframe(
        comparison_frame(progress.compare_snapshots(a, b)), hide_index=True, width="stretch"
    )


def comparison_frame(table: pd.DataFrame) -> pd.DataFrame:
    """`optimizer.progress.compare_snapshots` with words for the measures and targets."""

    def fmt(measure: str, value: float) -> str:
        if value != value:  # NaN: the round kept no such figure
            return ""
        return f"{value:.0%}" if measure == "p_meet" else f"{value:,.2f}".rstrip("0").rstrip(".")

    measures = table["measure"].tolist()

    def column(name: str) -> list[str]:
        return [fmt(m, v) for m, v in zip(measures, table[name].tolist(), strict=True)]

    return pd.DataFrame(
        {
            t("dispatch.measure"): [t(f"dispatch.measure.{m}") for m in measures],
            t("year.target"): [tv(x) if x else "" for x in table["target"]],
            t("dispatch.before"): column("before"),
            t("dispatch.after"): column("after"),
            t("dispatch.change"): column("change"),
        }
    )


def read_goals_upload(name: str, data: bytes) -> pd.DataFrame:
    """A district_goals table from an uploaded .csv (UTF-8 or GB18030) or .xlsx (the sheet named
    ``district_goals``, else the first)."""
    if name.lower().endswith(".xlsx"):
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine", dtype=object)
        frame = sheets.get("district_goals", next(iter(sheets.values())))
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("the file is neither UTF-8 nor GB18030 text")
        frame = pd.read_csv(io.StringIO(text), dtype=object)
    return frame


def district_goals_panel(wb: Workbook, store: GuardedStore) -> None:
    """The city's targets broken down by district: edit, or import a sheet; checked, then stored."""
    st.subheader(t("dispatch.goals"))
    st.caption(t("dispatch.goals_help"))
    goals = store.load_district_goals()
    if goals.empty:
        goals = progress.default_district_goals(wb)
        st.caption(t("dispatch.goals_default"))
    upload = st.file_uploader(
        t("dispatch.goals_upload"), type=["csv", "xlsx"], key="dispatch.goals_upload"
    )
    if upload is not None:
        try:
            goals = read_goals_upload(upload.name, upload.getvalue())
        except Exception as exc:  # an unreadable file is a message, never a traceback
            st.error(t("data.unreadable", error=exc))
            return
    edited = st.data_editor(
        goals.reset_index(drop=True),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=GOALS_KEY,
    )
    if st.button(t("dispatch.goals_save"), key="dispatch.goals_save"):
        frame = pd.DataFrame(edited).reset_index(drop=True)
        issues = progress.check_district_goals(wb, frame)
        if issues:
            st.error(t("dispatch.invalid", n=len(issues)) + " " + t("data.nothing_stored"))
            st.dataframe(issues_table(issues), hide_index=True, width="stretch")
            return
        store.save_district_goals(frame)
        st.success(t("dispatch.goals_saved", n=len(frame)))
    count_in_plan(wb, store, goals)


def count_in_plan(wb: Workbook, store: GuardedStore, goals: pd.DataFrame) -> None:
    """Make the district goals count in the plan (targets of their own weight) or stop counting them:
    the stored workbook changes (an import, in the audit log) so every page's plan follows."""
    counted = len(progress.without_district_targets(wb).targets) < len(wb.targets)
    c1, c2 = st.columns([1, 2])
    weight = c1.number_input(
        t("dispatch.goals_weight"), min_value=0.0, value=0.2, step=0.1, key="dispatch.goals_weight"
    )
    if c2.button(t("dispatch.goals_count"), key="dispatch.goals_count"):
        base = progress.without_district_targets(wb)
        store.replace_workbook(
            progress.with_district_targets(base, goals, float(weight)),
            action="import",
            detail=f"district goals as targets, weight {float(weight):g}",
        )
        st.rerun()
    if counted and c2.button(t("dispatch.goals_uncount"), key="dispatch.goals_uncount"):
        store.replace_workbook(
            progress.without_district_targets(wb),
            action="import",
            detail="district goals no longer targets",
        )
        st.rerun()

"""The studio's results: the cockpit's figures, the target and fund tables, the use charts, the
allocation table and the downloads, for the plan of the scenario in use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from data.schema import NONE_OPTION
from optimizer.solve import AllocationResult
from ui import charts, downloads, state
from ui.format import money, money_change, number, percent
from ui.i18n import t, tv
from ui.solving import PlanHistory, plan_history
from ui.studio_context import StudioContext
from ui.tables import (
    allocation_frame,
    candidate_label,
    label_for,
    short_target_label,
    unit_label,
)
from ui.widgets import format_amount

# Below these a change is rounding noise, not a move (万元; chance and attainment as fractions).
MONEY_NOISE = 0.5
SHARE_NOISE = 0.0005


@dataclass
class PlanChange:
    """What one plan changed against another (``before`` → ``after``).

    ``targets``: per target ``target``, ``unit``, ``expected_before``, ``expected``, ``p_before``,
    ``p_meet``. ``gained`` / ``lost`` / ``switched``: candidates newly supported, no longer supported,
    and supported differently (``candidate_id``, ``name``, ``option_before``, ``option``,
    ``money_before``, ``money``). ``transfers``: pooled money per ``from_line`` → ``to_line`` with
    ``before`` and ``after`` amounts, where it moved.
    """

    objective_before: float
    objective: float
    targets: pd.DataFrame
    gained: pd.DataFrame
    lost: pd.DataFrame
    switched: pd.DataFrame
    transfers: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    before_settings: dict[str, Any] = field(default_factory=dict)

    @property
    def money_gained(self) -> float:
        """Money newly committed to the candidates the plan now supports (万元)."""
        if not len(self.gained):
            return 0.0
        return float((self.gained["money"] - self.gained["money_before"]).sum())

    @property
    def money_lost(self) -> float:
        """Money freed by the candidates the plan dropped (万元; an award's reserve at the base
        probability stays committed without support)."""
        if not len(self.lost):
            return 0.0
        return float((self.lost["money_before"] - self.lost["money"]).sum())

    @property
    def is_empty(self) -> bool:
        """True when nothing a reader would see moved."""
        moved = (
            (self.targets["expected"] - self.targets["expected_before"]).abs().gt(1e-6).any()
            or (self.targets["p_meet"] - self.targets["p_before"]).abs().gt(SHARE_NOISE).any()
            if len(self.targets)
            else False
        )
        return not (
            moved
            or len(self.gained)
            or len(self.lost)
            or len(self.switched)
            or abs(self.objective - self.objective_before) > 1e-9
        )


def _support(plan: AllocationResult) -> pd.DataFrame:
    """Per candidate: name, option and the money it commits (cost and entitlement reserve)."""
    frame = plan.allocation
    money_cols = [c for c in ("cost", "reserve") if c in frame.columns]
    committed = (
        frame[money_cols].apply(pd.to_numeric, errors="coerce").fillna(0.0).sum(axis=1)
        if money_cols
        else pd.Series(0.0, index=frame.index)
    )
    return pd.DataFrame(
        {
            "candidate_id": frame["candidate_id"].astype(str),
            "name": frame["name"].astype(str),
            "option": frame["option"].astype(str),
            "money": committed.astype(float),
        }
    ).set_index("candidate_id")


def compare_plans(
    before: AllocationResult,
    after: AllocationResult,
    settings: Mapping[str, Any] | None = None,
    before_settings: Mapping[str, Any] | None = None,
) -> PlanChange:
    """What ``after`` changed against ``before``: targets, candidates and pooled money.

    ``settings``: what was moved to get from one to the other (``data.scenario.settings_diff``)
    and ``before_settings`` the settings ``before`` was solved for, kept so the page can say it.
    """
    keys = ["target", "unit", "expected", "p_meet"]
    targets = after.targets[keys].merge(
        before.targets[["target", "expected", "p_meet"]].rename(
            columns={"expected": "expected_before", "p_meet": "p_before"}
        ),
        on="target",
        how="left",
    )
    old, new = _support(before), _support(after)
    both = new.join(old.add_suffix("_before"), how="outer")
    both["name"] = both["name"].fillna(both["name_before"])
    for column in ("option", "option_before"):
        both[column] = both[column].fillna(NONE_OPTION)
    for column in ("money", "money_before"):
        both[column] = both[column].fillna(0.0)
    both = both.reset_index()[
        ["candidate_id", "name", "option_before", "option", "money_before", "money"]
    ]
    supported_before = both["option_before"] != NONE_OPTION
    supported = both["option"] != NONE_OPTION
    gained = both[supported & ~supported_before].sort_values("money", ascending=False)
    lost = both[supported_before & ~supported].sort_values("money_before", ascending=False)
    switched = both[
        supported & supported_before & (both["option"] != both["option_before"])
    ].sort_values("money", ascending=False)
    flows = ["from_line", "to_line"]
    transfers = (
        after.transfers.groupby(flows)["amount"]
        .sum()
        .rename("after")
        .to_frame()
        .join(
            before.transfers.groupby(flows)["amount"].sum().rename("before").to_frame(),
            how="outer",
        )
        .fillna(0.0)
        .reset_index()
    )
    transfers = transfers[(transfers["after"] - transfers["before"]).abs() > MONEY_NOISE]
    return PlanChange(
        objective_before=float(before.objective or 0.0),
        objective=float(after.objective or 0.0),
        targets=targets,
        gained=gained.reset_index(drop=True),
        lost=lost.reset_index(drop=True),
        switched=switched.reset_index(drop=True),
        transfers=transfers.reset_index(drop=True),
        settings=dict(settings or {}),
        before_settings=dict(before_settings or {}),
    )


def _points(change: float, lang: str, digits: int = 1) -> str:
    """A change of a share as signed percentage points, ASCII sign first (st.metric colours by it)."""
    points = 100 * change
    text = f"{abs(points):.{digits}f}"
    if float(text) == 0:
        return t("change.points", lang, value="±0")
    return t("change.points", lang, value=("-" if points < 0 else "+") + text)


def visibly_moved(before: float | None, after: float, unit: object, lang: str) -> bool:
    """True when a change shows in the figures as people read them (136 家 → 136 家 is no move)."""
    if before is None or pd.isna(before):
        return False
    return format_amount(float(before), unit, lang) != format_amount(float(after), unit, lang)


def settings_sentence(
    diff: Mapping[str, Any],
    before: Mapping[str, Any],
    labels: Mapping[str, str],
    units: Mapping[str, str],
    lang: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """What a move changed in the settings, in words (``小升规培育资金 940 万元 → 0 万元``).

    ``names``: candidates' names by ID, so a lock names the firm or project, not its code.
    """
    names = names or {}
    parts: list[str] = []
    for section in ("budgets", "resources", "goals", "weights"):
        for name, value in (diff.get(section) or {}).items():
            old = (before.get(section) or {}).get(name)
            unit: object = "万元" if section == "budgets" else units.get(name, "")
            if section == "weights":
                unit = ""
            label = label_for(name, labels, lang)
            if section in ("goals", "weights"):
                label = t(f"change.{section}", lang, name=label)
            old_text = "–" if old is None else format_amount(float(old), unit, lang)
            parts.append(f"{label} {old_text} → {format_amount(float(value), unit, lang)}")
    for scalar in ("pool_share", "award_prudence"):
        if scalar in diff:
            old = before.get(scalar)
            old_text = "–" if old is None else percent(float(old))
            parts.append(
                f"{t(f'change.{scalar}', lang)} {old_text} → {percent(float(diff[scalar]))}"
            )
    if "locks" in diff:
        old_locks = dict(before.get("locks") or {})
        new_locks = dict(diff["locks"])
        for candidate in sorted(set(old_locks) | set(new_locks)):
            if old_locks.get(candidate) == new_locks.get(candidate):
                continue
            who = candidate_label(candidate, names.get(candidate, ""), lang)
            if candidate not in new_locks:
                parts.append(t("change.unlock", lang, who=who))
            else:
                parts.append(
                    t("change.lock", lang, who=who, option=tv(new_locks[candidate], lang, "option"))
                )
    return ("；" if lang == "zh" else "; ").join(parts)


def pooling_sentences(
    change: PlanChange, labels: Mapping[str, str], target_labels: Mapping[str, str], lang: str
) -> list[str]:
    """Why a cut to one line can raise another target: the money pooling moved, line to line."""
    out: list[str] = []
    risen = [
        target_labels.get(str(r.target), str(r.target))
        for r in change.targets.itertuples(index=False)
        if float(r.expected) > float(r.expected_before)
        and visibly_moved(r.expected_before, r.expected, r.unit, lang)
    ]
    old_budgets = change.before_settings.get("budgets") or {}
    cut = any(
        float(value) < float(old_budgets.get(name, value))
        for name, value in (change.settings.get("budgets") or {}).items()
    )
    for row in change.transfers.itertuples(index=False):
        out.append(
            t(
                "change.transfer",
                lang,
                source=label_for(row.from_line, labels, lang),
                sink=label_for(row.to_line, labels, lang),
                before=money(float(row.before), lang),
                after=money(float(row.after), lang),
            )
        )
    if out and cut and risen:
        sep = "、" if lang == "zh" else ", "
        out.insert(0, t("change.cut_raises", lang, targets=sep.join(risen)))
    return out


def _history_change(plan: AllocationResult, ctx: StudioContext) -> tuple[PlanChange | None, str]:
    """The plan's change against the previous plan shown (or the stored data's, before the first
    move), and what was moved, in words."""
    from data.scenario import settings_diff, settings_from_workbook

    history: PlanHistory = plan_history()
    before = history.before
    before_settings: Mapping[str, Any] | None = history.before_settings
    if before is None:
        stored = settings_from_workbook(ctx.wb)
        if not settings_diff(stored, ctx.settings):
            return None, ""
        before = state.solve_cached(ctx.wb, ctx.fingerprint, stored)
        before_settings = stored
        if not state.has_plan(before):
            return None, ""
    assert before_settings is not None
    diff = settings_diff(before_settings, ctx.settings)
    change = compare_plans(before, plan, diff, before_settings)
    units = dict(zip(ctx.wb.resources["resource"], ctx.wb.resources["unit"], strict=True))
    units.update(zip(ctx.wb.targets["target"], ctx.wb.targets["unit"], strict=True))
    names = dict(
        zip(
            ctx.wb.candidates["candidate_id"].astype(str),
            ctx.wb.candidates["name"].astype(str),
            strict=True,
        )
    )
    said = settings_sentence(diff, before_settings, ctx.labels, units, ctx.lang, names)
    if history.before is None:
        said = t("change.against_stored", ctx.lang) + ("：" if ctx.lang == "zh" else ": ") + said
    return change, said


def figures(plan: AllocationResult, ctx: StudioContext) -> None:
    """The objective and each target's chance, three to a row, with their change from before (the
    previous plan or the stored data's), the figures the finished plan moved marked; below them
    what the move changed."""
    lang, labels = ctx.lang, ctx.labels
    change, said = _history_change(plan, ctx)
    replaced = plan_history().replaced
    previous = replaced.targets.set_index("target") if replaced is not None else None
    changes = change.targets.set_index("target") if change is not None else None
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
                    raw = t("studio.objective_raw", value=f"{objective:.3f}", most=f"{most:g}")
                    label = t("studio.objective")
                    if replaced is not None and abs(objective - (replaced.objective or 0.0)) > 1e-9:
                        label = t("change.updated", label=label)
                    delta, moved = raw, False
                    if change is not None and most > 0:
                        step = (objective - change.objective_before) / most
                        moved = abs(step) > SHARE_NOISE
                        delta = _points(step, lang)
                    cell.metric(
                        label,
                        percent(objective / most, 1) if most > 0 else "–",
                        delta=delta,
                        delta_color="normal" if moved else "off",
                        delta_arrow="auto" if moved else "off",
                        help=t("studio.objective_help"),
                    )
                    if change is not None:  # the raw figure keeps its place below
                        cell.caption(raw)
                else:
                    full = label_for(row.target, labels, lang)
                    label = short_target_label(row.target, full, lang)
                    if (
                        previous is not None
                        and row.target in previous.index
                        and abs(float(previous.at[row.target, "p_meet"]) - row.p_meet) > SHARE_NOISE
                    ):
                        label = t("change.updated", label=label)
                    reach = (
                        f"{format_amount(row.expected, row.unit, lang)} / "
                        f"{format_amount(row.goal, row.unit, lang)}"
                    )
                    delta, moved = reach, False
                    if changes is not None and row.target in changes.index:
                        p_before = changes.at[row.target, "p_before"]
                        if pd.notna(p_before):
                            # the change in the delta (short, so it is never cut), the expectation
                            # against the goal in a caption below
                            step = row.p_meet - float(p_before)
                            moved = abs(step) > SHARE_NOISE
                            delta = _points(step, lang)
                    cell.metric(
                        label,
                        percent(row.p_meet),
                        delta=delta,
                        delta_color="normal" if moved else "off",
                        delta_arrow="auto" if moved else "off",
                        help=t("studio.figure_help", target=full),
                    )
                    if delta != reach:
                        cell.caption(reach)
    st.caption(
        t("solve.seconds", seconds=f"{plan.build_seconds + plan.solve_seconds:.2f}")
        + f" · {tv(plan.status, lang)}"
    )
    if change is not None:
        changes_panel(change, said, ctx)


def changes_panel(change: PlanChange, said: str, ctx: StudioContext) -> None:
    """What the last move changed: the settings moved, each target's expectation, the candidates
    gained and lost with their money, and the money pooling moved between lines."""
    lang, labels = ctx.lang, ctx.labels
    with st.container(key="plan-changes", border=True):
        st.markdown(f"**{t('change.title', lang)}**" + (f" {said}" if said else ""))
        if change.is_empty:
            st.caption(t("change.nothing", lang))
            return
        sep = "；" if lang == "zh" else "; "
        moved_targets = [
            t(
                "change.target",
                lang,
                target=short_target_label(r.target, label_for(r.target, labels, lang), lang),
                before=format_amount(float(r.expected_before), r.unit, lang),
                after=format_amount(float(r.expected), r.unit, lang),
            )
            for r in change.targets.itertuples(index=False)
            if visibly_moved(r.expected_before, r.expected, r.unit, lang)
        ]
        if moved_targets:
            st.markdown(t("change.expectations", lang) + sep.join(moved_targets))
        st.markdown(
            t(
                "change.candidates",
                lang,
                gained=len(change.gained),
                money_gained=money(change.money_gained, lang),
                lost=len(change.lost),
                money_lost=money(change.money_lost, lang),
                switched=len(change.switched),
            )
        )
        target_labels = {
            str(v): short_target_label(v, label_for(v, labels, lang), lang)
            for v in change.targets["target"]
        }
        for sentence in pooling_sentences(change, labels, target_labels, lang):
            st.markdown(f"- {sentence}")
        moves = changed_candidates_frame(change, lang)
        if len(moves):
            with st.expander(t("change.details", lang, n=len(moves))):
                st.dataframe(moves, hide_index=True, width="stretch")


def changed_candidates_frame(change: PlanChange, lang: str) -> pd.DataFrame:
    """The candidates a move gained, lost or supported differently, with the money moved."""
    rows = []
    for what, frame in (
        ("gained", change.gained),
        ("lost", change.lost),
        ("switched", change.switched),
    ):
        for r in frame.itertuples(index=False):
            rows.append(
                {
                    t("common.name", lang): candidate_label(r.candidate_id, r.name, lang),
                    t("change.what", lang): t(f"change.{what}", lang),
                    t("change.option_before", lang): tv(r.option_before, lang, "option"),
                    t("change.option_after", lang): tv(r.option, lang, "option"),
                    t("change.money", lang): money_change(
                        float(r.money) - float(r.money_before), lang
                    ),
                }
            )
    return pd.DataFrame(rows)


def target_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """Per target: goal, expectation without support and under the plan, attainment, chance."""
    lang, labels = ctx.lang, ctx.labels
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


def use_charts(plan: AllocationResult, ctx: StudioContext) -> None:
    """How much of each fund line and resource the plan uses (two tabs)."""
    lang, labels = ctx.lang, ctx.labels
    use_money, use_resources = st.tabs([t("cockpit.money"), t("cockpit.resources")])
    with use_money:
        fund = plan.fund_lines.copy()
        fund["label"] = [label_for(v, labels, lang) for v in fund["fund_line"]]
        fund["capacity"] = fund["available"]
        # amounts beside the bars: a share alone does not say how much money is left or missing
        fund["amounts"] = [
            f"{money(u, lang)} / {money(c, lang)}"
            for u, c in zip(fund["used"], fund["capacity"], strict=True)
        ]
        st.altair_chart(
            charts.use_chart(fund, "label", "used", "capacity", warn_full=False, amounts="amounts"),
            width="stretch",
        )
    with use_resources:
        res = plan.resources.copy()
        res["label"] = [label_for(v, labels, lang) for v in res["resource"]]
        units = res["unit"] if "unit" in res else pd.Series([""] * len(res), index=res.index)
        res["amounts"] = [
            f"{number(u)} / {number(c)} {unit_label(un, lang)}".strip()
            for u, c, un in zip(res["used"], res["capacity"], units, strict=True)
        ]
        st.altair_chart(
            charts.use_chart(res, "label", "used", "capacity", amounts="amounts"), width="stretch"
        )


def fund_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """Per fund line: amount, inflow, outflow, cost, reserve and what remains (in an expander)."""
    lang, labels = ctx.lang, ctx.labels
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


def allocation_table(plan: AllocationResult, ctx: StudioContext) -> None:
    """The allocation, filtered by kind, support and a search."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
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
    # On screen a candidate reads by name and rung (F00702-above_size → 某公司（规模以上工业企业）)
    # and its ID without the rung's code; the downloads keep the full ID for lookups.
    ids = allocation["candidate_id"].astype(str)
    shown_alloc[t("common.name")] = [
        candidate_label(c, n, lang) for c, n in zip(ids, allocation["name"], strict=True)
    ]
    shown_alloc[t("common.id")] = [c.rpartition("-")[0] or c for c in ids]
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


def download_buttons(plan: AllocationResult, plan_key: str, ctx: StudioContext) -> None:
    """The allocation (CSV, XLSX) and the whole scenario workbook."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    settings = ctx.settings
    # Downloads: allocation (CSV/XLSX, headers in the chosen language) and the whole scenario.
    # A row that wraps, each button as wide as its label (equal columns cut the longer labels).
    buttons = st.container(horizontal=True, wrap=True)
    stem = downloads.file_stem(state.scenario_label(wb), plan_key)
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
        data=downloads.allocation_xlsx(
            plan,
            lang,
            labels,
            wb.resource_names,
            settings=settings,
            data_version=ctx.fingerprint,
            scenario=state.scenario_label(wb),
        ),
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

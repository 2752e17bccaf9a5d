"""Screen pieces several pages share: the page header, the plan (or a message), target cards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

import pandas as pd
import streamlit as st

from optimizer.solve import AllocationResult
from ui import solving
from ui.charts import Light, traffic_light
from ui.format import money, number, percent
from ui.i18n import current_lang, t
from ui.safe_text import plain
from ui.tables import label_for, unit_label

# The colours ``st.badge`` and Markdown's ``:colour[...]`` accept.
BadgeColor: TypeAlias = Literal[
    "red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"
]
LIGHT_BADGE: dict[Light, BadgeColor] = {"green": "green", "amber": "orange", "red": "red"}
LIGHT_ICON: dict[Light, str] = {
    "green": ":material/check_circle:",
    "amber": ":material/error:",
    "red": ":material/cancel:",
}


def page_header(title_key: str, caption_key: str | None = None) -> None:
    """The page's title and a one-line caption."""
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))


def plan_or_stop() -> tuple[AllocationResult, str]:
    """The plan for the scenario in use and the key of the settings it was solved for (the last good
    plan's when the scenario in use has none), with any solve message shown; stops the page without
    a plan."""
    view = solving.current_plan()
    solving.show_plan_status(view)
    if view.plan is None:
        st.stop()
    return view.plan, view.settings_key


def base_p_meet(plan: AllocationResult) -> dict[str, float]:
    """Chance of meeting each target with no support at all, when the optimizer reported it."""
    for name in ("do_nothing", "none", "no_support"):
        baseline = plan.baselines.get(name)
        if baseline is not None and "p_meet" in baseline.targets.columns:
            frame = baseline.targets
            return dict(
                zip(frame["target"].astype(str), frame["p_meet"].astype(float), strict=True)
            )
    return {}


def format_amount(value: float, unit: object, lang: str) -> str:
    """A target's amount: money when the unit is 万元, else a grouped number with its unit."""
    if str(unit) in ("万元", "wan"):
        return money(value, lang)
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    return f"{number(value, digits)} {unit_label(unit, lang)}".strip()


def card_verdict(
    expected: float, goal: float, p_meet: float, unit: object, lang: str, base: float | None = None
) -> str:
    """One sentence that reads a target's goal, expectation and chance together.

    An expectation at the goal is a coin toss, not a success: the sentence says so, so that "150 of
    150 expected" beside a 54 % chance is never read as done. ``base`` is the expectation with no
    support, when known.
    """
    values = {
        "goal": format_amount(goal, unit, lang),
        "expected": format_amount(expected, unit, lang),
        "gap": format_amount(max(goal - expected, 0.0), unit, lang),
        "p": percent(p_meet),
    }
    # The gap as shown (format_amount's digits): a gap that rounds to nothing is "at the goal".
    shown_gap = round(goal - expected, 0 if float(goal).is_integer() or abs(goal) >= 100 else 1)
    if p_meet >= 0.8:
        text = t("card.verdict.likely", lang, **values)
    elif shown_gap <= 0:
        text = t("card.verdict.at_goal", lang, **values)
    else:
        text = t("card.verdict.short", lang, **values)
    if base is not None:
        text += " " + t("card.verdict.base", lang, base=format_amount(base, unit, lang))
    return text


def _independent_note(row: object) -> str:
    """With year swings (setting ``correlation`` > 0) the chance shown accounts for good and bad
    years; the hover also gives the chance if outcomes were independent, for comparison."""
    independent = getattr(row, "p_meet_independent", None)
    if independent is None or pd.isna(independent):
        return ""
    return " " + t("card.independent", p=percent(float(independent)))


def target_cards(plan: AllocationResult, labels: Mapping[str, str], columns: int = 3) -> None:
    """One card per annual target: its chance and light, a sentence reading expectation and chance
    together, then goal and expectations with no support and under the plan."""
    lang = current_lang()
    base_chance = base_p_meet(plan)
    rows = list(plan.targets.itertuples(index=False))
    for start in range(0, len(rows), columns):
        cells = st.columns(columns)
        for cell, row in zip(cells, rows[start : start + columns], strict=False):
            light = traffic_light(row.p_meet)
            unit = getattr(row, "unit", "")
            base = base_chance.get(str(row.target))
            with cell.container(border=True):
                st.markdown(
                    f"**{plain(label_for(row.target, labels, lang))}** "
                    f":{LIGHT_BADGE[light]}-badge[{LIGHT_ICON[light]} {t('light.' + light)}]"
                )
                # The change is shown in grey: a rise from a low chance is not good news by itself.
                st.metric(
                    t("common.p_meet"),
                    percent(row.p_meet),
                    delta=(
                        t("card.delta", points=f"{100 * (row.p_meet - base):+.0f}")
                        if base is not None
                        else None
                    ),
                    delta_color="off",
                    help=t("cockpit.delta_help") + _independent_note(row),
                )
                st.markdown(
                    card_verdict(row.expected, row.goal, row.p_meet, unit, lang, row.expected_base)
                )


def light_of(p_meet: float, markdown: bool = False) -> str:
    """Traffic-light text for a chance: a coloured dot in Markdown, a plain dot in tables."""
    light = traffic_light(p_meet)
    if markdown:
        return f":{LIGHT_BADGE[light]}[● {t('light.' + light)}]"
    return f"● {t('light.' + light)}"


def frame_or_note(frame: pd.DataFrame) -> bool:
    """Show a 'no data' note for an empty frame; True when there is something to show."""
    if frame is None or frame.empty:
        st.info(t("common.no_data"))
        return False
    return True

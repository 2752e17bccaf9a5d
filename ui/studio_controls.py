"""The studio's controls: sliders and inputs bound to the scenario, and the lock editor.

A widget gets its first value from the session's scenario and writes every change back into it
(``on_change``): the scenario, not the widget, is what survives a page switch (ui/session.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.scenario import settings_from_workbook
from data.schema import AWARD_PRUDENCE_RANGE, NONE_OPTION, POOL_SHARE_RANGE
from ui import state
from ui.auth import can
from ui.format import amount_text, money, number
from ui.i18n import t, tv
from ui.safe_text import plain
from ui.studio_context import StudioContext
from ui.tables import label_for

W = state.WIDGET_PREFIX


def _bind(key: str, section: str, name: str | None, value: float) -> str:
    """Give a widget its value from the scenario the first time it is drawn; return its key."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _changed(key: str, section: str, name: str | None, twin: str | None = None) -> None:
    """on_change: copy the widget's value into the scenario (the non-widget state pages share), and
    into its ``twin`` (the number box beside a slider, or the slider beside a number box)."""
    value = st.session_state[key]
    if section == "locks":
        return
    state.update_setting(section, name, float(value))
    if twin is not None:
        st.session_state[twin] = float(value)


def _slider_max(value: float) -> float:
    """A slider range that leaves room to double the stored amount (rounded to a readable number)."""
    top = max(2.0 * value, 1.0)
    magnitude = 10 ** max(0, len(str(int(top))) - 2)
    return float(-(-top // magnitude) * magnitude)


def _step(top: float) -> float:
    return float(max(1, round(top / 200)))


def _money_text(wan: float, lang: str) -> str:
    """A slider's amount in its own unit (万元, grouped) and, where different, as people say it."""
    return amount_text(wan, lang)


def _value_caption(value: str, stored: str) -> None:
    """The slider's value grouped and with its unit (st.slider's format cannot group thousands)."""
    if value == stored:
        st.caption(t("studio.slider_value", value=value))
    else:
        st.caption(t("studio.slider_value_changed", value=value, stored=stored))


def controls(ctx: StudioContext) -> None:
    """The reset button and the four tabs: money, resources, targets, locks."""

    def _reset() -> None:
        state.set_scenario(settings_from_workbook(ctx.wb))

    st.button(t("studio.reset"), on_click=_reset, key="studio.reset_button")
    tab_money, tab_res, tab_targets, tab_locks = st.tabs(
        [
            t("studio.tab.money"),
            t("studio.tab.resources"),
            t("studio.tab.targets"),
            t("studio.tab.locks"),
        ]
    )
    with tab_money:
        money_sliders(ctx)
    with tab_res:
        resource_sliders(ctx)
    with tab_targets:
        target_inputs(ctx)
    with tab_locks:
        lock_editor(ctx)


def _amount_control(
    label: str,
    section: str,
    name: str,
    stored: float,
    current: float,
    shown: tuple[str, str],
    help_text: str,
) -> None:
    """A slider for a quick move and, beside it, a number box to type an exact amount; both write the
    same scenario value (a slider's steps cannot reach every amount: 10,000 with steps of 145).

    ``shown`` is (the current amount, the stored amount) as text with units, for the caption; it is
    recomputed from the scenario after a change, so both widgets always agree."""
    top = _slider_max(stored)
    widget = {"budgets": "budget", "resources": "resource"}[section]
    slider_key = _bind(f"{W}{widget}.{name}", section, name, current)
    box_key = _bind(f"{W}{widget}.{name}.exact", section, name, current)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.slider(
        label,
        min_value=0.0,
        max_value=max(top, float(st.session_state[slider_key])),
        step=_step(top),
        format="%.0f",
        key=slider_key,
        on_change=_changed,
        args=(slider_key, section, name, box_key),
        help=help_text,
    )
    right.number_input(
        t("studio.exact_amount"),
        min_value=0.0,
        step=1.0,
        format="%.0f",
        key=box_key,
        on_change=_changed,
        args=(box_key, section, name, slider_key),
        label_visibility="visible",
    )
    _value_caption(*shown)


def money_sliders(ctx: StudioContext) -> None:
    """A slider and an exact amount per fund line (万元), the pooled share and the award prudence."""
    lang, labels = ctx.lang, ctx.labels
    stored, settings = ctx.stored, ctx.settings
    for fund_line, amount in stored["budgets"].items():
        current = float(settings["budgets"].get(fund_line, amount))
        _amount_control(
            f"{label_for(fund_line, labels, lang)} ({t('unit.wan')})",
            "budgets",
            fund_line,
            amount,
            current,
            (_money_text(current, lang), _money_text(amount, lang)),
            t("studio.stored_value", value=money(amount, lang)),
        )
    key = _bind(f"{W}pool_share", "pool_share", None, settings.get("pool_share", 0.0))
    st.slider(
        t("studio.pool_share"),
        min_value=POOL_SHARE_RANGE[0],  # the import's ranges (data.schema)
        max_value=POOL_SHARE_RANGE[1],
        step=0.05,
        key=key,
        on_change=_changed,
        args=(key, "pool_share", None),
        help=t("studio.pool_share_help"),
    )
    key = _bind(f"{W}award_prudence", "award_prudence", None, settings.get("award_prudence", 1.0))
    st.slider(
        t("studio.award_prudence"),
        min_value=AWARD_PRUDENCE_RANGE[0],
        max_value=AWARD_PRUDENCE_RANGE[1],
        step=0.1,
        key=key,
        on_change=_changed,
        args=(key, "award_prudence", None),
        help=t("studio.award_prudence_help"),
    )


def resource_sliders(ctx: StudioContext) -> None:
    """A slider and an exact amount per resource, in its unit."""
    lang, wb, labels = ctx.lang, ctx.wb, ctx.labels
    stored, settings = ctx.stored, ctx.settings
    units = dict(
        zip(
            wb.resources["resource"].astype(str),
            wb.resources["unit"].astype(str),
            strict=True,
        )
    )
    for resource, capacity in stored["resources"].items():
        current = float(settings["resources"].get(resource, capacity))
        unit = units.get(resource, "")
        unit_text = f" {tv(unit, lang)}" if unit else ""
        _amount_control(
            label_for(resource, labels, lang) + (f" ({tv(unit, lang)})" if unit else ""),
            "resources",
            resource,
            capacity,
            current,
            (number(current) + unit_text, number(capacity) + unit_text),
            t("studio.stored_value", value=number(capacity)),
        )


def target_inputs(ctx: StudioContext) -> None:
    """Goal and weight per target."""
    lang, labels = ctx.lang, ctx.labels
    stored, settings = ctx.stored, ctx.settings
    for target, goal in stored["goals"].items():
        st.markdown(f"**{plain(label_for(target, labels, lang))}**")
        a, b = st.columns(2)
        key = _bind(f"{W}goal.{target}", "goals", target, settings["goals"].get(target, goal))
        a.number_input(
            t("common.goal"),
            min_value=0.001,
            step=float(max(1.0, round(goal / 20))),
            key=key,
            on_change=_changed,
            args=(key, "goals", target),
        )
        key = _bind(f"{W}weight.{target}", "weights", target, settings["weights"].get(target, 1.0))
        b.number_input(
            t("common.weight"),
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            key=key,
            on_change=_changed,
            args=(key, "weights", target),
        )


def lock_editor(ctx: StudioContext) -> None:
    """The locks in use, adding one and removing some (planners: ``edit_locks``)."""
    lang, wb = ctx.lang, ctx.wb
    settings = ctx.settings
    st.caption(t("studio.locks_help"))
    locks = dict(settings.get("locks", {}))
    names = dict(
        zip(
            wb.candidates["candidate_id"].astype(str),
            wb.candidates["name"].astype(str),
            strict=True,
        )
    )
    option_lists = wb.options.groupby("candidate_id")["option"].agg(list).to_dict()
    if locks:
        shown = pd.DataFrame(
            {
                t("common.id"): list(locks),
                t("common.name"): [names.get(c, c) for c in locks],
                t("common.option"): [tv(o, lang) for o in locks.values()],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
    else:
        st.caption(t("studio.no_locks"))
    allowed = can("edit_locks")
    candidate = st.selectbox(
        t("studio.lock_candidate"),
        list(names),
        index=None,
        format_func=lambda c: f"{c} · {names[c]}",
        key="studio.lock_candidate",
        placeholder=t("common.search"),
        disabled=not allowed,
    )
    if candidate:
        choices = [NONE_OPTION, *option_lists.get(candidate, [])]
        option = st.selectbox(
            t("common.option"),
            choices,
            format_func=lambda o: tv(o, lang),
            key="studio.lock_option",
        )
        if st.button(t("studio.lock_add"), key="studio.lock_add", disabled=not allowed):
            state.update_setting("locks", candidate, option)
            st.rerun()
    if locks:
        remove = st.multiselect(
            t("studio.lock_remove"),
            list(locks),
            format_func=lambda c: f"{c} · {names.get(c, c)}",
            key="studio.lock_remove_pick",
        )
        if remove and st.button(
            t("studio.lock_remove_button"), key="studio.lock_remove", disabled=not allowed
        ):
            state.remove_locks(remove)
            st.rerun()
    if not allowed:
        st.caption(t("auth.denied"))

"""Altair charts for the dashboard, coloured from the theme in ``.streamlit/config.toml``.

Each function takes a small DataFrame whose labels are already translated and returns an
Altair chart (one mark or layered marks); pages pass it to ``st.altair_chart``. Colours are read
from the theme file, the one source of truth, so charts and the rest of the app always match.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

import altair as alt
import pandas as pd

CONFIG_PATH = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
_FALLBACK = ["#1f5aa6", "#e07b39", "#2e9e6a", "#c23b3b", "#7a5cb8", "#8c6d46", "#d064a4", "#6b7785"]

# What the chart functions return: one mark, or marks layered with ``+`` / ``alt.layer`` (which
# Altair types as "layer or facet"); ``st.altair_chart`` takes any of them.
AnyChart: TypeAlias = alt.Chart | alt.LayerChart | alt.FacetChart

# A traffic light's state (cockpit cards, tables); the translation keys are ``light.<state>``.
Light: TypeAlias = Literal["green", "amber", "red"]


class _AxisFont(TypedDict):
    """Axis font options (keyword arguments of ``alt.Axis``)."""

    labelFont: str
    titleFont: str


class _BarEncoding(TypedDict):
    """The channels of a bar chart built up step by step (keyword arguments of ``encode``)."""

    x: alt.X
    y: alt.Y
    tooltip: list[alt.Tooltip]
    color: NotRequired[alt.Color]
    yOffset: NotRequired[alt.YOffset]


@cache
def theme() -> dict[str, Any]:
    """The theme section of ``.streamlit/config.toml`` (with the categorical palette as a list)."""
    try:
        with CONFIG_PATH.open("rb") as handle:
            section = dict(tomllib.load(handle).get("theme", {}))
    except (OSError, tomllib.TOMLDecodeError):
        section = {}
    section.setdefault("primaryColor", _FALLBACK[0])
    section.setdefault("textColor", "#1b2430")
    section.setdefault("secondaryBackgroundColor", "#f2f5f9")
    section.setdefault("chartCategoricalColors", _FALLBACK)
    return section


def palette() -> list[str]:
    """The categorical colours, in order."""
    colours = theme()["chartCategoricalColors"]
    if not isinstance(colours, list):  # a malformed theme file: keep the charts readable
        return list(_FALLBACK)
    return [str(colour) for colour in colours]


def primary() -> str:
    """The primary colour (the plan, the current scenario)."""
    return str(theme()["primaryColor"])


def muted() -> str:
    """A quiet colour for reference values (no support, capacity)."""
    return palette()[7] if len(palette()) > 7 else "#6b7785"


# Traffic-light colours, taken from the palette: green, amber, red.
def light_colors() -> dict[Light, str]:
    """Colours for the cockpit's traffic lights: ``green``, ``amber``, ``red``."""
    colours = palette()
    return {"green": colours[2], "amber": colours[1], "red": colours[3]}


def traffic_light(p_meet: float | None) -> Light:
    """``green`` from 80 % chance of meeting a target, ``amber`` from 50 %, else ``red``."""
    if p_meet is None or pd.isna(p_meet):
        return "amber"
    if p_meet >= 0.8:
        return "green"
    return "amber" if p_meet >= 0.5 else "red"


def _axis_font() -> _AxisFont:
    """Fonts that render Chinese in the browser and in screenshots."""
    return {
        "labelFont": "Noto Sans CJK SC, sans-serif",
        "titleFont": "Noto Sans CJK SC, sans-serif",
    }


def _height(plot: int, legend_rows: int = 0) -> int:
    """The height to give a chart so that its plot gets ``plot`` pixels.

    Streamlit fits the whole chart (axis and legend included) into the height, so the axis labels
    and each legend row are added on top; without this the bars of a chart with a legend are squeezed.
    """
    return plot + 36 + (22 * legend_rows + 8 if legend_rows else 0)


def _legend(columns: int | None = None, label_limit: int = 0) -> alt.Legend:
    """A legend above the chart, left-aligned, wrapping into ``columns`` (all in one row without).

    Above rather than below: Streamlit sizes the chart to its column and a legend wider than the
    plot was cut off at the right edge; ``label_limit`` 0 never shortens a label.
    """
    return alt.Legend(
        orient="top",
        direction="horizontal",
        title=None,
        columns=columns or alt.Undefined,
        labelLimit=label_limit,
        labelFont="Noto Sans CJK SC",
        symbolType="square",
    )


def funnel_chart(frame: pd.DataFrame, label: str, count: str, title: str = "") -> AnyChart:
    """Horizontal bars in the frame's order (reserve at the top), one per stage, with counts.

    Parameters
    ----------
    frame : DataFrame
        One row per stage, in funnel order, with a translated ``label`` column and a ``count`` column.
    """
    order = list(frame[label])
    base = alt.Chart(frame, title=title or alt.Undefined).encode(
        y=alt.Y(
            f"{label}:N",
            sort=order,
            title=None,
            axis=alt.Axis(**_axis_font(), labelLimit=260, labelOverlap=False),
        ),
        x=alt.X(f"{count}:Q", title=None),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{count}:Q", format=",")],
    )
    bars = base.mark_bar(color=primary(), cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=4, color=str(theme()["textColor"])).encode(
        text=alt.Text(f"{count}:Q", format=",")
    )
    return (bars + text).properties(height=_height(max(90, 30 * len(frame))))


def grouped_bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    colour: str | None = None,
    title: str = "",
    sort: list[str] | None = None,
    value_format: str = ",.0f",
    stack: bool = True,
    colours: list[str] | None = None,
    legend_columns: int | None = 2,
) -> AnyChart:
    """Horizontal bars per category; with ``colour``, stacked (parts of a whole) or side by side.

    Parameters
    ----------
    frame : DataFrame
        Long format: one row per category (and colour group).
    stack : bool
        Stack the colour groups (counts that add up) or place them side by side (alternatives such
        as "no support" against "the plan").
    colours : list of str, optional
        Colours for the groups in order; the theme's palette by default.
    legend_columns : int or None, default 2
        Legend entries per row (above the chart); ``None`` puts them all in one row.
    """
    encode: _BarEncoding = {
        "y": alt.Y(
            f"{category}:N",
            sort=sort or "-x",
            title=None,
            axis=alt.Axis(**_axis_font(), labelLimit=260, labelOverlap=False),
        ),
        "x": alt.X(f"{value}:Q", title=None, axis=alt.Axis(format=value_format)),
        "tooltip": [alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=value_format)],
    }
    rows = frame[category].nunique()
    if colour:
        groups = list(dict.fromkeys(frame[colour]))
        encode["color"] = alt.Color(
            f"{colour}:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=colours or palette()),
            legend=_legend(legend_columns),
        )
        encode["tooltip"] = [*encode["tooltip"], alt.Tooltip(f"{colour}:N")]
        if not stack:
            encode["yOffset"] = alt.YOffset(f"{colour}:N", sort=groups)
            rows *= max(1, len(groups)) * 0.6
        chart = alt.Chart(frame, title=title or alt.Undefined).mark_bar().encode(**encode)
    else:
        base = alt.Chart(frame, title=title or alt.Undefined).encode(**encode)
        # the count at the end of each bar: a tier of 3 firms is otherwise an invisible sliver
        labels = base.mark_text(align="left", dx=4, color=str(theme()["textColor"])).encode(
            text=alt.Text(f"{value}:Q", format=value_format)
        )
        chart = base.mark_bar(color=primary()) + labels
    legend_rows = 0
    if colour:
        groups_n = frame[colour].nunique()
        legend_rows = -(-groups_n // legend_columns) if legend_columns else 1
    return chart.properties(height=_height(max(120, int(34 * rows)), legend_rows))


def attainment_chart(
    frame: pd.DataFrame,
    label: str,
    plan: str,
    base: str,
    plan_name: str,
    base_name: str,
    title: str = "",
) -> AnyChart:
    """Attainment per target (expected ÷ goal) with no support and under the plan; goal line at 100 %.

    Parameters
    ----------
    frame : DataFrame
        One row per target with a translated ``label`` and fractions ``plan`` and ``base``.
    plan_name, base_name : str
        Legend names of the two series.
    """
    long = frame.melt(
        id_vars=[label], value_vars=[base, plan], var_name="series", value_name="share"
    )
    long["series"] = long["series"].map({base: base_name, plan: plan_name})
    bars = (
        alt.Chart(long, title=title or alt.Undefined)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{label}:N",
                title=None,
                sort=list(frame[label]),
                axis=alt.Axis(**_axis_font(), labelLimit=260),
            ),
            yOffset=alt.YOffset("series:N", sort=[base_name, plan_name]),
            x=alt.X("share:Q", title=None, axis=alt.Axis(format="%")),
            color=alt.Color(
                "series:N",
                sort=[base_name, plan_name],
                scale=alt.Scale(domain=[base_name, plan_name], range=[muted(), primary()]),
                legend=_legend(),
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip("series:N"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    goal = (
        alt.Chart(pd.DataFrame({"goal": [1.0]}))
        .mark_rule(color=light_colors()["red"], strokeDash=[4, 3], size=2)
        .encode(x="goal:Q")
    )
    return (bars + goal).properties(height=_height(max(120, 46 * len(frame)), 1))


def _share_ticks(top: float) -> list[float]:
    """Axis ticks of a use chart: every 50 % up to the largest share (at least 100 %)."""
    return [i / 2 for i in range(int(max(1.0, top) * 2 + 1e-9) + 1)]


def use_chart(
    frame: pd.DataFrame,
    label: str,
    used: str,
    capacity: str,
    title: str = "",
    warn_full: bool = True,
    amounts: str | None = None,
) -> AnyChart:
    """Use against capacity per fund line or resource, as a share, with the 100 % line.

    With ``warn_full`` bars turn amber from 95 % (a bottleneck: a department's staff fully booked);
    without it (money, which a good plan spends) only use above 100 % stands out, in red. ``amounts``
    names a text column written at the end of each bar (e.g. "1,200 / 940 万元"): a share alone does
    not say how much is missing.
    """
    data = frame[[label, used, capacity] + ([amounts] if amounts else [])].copy()
    data["share"] = (data[used] / data[capacity].where(data[capacity] > 0)).fillna(0.0)
    colours = light_colors()
    data["band"] = pd.cut(
        data["share"], [-1, 0.95, 1.0 + 1e-9, float("inf")], labels=["ok", "full", "over"]
    ).astype(str)
    data["text_x"] = data["share"].clip(lower=1.0)  # where an amount's text starts
    bars = (
        alt.Chart(data, title=title or alt.Undefined)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{label}:N",
                title=None,
                sort=list(data[label]),
                axis=alt.Axis(**_axis_font(), labelLimit=340),
            ),
            x=alt.X(
                "share:Q",
                title=None,
                # 0, 50 % and 100 % always labelled: the full mark is the one a reader looks for.
                axis=alt.Axis(format="%", values=_share_ticks(float(data["share"].max()))),
                scale=alt.Scale(domainMin=0),
            ),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(
                    domain=["ok", "full", "over"],
                    range=[primary(), colours["amber"] if warn_full else primary(), colours["red"]],
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip(f"{used}:Q", format=",.0f"),
                alt.Tooltip(f"{capacity}:Q", format=",.0f"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"full": [1.0]}))
        .mark_rule(color=muted(), strokeDash=[4, 3])
        .encode(x="full:Q")
    )
    layers = bars + rule
    if amounts:
        # The amounts line up in one column right of the 100 % line (a short bar's text would
        # otherwise sit on the dashed line).
        text = bars.mark_text(align="left", dx=6, font=_axis_font()["labelFont"]).encode(
            x="text_x:Q", text=alt.Text(f"{amounts}:N"), color=alt.value(muted())
        )
        layers = layers + text
    return layers.properties(height=_height(max(90, 28 * len(data))))


def frontier_chart(
    frontier: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    scenarios: pd.DataFrame | None = None,
    scenario_label: str = "name",
) -> AnyChart:
    """The efficient frontier (budget → best weighted attainment) with saved scenarios as points."""
    line = (
        alt.Chart(frontier)
        .mark_line(point=True, color=primary())
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=",.1f", labelOverlap=True)),
            y=alt.Y(
                f"{y}:Q",
                title=y_title,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".0%", labelOverlap=True),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title, format=",.2f"),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".1%"),
            ],
        )
    )
    layers: list[alt.Chart] = [line]
    if scenarios is not None and not scenarios.empty:
        points = alt.Chart(scenarios).encode(
            x=f"{x}:Q",
            y=f"{y}:Q",
            tooltip=[
                alt.Tooltip(f"{scenario_label}:N"),
                alt.Tooltip(f"{x}:Q", title=x_title, format=",.2f"),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".1%"),
            ],
        )
        layers.append(points.mark_point(size=120, filled=True, color=light_colors()["amber"]))
        # Labels alternate above and below their point, so that neighbours' names do not overlap;
        # the full name is always in the tooltip.
        ranked = scenarios.assign(
            _above=[i % 2 == 0 for i in range(len(scenarios))],
        )
        for above in (True, False):
            layers.append(
                alt.Chart(ranked[ranked["_above"] == above])
                .mark_text(
                    align="left",
                    dx=8,
                    dy=-10 if above else 14,
                    font="Noto Sans CJK SC",
                    limit=140,
                )
                .encode(x=f"{x}:Q", y=f"{y}:Q", text=f"{scenario_label}:N")
            )
    return alt.layer(*layers).properties(height=340)


def month_chart(
    frame: pd.DataFrame, month: str, count: str, title: str = "", colour: str | None = None
) -> alt.Chart:
    """Planned starts by month as columns, in the frame's order (January first).

    With ``colour`` (e.g. "planned start passed" / "still to come"), the first group in the frame's
    order is drawn amber (overdue needs attention) and the second in the primary colour.
    """
    encode: _BarEncoding = {
        "x": alt.X(
            f"{month}:O",
            sort=list(frame[month]),
            title=None,
            axis=alt.Axis(**_axis_font(), labelAngle=0),
        ),
        "y": alt.Y(f"{count}:Q", title=None),
        "tooltip": [alt.Tooltip(f"{month}:O"), alt.Tooltip(f"{count}:Q")],
    }
    if colour:
        groups = list(dict.fromkeys(frame[colour]))
        encode["color"] = alt.Color(
            f"{colour}:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=[light_colors()["amber"], primary()]),
            legend=_legend(),
        )
    return (
        alt.Chart(frame, title=title or alt.Undefined)
        .mark_bar(color=primary())
        .encode(**encode)
        .properties(height=_height(200, 1 if colour else 0))
    )

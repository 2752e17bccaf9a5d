"""Numbers, money, percentages and dates as people read them, in Chinese or English.

Money is 万元 everywhere inside the product; it is turned into text only here. In Chinese it reads
``1,234 万元`` or, from one 亿 up, ``12.35 亿元``; in English the same amount reads in yuan millions or
billions (``CNY 12.3 m``, ``CNY 1.23 bn``) because English readers do not count in 万.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
WAN_PER_YI = 10_000.0


def _is_missing(value: object) -> bool:
    """True for None, NaN and pandas' missing markers."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: float | int | None, digits: int = 0) -> str:
    """A number with thousands grouping and ``digits`` decimals; ``–`` when missing."""
    if value is None or _is_missing(value):  # the None test narrows the type for mypy
        return "–"
    return f"{float(value):,.{digits}f}"


def money(value_wan: float | int | None, lang: str = "zh") -> str:
    """Money given in 万元, as text in the reader's language.

    Parameters
    ----------
    value_wan : float
        Amount in 万元 (10,000 yuan).
    lang : {"zh", "en"}
        Language of the text.

    Returns
    -------
    str
        ``"1,234 万元"`` / ``"12.35 亿元"`` in Chinese; ``"CNY 12.3 m"`` / ``"CNY 1.23 bn"`` in English.
    """
    if value_wan is None or _is_missing(value_wan):
        return "–"
    wan = float(value_wan)
    if lang == "zh":
        if abs(wan) >= WAN_PER_YI:
            return f"{wan / WAN_PER_YI:,.2f} 亿元"
        return f"{wan:,.0f} 万元" if abs(wan) >= 100 or wan.is_integer() else f"{wan:,.1f} 万元"
    yuan = wan * 10_000
    if yuan == 0:
        return "CNY 0"  # not "CNY 0k"
    if abs(yuan) >= 1e9:
        return f"CNY {yuan / 1e9:,.2f} bn"
    if abs(yuan) >= 1e6:
        return f"CNY {yuan / 1e6:,.1f} m"
    return f"CNY {yuan / 1e3:,.0f}k"


def money_unit(lang: str = "zh") -> str:
    """The unit name for money columns given in 万元 (English readers do not count in 万: they read
    the column as multiples of CNY 10,000)."""
    return "万元" if lang == "zh" else "× CNY 10,000"


def amount_text(value_wan: float | int, lang: str = "zh") -> str:
    """An amount typed in 万元 as people say it: ``940 万元``, ``38,600 万元 = 3.86 亿元`` in
    Chinese (the 万元 figure is what the box holds), ``CNY 9.4 m`` in English (never
    "940 × CNY 10,000": English readers do not count in 万)."""
    if lang != "zh":
        return money(value_wan, lang)
    grouped = f"{number(value_wan)} 万元"
    spoken = money(value_wan, lang)
    return grouped if spoken == grouped else f"{grouped} = {spoken}"


def money_change(value_wan: float | int | None, lang: str = "zh") -> str:
    """A change of money in 万元 with its sign (``+1,200 万元``, ``-CNY 3.0 m``); ``±0`` for none."""
    if value_wan is None or _is_missing(value_wan):
        return "–"
    wan = float(value_wan)
    text = money(abs(wan), lang)
    if text in ("0 万元", "CNY 0"):
        return "±0"
    return ("+" if wan > 0 else "-") + text


def percent(value: float | None, digits: int = 0) -> str:
    """A fraction (0.873) as a percentage (``87%``); ``–`` when missing."""
    if value is None or _is_missing(value):
        return "–"
    return f"{100 * float(value):.{digits}f}%"


def quantity(value: float | None, unit: str = "", digits: int = 0) -> str:
    """A grouped number followed by its unit, if any."""
    text = number(value, digits)
    return f"{text} {unit}".strip() if unit and text != "–" else text


def local_datetime(value: object) -> str:
    """A timestamp as local time in Weihai (Asia/Shanghai), ``YYYY-MM-DD HH:MM``.

    Naive timestamps are taken as UTC (how the store writes them); text is parsed; missing is ``–``.
    """
    if _is_missing(value) or value == "":
        return "–"
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(UTC)
    return stamp.tz_convert(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def local_date(value: date, lang: str = "zh") -> str:
    """A calendar date as people write it: ``2026年4月10日`` / ``10 Apr 2026``."""
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value.strftime('%b')} {value.year}"


def today_local() -> datetime:
    """Now, in Weihai's time zone."""
    return datetime.now(LOCAL_TZ)


def signed(value: float | None, digits: int = 0) -> str:
    """A difference with its sign (``+12``, ``−3``)."""
    if value is None or _is_missing(value) or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(float(value)):,.{digits}f}"
    return ("+" if float(value) >= 0 else "−") + text

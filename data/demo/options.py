"""Support options: their labels, and how a menu is built and priced for one candidate.

A menu item says what an option costs, from which fund line, how much of that is paid only on success
(后补助/奖补: ``paid_on_success``) rather than up front, which resources it uses and the share of the
candidate's headroom (ceiling − base) it closes; pricing turns that share into a probability and drops
dominated options.
"""

from __future__ import annotations

from data import vocabulary

# The options' names are the vocabulary's (data/vocabulary.py), one table for every screen and file.
OPTION_LABELS = vocabulary.OPTION_LABELS

# Numerical guards, not policy: no chance is exactly 0, and every option must raise the chance.
_MIN_PROBABILITY = 0.01
_MIN_HEADROOM = 0.02


def _combined_uplift(uplifts: list[float]) -> float:
    """Share of the headroom closed by several supports together: each closes its share of what the
    previous ones left (so adding support has diminishing returns)."""
    left = 1.0
    for u in uplifts:
        left *= 1.0 - min(1.0, max(0.0, u))
    return 1.0 - left


def _clip_cost(amount: float, low: float, high: float) -> float:
    return float(min(high, max(low, amount)))


def _option(
    name: str,
    fund_line: str,
    cost: float,
    uplifts: list[float],
    paid_on_success: float = 0.0,
    **use: float,
) -> dict:
    """One support option before pricing: what it costs up front and on success (from
    ``fund_line``), which resources it uses, and the share of the candidate's headroom it closes."""
    return {
        "option": name,
        "fund_line": fund_line,
        "cost": float(cost),
        "paid_on_success": float(paid_on_success),
        "uplift": _combined_uplift(uplifts),
        **use,
    }


def _money(item: dict) -> float:
    """All the money an option can cost: up front plus what is paid on success."""
    return round(float(item["cost"]), 1) + round(float(item.get("paid_on_success", 0.0)), 1)


def _priced_options(candidate_id: str, base: float, ceiling: float, menu: list[dict]) -> list[dict]:
    """Probabilities for a menu (base + uplift × headroom), keeping only options that are not
    dominated: sorted by their money (up front plus paid on success), each must raise the
    probability (so stronger always costs more)."""
    rows: list[dict] = []
    for item in sorted(menu, key=lambda o: (_money(o), o["uplift"])):
        p = round(base + (ceiling - base) * item["uplift"], 4)
        cost = round(float(item["cost"]), 1)
        on_success = round(float(item.get("paid_on_success", 0.0)), 1)
        money = cost + on_success
        if rows and (p <= rows[-1]["probability"] or money < _money(rows[-1])):
            continue
        if rows and money == _money(rows[-1]):
            rows.pop()  # same money, higher chance: the weaker one is dominated
        row = {k: val for k, val in item.items() if k != "uplift"}
        row.update(candidate_id=candidate_id, probability=p, cost=cost, paid_on_success=on_success)
        if money == 0:
            row["fund_line"] = ""
        rows.append(row)
    return rows

"""Test helpers shared by the optimizer's tests: inline workbooks and the brute-force optimum.

The brute force enumerates every plan straight from the workbook's tables and checks each rule as
docs/workbook.md words it (budgets with pooling, resources, district floors, locks, actuals,
entitlement and paid-on-success reserves), so the solvers are compared with an independent reading
of the contract rather than with the model they are built from.
"""

from __future__ import annotations

import io
import itertools

import pandas as pd

from data.schema import Workbook
from data.workbook import validate_tables

# (attainment, beyond-goal tie-break, -spending, {candidate_id: option})
BruteBest = tuple[float, float, float, dict[str, str]]


def workbook(**sheets: str) -> Workbook:
    """A validated workbook from inline CSV text per sheet."""
    tables = {
        name: pd.read_csv(io.StringIO(text.strip() + "\n"), dtype=str, keep_default_na=False)
        for name, text in sheets.items()
    }
    return validate_tables(tables)


def brute_force(wb: Workbook) -> BruteBest | None:
    """The best plan by enumeration, or None when no plan keeps every rule.

    Returns (best attainment, tie-break 1, tie-break 2 as -spending, plan): more expected beyond the
    goals, then less up-front spending, decide between plans of equal attainment. A decided candidate
    (actuals) keeps its option; a succeeded one counts in full and owes its award and paid-on-success
    money, a failed one counts nothing and owes nothing. Transfers among pooled lines: each pooled
    line may give at most pool_share × amount, so the lines' money works out exactly when every
    unpooled line covers its need and Σ_pooled max(need − amount, −pool_share × amount) ≤ 0.
    """
    share = float(wb.settings["pool_share"])  # type: ignore[arg-type]
    prudence = float(wb.settings["award_prudence"])  # type: ignore[arg-type]
    budgets = {r.fund_line: (r.amount, bool(r.pooled)) for r in wb.budgets.itertuples()}
    caps = dict(zip(wb.resources["resource"], wb.resources["capacity"], strict=True))
    goals = dict(zip(wb.targets["target"], wb.targets["goal"], strict=True))
    weights = dict(zip(wb.targets["target"], wb.targets["weight"], strict=True))
    floors = dict(zip(wb.floors["district"], wb.floors["min_share"], strict=True))
    fixed = dict(zip(wb.locks["candidate_id"], wb.locks["option"], strict=True))
    status = dict(zip(wb.actuals["candidate_id"], wb.actuals["status"], strict=True))
    fixed.update(zip(wb.actuals["candidate_id"], wb.actuals["option"], strict=True))
    contrib: dict[str, list[tuple[str, float]]] = {}
    for r in wb.contributions.itertuples():
        contrib.setdefault(r.candidate_id, []).append((r.target, r.value))
    per_cand = []
    for c in wb.candidates.itertuples():
        choices = [("none", c.base_probability, "", 0.0, 0.0, {})]
        for o in wb.options[wb.options["candidate_id"] == c.candidate_id].to_dict("records"):
            use = {r: o[r] for r in caps}
            choices.append(
                (
                    o["option"],
                    o["probability"],
                    o["fund_line"],
                    o["cost"],
                    o["paid_on_success"],
                    use,
                )
            )
        if c.candidate_id in fixed:
            choices = [ch for ch in choices if ch[0] == fixed[c.candidate_id]]
        per_cand.append((c, choices))
    best: BruteBest | None = None
    for combo in itertools.product(*[ch for _, ch in per_cand]):
        need = dict.fromkeys(budgets, 0.0)
        used = dict.fromkeys(caps, 0.0)
        spend, by_district = 0.0, {}
        expected = dict.fromkeys(goals, 0.0)
        for (c, _), (_name, p, line, cost, paid, use) in zip(per_cand, combo, strict=True):
            st = status.get(c.candidate_id, "")
            p = 1.0 if st == "succeeded" else 0.0 if st == "failed" else p
            owed = 1.0 if st == "succeeded" else 0.0 if st == "failed" else min(1.0, prudence * p)
            if cost or paid:
                need[line] += cost + owed * paid
            if c.award > 0:
                need[c.award_line] += owed * c.award
            for r, u in use.items():
                used[r] += u
            spend += cost
            by_district[c.district] = by_district.get(c.district, 0.0) + cost
            for t, v in contrib.get(c.candidate_id, []):
                expected[t] += v * p
        ok = all(used[r] <= caps[r] + 1e-9 for r in caps)
        pooled_sum = 0.0
        for f, (amount, pooled) in budgets.items():
            if pooled and share > 0:
                pooled_sum += max(need[f] - amount, -share * amount)
            elif need[f] > amount + 1e-9:
                ok = False
        ok = ok and pooled_sum <= 1e-9
        ok = ok and all(by_district.get(d, 0.0) >= s * spend - 1e-9 for d, s in floors.items())
        if not ok:
            continue
        att = sum(weights[t] * min(1.0, expected[t] / goals[t]) for t in goals)
        beyond = sum(weights[t] * expected[t] / goals[t] for t in goals)
        key = (att, beyond, -spend)
        if best is None or key > best[:3]:
            plan = {c.candidate_id: ch[0] for (c, _), ch in zip(per_cand, combo, strict=True)}
            best = (*key, plan)
    return best

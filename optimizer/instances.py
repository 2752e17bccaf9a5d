"""Random planning workbooks of any size, for tests and the optimizer benchmark."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.schema import Workbook, empty_frame


def random_workbook(
    n_candidates: int,
    *,
    seed: int = 0,
    n_fund_lines: int = 3,
    n_resources: int = 3,
    n_targets: int = 4,
    max_options: int = 3,
    n_districts: int = 4,
    tightness: float = 0.3,
    pool_share: float = 0.2,
    award_prudence: float = 1.0,
    award_share: float = 0.05,
    n_locks: int = 0,
    floors: dict[str, float] | None = None,
    amount_targets: int = 1,
) -> Workbook:
    """A random but plausible workbook in canonical form.

    Parameters
    ----------
    n_candidates : int
        Number of candidates (projects and enterprises).
    seed : int
        Random seed; the same arguments give the same workbook.
    n_fund_lines, n_resources, n_targets, max_options, n_districts : int
        Shape of the instance. Each candidate has 1..max_options options.
    tightness : float
        Each fund line and resource holds about this share of what all candidates' most expensive
        options would need (smaller = scarcer).
    pool_share, award_prudence : float
        The settings.
    award_share : float
        Share of candidates with an entitlement award (paid on success from a fund line).
    n_locks : int
        Number of random locks (a random option or "none").
    floors : dict[str, float], optional
        ``{district: min_share}``; districts are named ``D1``, ``D2``, ...
    amount_targets : int
        How many of the targets are amounts (non-integer values); the rest are counts (value 1).
    """
    rng = np.random.default_rng(seed)
    n = n_candidates
    lines = [f"fund_{j + 1}" for j in range(n_fund_lines)]
    resources = [f"res_{j + 1}" for j in range(n_resources)]
    targets = [f"target_{j + 1}" for j in range(n_targets)]
    ids = [f"C{i + 1:05d}" for i in range(n)]
    base = rng.uniform(0.05, 0.6, n).round(3)
    districts = [f"D{d + 1}" for d in rng.integers(0, n_districts, n)]
    has_award = rng.random(n) < award_share
    award = np.where(has_award, rng.choice([50.0, 100.0, 200.0], n), 0.0)
    award_line = [
        lines[j] if a else ""
        for j, a in zip(rng.integers(0, n_fund_lines, n), has_award, strict=True)
    ]
    candidates = pd.DataFrame(
        {
            "candidate_id": ids,
            "name": [f"Candidate {i + 1}" for i in range(n)],
            "kind": np.where(rng.random(n) < 0.5, "project", "enterprise").tolist(),
            "district": districts,
            "base_probability": base,
            "award": award,
            "award_line": award_line,
        }
    )

    # Options: increasingly expensive and likely.
    n_opts = rng.integers(1, max_options + 1, n)
    o_cand = np.repeat(np.arange(n), n_opts)
    o_rank = np.concatenate([np.arange(k) for k in n_opts]) if n else np.zeros(0, dtype=int)
    m = len(o_cand)
    lift = rng.uniform(0.05, 0.25, m) * (1 + o_rank)
    prob = np.minimum(0.99, base[o_cand] + lift).round(3)
    cost = (rng.gamma(2.0, 20.0, m) * (1 + o_rank)).round(1)
    cand_line = rng.integers(0, n_fund_lines, n)
    o_line = np.where(rng.random(m) < 0.8, cand_line[o_cand], rng.integers(0, n_fund_lines, m))
    options = pd.DataFrame(
        {
            "candidate_id": [ids[i] for i in o_cand],
            "option": [f"opt_{r + 1}" for r in o_rank],
            "probability": prob,
            "fund_line": [lines[j] for j in o_line],
            "cost": cost,
        }
    )
    for r in resources:
        uses = rng.random(m) < 0.5
        options[r] = np.where(uses, rng.integers(1, 6, m) * (1 + o_rank), 0).astype(float)

    # Contributions: each candidate counts toward 1-2 targets.
    rows = []
    for i in range(n):
        for t in rng.choice(n_targets, size=min(n_targets, int(rng.integers(1, 3))), replace=False):
            is_amount = t < amount_targets
            value = round(float(rng.gamma(2.0, 500.0)), 1) if is_amount else 1.0
            rows.append((ids[i], targets[t], value))
    contributions = pd.DataFrame(rows, columns=["candidate_id", "target", "value"])
    contributions["value"] = contributions["value"].astype(float)

    # Goals: between the base expectation and the best possible one.
    best = np.zeros(n)
    np.maximum.at(best, o_cand, prob)
    best = np.maximum(best, base)
    tindex = contributions["target"].map({t: j for j, t in enumerate(targets)}).to_numpy()
    cindex = contributions["candidate_id"].map({c: i for i, c in enumerate(ids)}).to_numpy()
    vals = contributions["value"].to_numpy()
    e_base = np.bincount(tindex, weights=vals * base[cindex], minlength=n_targets)
    e_best = np.bincount(tindex, weights=vals * best[cindex], minlength=n_targets)
    goal = np.maximum(1.0, e_base + rng.uniform(0.3, 0.9, n_targets) * (e_best - e_base))
    goal = np.where(np.arange(n_targets) < amount_targets, goal.round(1), np.ceil(goal))

    max_cost = np.zeros(n_fund_lines)
    np.add.at(max_cost, o_line, cost)
    reserve_base = np.zeros(n_fund_lines)
    for i in np.nonzero(has_award)[0].tolist():
        reserve_base[lines.index(award_line[i])] += min(1.0, award_prudence * base[i]) * award[i]
    amount = (
        reserve_base
        + tightness * max_cost / max(1, max_options) * rng.uniform(0.7, 1.3, n_fund_lines)
    ).round(0)
    budgets = pd.DataFrame(
        {
            "fund_line": lines,
            "amount": amount.astype(float),
            "pooled": rng.random(n_fund_lines) < 0.75,
        }
    )
    cap = options[resources].sum().to_numpy(dtype=float) if resources else np.zeros(0)
    resources_df = pd.DataFrame(
        {
            "resource": resources,
            "capacity": (
                tightness * cap / max(1, max_options) * rng.uniform(0.7, 1.3, len(resources))
            ).round(0),
            "unit": ["days"] * len(resources),
        }
    )
    targets_df = pd.DataFrame(
        {
            "target": targets,
            "goal": goal.astype(float),
            "weight": rng.choice([1.0, 1.0, 2.0, 0.5], n_targets),
            "unit": ["万元" if t < amount_targets else "count" for t in range(n_targets)],
        }
    )

    locks = empty_frame("locks")
    if n_locks:
        chosen = rng.choice(n, size=min(n, n_locks), replace=False)
        lock_rows = []
        for i in chosen:
            k = int(rng.integers(0, n_opts[i] + 1))
            lock_rows.append((ids[i], "none" if k == 0 else f"opt_{k}"))
        locks = pd.DataFrame(lock_rows, columns=["candidate_id", "option"])
    floors_df = empty_frame("floors")
    if floors:
        floors_df = pd.DataFrame(
            {"district": list(floors), "min_share": [float(v) for v in floors.values()]}
        )
    return Workbook(
        budgets=budgets,
        resources=resources_df,
        targets=targets_df,
        candidates=candidates,
        contributions=contributions,
        options=options,
        locks=locks,
        floors=floors_df,
        settings={"pool_share": float(pool_share), "award_prudence": float(award_prudence)},
    )

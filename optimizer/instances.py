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


def scale_workbook(n_candidates: int, *, seed: int = 2026) -> Workbook:
    """A province- or nation-sized workbook, generated column by column (no per-candidate Python).

    The shape of issue 14's benchmark (docs/optimizer.md): 3 fund lines, 3 resources, 3 targets (one an
    amount, two counts), 1 to 3 options per candidate, four districts with a 15% floor on D1, one lock
    per 500 candidates, a 20% pool share and 5% of candidates with an entitlement award. The same seed
    gives the same workbook.
    """
    rng = np.random.default_rng(seed)
    n = n_candidates
    lines = ["fund_1", "fund_2", "fund_3"]
    resources = ["res_1", "res_2", "res_3"]
    targets = ["target_1", "target_2", "target_3"]
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    base = rng.uniform(0.05, 0.6, n).round(3)
    has_award = rng.random(n) < 0.05
    award = np.where(has_award, rng.choice([50.0, 100.0, 200.0], n), 0.0)
    award_line = np.where(has_award, np.asarray(lines)[rng.integers(0, 3, n)], "")
    candidates = pd.DataFrame(
        {
            "candidate_id": ids,
            "name": np.char.add("Candidate ", np.arange(1, n + 1).astype(str)),
            "kind": np.where(rng.random(n) < 0.5, "project", "enterprise"),
            "district": np.char.add("D", (rng.integers(0, 4, n) + 1).astype(str)),
            "base_probability": base,
            "award": award,
            "award_line": award_line,
        }
    )
    n_opts = rng.integers(1, 4, n)
    o_cand = np.repeat(np.arange(n), n_opts)
    starts = np.cumsum(n_opts) - n_opts
    o_rank = np.arange(len(o_cand)) - np.repeat(starts, n_opts)
    m = len(o_cand)
    prob = np.minimum(0.99, base[o_cand] + rng.uniform(0.05, 0.25, m) * (1 + o_rank)).round(3)
    cost = (rng.gamma(2.0, 20.0, m) * (1 + o_rank)).round(1)
    cand_line = rng.integers(0, 3, n)
    o_line = np.where(rng.random(m) < 0.8, cand_line[o_cand], rng.integers(0, 3, m))
    options = pd.DataFrame(
        {
            "candidate_id": ids[o_cand],
            "option": np.char.add("opt_", (o_rank + 1).astype(str)),
            "probability": prob,
            "fund_line": np.asarray(lines)[o_line],
            "cost": cost,
        }
    )
    for r in resources:
        uses = rng.random(m) < 0.5
        options[r] = np.where(uses, rng.integers(1, 6, m) * (1 + o_rank), 0).astype(float)
    # Contributions: every candidate to one target, half of them to a second one as well.
    first = rng.integers(0, 3, n)
    second = (first + rng.integers(1, 3, n)) % 3
    two = rng.random(n) < 0.5
    c_cand = np.concatenate([np.arange(n), np.nonzero(two)[0]])
    c_target = np.concatenate([first, second[two]])
    order = np.lexsort((c_target, c_cand))
    c_cand, c_target = c_cand[order], c_target[order]
    value = np.where(c_target == 0, rng.gamma(2.0, 500.0, len(c_cand)).round(1), 1.0)
    contributions = pd.DataFrame(
        {"candidate_id": ids[c_cand], "target": np.asarray(targets)[c_target], "value": value}
    )
    best = base.copy()
    np.maximum.at(best, o_cand, prob)
    e_base = np.bincount(c_target, weights=value * base[c_cand], minlength=3)
    e_best = np.bincount(c_target, weights=value * best[c_cand], minlength=3)
    goal = np.maximum(1.0, e_base + rng.uniform(0.3, 0.9, 3) * (e_best - e_base))
    goal = np.where(np.arange(3) < 1, goal.round(1), np.ceil(goal))
    max_cost = np.bincount(o_line, weights=cost, minlength=3)
    reserve_base = np.zeros(3)
    award_idx = np.nonzero(has_award)[0]
    np.add.at(
        reserve_base,
        np.searchsorted(lines, award_line[award_idx]),
        np.minimum(1.0, base[award_idx]) * award[award_idx],
    )
    amount = (reserve_base + 0.3 * max_cost / 3 * rng.uniform(0.7, 1.3, 3)).round(0)
    budgets = pd.DataFrame({"fund_line": lines, "amount": amount, "pooled": [True, True, False]})
    cap = options[resources].sum().to_numpy(dtype=float)
    resources_df = pd.DataFrame(
        {
            "resource": resources,
            "capacity": (0.3 * cap / 3 * rng.uniform(0.7, 1.3, 3)).round(0),
            "unit": ["days"] * 3,
        }
    )
    targets_df = pd.DataFrame(
        {
            "target": targets,
            "goal": goal.astype(float),
            "weight": [1.0, 2.0, 1.0],
            "unit": ["万元", "count", "count"],
        }
    )
    chosen = rng.choice(n, size=n // 500, replace=False)
    lock_k = rng.integers(0, n_opts[chosen] + 1)
    locks = pd.DataFrame(
        {
            "candidate_id": ids[chosen],
            "option": np.where(lock_k == 0, "none", np.char.add("opt_", lock_k.astype(str))),
        }
    )
    return Workbook(
        budgets=budgets,
        resources=resources_df,
        targets=targets_df,
        candidates=candidates,
        contributions=contributions,
        options=options,
        locks=locks,
        floors=pd.DataFrame({"district": ["D1"], "min_share": [0.15]}),
        settings={"pool_share": 0.2, "award_prudence": 1.0},
    )

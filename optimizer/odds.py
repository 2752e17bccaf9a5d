"""The chance of reaching a target: exact Poisson-binomial tail for whole-number values, else a normal approximation."""

from __future__ import annotations

import math
from functools import reduce

import numpy as np

# Above this many (candidates × goal units) the exact tail would be slow; use the approximation.
EXACT_WORK_LIMIT = 200_000_000


# Whole numbers above this are not exact in a float, nor safe in int64 arithmetic.
_LARGEST_WHOLE = 2.0**53


def _as_integers(values: np.ndarray) -> np.ndarray | None:
    """The values as int64 when every one is a whole number from 1 to 2**53, else None.

    A value that rounds to 0 (1e-20) would give a unit of 0, and one past 2**53 (1e300) would not
    fit in int64: both go to the normal approximation instead of raising.
    """
    rounded = np.round(values)
    if np.any(rounded < 1) or np.any(rounded > _LARGEST_WHOLE):
        return None
    if np.all(np.abs(values - rounded) <= 1e-9 * np.maximum(1.0, np.abs(values))):
        return rounded.astype(np.int64)
    return None


def prob_at_least(values: np.ndarray, probs: np.ndarray, goal: float) -> tuple[float, str]:
    """P(Σ_i value_i × X_i ≥ goal) for independent successes X_i ~ Bernoulli(probs_i).

    Parameters
    ----------
    values : ndarray
        What each candidate adds on success (≥ 0).
    probs : ndarray
        Each candidate's success probability.
    goal : float
        The target's goal.

    Returns
    -------
    (float, str)
        The probability and how it was computed: ``"exact"`` (dynamic programming over the number of
        goal units reached, after dividing all values by their greatest common divisor) when every value
        is a whole number, else ``"normal_approx"`` (normal distribution with the same mean and
        variance, no continuity correction).
    """
    values = np.asarray(values, dtype=float)
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, 1.0)
    keep = (values > 0) & (probs > 0)
    values, probs = values[keep], probs[keep]
    if goal <= 0:
        return 1.0, "exact"
    if len(values) == 0:
        return 0.0, "exact"
    ints = _as_integers(values)
    if ints is not None:
        unit = reduce(math.gcd, ints.tolist())
        cap = math.ceil(goal / unit - 1e-9)  # goal in units; state `cap` means "reached"
        steps = ints // unit
        if cap <= 0:
            return 1.0, "exact"
        if len(steps) * cap <= EXACT_WORK_LIMIT:
            return _tail_exact(steps, probs, cap), "exact"
    # In units of the largest value, so that squaring cannot overflow (values up to 1e300).
    scale = float(values.max())
    values, goal = values / scale, goal / scale
    mean = float(values @ probs)
    var = float((values**2) @ (probs * (1 - probs)))
    if var <= 0:
        return (1.0 if mean >= goal - 1e-9 / scale else 0.0), "normal_approx"
    z = (goal - mean) / math.sqrt(var)
    return 0.5 * math.erfc(z / math.sqrt(2)), "normal_approx"


def _tail_exact(steps: np.ndarray, probs: np.ndarray, cap: int) -> float:
    # dist[s] = P(s units so far) for s < cap; dist[cap] = P(at least cap units).
    dist = np.zeros(cap + 1)
    dist[0] = 1.0
    # Certain successes just shift the start.
    sure = probs >= 1.0
    start = int(steps[sure].sum())
    if start >= cap:
        return 1.0
    dist[:] = 0.0
    dist[start] = 1.0
    for v, p in zip(steps[~sure].tolist(), probs[~sure].tolist(), strict=True):
        moved = p * dist
        dist *= 1.0 - p
        if v >= cap:
            dist[cap] += moved.sum()
            continue
        dist[v:cap] += moved[: cap - v]
        dist[cap] += moved[cap - v :].sum()
    return float(min(1.0, max(0.0, dist[cap])))

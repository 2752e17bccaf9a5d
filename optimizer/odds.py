"""The chance of reaching a target: exact Poisson-binomial tail for whole-number values, else a normal
approximation; with ``rho`` > 0 under docs/workbook.md's one-factor model of good and bad years."""

from __future__ import annotations

import math
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

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


def prob_at_least(
    values: np.ndarray, probs: np.ndarray, goal: float, rho: float = 0.0
) -> tuple[float, str]:
    """P(Σ_i value_i × X_i ≥ goal) for successes X_i ~ Bernoulli(probs_i), independent (ρ = 0) or
    independent given the year factor (ρ > 0, docs/workbook.md; see `prob_at_least_years`).

    Parameters
    ----------
    values : ndarray
        What each candidate adds on success (≥ 0).
    probs : ndarray
        Each candidate's success probability.
    goal : float
        The target's goal.
    rho : float, default 0
        The ``correlation`` setting, in [0, 1).

    Returns
    -------
    (float, str)
        The probability and how it was computed: ``"exact"`` (dynamic programming over the number of
        goal units reached, after dividing all values by their greatest common divisor) when every value
        is a whole number, else ``"normal_approx"`` (normal distribution with the same mean and
        variance, no continuity correction).
    """
    if rho > 0:
        p, how, _ = prob_at_least_years(values, probs, goal, rho)
        return p, how
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


# A count target (every value the same) over at least this many uncertain candidates takes the blocked
# computation (`_tail_exact_blocks`): one Python step per BLOCK candidates instead of one per candidate.
# From one block on it is the faster (0.97 against 1.05 ms at 130 candidates, 1.2 against 2.8 ms at 337).
BLOCKED_MIN = 128
BLOCK = 128


def _tail_exact(steps: np.ndarray, probs: np.ndarray, cap: int) -> float:
    # dist[s] = P(s units so far) for s < cap; dist[cap] = P(at least cap units).
    dist = np.zeros(cap + 1)
    dist[0] = 1.0
    # Certain successes just shift the start.
    sure = probs >= 1.0
    start = int(steps[sure].sum())
    if start >= cap:
        return 1.0
    if (~sure).sum() >= BLOCKED_MIN and np.all(steps == 1):
        return _tail_exact_blocks(probs[~sure], cap - start)
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


def _tail_exact_blocks(probs: np.ndarray, cap: int) -> float:
    """P(at least ``cap`` successes) of independent Bernoullis, exactly, in blocks.

    The same distribution as `_tail_exact`'s loop (every term a sum of products of non-negative
    numbers, so no cancellation; the figures agree to rounding), but the per-candidate Python step
    is gone: the success-count distribution of each block of BLOCK candidates comes from a pairwise
    product tree over all blocks at once, and the blocks are then folded into the running
    distribution one `np.convolve` each (capped at ``cap``: the mass reaching it is added directly).
    """
    m = len(probs)
    p = np.concatenate([probs, np.zeros((-m) % BLOCK)])  # p = 0 adds nothing
    polys = np.stack([1.0 - p, p], axis=1)  # (candidates, 2): the count's distribution each
    while polys.shape[1] < BLOCK + 1:  # widths 2, 3, 5, ..., BLOCK + 1
        a, b = polys[0::2], polys[1::2]
        width = a.shape[1]
        out = np.zeros((len(a), 2 * width - 1))
        for j in range(width):
            out[:, j : j + width] += a * b[:, j : j + 1]
        polys = out
    dist = np.zeros(cap + 1)
    dist[0] = 1.0
    for q in polys:
        # tail[k] = P(the block adds at least k), k = 0..BLOCK
        tail = np.cumsum(q[::-1])[::-1]
        low = max(0, cap - BLOCK)
        reach = float(dist[low:cap] @ tail[cap - np.arange(low, cap)])
        dist[:cap] = np.convolve(dist[:cap], q)[:cap]
        dist[cap] += reach
    return float(min(1.0, max(0.0, dist[cap])))


# --- Good and bad years: the one-factor Gaussian model (docs/workbook.md, "Years move together") ------

# The integral over the year factor z is to this accuracy (docs/workbook.md asks for 1e-4; aim finer).
YEAR_TOLERANCE = 1e-5
# z beyond ±_Z_SPAN carries less than 1e-18 of the probability mass.
_Z_SPAN = 9.0
_FIRST_PANELS = 12
_MAX_ROUNDS = 40
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(8)


# The normal distribution's Φ and Φ⁻¹. SciPy's special functions when something has loaded them (the
# dashboard, the analyses and the chance objective do: `solve_chance` evaluates thousands of plans,
# and SciPy is four times as fast per element); else the standard library's: C's erfc applied element
# by element (the formula SciPy's ndtr uses, Φ(x) = erfc(−x/√2)/2) and `statistics.NormalDist.inv_cdf`
# (Wichura's AS241). Importing SciPy costs a third of a second, more than all the odds of the demo's
# plan take this way (the command line; docs/optimizer.md, "The demo workbook end to end"). The two
# agree to 1e-16 relative, 1e-13 far in the tails (tests/test_odds.py).
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_STANDARD_NORMAL = statistics.NormalDist()


def _loaded_special() -> Any:
    special = sys.modules.get("scipy.special")
    # A module another thread is still importing has not all its names yet.
    return special if hasattr(special, "ndtri") and hasattr(special, "ndtr") else None


def normal_cdf(x: np.ndarray | float) -> np.ndarray:
    """Φ(x) elementwise, as a float array of x's shape (Φ(−inf) = 0, Φ(inf) = 1, NaN stays NaN)."""
    x = np.asarray(x, dtype=float)
    special = _loaded_special()
    if special is not None:
        return np.asarray(special.ndtr(x), dtype=float)
    return 0.5 * np.asarray(_ERFC(-x / math.sqrt(2)), dtype=float)


def normal_ppf(p: np.ndarray | float) -> np.ndarray:
    """Φ⁻¹(p) elementwise for p in [0, 1] (−inf at 0, inf at 1; NaN outside or for NaN)."""
    p = np.asarray(p, dtype=float)
    special = _loaded_special()
    if special is not None:
        with np.errstate(invalid="ignore"):
            return np.asarray(special.ndtri(p), dtype=float)
    inside = (p > 0) & (p < 1)
    out = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, np.nan))
    out[inside] = [_STANDARD_NORMAL.inv_cdf(v) for v in p[inside].tolist()]
    return out


def conditional_probs(probs: np.ndarray, z: np.ndarray, rho: float) -> np.ndarray:
    """P(success | year factor z) = Φ((Φ⁻¹(p) − √ρ·z) / √(1 − ρ)) for every z (rows) and p (columns).

    A probability of 0 or 1 stays so; z = ±inf gives the limits (every uncertain success certain in
    the best year, impossible in the worst). ρ = 0 returns the probabilities unchanged.
    """
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, 1.0)
    z = np.atleast_1d(np.asarray(z, dtype=float))
    if rho <= 0:
        return np.broadcast_to(probs, (len(z), len(probs))).copy()
    # Φ and Φ⁻¹ once per distinct probability (a target's candidates share a few dozen to a few
    # hundred: 2,696 of the demo plan's are 1,162), then spread to every candidate: the same numbers.
    distinct, where = np.unique(probs, return_inverse=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shifted = (normal_ppf(distinct)[None, :] - math.sqrt(rho) * z[:, None]) / math.sqrt(1 - rho)
        out = normal_cdf(shifted)[:, where.ravel()]
    sure = probs >= 1.0
    out[:, sure] = 1.0
    out[:, probs <= 0.0] = 0.0
    return out


def tail_given_year(values: np.ndarray, probs: np.ndarray, goal: float) -> tuple[np.ndarray, str]:
    """P(Σ value × success ≥ goal) for each row of ``probs`` (one row per year factor), independent
    successes within a row: the exact tail for whole-number values, else the normal approximation."""
    values = np.asarray(values, dtype=float)
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    rows = probs.shape[0]
    if goal <= 0:
        return np.ones(rows), "exact"
    keep = (values > 0) & np.any(probs > 0, axis=0)
    values, probs = values[keep], probs[:, keep]
    if len(values) == 0:
        return np.zeros(rows), "exact"
    ints = _as_integers(values)
    if ints is not None:
        unit = reduce(math.gcd, ints.tolist())
        cap = math.ceil(goal / unit - 1e-9)
        steps = ints // unit
        if cap <= 0:
            return np.ones(rows), "exact"
        if len(steps) * cap <= EXACT_WORK_LIMIT:
            # In chunks of rows, so that the distributions stay small in memory.
            chunk = max(1, 2_000_000 // (cap + 1))
            parts = [
                _tail_exact_rows(steps, probs[s : s + chunk], cap) for s in range(0, rows, chunk)
            ]
            return np.concatenate(parts), "exact"
    scale = float(values.max())
    v, g = values / scale, goal / scale
    mean = probs @ v
    var = (probs * (1 - probs)) @ (v**2)
    out = np.where(mean >= g - 1e-9 / scale, 1.0, 0.0)
    spread = var > 0
    z = (g - mean[spread]) / np.sqrt(var[spread])
    out[spread] = normal_cdf(-z)
    return out, "normal_approx"


def _tail_exact_rows(steps: np.ndarray, probs: np.ndarray, cap: int) -> np.ndarray:
    return np.clip(distribution_rows(steps, probs, cap)[:, cap], 0.0, 1.0)


def distribution_rows(steps: np.ndarray, probs: np.ndarray, cap: int) -> np.ndarray:
    """(rows, cap + 1): P(S = s) for s < cap and P(S ≥ cap) last, for S = Σ steps × success with
    independent successes, one row of probabilities per row (as `_tail_exact`, vectorised over rows;
    certain successes, p = 1 in every row, shift the start).

    Candidates of small steps (count targets: every step 1) are multiplied out in a product tree,
    all rows and all pairs of a level at once (`_tree_product`); the few of larger steps are then
    added one at a time (`_add_one_by_one`). Both are exact up to rounding, like the candidate by
    candidate loop they replace (tests/test_odds.py holds them to it).
    """
    rows = probs.shape[0]
    sure = np.all(probs >= 1.0, axis=0)
    start = int(steps[sure].sum())
    dist = np.zeros((rows, cap + 1))
    if start >= cap:
        dist[:, cap] = 1.0
        return dist
    steps, probs = steps[~sure], probs[:, ~sure]
    room = cap - start
    # Term by term (fewer rows than the FFT wants), a leaf of width w costs w times a loop's step:
    # only count candidates go through the tree then.
    small = steps <= (_TREE_STEP if rows >= _FFT_MIN_ROWS else 1)
    if small.any():
        part = _tree_product(steps[small], probs[:, small], room)
    else:
        part = np.ones((rows, 1))
    width = part.shape[1]
    dist[:, start : start + width] = part
    return _add_one_by_one(dist, steps[~small], probs[:, ~small], cap)


def _add_one_by_one(dist: np.ndarray, steps: np.ndarray, probs: np.ndarray, cap: int) -> np.ndarray:
    """``dist`` (rows, cap + 1, last column "at least cap") with each candidate added in turn."""
    for v, p in zip(steps.tolist(), probs.T, strict=True):
        moved = p[:, None] * dist
        dist *= (1.0 - p)[:, None]
        if v >= cap:
            dist[:, cap] += moved.sum(axis=1)
            continue
        dist[:, v:cap] += moved[:, : cap - v]
        dist[:, cap] += moved[:, cap - v :].sum(axis=1)
    return dist


# Candidates of a step up to this go through the product tree; larger steps would widen every leaf.
_TREE_STEP = 8
# Products of distributions at most this wide, or for fewer rows than _FFT_MIN_ROWS, are convolved
# term by term; the others by FFT.
_DIRECT_WIDTH = 64
_FFT_MIN_ROWS = 8
# A tree level holds at most about this many numbers (rows × pairs × width) at once.
_TREE_CHUNK = 4_000_000


def _tree_product(steps: np.ndarray, probs: np.ndarray, cap: int) -> np.ndarray:
    """The distribution of S = Σ steps × success capped at ``cap`` for each row of ``probs``: (rows,
    w) with w ≤ cap + 1, P(S = s) in column s; when w = cap + 1 the last column is P(S ≥ cap).

    A pairwise product tree: each level multiplies neighbouring distributions, every row and pair
    in one numpy operation, and caps at ``cap`` (`_multiply_capped`). Its Python steps grow with
    the logarithm of the number of candidates, not with the number. Distributions are held as
    (width, candidates, rows), so that every operation runs along contiguous rows.
    """
    rows, m = probs.shape
    width = min(int(steps.max()), cap) + 1
    per_chunk = max(2, _TREE_CHUNK // max(1, 2 * rows * width))
    parts = []
    for s in range(0, m, per_chunk):
        chunk = probs[:, s : s + per_chunk].T  # (candidates, rows)
        leaves = np.zeros((width, len(chunk), rows))
        leaves[0] = 1.0 - chunk
        # A step at or past the cap lands in the "at least cap" column.
        leaves[np.minimum(steps[s : s + per_chunk], cap), np.arange(len(chunk))] = chunk
        parts.append(_reduce(leaves, cap))
    if len(parts) > 1:
        wide = max(part.shape[0] for part in parts)
        stacked = np.zeros((wide, len(parts), rows))
        for i, part in enumerate(parts):
            stacked[: part.shape[0], i] = part
        parts = [_reduce(stacked, cap)]
    return parts[0].T


def _reduce(polys: np.ndarray, cap: int) -> np.ndarray:
    # (w, m, rows) distributions → (w', rows) their product, capped at ``cap``.
    while polys.shape[1] > 1:
        if polys.shape[1] % 2:
            one = np.zeros((polys.shape[0], 1, polys.shape[2]))
            one[0] = 1.0
            polys = np.concatenate([polys, one], axis=1)
        polys = _multiply_capped(polys[:, 0::2], polys[:, 1::2], cap)
    return polys[:, 0]


def _multiply_capped(a: np.ndarray, b: np.ndarray, cap: int) -> np.ndarray:
    """The distribution of A + B capped at ``cap`` for independent A, B given as (w, ...) arrays
    (each w ≤ cap + 1; a row at index cap holds P(≥ cap)).

    Below the cap the convolution; the cap row is Σ_i P(A = i) P(B ≥ cap − i), a sum of products
    of non-negative numbers, so no tail is got by subtracting from 1.
    """
    w = a.shape[0]
    full = 2 * w - 1
    if full <= cap:  # nothing reaches the cap
        return _convolve(a, b, full)
    out = np.empty((cap + 1,) + a.shape[1:])
    out[:cap] = _convolve(a, b, full)[:cap]
    # tail_b[k] = P(B ≥ k) for k = 0..w, the last 0.
    tail_b = np.zeros((w + 1,) + b.shape[1:])
    tail_b[:w] = np.cumsum(b[::-1], axis=0)[::-1]
    need = np.clip(cap - np.arange(w), 0, w)
    out[cap] = np.einsum("i...,i...->...", a, tail_b[need])
    return out


def _convolve(a: np.ndarray, b: np.ndarray, full: int) -> np.ndarray:
    w = a.shape[0]
    # Term by term, every figure is a sum of products of non-negative numbers, right to its last
    # digits however small; the FFT is right to about 1e-16 of the largest. It is used where it
    # saves the most time and that is enough: wide distributions at many year-factor nodes at once
    # (a tail of 1e-30 at an extreme node weighs nothing in the year integral).
    if w <= _DIRECT_WIDTH or a.shape[-1] < _FFT_MIN_ROWS:
        out = np.zeros((full,) + a.shape[1:])
        for j in range(w):
            out[j : j + w] += a * b[j]
        return out
    n = 1 << (full - 1).bit_length()  # no wrap-around: n ≥ 2w − 1
    out = np.fft.irfft(np.fft.rfft(a, n, axis=0) * np.fft.rfft(b, n, axis=0), n, axis=0)[:full]
    # Rounding in the transform can leave −1e-17 where a probability is 0.
    return np.maximum(out, 0.0)


@dataclass
class YearIntegral:
    """∫ f(z) φ(z) dz and the rule that computed it: ``value = weights @ f`` over the nodes ``z``."""

    value: float
    error: float  # estimated: Σ over pieces of |one 8-point rule − two 8-point rules on its halves|
    z: np.ndarray
    weights: np.ndarray  # Gauss–Legendre weight × φ(z); they sum to 1 (to 1e-15)
    f: np.ndarray


def _gauss(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # (pieces, 8) nodes and weights × φ of the 8-point Gauss–Legendre rule on each [a, b].
    half = ((b - a) / 2)[:, None]
    z = ((a + b) / 2)[:, None] + half * _GL_NODES[None, :]
    w = half * _GL_WEIGHTS[None, :] * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return z, w


def integrate_year(
    f: Callable[[np.ndarray], np.ndarray], tolerance: float = YEAR_TOLERANCE
) -> YearIntegral:
    """Integrate f(z) ∈ [0, 1] against the standard normal density by adaptive Gauss–Legendre.

    Each piece of [−9, 9] is compared with the same rule on its two halves and halved again until the
    differences add up to less than ``tolerance``. A fixed Gauss–Hermite rule is not used: with many
    candidates P(meet | z) is a steep step in z, which no fixed node set resolves to 1e-4
    (docs/probabilities.md).
    """
    edges = np.linspace(-_Z_SPAN, _Z_SPAN, _FIRST_PANELS + 1)
    f_edges = np.asarray(f(edges), dtype=float)
    # f is monotone: a piece whose two ends agree is flat throughout, and costs no evaluation.
    flat = np.abs(f_edges[:-1] - f_edges[1:]) <= 1e-14
    done_z: list[np.ndarray] = []
    done_w: list[np.ndarray] = []
    done_f: list[np.ndarray] = []
    if flat.any():
        fz, fw = _gauss(edges[:-1][flat], edges[1:][flat])
        done_z.append(fz.ravel())
        done_w.append(fw.ravel())
        done_f.append(np.repeat(f_edges[:-1][flat], fz.shape[1]))
    a, b = edges[:-1][~flat], edges[1:][~flat]
    z, w = _gauss(a, b)
    fz = np.asarray(f(z.ravel()), dtype=float).reshape(z.shape)
    whole = (w * fz).sum(axis=1)
    error = 0.0
    for round_ in range(_MAX_ROUNDS):
        if len(a) == 0:
            break
        mid = (a + b) / 2
        za, wa = _gauss(a, mid)
        zb, wb = _gauss(mid, b)
        halves_z = np.concatenate([za, zb], axis=1)
        halves_w = np.concatenate([wa, wb], axis=1)
        halves_f = np.asarray(f(halves_z.ravel()), dtype=float).reshape(halves_z.shape)
        finer = (halves_w * halves_f).sum(axis=1)
        diff = np.abs(finer - whole)
        # A piece is done when its difference is below its share of the tolerance (by width).
        share = tolerance * (b - a) / (2 * _Z_SPAN)
        ok = (diff <= share) | (round_ == _MAX_ROUNDS - 1)
        error += float(diff[ok].sum())
        done_z.append(halves_z[ok].ravel())
        done_w.append(halves_w[ok].ravel())
        done_f.append(halves_f[ok].ravel())
        if ok.all():
            break
        keep = ~ok
        a = np.concatenate([a[keep], mid[keep]])
        b = np.concatenate([mid[keep], b[keep]])
        whole = np.concatenate(
            [(wa * halves_f[:, :8])[keep].sum(axis=1), (wb * halves_f[:, 8:])[keep].sum(axis=1)]
        )
    zs, ws, fs = np.concatenate(done_z), np.concatenate(done_w), np.concatenate(done_f)
    order = np.argsort(zs)
    value = float(ws @ fs)
    return YearIntegral(
        value=min(1.0, max(0.0, value)), error=error, z=zs[order], weights=ws[order], f=fs[order]
    )


def prob_at_least_years(
    values: np.ndarray,
    probs: np.ndarray,
    goal: float,
    rho: float,
    tolerance: float = YEAR_TOLERANCE,
) -> tuple[float, str, YearIntegral | None]:
    """`prob_at_least` under the one-factor model with correlation ρ, with the year integral used.

    ρ = 0 is today's independent calculation, value for value (no integral: ``None``).
    """
    if rho <= 0:
        p, method = prob_at_least(values, probs, goal)
        return p, method, None
    values = np.asarray(values, dtype=float)
    probs = np.clip(np.asarray(probs, dtype=float), 0.0, 1.0)
    keep = (values > 0) & (probs > 0)
    values, probs = values[keep], probs[keep]
    methods: list[str] = []

    def given(z: np.ndarray) -> np.ndarray:
        tail, method = tail_given_year(values, conditional_probs(probs, z, rho), goal)
        methods.append(method)
        return tail

    integral = integrate_year(given, tolerance)
    method = "normal_approx" if "normal_approx" in methods else "exact"
    return integral.value, method, integral

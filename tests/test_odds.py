"""The chance of meeting a target: exact Poisson-binomial tail against direct enumeration of outcomes."""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
import pytest

from optimizer.odds import (
    conditional_probs,
    distribution_rows,
    normal_cdf,
    normal_ppf,
    prob_at_least,
    prob_at_least_years,
    tail_given_year,
)


def enumerate_tail(values, probs, goal):
    """P(Σ value × success ≥ goal) by listing every combination of successes and failures."""
    total = 0.0
    for outcome in itertools.product([0, 1], repeat=len(values)):
        chance = math.prod(p if s else 1 - p for s, p in zip(outcome, probs, strict=True))
        if sum(v * s for v, s in zip(values, outcome, strict=True)) >= goal - 1e-9:
            total += chance
    return total


@pytest.mark.parametrize("seed", range(40))
def test_exact_tail_equals_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 11))
    values = rng.choice([1, 1, 1, 2, 3, 4, 6], n).astype(float)
    probs = rng.choice([0.0, 0.1, 0.35, 0.5, 0.8, 1.0], n) if seed % 3 == 0 else rng.random(n)
    goal = float(rng.integers(1, int(values.sum()) + 2))
    p, method = prob_at_least(values, probs, goal)
    assert method == "exact"
    assert p == pytest.approx(enumerate_tail(values, probs, goal), abs=1e-12)


def test_common_divisor_and_fractional_goal():
    # Values 2 and 4 with goal 5: success means at least 6, i.e. 3 units of 2.
    values, probs = np.array([2.0, 4.0, 2.0]), np.array([0.5, 0.5, 0.5])
    p, method = prob_at_least(values, probs, 5)
    assert method == "exact"
    assert p == pytest.approx(enumerate_tail(values, probs, 5))


def test_edge_cases():
    assert prob_at_least(np.array([1.0, 1.0]), np.array([1.0, 1.0]), 2) == (1.0, "exact")
    assert prob_at_least(np.array([1.0]), np.array([0.0]), 1) == (0.0, "exact")
    assert prob_at_least(np.array([]), np.array([]), 3) == (0.0, "exact")
    p, _ = prob_at_least(np.array([1.0] * 3), np.array([0.5] * 3), 3)
    assert p == pytest.approx(0.125)


def test_amounts_use_a_labelled_normal_approximation():
    rng = np.random.default_rng(1)
    values = rng.uniform(100, 900, 200).round(1) + 0.05
    probs = rng.uniform(0.2, 0.9, 200)
    mean = float(values @ probs)
    p, method = prob_at_least(values, probs, mean)
    assert method == "normal_approx"
    assert p == pytest.approx(0.5, abs=1e-9)
    p_low, _ = prob_at_least(values, probs, mean * 0.8)
    assert p_low > 0.99
    # On a small case the approximation is in the right neighbourhood of the truth.
    small_v, small_p = values[:12], probs[:12]
    goal = float(small_v @ small_p)
    approx, _ = prob_at_least(small_v, small_p, goal)
    assert approx == pytest.approx(enumerate_tail(small_v, small_p, goal), abs=0.1)


# --- Good and bad years (one-factor Gaussian model, docs/workbook.md) --------------------------------


def simulate_tail(values, probs, goal, rho, draws, seed):
    """P(Σ value × success ≥ goal) by simulating years: z, then independent successes given z."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(draws)
    cond = conditional_probs(probs, z, rho)
    success = rng.random(cond.shape) < cond
    return float(np.mean(success.astype(float) @ values >= goal - 1e-9))


@pytest.mark.parametrize("seed", range(6))
def test_zero_correlation_is_today_value_for_value(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice([1.0, 2.0, 3.0], 30)
    probs = rng.random(30)
    goal = float(values @ probs)
    assert prob_at_least(values, probs, goal, rho=0.0) == prob_at_least(values, probs, goal)
    assert prob_at_least_years(values, probs, goal, 0.0)[2] is None


@pytest.mark.parametrize(("rho", "seed"), [(0.05, 0), (0.2, 1), (0.5, 2), (0.9, 3)])
def test_correlated_odds_match_simulation(rho, seed):
    rng = np.random.default_rng(seed)
    n = 60
    values = rng.choice([1.0, 1.0, 2.0], n)
    probs = rng.choice([0.0, 1.0, 0.2, 0.5, 0.7], n) if seed == 3 else rng.uniform(0.05, 0.9, n)
    goal = float(np.round(values @ probs + 2))
    p, method = prob_at_least(values, probs, goal, rho=rho)
    assert method == "exact"
    draws = 200_000
    simulated = simulate_tail(values, probs, goal, rho, draws, seed)
    # Five standard errors of the simulation.
    assert p == pytest.approx(simulated, abs=5 * math.sqrt(0.25 / draws))


def test_correlation_spreads_the_odds_and_keeps_the_expectation():
    rng = np.random.default_rng(7)
    values, probs = np.ones(300), rng.uniform(0.1, 0.6, 300)
    mean = float(probs.sum())
    easy, hard = mean - 15, mean + 15
    p_easy0, _ = prob_at_least(values, probs, easy)
    p_hard0, _ = prob_at_least(values, probs, hard)
    p_easy, _ = prob_at_least(values, probs, easy, rho=0.2)
    p_hard, _ = prob_at_least(values, probs, hard, rho=0.2)
    # Year swings make a likely goal less sure and an unlikely one less hopeless.
    assert p_easy < p_easy0 and p_hard > p_hard0
    # E_z[P(success | z)] = p: the expectation is unchanged (the integration rule shows it).
    _, _, integral = prob_at_least_years(values, probs, hard, 0.2)
    assert integral is not None
    expected = integral.weights @ conditional_probs(probs, integral.z, 0.2)
    np.testing.assert_allclose(expected, probs, atol=1e-9)


def test_certain_and_impossible_stay_so():
    cond = conditional_probs(np.array([0.0, 1.0, 0.3]), np.array([-3.0, 0.0, 3.0]), 0.6)
    assert np.all(cond[:, 0] == 0.0) and np.all(cond[:, 1] == 1.0)
    assert cond[0, 2] > 0.3 > cond[2, 2]
    # Three certain successes meet a goal of three in every year.
    assert prob_at_least(np.ones(4), np.array([1.0, 1.0, 1.0, 0.0]), 3, rho=0.5)[0] == 1.0
    assert prob_at_least(np.ones(2), np.array([1.0, 0.0]), 2, rho=0.5)[0] == 0.0


@pytest.mark.parametrize("rho", [0.1, 0.8])
def test_year_integral_within_1e_4_of_a_fine_reference(rho):
    # 500 candidates: P(meet | z) is a steep step in z, where a 64-node Gauss–Hermite rule is off by
    # up to 0.05 (docs/probabilities.md); the adaptive rule must stay within 1e-4 of a 6,001-node grid.
    rng = np.random.default_rng(0)
    values, probs, goal = np.ones(500), rng.uniform(0.1, 0.6, 500), 170.0
    p, _ = prob_at_least(values, probs, goal, rho=rho)
    z = np.linspace(-9, 9, 6_001)
    tail, _ = tail_given_year(values, conditional_probs(probs, z, rho), goal)
    w = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    w[[0, -1]] /= 2
    assert p == pytest.approx(float(tail @ w), abs=1e-4)


def test_amount_targets_under_correlation_use_the_normal_approximation():
    rng = np.random.default_rng(3)
    values = rng.uniform(100, 900, 80).round(1) + 0.05
    probs = rng.uniform(0.2, 0.9, 80)
    goal = float(values @ probs) * 0.95
    p, method = prob_at_least(values, probs, goal, rho=0.3)
    assert method == "normal_approx"
    assert p == pytest.approx(simulate_tail(values, probs, goal, 0.3, 100_000, 3), abs=0.03)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_blocked_count_tail_is_the_candidate_by_candidate_one(seed, monkeypatch):
    # optimizer/odds.py: a count target over more than a block of candidates folds blocks, not
    # candidates; here thousands of them
    from optimizer import odds

    rng = np.random.default_rng(seed)
    # Thousands, and from one block (BLOCKED_MIN) to a few, the last block padded.
    for n in (int(rng.integers(2048, 3 * 2048)), int(rng.integers(odds.BLOCKED_MIN, 400))):
        probs = rng.uniform(0.0, rng.uniform(0.01, 0.6), n)
        probs[: 3 * seed] = 1.0  # certain successes shift the start
        steps = np.ones(n, dtype=np.int64)
        blocked_min = odds.BLOCKED_MIN
        for cap in (1, 7, int(probs.sum() * 0.9), int(probs.sum() * 1.1) + 1):
            blocked = odds._tail_exact(steps, probs, cap)
            monkeypatch.setattr(odds, "BLOCKED_MIN", 10**9)
            one_by_one = odds._tail_exact(steps, probs, cap)
            monkeypatch.setattr(odds, "BLOCKED_MIN", blocked_min)
            assert blocked == pytest.approx(one_by_one, rel=1e-12, abs=1e-300)


def _one_by_one_rows(steps, probs, cap):
    """The candidate-by-candidate distribution that `distribution_rows` replaced (the reference)."""
    from optimizer import odds

    dist = np.zeros((probs.shape[0], cap + 1))
    dist[:, 0] = 1.0
    return odds._add_one_by_one(dist, steps, probs, cap)


@pytest.mark.parametrize("seed", range(12))
def test_the_product_tree_is_the_candidate_by_candidate_distribution(seed, monkeypatch):
    # optimizer/odds.py: distribution_rows multiplies small steps out in a product tree, direct and by
    # FFT, in chunks of candidates, capped at the goal; every figure must be the loop's to rounding.
    from optimizer import odds

    rng = np.random.default_rng(seed)
    n, rows = int(rng.integers(1, 900)), int(rng.integers(1, 40))
    cap = int(rng.choice([1, 2, 5, 70, 150, 333]))
    high = [1, 3, 12, 400][seed % 4]  # all ones (a count), small, mixed about _TREE_STEP, large
    steps = rng.integers(1, high + 1, n).astype(np.int64)
    probs = rng.uniform(0.0, 1.0, (rows, n)) ** rng.uniform(0.3, 4.0)
    probs[:, rng.integers(0, n, 2)] = 1.0  # certain in every row: they shift the start
    probs[:, rng.integers(0, n, 2)] = 0.0
    if seed % 3 == 0:  # several chunks, and their own product tree
        monkeypatch.setattr(odds, "_TREE_CHUNK", 5_000)
    got = odds.distribution_rows(steps, probs, cap)
    want = _one_by_one_rows(steps, probs, cap)
    assert got.shape == (rows, cap + 1)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(got >= 0)


def test_the_product_tree_against_enumeration():
    rng = np.random.default_rng(5)
    steps = np.array([1, 1, 2, 1, 3, 1, 9, 1, 1, 2])
    probs = rng.uniform(0.05, 0.95, (3, len(steps)))
    for cap in (1, 4, 9, 30):
        dist = distribution_rows(steps, probs, cap)
        for row in range(3):
            for goal in range(1, cap + 1):
                tail = float(dist[row, goal:].sum())
                assert tail == pytest.approx(enumerate_tail(steps, probs[row], goal), abs=1e-14)


def test_the_standard_library_normal_is_scipys(monkeypatch):
    # optimizer/odds.py computes Φ and Φ⁻¹ without SciPy unless SciPy is loaded (its import costs a
    # third of a second): the two must agree.
    from scipy import special

    from optimizer import odds

    x = np.concatenate([np.linspace(-40, 40, 4001), [-np.inf, np.inf, 0.0, -1e-300, 38.5]])
    p = np.concatenate([np.linspace(0, 1, 2001), [1e-300, 1e-20, 1 - 1e-16, 0.5]])
    assert odds._loaded_special() is special  # loaded: SciPy's own
    np.testing.assert_array_equal(odds.normal_cdf(x), special.ndtr(x))
    np.testing.assert_array_equal(odds.normal_ppf(p), special.ndtri(p))
    monkeypatch.delitem(sys.modules, "scipy.special")  # as in a process that never loaded SciPy
    assert odds._loaded_special() is None
    # Far in the tail (Φ ~ 1e-287) the rounding of x/√2 is amplified ~x² times, in either library.
    np.testing.assert_allclose(odds.normal_cdf(x), special.ndtr(x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(odds.normal_ppf(p), special.ndtri(p), rtol=1e-12, atol=1e-13)
    assert odds.normal_ppf(0.0) == -np.inf and odds.normal_ppf(1.0) == np.inf
    assert np.isnan(odds.normal_ppf(np.array([np.nan, -0.1, 1.1]))).all()
    assert np.isnan(odds.normal_cdf(np.nan)) and odds.normal_cdf(np.array([[0.0]])).shape == (1, 1)


def test_conditional_probs_work_once_per_distinct_probability():
    # Φ and Φ⁻¹ are taken once per distinct probability and spread to the candidates that share it:
    # the same numbers, bit for bit, as taking them candidate by candidate (0, 1 and ±inf years too).
    rng = np.random.default_rng(17)
    for trial in range(100):
        pool = np.r_[0.0, 1.0, rng.random(int(rng.integers(1, 40)))]
        probs = rng.choice(pool, size=int(rng.integers(1, 200))) if trial % 3 else rng.random(50)
        z = np.r_[rng.normal(size=int(rng.integers(1, 12))) * 3, np.inf, -np.inf]
        rho = float(rng.choice([0.05, 0.15, 0.5, 0.9]))
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = (normal_ppf(probs)[None, :] - math.sqrt(rho) * z[:, None]) / math.sqrt(
                1 - rho
            )
            one_by_one = normal_cdf(shifted)
        one_by_one[:, probs >= 1] = 1.0
        one_by_one[:, probs <= 0] = 0.0
        assert np.array_equal(conditional_probs(probs, z, rho), one_by_one, equal_nan=True)

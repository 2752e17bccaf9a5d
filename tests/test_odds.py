"""The chance of meeting a target: exact Poisson-binomial tail against direct enumeration of outcomes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from optimizer.odds import prob_at_least


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

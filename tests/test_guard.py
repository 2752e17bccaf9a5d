"""The hard deadline around solver calls: results come back, overruns and crashes give the fallback."""

from __future__ import annotations

import time

import numpy as np

from optimizer.guard import call_with_deadline


def test_a_call_within_its_deadline_returns_its_result():
    assert call_with_deadline(lambda: np.arange(5) * 2, 10.0, None).tolist() == [0, 2, 4, 6, 8]


def test_an_overrunning_call_is_killed_and_gives_the_fallback():
    started = time.monotonic()
    assert call_with_deadline(lambda: time.sleep(30), 0.5, "kept") == "kept"
    assert time.monotonic() - started < 5


def test_a_call_that_raises_gives_the_fallback():
    def fails():
        raise RuntimeError("solver crashed")

    assert call_with_deadline(fails, 10.0, "kept") == "kept"


def test_a_large_result_is_read_whole():
    big = np.random.default_rng(1).random(300_000)
    assert np.array_equal(call_with_deadline(lambda: big, 20.0, None), big)

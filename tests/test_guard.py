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


def test_calls_from_two_threads_at_once_both_get_their_results():
    """A fork by one thread must not keep another thread's pipe open (its caller would wait out the
    deadline and lose the finished result): the dashboard's background solver forks while live solves
    fork."""
    import threading
    import time

    ballast = bytearray(200 * 2**20)  # a dashboard-sized process: a fork takes a few milliseconds
    stop = threading.Event()
    lost = {"background": 0, "foreground": 0}

    def background() -> None:
        while not stop.is_set():
            if call_with_deadline(lambda: (time.sleep(4), "bg")[1], 30.0, None) is None:
                lost["background"] += 1

    # Eight callers keep long-lived children coming (a fork every half second or so), as the live
    # solves and the background worker of a busy dashboard do.
    workers = [threading.Thread(target=background, daemon=True) for _ in range(8)]
    for worker in workers:
        worker.start()
    try:
        # A quick call whose pipe leaked into a background child would wait for that child (up to 4 s)
        # and run out its own 2 s deadline; an honest one returns in milliseconds even on a machine
        # several times slower than this one.
        for _ in range(300):
            if call_with_deadline(lambda: "ok", 2.0, None) is None:
                lost["foreground"] += 1
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
    assert lost == {"background": 0, "foreground": 0}
    assert len(ballast)


def test_without_the_redirection_solver_calls_of_two_threads_do_not_queue():
    import threading

    from optimizer.quiet import quiet_stdout, set_quiet

    inside = threading.Event()
    leave = threading.Event()

    def hold() -> None:
        with quiet_stdout():
            inside.set()
            leave.wait(10)

    for enabled, expect_waiting in ((True, True), (False, False)):
        set_quiet(enabled)
        inside.clear()
        leave.clear()
        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert inside.wait(10)
            entered = threading.Event()

            def enter(flag: threading.Event = entered) -> None:
                with quiet_stdout():
                    flag.set()

            other = threading.Thread(target=enter)
            other.start()
            assert entered.wait(0.5) is not expect_waiting
        finally:
            leave.set()
            holder.join(10)
            other.join(10)
    set_quiet(True)

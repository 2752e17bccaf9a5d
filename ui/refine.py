"""Finishing plans in the background: the pages answer a slider move with a quick ("live") solve, and a
plan the live solve could not prove within the gap is solved again with the full time limit here, in a
worker thread shared by every session; the page picks the finished plan up when it is ready.

No Streamlit calls happen in the worker (it has no script context): it runs a plain function that
returns plain data. Results are kept process-wide, keyed by the workbook's fingerprint and the settings
key, so every session and every page that asks for the same settings gets the same finished plan.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class _Job:
    solve: Callable[[], Any]
    state: str = QUEUED
    error: str = ""
    failed_at: float = 0.0


class Refiner(Generic[T]):
    """One worker thread that runs solve jobs newest first and keeps the latest results.

    Parameters
    ----------
    max_results : int
        Finished results kept (least recently used dropped first).
    max_queued : int
        Jobs waiting at most; when more are asked for, the oldest waiting one is dropped (a planner
        who moved the slider on no longer looks at it; asking again queues it again).
    retry_after : float
        Seconds after which a failed job may be asked for again (until then it stays ``failed``).
    """

    def __init__(self, max_results: int = 64, max_queued: int = 16, retry_after: float = 60.0):
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._results: OrderedDict[str, T] = OrderedDict()
        self._jobs: OrderedDict[str, _Job] = OrderedDict()  # waiting, running and failed jobs
        self._max_results = max_results
        self._max_queued = max_queued
        self._retry_after = retry_after
        self._worker: threading.Thread | None = None

    def result(self, key: str) -> T | None:
        """The finished result for ``key``, or None."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            return None

    def state(self, key: str) -> str:
        """``done``, ``running``, ``queued``, ``failed`` or ``""`` (never asked for, or dropped)."""
        with self._lock:
            if key in self._results:
                return DONE
            job = self._jobs.get(key)
            return job.state if job is not None else ""

    def error(self, key: str) -> str:
        """Why the job for ``key`` failed (empty unless its state is ``failed``)."""
        with self._lock:
            job = self._jobs.get(key)
            return job.error if job is not None else ""

    def request(self, key: str, solve: Callable[[], T]) -> str:
        """Queue ``solve()`` for ``key`` unless it is done, running or waiting; returns the state."""
        with self._lock:
            if key in self._results:
                return DONE
            job = self._jobs.get(key)
            retry = (
                job is not None
                and job.state == FAILED
                and time.monotonic() - job.failed_at > self._retry_after
            )
            if job is not None and not retry:
                if job.state == QUEUED:
                    self._jobs.move_to_end(key)  # asked again: it is the newest now
                    self._ensure_worker()
                return job.state
            self._jobs[key] = _Job(solve)
            self._jobs.move_to_end(key)
            waiting = [k for k, j in self._jobs.items() if j.state == QUEUED]
            for old in waiting[: max(0, len(waiting) - self._max_queued)]:
                del self._jobs[old]
            failed = [k for k, j in self._jobs.items() if j.state == FAILED]
            for old in failed[: max(0, len(failed) - self._max_results)]:
                del self._jobs[old]
            self._ensure_worker()
            self._wake.notify()
            return QUEUED

    def _ensure_worker(self) -> None:
        """Start the worker thread if there is none (first job, idle exit, or a crash). Lock held."""
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="plan-refiner", daemon=True)
            self._worker.start()

    def wait(self, key: str, timeout: float) -> str:
        """Block until the job for ``key`` is done or failed, or ``timeout`` seconds pass; its state."""
        with self._wake:
            self._wake.wait_for(
                lambda: (
                    key in self._results
                    or (key in self._jobs and self._jobs[key].state == FAILED)
                    or key not in self._jobs
                ),
                timeout=timeout,
            )
        return self.state(key)

    def _next(self) -> tuple[str, _Job] | None:
        waiting = [(k, j) for k, j in self._jobs.items() if j.state == QUEUED]
        return waiting[-1] if waiting else None

    def _work(self) -> None:
        while True:
            with self._wake:
                if not self._wake.wait_for(lambda: self._next() is not None, timeout=60.0):
                    self._worker = None  # idle for a minute: let the thread end
                    return
                picked = self._next()
                if picked is None:  # wait_for saw a queued job under this same lock: cannot happen
                    continue
                key, job = picked
                job.state = RUNNING
            try:
                value = job.solve()
            except BaseException as exc:  # a failed refinement leaves the live plan on screen
                with self._wake:
                    job.state, job.error = FAILED, f"{type(exc).__name__}: {exc}"
                    job.failed_at = time.monotonic()
                    self._wake.notify_all()
                if not isinstance(exc, Exception):
                    raise  # SystemExit and the like end the worker; the next request starts one
                continue
            with self._wake:
                self._results[key] = value
                self._results.move_to_end(key)
                while len(self._results) > self._max_results:
                    self._results.popitem(last=False)
                self._jobs.pop(key, None)
                self._wake.notify_all()

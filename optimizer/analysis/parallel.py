"""Analyses' re-solves on the executor: ship a `PlanModel` to the workers once, solve there.

A `PlanModel` travels as pickled bytes without its solver objects (`PlanModel.__getstate__`); a
worker unpickles it once per analysis token and keeps it (`optimizer.executor.cached`), builds its
own HiGHS model on the first re-solve and re-uses it for the next (hot-started LPs, as in one
process). Jobs are grouped in a few chunks per worker so the model's bytes go out a few times, not
once per re-solve. Small models stay in the calling process: a pool is not worth its overhead there.
See docs/analytics.md.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from optimizer.executor import SCHEDULER_ENV, Executor, cached, default_executor

from .model import PlanModel

# Models with fewer option columns than this are re-solved in the calling process by default (a
# re-solve there takes milliseconds; shipping the model would take longer).
PARALLEL_MIN_COLUMNS = 2_000


@dataclass(frozen=True)
class Shipment:
    """A model as the workers get it: a token naming it, and its pickled bytes, either in the task
    (``blob``, for Dask workers on other machines) or in a file on this machine (``path``, for the
    local pool: a worker reads it only the first time it meets the token)."""

    token: str
    blob: bytes | None = None
    path: str | None = None


def ship(model: PlanModel, executor: Executor) -> Shipment:
    """The model's shipment for this executor (pickled once per model and kept on it)."""
    cache = model.__dict__.setdefault("_shipment", {})
    local = executor.kind == "pool"
    if local not in cache:
        blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        token = cache[not local].token if (not local) in cache else uuid.uuid4().hex
        if local:
            folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
            handle, path = tempfile.mkstemp(prefix="weihai-model-", suffix=".pkl", dir=folder)
            with os.fdopen(handle, "wb") as f:
                f.write(blob)
            weakref.finalize(model, _remove, path)
            cache[local] = Shipment(token, path=path)
        else:
            cache[local] = Shipment(token, blob=blob)
    shipment: Shipment = cache[local]
    return shipment


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def received(shipment: Shipment) -> PlanModel:
    """The worker's copy of a shipped model (unpickled on first use, then kept)."""

    def load() -> PlanModel:
        if shipment.blob is not None:
            model: PlanModel = pickle.loads(shipment.blob)
            return model
        assert shipment.path is not None
        with open(shipment.path, "rb") as f:
            model = pickle.load(f)
        return model

    return cached(shipment.token, load)


def executor_for(model: PlanModel, executor: Executor | None, *, pool: bool = False) -> Executor:
    """The executor to use: the one given; else a Dask cluster when ``WEIHAI_SCHEDULER`` names one;
    else the local pool when ``pool`` (the analysis gains from it) and the model is large; else
    this process.

    Only robustness asks for the pool by default: its samples are independent and each builds a
    model of its own. Marginal values, frontiers and explanations re-solve one model after small
    changes, hot-started from the last basis; measured on the demo city, splitting them over two
    workers was slower than one process (docs/analytics.md, benchmark), so they stay here unless
    an executor is given.
    """
    if executor is not None:
        return executor
    if os.environ.get(SCHEDULER_ENV, "").strip():
        return default_executor()
    if pool and model.n_x >= PARALLEL_MIN_COLUMNS:
        return default_executor()
    return Executor(workers=1)


@dataclass(frozen=True)
class Chunk:
    """Jobs for one worker: ``run(model, job)`` for each job, on the shipped model."""

    shipment: Shipment
    run: Callable[[PlanModel, Any], Any]
    jobs: tuple[Any, ...]


def run_chunk(chunk: Chunk) -> list[Any]:
    """Run a chunk's jobs in order (module level, so that workers can import it)."""
    model = received(chunk.shipment)
    return [chunk.run(model, job) for job in chunk.jobs]


def map_jobs(
    model: PlanModel,
    run: Callable[[PlanModel, Any], Any],
    jobs: Sequence[Any],
    *,
    executor: Executor,
    chunks: Sequence[Sequence[int]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[run(model, job) for job in jobs]`` on the executor, results in the jobs' order.

    ``chunks`` groups job indices into tasks (each task's jobs run in order on one worker, e.g. a
    chain of warm starts); by default two chunks per worker of consecutive jobs. Inline, every job
    runs on ``model`` itself, in order, with ``progress(done, total)`` after each.
    """
    jobs = list(jobs)
    total = len(jobs)
    if executor.kind == "inline":
        out = []
        for k, job in enumerate(jobs):
            out.append(run(model, job))
            if progress is not None:
                progress(k + 1, total)
        return out
    if chunks is None:
        count = max(1, min(total, 2 * executor.parallelism()))
        size = -(-total // count)
        chunks = [range(s, min(total, s + size)) for s in range(0, total, size)]
    shipment = ship(model, executor)
    tasks = [Chunk(shipment, run, tuple(jobs[i] for i in idx)) for idx in chunks]
    results: list[Any] = [None] * total
    done = 0
    for k, values in executor.unordered(run_chunk, tasks):
        for i, value in zip(chunks[k], values, strict=True):
            results[i] = value
        done += len(chunks[k])
        if progress is not None:
            progress(done, total)
    return results

"""One executor for scenario work: a local process pool by default, Dask distributed on request.

Frontier points, robustness samples, explain re-solves and batches of workbooks are independent
solves. They go through `Executor.map`, which runs them on

- a local process pool (``workers`` processes, 2 by default: the machine's cores), or
- a Dask distributed cluster when a scheduler address is given (``scheduler="tcp://host:8786"``,
  ``--scheduler`` on the command line, or the environment variable ``WEIHAI_SCHEDULER``), or
- the calling process itself (``workers=1``, or a single task: no pool is worth starting).

Solver objects (HiGHS models) are never sent anywhere: tasks carry workbooks, compiled problems,
settings and plans, and each worker builds its own model. A worker keeps the last few models it
built (`cached`), keyed by a token the caller chooses, so the second task on the same workbook
skips the build. See docs/analytics.md ("Running a province").
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Environment variables: a Dask scheduler address, and the local pool's size.
SCHEDULER_ENV = "WEIHAI_SCHEDULER"
WORKERS_ENV = "WEIHAI_WORKERS"
DEFAULT_WORKERS = 2

Done = Callable[[int, int], None]


def default_workers() -> int:
    """Local pool size: ``WEIHAI_WORKERS`` when set, else 2 (or 1 on a one-core machine)."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        try:
            return max(1, int(text))
        except ValueError:
            pass
    return max(1, min(DEFAULT_WORKERS, os.cpu_count() or 1))


class Executor:
    """Runs independent tasks and returns their results in the order of the inputs.

    Parameters
    ----------
    scheduler : str, optional
        A Dask scheduler address (``tcp://host:8786``); ``None`` reads ``WEIHAI_SCHEDULER`` and, when
        that is unset too, uses the local pool. ``"local"`` forces the local pool.
    workers : int, optional
        Local pool size (default `default_workers`); 1 runs every task in this process.
    """

    def __init__(self, scheduler: str | None = None, *, workers: int | None = None) -> None:
        if scheduler is None:
            scheduler = os.environ.get(SCHEDULER_ENV, "").strip() or None
        self.scheduler = None if scheduler in (None, "", "local") else scheduler
        self.workers = default_workers() if workers is None else max(1, int(workers))
        self._client: Any = None

    @property
    def kind(self) -> str:
        """``dask``, ``pool`` or ``inline``."""
        if self.scheduler is not None:
            return "dask"
        return "pool" if self.workers > 1 else "inline"

    def parallelism(self) -> int:
        """How many tasks run at once (the Dask cluster's worker threads, or the pool's size)."""
        if self.scheduler is not None:
            info = self._dask().scheduler_info()
            return max(1, sum(int(w.get("nthreads", 1)) for w in info["workers"].values()))
        return self.workers

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], *, progress: Done | None = None
    ) -> list[R]:
        """``[fn(item) for item in items]``, spread over the workers; ``progress(done, total)`` after
        each finished task (in the order they finish). ``fn`` must be a module-level function and
        the items picklable. A task's exception is raised here (after the others finished)."""
        items = list(items)
        total = len(items)
        if total == 0:
            return []
        if self.scheduler is None and (self.workers <= 1 or total == 1):
            out = []
            for k, item in enumerate(items):
                out.append(fn(item))
                if progress is not None:
                    progress(k + 1, total)
            return out
        results: list[Any] = [None] * total
        for done, (k, value) in enumerate(self.unordered(fn, items), start=1):
            results[k] = value
            if progress is not None:
                progress(done, total)
        return results

    def unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        """``(index, fn(items[index]))`` as each task finishes (inline: in order)."""
        items = list(items)
        if self.scheduler is None and (self.workers <= 1 or len(items) <= 1):
            for k, item in enumerate(items):
                yield k, fn(item)
            return
        if self.scheduler is not None:
            from distributed import as_completed as dask_completed

            client = self._dask()
            futures = client.map(fn, items, pure=False)
            index = {f.key: k for k, f in enumerate(futures)}
            for future in dask_completed(futures, loop=client.loop):
                yield index[future.key], future.result()
            return
        pool = _local_pool(self.workers)
        try:
            local: dict[Future[R], int] = {pool.submit(fn, item): k for k, item in enumerate(items)}
            for future in as_completed(local):
                yield local[future], future.result()
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the next analysis gets a fresh pool
            _forget_pool(self.workers, pool)
            raise

    def _dask(self) -> Any:
        if self._client is None:
            from distributed import Client

            self._client = Client(self.scheduler, set_as_default=False)
        return self._client

    def close(self) -> None:
        """Disconnect from the Dask scheduler (the local pool stays up for the next analysis)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_pools: dict[int, ProcessPoolExecutor] = {}
_pool_lock = threading.Lock()


def _local_pool(workers: int) -> ProcessPoolExecutor:
    """The process pool of this size, started once and kept: workers keep their imports and models
    between analyses (starting one costs about a second of imports)."""
    with _pool_lock:
        pool = _pools.get(workers)
        if pool is None:
            # fork: a worker starts at once with this process's imports (spawn and forkserver would
            # import the solver stack again, and run a script's main module, e.g. a benchmark's,
            # once more). The solver's own deadline guard forks the same way (optimizer/guard.py).
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_worker_started,
            )
            _pools[workers] = pool
        return pool


def _forget_pool(workers: int, pool: ProcessPoolExecutor) -> None:
    with _pool_lock:
        if _pools.get(workers) is pool:
            del _pools[workers]
    pool.shutdown(wait=False, cancel_futures=True)


def default_executor() -> Executor:
    """The process-wide executor of the environment's settings (``WEIHAI_SCHEDULER``,
    ``WEIHAI_WORKERS``), made once: its Dask client, if any, is kept for the next analysis."""
    global _default
    key = (os.environ.get(SCHEDULER_ENV, "").strip(), os.environ.get(WORKERS_ENV, "").strip())
    with _pool_lock:
        if _default is None or _default[0] != key:
            if _default is not None:
                _default[1].close()
            _default = (key, Executor())
        return _default[1]


_default: tuple[tuple[str, str], Executor] | None = None


def _worker_started() -> None:
    """In a new worker: locks copied from the parent mid-use are not ours (as in optimizer/guard.py)."""
    from optimizer import quiet

    quiet._lock = threading.RLock()


def shutdown_pools() -> None:
    """Stop the local pools (at exit, and in tests that want a fresh start)."""
    with _pool_lock:
        for pool in _pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        _pools.clear()


atexit.register(shutdown_pools)


# ---------------------------------------------------------------- models kept in a worker
_CACHE_SIZE = 4
_cache: OrderedDict[str, Any] = OrderedDict()
_cache_lock = threading.Lock()


def cached(token: str, build: Callable[[], R]) -> R:
    """The object built by ``build()`` for ``token`` in this process, built on first use.

    Workers use it to keep a model (e.g. a `PlanModel` with today's plan) across tasks on the same
    workbook; the caller picks a token that changes whenever the inputs do. Dask may run tasks in
    several threads of one worker process, and a model's re-solves change it in place, so each
    thread keeps its own.
    """
    token = f"{token}@{threading.get_ident()}"
    with _cache_lock:
        if token in _cache:
            _cache.move_to_end(token)
            return _cache[token]
    value = build()
    with _cache_lock:
        _cache[token] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value

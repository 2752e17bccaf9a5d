"""Run a solver call under a hard wall-clock deadline, because HiGHS can overrun its own time limit.

Seen on the demo city (award line cut to 3,600 万元): the warm-started full MIP of the fast path stayed in
HiGHS's root node for minutes, ignoring ``time_limit`` and ``cancelSolve``, which froze the dashboard.
The call runs in a forked child process; if it has not answered by the deadline the child is killed and
the caller keeps the plan it already has. Where ``fork`` does not exist (Windows) the call runs inline.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Held from os.pipe() until the parent has closed its copy of the write end: a fork by another thread in
# between would give that child a copy too, and this caller would then never see end-of-file (it would
# wait out its deadline and throw the finished result away). Seen with the dashboard's background
# solver forking while a live solve forked.
_FORK_LOCK = threading.Lock()


def call_with_deadline(fn: Callable[[], T], seconds: float, fallback: T) -> T:
    """``fn()`` if it returns within ``seconds``, else ``fallback`` (the child process is killed).

    Parameters
    ----------
    fn : callable
        A call with no arguments whose result can be pickled.
    seconds : float
        Wall-clock seconds to wait for the result.
    fallback : object
        Returned when the call overran, crashed, or its result could not be read.

    Returns
    -------
    object
        The call's result or ``fallback``.
    """
    if not hasattr(os, "fork"):
        return fn()
    with _FORK_LOCK:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid != 0:
            os.close(write_fd)
    if pid == 0:  # the child: compute, send the pickled result, exit without cleanup handlers
        status = 1
        try:
            os.close(read_fd)
            from optimizer import quiet

            # Another thread of the parent may have held the stdout lock at fork time: not ours.
            quiet._lock = threading.RLock()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            payload = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
            status = 0
        finally:
            os._exit(status)
    chunks: list[bytes] = []
    finished = False
    deadline = time.monotonic() + max(0.0, seconds)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                break
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, wait_status = os.waitpid(pid, 0)
    if not finished or not os.WIFEXITED(wait_status) or os.WEXITSTATUS(wait_status) != 0:
        return fallback
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:
        return fallback

"""Keep solver banners off standard output: redirect file descriptor 1 to /dev/null around solver calls."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.RLock()
_enabled = True
_libc = None
with contextlib.suppress(OSError):
    _libc = ctypes.CDLL(None)


def _flush_c_stdio() -> None:
    # HiGHS writes through C stdio; flush its buffer while fd 1 still points at stderr.
    if _libc is not None:
        with contextlib.suppress(Exception):
            _libc.fflush(None)


def set_quiet(enabled: bool) -> None:
    """Turn the redirection on (the default: command lines whose standard output is their result) or
    off (the dashboard: its standard output is a server log, and solves of different sessions and of
    the background worker must not wait for each other on the process-wide lock)."""
    global _enabled
    _enabled = bool(enabled)


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Discard anything written to file descriptor 1 (by C or Python) meanwhile.

    HiGHS prints a banner when its first ``Highs`` object is created, even with ``output_flag`` off, and
    the command line's standard output must carry only its JSON. The redirection is process-wide, so
    calls are serialised with a lock; other threads' prints during a solve are lost. After
    ``set_quiet(False)`` it does nothing.
    """
    if not _enabled:
        yield
        return
    with _lock:
        with contextlib.suppress(AttributeError, ValueError):
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no fd 1 (embedded interpreters): nothing to protect
            yield
            return
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)
            yield
        finally:
            _flush_c_stdio()
            os.dup2(saved, 1)
            os.close(saved)

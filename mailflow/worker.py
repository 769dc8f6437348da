"""Run one pure function in a separate, memory- and time-limited process.

Used where a library's cost grows with hostile input: mail-parser needs about seven times a
message's size to parse it, so a 25 MB attachment would multiply the daemon's memory; in a worker
the peak is the worker's, and a message too big for the limit is quarantined instead of taking the
daemon down. (PDF extraction uses the same worker.)
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerFailed(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _limited(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int,
             cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("error", f"needs more than the worker's {memory_bytes // 2**20} MB of memory"))
    except BaseException as exc:  # noqa: BLE001 - the parent gets the exception itself
        try:
            conn.send(("raise", exc))
        except Exception:  # noqa: BLE001 - unpicklable exception: send its text
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_limited(func: Callable[..., T], *args: Any, memory_mb: int = 1024, seconds: int = 60) -> T:
    """func(*args) in a fresh process; its own exceptions are re-raised here, and a worker that
    runs out of memory or time, or dies, raises WorkerFailed with the reason."""
    context = multiprocessing.get_context("spawn")  # safe with the daemon's threads
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_limited, args=(child, func, args, memory_mb * 2**20, seconds),
                              daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(seconds + 30):
            raise WorkerFailed(f"took longer than {seconds} s")
        status, value = parent.recv()
    except EOFError:
        process.join(5)
        raise WorkerFailed(f"the worker died (exit status {process.exitcode}); too large or too "
                           f"complex for {memory_mb} MB and {seconds} s") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "raise":
        raise value
    raise WorkerFailed(value)

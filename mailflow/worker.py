"""Run one pure function in a separate, memory- and time-limited process.

Used where a library's cost grows with hostile input: mail-parser needs about seven times a
message's size to parse it, so a 25 MB attachment would multiply the daemon's memory; in a worker
the peak is the worker's, and a message too big for the limit is quarantined instead of taking the
daemon down. (PDF extraction uses the same worker.)
"""

from __future__ import annotations

import multiprocessing
import queue
import resource
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
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


# --- a pool of long-lived limited workers ------------------------------------------------------

def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _serve(conn: Any, memory_bytes: int) -> None:
    """A pool worker: memory capped for its whole life, CPU time capped per task.

    RLIMIT_CPU counts the process's whole life, so before each task the soft limit is set to
    what has been used so far plus the task's allowance; only the soft limit moves, which any
    user may do, and going over it ends the worker with SIGXCPU."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        func, args, cpu_seconds = task
        soft = int(_cpu_used()) + cpu_seconds + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY
                                                 else min(soft, hard), hard))
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except MemoryError:
            reply = ("error", f"needs more than the worker's {memory_bytes // 2**20} MB of memory")
        except BaseException as exc:  # noqa: BLE001 - the parent gets the exception itself
            reply = ("raise", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception: its text
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


@dataclass
class _Slot:
    process: Any = None
    conn: Any = None
    busy: bool = False


class WorkerPool:
    """Long-lived worker processes for work whose cost grows with hostile input (PDFs).

    Each worker's memory is capped (RLIMIT_AS) and each task's CPU time too; a task that goes
    over, hangs, or crashes its worker fails with WorkerFailed and a reason, the worker is
    replaced, and the other tasks go on. Workers start on first use (spawn, safe beside the
    daemon's threads) and stay, so a task pays no start-up cost.
    """

    def __init__(self, size: int, memory_mb: int = 1024) -> None:
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self._tasks: queue.Queue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...], int] | None] = \
            queue.Queue()
        self._threads: list[threading.Thread] = []
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, func: Callable[..., T], *args: Any, seconds: int = 20) -> Future[T]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            if len(self._threads) < self.size and self._tasks.qsize() >= len(self._threads) - self._busy():
                self._start_thread()
        future: Future[T] = Future()
        self._tasks.put((future, func, args, seconds))
        return future

    def run(self, func: Callable[..., T], *args: Any, seconds: int = 20) -> T:
        return self.submit(func, *args, seconds=seconds).result()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for _ in self._threads:
                self._tasks.put(None)
        for thread in self._threads:
            thread.join(10)
        for slot in self._slots:
            _stop(slot)

    def _busy(self) -> int:
        return sum(1 for s in self._slots if s.busy)

    def _start_thread(self) -> None:
        slot = _Slot()
        self._slots.append(slot)
        thread = threading.Thread(target=self._loop, args=(slot,), daemon=True,
                                  name=f"mailflow-worker-{len(self._threads)}")
        self._threads.append(thread)
        thread.start()

    def _loop(self, slot: _Slot) -> None:
        while True:
            item = self._tasks.get()
            if item is None:
                return
            future, func, args, seconds = item
            if not future.set_running_or_notify_cancel():
                continue
            slot.busy = True
            try:
                future.set_result(self._call(slot, func, args, seconds))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            finally:
                slot.busy = False

    def _call(self, slot: _Slot, func: Callable[..., Any], args: tuple[Any, ...], seconds: int) -> Any:
        if slot.process is None or not slot.process.is_alive():
            _stop(slot)
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            slot.process = context.Process(target=_serve, args=(child, self.memory_mb * 2**20),
                                           daemon=True, name="mailflow-worker")
            slot.process.start()
            child.close()
            slot.conn = parent
        try:
            slot.conn.send((func, args, seconds))
            if not slot.conn.poll(seconds * 3 + 30):  # CPU limit not reached, yet no answer: hung
                _stop(slot)
                raise WorkerFailed(f"timeout: no answer within {seconds * 3 + 30} s")
            status, value = slot.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = slot.process.exitcode if slot.process is not None else None
            if slot.process is not None and code is None:
                slot.process.join(5)
                code = slot.process.exitcode
            _stop(slot)
            raise WorkerFailed(_death_reason(code, seconds, self.memory_mb)) from None
        if status == "ok":
            return value
        if status == "raise":
            raise value
        raise WorkerFailed(value)


def _death_reason(code: int | None, seconds: int, memory_mb: int) -> str:
    if code == -signal.SIGXCPU:
        return f"timeout: more than {seconds} s of CPU time"
    if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
        return (f"the reader crashed (signal {-code}); the file is probably damaged, or needs "
                f"more than {memory_mb} MB")
    return f"the reader died (exit status {code})"


def _stop(slot: _Slot) -> None:
    if slot.conn is not None:
        slot.conn.close()
    if slot.process is not None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
    slot.process = slot.conn = None

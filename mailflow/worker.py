"""Run pure functions in separate, memory- and time-limited processes.

Used wherever the cost of a library grows with hostile input: parsing and classifying a mail
(mail-parser needs about seven times a message's size; a pathological mail must cost at most
its budget), reading a PDF (a decompression bomb, a page of 60,000 rectangles). A task that goes
over its limits fails with a reason; the daemon goes on.

Workers are forked from a `forkserver` that has mailflow's modules loaded already, so a new
worker costs milliseconds, not the second a fresh interpreter needs; inside a worker (one
thread), a document is read in a child forked for it (`ForkRunner`), so a bad file costs that
child, never the message being processed.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
PRELOAD = ["mailflow.intake"]  # imported once by the forkserver: every worker starts with it


def context() -> Any:
    """The multiprocessing context for workers: forkserver (safe beside the daemon's threads,
    and cheap per worker once the server runs)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


class WorkerFailed(Exception):
    """A task cost its worker more than its limits, or crashed it: the task's own fault."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class WorkerStopped(Exception):
    """The pool was closed (the daemon is stopping) while a worker had the task: nobody's
    fault, the task is to be done again later."""

    def __init__(self) -> None:
        super().__init__("the worker was stopped: the daemon is stopping")


class WorkerStartFailed(Exception):
    """A new worker did not come up (it answers no ping): the machine's fault, never a task's,
    so nothing is quarantined for it."""


def _ping() -> str:
    return "pong"


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
    replaced, and the other tasks go on. Workers start on first use (from the forkserver, safe
    beside the daemon's threads) and stay, so a task pays no start-up cost.
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
        """Stop at once: tasks still waiting are dropped, a worker busy with one is killed (its
        task fails with WorkerFailed), idle workers are ended."""
        with self._lock:
            self._closed = True
            while True:
                try:
                    item = self._tasks.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[0].cancel()
            for _ in self._threads:
                self._tasks.put(None)
        for slot in self._slots:
            if slot.busy:
                _stop(slot)
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
            ctx = context()
            parent, child = ctx.Pipe()
            process = ctx.Process(target=_serve, args=(child, self.memory_mb * 2**20),
                                  daemon=True, name="mailflow-worker")
            process.start()  # the slot has it once started: `close` meanwhile stops it after, not now
            child.close()
            slot.process, slot.conn = process, parent
            self._check_started(slot, parent, process)
        # `close` may stop the worker from another thread at any moment (it empties the slot):
        # this task works on the worker it started with
        conn, process = slot.conn, slot.process
        if conn is None or process is None or self._closed:  # closed while the worker started
            _stop(slot)
            raise WorkerStopped()
        try:
            conn.send((func, args, seconds))
            if not conn.poll(seconds * 3 + 30):  # CPU limit not reached, yet no answer: hung
                _stop(slot)
                raise WorkerFailed(f"timeout: no answer within {seconds * 3 + 30} s")
            status, value = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = process.exitcode
            if code is None:
                process.join(5)
                code = process.exitcode
            _stop(slot)
            if self._closed:  # `close` killed it: the mail is not to blame
                raise WorkerStopped() from None
            raise WorkerFailed(_death_reason(code, seconds, self.memory_mb)) from None
        except Exception:
            if self._closed:  # `close` closed the connection under a read (TypeError, ValueError)
                raise WorkerStopped() from None
            raise
        if status == "ok":
            return value
        if status == "raise":
            raise value
        raise WorkerFailed(value)

    def _check_started(self, slot: _Slot, conn: Any, process: Any) -> None:
        """A new worker answers a ping before it gets a task."""
        try:
            conn.send((_ping, (), 30))
            if conn.poll(60):
                status, value = conn.recv()
                if status == "ok" and value == "pong":
                    return
                problem = f"it answered {status}: {value}"
            else:
                problem = "no answer within 60 s"
        except (EOFError, OSError) as exc:
            process.join(5)
            problem = f"it exited with status {process.exitcode} ({type(exc).__name__})"
        _stop(slot)
        if self._closed:  # `close` stopped it while it started
            raise WorkerStopped()
        raise WorkerStartFailed(f"a worker process did not start: {problem}; see the log above")


def _death_reason(code: int | None, seconds: int, memory_mb: int) -> str:
    if code == -signal.SIGXCPU:
        return f"timeout: more than {seconds} s of CPU time"
    if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
        return (f"the reader crashed (signal {-code}); the file is probably damaged, or needs "
                f"more than {memory_mb} MB")
    return f"the reader died (exit status {code})"


def _stop(slot: _Slot) -> None:
    """The slot's worker killed and reaped, the slot emptied; the slot's own thread and `close`
    may both stop it at once, each then on what it took from the slot."""
    conn, process = slot.conn, slot.process
    slot.process = slot.conn = None
    if conn is not None:
        conn.close()
    if process is not None:
        if process.is_alive():
            process.kill()
        process.join(5)


# --- a child per task, inside a single-threaded worker ------------------------------------------

class ForkTask:
    """A task running in a forked child; `result()` waits for it (a Future's interface)."""

    def __init__(self, pid: int, fd: int, seconds: int, memory_mb: int) -> None:
        self.pid, self.fd, self.seconds, self.memory_mb = pid, fd, seconds, memory_mb
        self._outcome: tuple[str, Any] | None = None

    def result(self) -> Any:
        if self._outcome is None:
            self._outcome = self._collect()
        status, value = self._outcome
        if status == "ok":
            return value
        if status == "raise":
            raise value
        raise WorkerFailed(value)

    def _collect(self) -> tuple[str, Any]:
        chunks: list[bytes] = []
        deadline = time.monotonic() + self.seconds * 3 + 30  # CPU limit not reached, yet no end: hung
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    return ("error", f"timeout: no answer within {self.seconds * 3 + 30} s")
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if chunks and code == 0:
            # S301: our own forked child wrote these bytes, down a pipe only it and we hold
            return pickle.loads(b"".join(chunks))  # type: ignore[no-any-return]  # noqa: S301
        return ("error", _death_reason(code, self.seconds, self.memory_mb))


class ForkRunner:
    """Runs each task in a child forked for it, with its own memory and CPU limits. Only for a
    process with one thread (a worker): forking a threaded process is unsafe. The child shares
    the parent's memory, so a document is not copied to reach it."""

    def __init__(self, memory_mb: int = 1024) -> None:
        self.memory_mb = memory_mb

    def submit(self, func: Callable[..., Any], *args: Any, seconds: int = 20) -> ForkTask:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, answer, and leave without running any cleanup
            os.close(read_fd)
            try:
                memory = self.memory_mb * 2**20
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
                used = int(_cpu_used()) + seconds + 1
                _, hard = resource.getrlimit(resource.RLIMIT_CPU)
                resource.setrlimit(resource.RLIMIT_CPU, (used if hard == resource.RLIM_INFINITY
                                                         else min(used, hard), hard))
                try:
                    reply: tuple[str, Any] = ("ok", func(*args))
                except MemoryError:
                    reply = ("error", f"needs more than {self.memory_mb} MB of memory")
                except BaseException as exc:  # noqa: BLE001 - the parent gets the exception itself
                    reply = ("raise", exc)
                try:
                    data = pickle.dumps(reply)
                except Exception as exc:  # noqa: BLE001 - an unpicklable result: its text
                    data = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(0)
        os.close(write_fd)
        return ForkTask(pid, read_fd, seconds, self.memory_mb)

    def close(self) -> None:
        pass

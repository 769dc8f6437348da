"""The long-running loop: a thread per watched IMAP folder (IDLE, or woken by the poll schedule),
a thread for the outbox, and the daemon's own `schedule.Scheduler` in the main thread for local
folders, polls and health checks; clean stop on SIGINT/SIGTERM.

No job ends the daemon: each runs under one failure policy (`Guarded`): a failure is logged with
its trace and counted, the job waits out a doubling pause, and it runs again."""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import schedule

from mailflow.config import Config, ImapAccount
from mailflow.desk import Desk
from mailflow.errors import ConfigError
from mailflow.intake import Interrupted
from mailflow.pipeline import Handled, handle, read_ahead
from mailflow.service import Heart, notify
from mailflow.sources import Source
from mailflow.sources.imap import FAULTS, FolderWatcher, connect, explain, quiet_logout
from mailflow.sources.local import local_source
from mailflow.store import Store
from mailflow.store.leases import Fence, LeaseLost, Leases

log = logging.getLogger("mailflow.daemon")


@dataclass
class Summary:
    read: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    filed_under_order: int = 0
    new_orders: int = 0
    unfiled: int = 0
    duplicates: int = 0
    quarantined: int = 0
    dry_run: int = 0
    replies: Counter[str] = field(default_factory=Counter)  # queued, held, suppressed
    errors: list[str] = field(default_factory=list)
    # folders another daemon was reading: left to it (not an error: its mail gets filed)
    busy: list[str] = field(default_factory=list)
    seconds: Counter[str] = field(default_factory=Counter)  # per stage, summed (Handled.seconds)

    def as_dict(self) -> dict[str, object]:
        return {"read": self.read, "categories": dict(sorted(self.categories.items())),
                "filed_under_order": self.filed_under_order, "new_orders": self.new_orders,
                "unfiled": self.unfiled, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "dry_run": self.dry_run,
                "replies": dict(sorted(self.replies.items())), "errors": self.errors, "busy": self.busy}

    def count(self, handled: Handled, touched: set[int]) -> None:
        self.read += 1
        self.seconds.update(handled.seconds)
        if handled.status == "quarantined":
            self.quarantined += 1
            return
        if handled.status == "duplicate":
            self.duplicates += 1
            return
        assert handled.outcome is not None
        self.categories[handled.outcome.decision.category] += 1
        if handled.applied is None:
            self.dry_run += 1
            return
        if handled.applied.order_id is not None:
            touched.add(handled.applied.order_id)
            self.filed_under_order += 1
            self.new_orders += handled.applied.new_order
        else:
            self.unfiled += 1
        for reply in handled.outcome.replies:
            self.replies[reply.state] += 1
        self.replies["suppressed"] += len(handled.outcome.suppressed)


WORKER_GRACE = 0.05  # seconds a batch keeps its transaction open for a worker about to be done


def _soon(ahead: Any) -> bool:
    """The worker is done with the mail, or is within `WORKER_GRACE`: a batch waits that long
    rather than commit (a commit is a flush of the database's log and of the batch's files), and
    no longer (the daemon's other writers wait for its lock meanwhile)."""
    return bool(ahead.done() or concurrent.futures.wait([ahead], timeout=WORKER_GRACE).done)


class Intake:
    """Hands mail from any thread to the pipeline one at a time, and counts what happened."""

    def __init__(self, desk: Desk, store: Store, stop: threading.Event | None = None) -> None:
        self.desk, self.store = desk, store
        self.stop = stop or threading.Event()
        self.lock = threading.RLock()  # held for a mail, and while a batch's transaction is open
        self.summary = Summary()
        self.touched: set[int] = set()
        self.metrics: Any = None  # metrics.Metrics when the daemon serves /metrics

    def handler(self, account: ImapAccount | None = None) -> Any:
        dry_run = bool(account and account.dry_run)

        def handle_one(raw: Any, ahead: Any = None) -> Handled:
            batch = self.store.sessions.current
            waited = time.perf_counter()
            if batch is not None and (batch.due() or ahead is None or not _soon(ahead)):
                batch.commit()  # what the batch holds so far: no lock is held while a worker reads
                if ahead is not None:
                    self.desk.intake.wait(ahead, self.stop.is_set)
            waited = time.perf_counter() - waited
            with self.lock:
                started = time.monotonic()
                handled = handle(raw, self.desk, self.store, dry_run=dry_run, stopped=self.stop.is_set,
                                 ahead=ahead)
                if handled.seconds:  # the wait for the worker belongs to its reading
                    handled.seconds["read"] = handled.seconds.get("read", 0.0) + waited
                self.summary.count(handled, self.touched)
                if self.metrics is not None:
                    self.metrics.handled(handled, time.monotonic() - started)
                return handled
        return handle_one

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The mails handled inside are filed in one transaction, a savepoint each
        (store/batch.py). The intake's lock is held while that transaction is open (SQLite's
        write lock with it), so no other thread of the daemon waits on the database; between
        transactions (while a worker reads the next mail) the others go on. A stop keeps what
        was filed before it."""
        with self.store.batch(self.lock) as batch:
            try:
                yield
            except Interrupted:
                batch.commit()
                raise

    def read_ahead(self, raws: Any) -> Any:
        """The workers parse and classify the next mails while this thread files one."""
        return read_ahead(raws, self.desk, self.store)

    def write_orders(self) -> None:
        with self.lock:
            touched, self.touched = sorted(self.touched), set()
            self.store.follow_orders(*touched)
            self.store.write_order_json(*touched)


def sent_copier(config: Config) -> Callable[[Any], bool] | None:
    """Appends a sent reply to the first IMAP account's Sent folder (smtp.sent_folder), so the
    mailbox holds both sides too; None when there is no IMAP account or no folder."""
    accounts = [a for a in imap_accounts(config) if not a.dry_run]
    if not accounts or config.smtp is None or not config.smtp.sent_folder:
        return None
    account, folder = accounts[0], config.smtp.sent_folder

    def copy(row: Any) -> bool:
        """Once: a copy an earlier attempt left there (it appended, then stopped before saying
        so) is found by its Message-ID and not appended again."""
        from mailflow.sources.imap import _ensure_folder

        client = None
        try:
            client = connect(account)
            _ensure_folder(client, folder)
            client.select_folder(folder, readonly=True)
            if not client.search(["HEADER", "Message-ID", f"<{row.message_id}>"]):
                client.append(folder, row.raw, flags=[b"\\Seen"], msg_time=row.sent_at)
            return True
        except Exception as exc:  # noqa: BLE001 - kept as failed, tried again next tick
            log.warning("reply #%d sent, but not copied to %s: %s", row.id, folder, explain(exc, account))
            return False
        finally:
            quiet_logout(client)
    return copy


def send_outbox(config: Config, store: Store, dry_run: bool = False) -> Any:
    """One outbox tick (the daemon's schedule, and `mailflow outbox send`)."""
    from mailflow.reply.outbox import send_due
    from mailflow.reply.smtp import deliver

    if config.smtp is None:
        raise ConfigError("no smtp: section: replies cannot be sent", config.file, None, "smtp")
    return send_due(store, config.smtp, config.identity.address,
                    max_per_hour=config.reply.max_per_hour, deliver=deliver,
                    copy_to_sent=sent_copier(config), dry_run=dry_run)


def local_sources(config: Config, override: str | None = None) -> list[Source]:
    specs = [override] if override else [s.path for s in config.sources if s.path]
    base = Path.cwd() if override else config.base_dir
    return [local_source(spec, base) for spec in specs if spec]


def imap_accounts(config: Config) -> list[ImapAccount]:
    return [s.imap for s in config.sources if s.imap]


class FolderLease:
    """A watcher's lease on its folder (store/leases.py): taken, renewed by the daemon's
    `LeaseKeeper`, and registered with the ledger as the fence of the folder's position writes."""

    def __init__(self, leases: Leases, ledger: Any, source: str, folders: int | None = None) -> None:
        self.leases, self.ledger, self.source = leases, ledger, source
        self.folders = folders  # how many folders the daemons share out; None: take it regardless
        self.fence: Fence | None = None
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self.fence is not None

    def acquire(self) -> bool:
        with self._lock:
            self._set(self.leases.acquire(self.source, self.folders))
            return self.fence is not None

    def renew(self) -> bool:
        with self._lock:
            if self.fence is not None and not self.leases.renew(self.source, self.fence):
                log.warning("%s: lease lost: another daemon owns it now", self.source)
                self._set(None)
            return self.fence is not None

    def release(self) -> None:
        with self._lock:
            if self.fence is not None:
                self.leases.release(self.source, self.fence)
            self._set(None)

    def holder(self) -> str:
        holder = self.leases.holder(self.source)
        return holder.owner if holder else "nobody"

    def _set(self, fence: Fence | None) -> None:
        self.fence = fence
        if fence is None:
            self.ledger.fences.pop(self.source, None)
        else:
            self.ledger.fences[self.source] = fence


class LeaseKeeper:
    """The daemon's heartbeat: announces that it is alive, renews the leases its watchers hold
    (every third of their time), and gives back a folder when it holds more than its share
    (another daemon started), so that the folders are shared out among the daemons."""

    def __init__(self, leases: Leases, folders: Sequence[FolderLease], every: float,
                 stop: threading.Event) -> None:
        self.leases, self.folders, self.every, self.stop = leases, list(folders), every, stop
        self.thread = threading.Thread(target=self._run, name="lease keeper", daemon=True)

    def start(self) -> None:
        self.tick()
        self.thread.start()

    def tick(self) -> None:
        self.leases.announce()
        for lease in self.folders:
            if lease.held:
                lease.renew()
        held = [lease for lease in self.folders if lease.held]
        if held and self.leases.over_share(len(self.folders)):
            log.info("%s: given back to share the folders with the other daemons", held[-1].source)
            held[-1].release()

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - the database may be away a moment
                log.warning("could not renew this daemon's leases: %s", exc)

    def stop_all(self) -> None:
        try:
            self.leases.withdraw()
        except Exception as exc:  # noqa: BLE001 - stopping anyway; the presence expires by itself
            log.warning("could not withdraw this daemon's presence: %s", exc)


def watchers_for(accounts: Sequence[ImapAccount], sink: Intake, stop: threading.Event,
                 stall_minutes: int, share: bool = False) -> list[FolderWatcher]:
    """A watcher per folder, each with its lease; `share`: the daemon takes its fair share of
    the folders only (several daemons share them out), else every folder it can."""
    watchers = []
    leases = sink.store.leases()
    total = sum(len(a.folders) for a in accounts)
    for account in accounts:
        for folder in account.folders:
            watcher = FolderWatcher(account, folder, sink.handler(account), sink.store.ledger, stop=stop)
            watcher.ahead = sink.read_ahead
            watcher.batch = sink.batch
            watcher.lease = FolderLease(leases, sink.store.ledger, watcher.source,
                                        total if share else None)
            watcher.idle_cycle = min(watcher.idle_cycle, stall_minutes * 60 / 3)
            watchers.append(watcher)
    return watchers


class Stopper:
    """Set by SIGINT/SIGTERM: stop taking new mail, finish the one in hand."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():  # signals reach only that one
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: finishing the message in hand, then stopping",
                 signal.Signals(signum).name)
        self.event.set()

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


class Guarded:
    """One periodic job's failure policy: a failure is logged with its trace and counted, and
    the job is skipped for a doubling pause (up to `max_pause` seconds) before it runs again. It
    never raises, so no job can end the daemon."""

    def __init__(self, name: str, job: Callable[[], Any], max_pause: float = 600.0) -> None:
        self.name, self.job, self.max_pause = name, job, max_pause
        self.failures = 0  # in a row
        self.total_failures = 0
        self.not_before = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now < self.not_before:
            return
        try:
            self.job()
        except Exception:  # the policy: log, count, pause, go on
            self.failures += 1
            self.total_failures += 1
            pause = min(self.max_pause, 2.0 ** min(self.failures, 16))
            self.not_before = now + pause
            log.exception("%s failed (%d in a row); trying again in %.0f s", self.name,
                          self.failures, pause)
        else:
            self.failures = 0


class OutboxWorker:
    """Sends due replies on its own thread, so a slow SMTP server never stalls the intake."""

    def __init__(self, config: Config, store: Store, stop: threading.Event, every: float = 30.0) -> None:
        self.job = Guarded("outbox tick", lambda: send_outbox(config, store))
        self.stop, self.every = stop, every
        self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            self.job()
            self.stop.wait(self.every)


LOCAL_BATCH = 20  # mails of a local folder filed in one transaction


def file_local(source: Source, sink: Intake) -> bool:
    """File what a local folder holds, LOCAL_BATCH mails to a transaction (the workers read the
    next ones meanwhile); False when the daemon stopped."""
    handler = sink.handler()
    paired = read_ahead(source.fetch(), sink.desk, sink.store)
    while chunk := list(itertools.islice(paired, LOCAL_BATCH)):
        try:
            with sink.batch():
                for raw, ahead in chunk:
                    if sink.stop.is_set():
                        return False
                    handler(raw, ahead)
        except Interrupted:
            return False
    return True


def run_once(desk: Desk, store: Store, sources: Sequence[Source],
             accounts: Sequence[ImapAccount] = (), stopper: Stopper | None = None,
             wait: float = 0.0) -> Summary:
    """One pass over every source; an IMAP account that fails is reported in `errors`. A
    folder another daemon is reading is left to it and noted in `busy` (its mail is being
    filed: a failover cron job has nothing to report), after waiting up to `wait` seconds for
    it to be free."""
    stop = stopper.event if stopper else threading.Event()
    sink = Intake(desk, store, stop)
    try:
        for source in sources:
            if not file_local(source, sink):
                return sink.summary
        for watcher in watchers_for(accounts, sink, stop, 15):
            if not _lease_within(watcher.lease, wait, stop):
                reason = f"a daemon ({watcher.lease.holder()}) is working on it: left to it, not read"
                log.info("%s: %s", watcher.describe(), reason)
                sink.summary.busy.append(f"{watcher.describe()}: {reason}")
                continue
            client = None
            try:
                client = connect(watcher.account)
                watcher.sync(client)
            except LeaseLost as exc:  # another daemon took the folder over: it reads the rest
                log.info("%s: %s", watcher.describe(), exc)
                sink.summary.busy.append(f"{watcher.describe()}: another daemon took it over: {exc}")
            except FAULTS as exc:
                reason = explain(exc, watcher.account)
                log.error("%s: %s", watcher.describe(), reason)
                store.ledger.failed(watcher.source, reason)
                sink.summary.errors.append(f"{watcher.describe()}: {reason}")
            finally:
                quiet_logout(client)
                watcher.lease.release()
    finally:
        sink.write_orders()
    return sink.summary


def _lease_within(lease: Any, wait: float, stop: threading.Event) -> bool:
    """The folder's lease, taken at once or within `wait` seconds (looked for each second)."""
    deadline = time.monotonic() + wait
    while not lease.acquire():
        left = deadline - time.monotonic()
        if left <= 0 or stop.wait(min(1.0, left)):
            return False
    return True


def stalled(watchers: Sequence[FolderWatcher], now: float, minutes: int) -> list[str]:
    """The folders that have not synced for `minutes` (a watcher that never synced counts from
    its start)."""
    warnings = []
    for watcher in watchers:
        since = watcher.last_sync or watcher.started
        if since and now - since > minutes * 60:
            what = "has not synced" if watcher.last_sync else "has not completed a first sync"
            warnings.append(f"{watcher.describe()} {what} for {(now - since) / 60:.0f} minutes")
    return warnings


def under_lease(store: Store, name: str, job: Callable[[], Any]) -> None:
    """Run `job` only while this daemon holds the lease `name`: of several daemons on one
    database, one does it; the others skip it while the lease is held."""
    leases = store.leases()
    fence = leases.acquire(name)
    if fence is None:
        return
    try:
        job()
    finally:
        leases.release(name, fence)


def retrain(desk: Desk, store: Store) -> None:
    """The daily training, when there are new corrections; one daemon of several trains, the
    others load its model (`Desk.refresh_model`)."""
    from mailflow.training import train

    def run() -> None:
        training = train(desk, store, only_if_new=True)
        if training.trained is None:
            log.info("classifier not trained: %s", training.reason)
    under_lease(store, "classifier-training", run)


def refresh_model(desk: Desk, store: Store) -> None:
    """The newest classifier any daemon trained, on this machine or another: one published in
    the database is fetched into this machine's models folder, then put in use."""
    from mailflow import learn
    from mailflow.store import shared

    if desk.model_file is not None:
        shared.fetch_model(store.sessions, desk.config.models_dir, learn.CURRENT)
    desk.refresh_model()


class FollowUpJobs:
    """The follow-up's scheduled work: every `followup.check_every_minutes` the overdue
    milestones and their chasers (orders filed before following began are followed first), and each minute
    whether today's digest is due. One daemon of several does each, under a lease; the
    outbox's unique Message-IDs make a second attempt add nothing."""

    def __init__(self, desk: Desk, store: Store) -> None:
        self.desk, self.store = desk, store

    def follow_up(self) -> None:
        from mailflow.follow.desk import follow_up

        def run() -> None:
            tick = follow_up(self.desk, self.store)
            if tick.overdue or tick.chasers:
                log.info("follow-up: %d milestones overdue, %d chasers drafted", tick.overdue, len(tick.chasers))
        under_lease(self.store, "follow-up", run)

    def digest(self) -> None:
        from mailflow.follow.digest_mail import digest_due, send_digests

        follower = self.store.follower
        if follower is None or not digest_due(self.desk.config, follower):
            return
        under_lease(self.store, "digest", lambda: send_digests(self.desk, self.store))


def run_forever(desk: Desk, store: Store, sources: Sequence[Source], config: Config,
                accounts: Sequence[ImapAccount] = (), stopper: Stopper | None = None) -> None:
    stopper = stopper or Stopper()
    stopper.install()
    sink = Intake(desk, store, stopper.event)
    watchers = watchers_for(accounts, sink, stopper.event, config.stall_warning_minutes, share=True)
    threads = [threading.Thread(target=w.run, args=(config.reconnect_max_seconds, config.poll_interval,
                                                    config.lease_seconds / 3),
                                name=f"imap {w.describe()}", daemon=True) for w in watchers]
    keeper = LeaseKeeper(store.leases(), [w.lease for w in watchers if isinstance(w.lease, FolderLease)],
                         config.lease_seconds / 3, stopper.event)

    def poll_local() -> None:
        for source in sources:
            if not file_local(source, sink):
                return

    def wake_pollers() -> None:
        for watcher in watchers:
            if not watcher.using_idle:
                watcher.poll.set()

    def check_stalls() -> None:
        for warning in stalled(watchers, time.monotonic(), config.stall_warning_minutes):
            log.warning("%s", warning)

    scheduler = schedule.Scheduler()
    local = Guarded("polling the local sources", poll_local)
    scheduler.every(config.poll_interval).seconds.do(local)
    scheduler.every(config.poll_interval).seconds.do(Guarded("waking pollers", wake_pollers))
    scheduler.every(60).seconds.do(Guarded("checking for stalled folders", check_stalls))
    scheduler.every(5).seconds.do(Guarded("writing order.json", sink.write_orders))
    if desk.model_file is not None:
        scheduler.every().day.at(config.classifier.retrain_at).do(
            Guarded("training the classifier", lambda: retrain(desk, store)))
        refresh = Guarded("looking for a newer classifier", lambda: refresh_model(desk, store))
        scheduler.every(60).seconds.do(refresh)
        refresh()  # one trained on another machine is used from the start
    if store.follower is not None and store.follower.plans:
        jobs = FollowUpJobs(desk, store)
        following = Guarded("following the orders", jobs.follow_up)
        scheduler.every(config.followup.check_every_minutes).minutes.do(following)
        scheduler.every(60).seconds.do(Guarded("sending the daily digest", jobs.digest))
        following()
    outbox = OutboxWorker(config, store, stopper.event, config.smtp.send_interval) \
        if config.smtp is not None else None
    names = [s.describe() for s in sources] + [w.describe() for w in watchers]
    log.info("watching %s; stop with Ctrl-C or SIGTERM", ", ".join(names) or "nothing")
    keeper.start()
    for thread in threads:
        thread.start()
    if outbox is not None:
        outbox.start()
    guarded = [getattr(job.job_func, "func", None) for job in scheduler.get_jobs()]
    periodic = [job for job in guarded if isinstance(job, Guarded)]
    served = None
    if config.metrics.port is not None:
        from mailflow.metrics import Metrics, serve

        sink.metrics = Metrics(store, config.stall_warning_minutes, watchers, periodic)
        served, _ = serve(sink.metrics, config.metrics.host, config.metrics.port)
        log.info("metrics and health on http://%s:%d/metrics", config.metrics.host, served.server_address[1])
    local()
    heart = Heart(watchers)  # systemd: READY after every folder's first sync, WATCHDOG while all beat
    scheduler.every(max(1, int((heart.period or 10.0) / 3))).seconds.do(Guarded("telling systemd", heart.tick))
    heart.tick()
    while not stopper.stopped:
        scheduler.run_pending()
        stopper.event.wait(timeout=min(1.0, max(0.1, scheduler.idle_seconds or 1.0)))
    scheduler.clear()
    notify("STOPPING=1", "STATUS=finishing the message in hand")
    for watcher in watchers:
        watcher.poll.set()  # wake pollers, so they see the stop at once
    deadline = time.monotonic() + 15
    for thread in [*threads, *([outbox.thread] if outbox is not None else [])]:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    Guarded("writing order.json", sink.write_orders)()
    if served is not None:
        served.shutdown()
    keeper.stop_all()
    log.info("stopped")

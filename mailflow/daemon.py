"""The long-running loop: a thread per watched IMAP folder (IDLE, or woken by the poll schedule),
`schedule` in the main thread for local folders, polls and health checks; clean stop on
SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import schedule

from mailflow.config import Config, ImapAccount
from mailflow.errors import ConfigError
from mailflow.pipeline import Desk, Handled, handle
from mailflow.sources import Source
from mailflow.sources.imap import FAULTS, FolderWatcher, connect, explain, quiet_logout
from mailflow.sources.local import local_source
from mailflow.store import Store

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

    def as_dict(self) -> dict[str, object]:
        return {"read": self.read, "categories": dict(sorted(self.categories.items())),
                "filed_under_order": self.filed_under_order, "new_orders": self.new_orders,
                "unfiled": self.unfiled, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "dry_run": self.dry_run,
                "replies": dict(sorted(self.replies.items())), "errors": self.errors}

    def count(self, handled: Handled, touched: set[int]) -> None:
        self.read += 1
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


class Intake:
    """Hands mail from any thread to the pipeline one at a time, and counts what happened."""

    def __init__(self, desk: Desk, store: Store) -> None:
        self.desk, self.store = desk, store
        self.lock = threading.Lock()
        self.summary = Summary()
        self.touched: set[int] = set()

    def handler(self, account: ImapAccount | None = None) -> Any:
        dry_run = bool(account and account.dry_run)

        def handle_one(raw: Any, rescan: bool = False) -> Handled:
            with self.lock:
                handled = handle(raw, self.desk, self.store, dry_run=dry_run, rescan=rescan)
                self.summary.count(handled, self.touched)
                return handled
        return handle_one

    def write_orders(self) -> None:
        with self.lock:
            touched, self.touched = sorted(self.touched), set()
            for order_id in touched:
                self.store.write_order_json(order_id)


def sent_copier(config: Config) -> Callable[[Any], bool] | None:
    """Appends a sent reply to the first IMAP account's Sent folder (smtp.sent_folder), so the
    mailbox holds both sides too; None when there is no IMAP account or no folder."""
    accounts = [a for a in imap_accounts(config) if not a.dry_run]
    if not accounts or config.smtp is None or not config.smtp.sent_folder:
        return None
    account, folder = accounts[0], config.smtp.sent_folder

    def copy(row: Any) -> bool:
        from mailflow.sources.imap import _ensure_folder

        client = None
        try:
            client = connect(account)
            _ensure_folder(client, folder)
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


def watchers_for(accounts: Sequence[ImapAccount], sink: Intake, stop: threading.Event,
                 stall_minutes: int) -> list[FolderWatcher]:
    watchers = []
    for account in accounts:
        for folder in account.folders:
            watcher = FolderWatcher(account, folder, sink.handler(account), sink.store.ledger, stop=stop)
            watcher.idle_cycle = min(watcher.idle_cycle, stall_minutes * 60 / 3)
            watchers.append(watcher)
    return watchers


class Stopper:
    """Set by SIGINT/SIGTERM: stop taking new mail, finish the one in hand."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: finishing the message in hand, then stopping",
                 signal.Signals(signum).name)
        self.event.set()

    @property
    def stopped(self) -> bool:
        return self.event.is_set()


def run_once(desk: Desk, store: Store, sources: Sequence[Source],
             accounts: Sequence[ImapAccount] = (), stopper: Stopper | None = None) -> Summary:
    """One pass over every source; an IMAP account that fails is reported in `errors`."""
    sink = Intake(desk, store)
    stop = stopper.event if stopper else threading.Event()
    try:
        for source in sources:
            handler = sink.handler()
            for raw in source.fetch():
                if stop.is_set():
                    return sink.summary
                handler(raw)
        for watcher in watchers_for(accounts, sink, stop, 15):
            client = None
            try:
                client = connect(watcher.account)
                watcher.sync(client)
            except FAULTS as exc:
                reason = explain(exc, watcher.account)
                log.error("%s: %s", watcher.describe(), reason)
                store.ledger.failed(watcher.source, reason)
                sink.summary.errors.append(f"{watcher.describe()}: {reason}")
            finally:
                quiet_logout(client)
    finally:
        sink.write_orders()
    return sink.summary


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


def run_forever(desk: Desk, store: Store, sources: Sequence[Source], config: Config,
                accounts: Sequence[ImapAccount] = ()) -> None:
    stopper = Stopper()
    stopper.install()
    sink = Intake(desk, store)
    watchers = watchers_for(accounts, sink, stopper.event, config.stall_warning_minutes)
    threads = [threading.Thread(target=w.run, args=(config.reconnect_max_seconds, config.poll_interval),
                                name=f"imap {w.describe()}", daemon=True) for w in watchers]

    def poll_local() -> None:
        handler = sink.handler()
        for source in sources:
            for raw in source.fetch():
                if stopper.stopped:
                    return
                handler(raw)

    def wake_pollers() -> None:
        for watcher in watchers:
            if not watcher.using_idle:
                watcher.poll.set()

    def check_stalls() -> None:
        for warning in stalled(watchers, time.monotonic(), config.stall_warning_minutes):
            log.warning("%s", warning)

    schedule.clear("mailflow")
    schedule.every(config.poll_interval).seconds.do(poll_local).tag("mailflow")
    schedule.every(config.poll_interval).seconds.do(wake_pollers).tag("mailflow")
    schedule.every(60).seconds.do(check_stalls).tag("mailflow")
    schedule.every(5).seconds.do(sink.write_orders).tag("mailflow")
    if config.smtp is not None:
        def outbox_tick() -> None:
            try:
                send_outbox(config, store)
            except Exception:
                log.exception("outbox tick failed")
        schedule.every(30).seconds.do(outbox_tick).tag("mailflow")
    names = [s.describe() for s in sources] + [w.describe() for w in watchers]
    log.info("watching %s; stop with Ctrl-C or SIGTERM", ", ".join(names) or "nothing")
    for thread in threads:
        thread.start()
    poll_local()
    while not stopper.stopped:
        schedule.run_pending()
        stopper.event.wait(timeout=min(1.0, max(0.1, schedule.idle_seconds() or 1.0)))
    schedule.clear("mailflow")
    for watcher in watchers:
        watcher.poll.set()  # wake pollers, so they see the stop at once
    deadline = time.monotonic() + 30
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    sink.write_orders()
    log.info("stopped")

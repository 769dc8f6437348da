"""The long-running loop: poll the sources with `schedule`, stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import schedule

from mailflow.config import Config
from mailflow.pipeline import Desk, Handled, handle
from mailflow.sources import Source
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
    replies: Counter[str] = field(default_factory=Counter)  # queued, held, suppressed

    def as_dict(self) -> dict[str, object]:
        return {"read": self.read, "categories": dict(sorted(self.categories.items())),
                "filed_under_order": self.filed_under_order, "new_orders": self.new_orders,
                "unfiled": self.unfiled, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "replies": dict(sorted(self.replies.items()))}


def sources_from(config: Config, override: str | None = None) -> list[Source]:
    if not override:
        for source in config.sources:
            if source.imap:
                log.warning("IMAP source %s@%s is configured but this version reads only local "
                            "mail; it is skipped", source.imap.username, source.imap.host)
    specs = [override] if override else [s.path for s in config.sources if s.path]
    base = Path.cwd() if override else config.base_dir
    return [local_source(spec, base) for spec in specs if spec]


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
             stopper: Stopper | None = None) -> Summary:
    summary = Summary()
    touched: set[int] = set()
    try:
        for source in sources:
            for raw in source.fetch():
                if stopper and stopper.stopped:
                    return summary
                _count(summary, handle(raw, desk, store), touched)
    finally:
        for order_id in sorted(touched):
            store.write_order_json(order_id)
    return summary


def _count(summary: Summary, handled: Handled, touched: set[int]) -> None:
    summary.read += 1
    if handled.status == "quarantined":
        summary.quarantined += 1
        return
    if handled.status == "duplicate":
        summary.duplicates += 1
        return
    assert handled.outcome is not None and handled.applied is not None
    summary.categories[handled.outcome.decision.category] += 1
    if handled.applied.order_id is not None:
        touched.add(handled.applied.order_id)
        summary.filed_under_order += 1
        summary.new_orders += handled.applied.new_order
    else:
        summary.unfiled += 1
    for reply in handled.outcome.replies:
        summary.replies[reply.state] += 1
    summary.replies["suppressed"] += len(handled.outcome.suppressed)


def run_forever(desk: Desk, store: Store, sources: Sequence[Source], interval: int) -> None:
    stopper = Stopper()
    stopper.install()

    def poll() -> None:
        summary = run_once(desk, store, sources, stopper)
        if summary.read - summary.duplicates:
            log.info("poll: %s", summary.as_dict())

    schedule.clear("mailflow")
    schedule.every(interval).seconds.do(poll).tag("mailflow")
    log.info("watching %s every %ss; stop with Ctrl-C or SIGTERM",
             ", ".join(s.describe() for s in sources), interval)
    poll()
    while not stopper.stopped:
        schedule.run_pending()
        stopper.event.wait(timeout=min(1.0, max(0.1, schedule.idle_seconds() or 1.0)))
    schedule.clear("mailflow")
    log.info("stopped")

"""The outbox: replies move one state at a time, each change committed before the next step.

    queued ──▶ sending ──▶ sent
      ▲  │        ├──▶ queued again (a temporary failure: 4xx, refused, timeout), with backoff
      │  │        ├──▶ failed (5xx, or too many attempts): the server's answer kept
      │  ▼        └──▶ uncertain (the connection broke after the message went out)
     held ──▶ rejected

Exactly once: before a reply's last line goes to the server its row says `sending/data`; only
then can the server have it. A restart finds a row left in `sending/connecting` (the process
died before the message went out) and queues it again, and one left in `sending/data` as
`uncertain`: it may have been delivered, so a person checks instead of mailflow sending twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

QUEUED: Final = "queued"
HELD: Final = "held"
SENDING: Final = "sending"
SENT: Final = "sent"
FAILED: Final = "failed"
UNCERTAIN: Final = "uncertain"
REJECTED: Final = "rejected"

STATES = (QUEUED, HELD, SENDING, SENT, FAILED, UNCERTAIN, REJECTED)

log = logging.getLogger("mailflow.outbox")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    recovered: int = 0
    capped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def backoff(attempts: int, base: float, now: dt.datetime) -> dt.datetime:
    """Doubling waits with jitter, capped at six hours."""
    seconds = min(base * 2 ** max(0, attempts - 1), 6 * 3600)
    return now + dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def send_due(store: Any, smtp: Any, sender: str, *, max_per_hour: int,
             deliver: Callable[..., Any], copy_to_sent: Callable[[Any], bool] | None = None,
             dry_run: bool = False, limit: int = 100) -> SendReport:
    """One outbox tick: recover what a crash left, then send what is due, one at a time."""
    from mailflow.reply import smtp as transport

    report = SendReport()
    if dry_run:
        for row in store.due_replies(limit):
            log.info("dry-run: would send reply #%d %s to %s: %s", row.id, row.template,
                     ", ".join(row.to_addrs), row.subject)
        return report
    report.recovered = store.recover_sending(stale_after=smtp.timeout * 2 + 60)
    while report.sent + report.failed + report.uncertain + report.retrying < limit:
        if store.sent_since(dt.timedelta(hours=1)) >= max_per_hour:
            report.capped = True
            log.warning("outbox: %d replies sent in the last hour (reply.max_per_hour); the rest "
                        "wait", max_per_hour)
            break
        row = store.claim_reply()
        if row is None:
            break
        delivery = deliver(smtp, sender, row.to_addrs, row.raw,
                           before_data=lambda r=row: store.reply_phase(r.id, "data"))
        now = dt.datetime.now(dt.UTC)
        if delivery.login_failed:  # no reply can go: wait for the account to be fixed
            store.reply_release(row.id, delivery.reply, now + dt.timedelta(seconds=smtp.retry_base_seconds))
            log.error("outbox: %s; nothing is sent until this is fixed", delivery.reply)
            report.retrying += 1
            break
        if delivery.outcome == transport.SENT:
            store.reply_sent(row.id, delivery.reply)
            report.sent += 1
            log.info("sent reply #%d %s to %s: %s", row.id, row.template, ", ".join(row.to_addrs),
                     delivery.reply)
        elif delivery.outcome == transport.UNCERTAIN:
            store.reply_done(row.id, UNCERTAIN, delivery.reply)
            report.uncertain += 1
            log.error("reply #%d is uncertain: %s", row.id, delivery.reply)
        elif delivery.outcome == transport.TEMPORARY and row.attempts < smtp.max_attempts:
            store.reply_retry(row.id, delivery.reply, backoff(row.attempts, smtp.retry_base_seconds, now))
            report.retrying += 1
            log.warning("reply #%d not sent (attempt %d of %d), will retry: %s", row.id,
                        row.attempts, smtp.max_attempts, delivery.reply)
        else:
            reason = delivery.reply if delivery.outcome == transport.PERMANENT else \
                f"gave up after {row.attempts} attempts: {delivery.reply}"
            store.reply_done(row.id, FAILED, reason)
            report.failed += 1
            log.error("reply #%d failed: %s", row.id, reason)
    if copy_to_sent is not None:
        for row in store.replies_missing_sent_copy():
            store.reply_sent_copy(row.id, "done" if copy_to_sent(row) else "failed")
    return report

"""The outbox: replies move one state at a time, each change committed before the next step.

    queued ──▶ sending ──▶ sent
      ▲  │        ├──▶ queued again (a temporary failure: 4xx, refused, timeout), with backoff
      │  │        ├──▶ failed (5xx, or too many attempts): the server's answer kept
      │  ▼        └──▶ uncertain (the connection broke after the message went out)
     held ──▶ rejected
     held/queued ──▶ superseded (a newer reply for a revised order replaces it)

Exactly once: before a reply's last line goes to the server its row says `sending/data`; only
then can the server have it. A restart finds a row left in `sending/connecting` (the process
died before the message went out) and queues it again, and one left in `sending/data` as
`uncertain`: it may have been delivered, so a person checks instead of mailflow sending twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Self

from mailflow import clock
from mailflow.errors import ClaimLost

QUEUED: Final = "queued"
HELD: Final = "held"
SENDING: Final = "sending"
SENT: Final = "sent"
FAILED: Final = "failed"
UNCERTAIN: Final = "uncertain"
REJECTED: Final = "rejected"
SUPERSEDED: Final = "superseded"  # a newer reply (for a revised order) replaces it: never sent
WITHDRAWN: Final = "withdrawn"  # a chaser whose milestone was done before it went: never sent

STATES = (QUEUED, HELD, SENDING, SENT, FAILED, UNCERTAIN, REJECTED, SUPERSEDED, WITHDRAWN)

log = logging.getLogger("mailflow.outbox")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    held: int = 0
    recovered: int = 0
    lost: int = 0  # claims this sender lost (its heartbeat failed, another daemon took the row)
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
    """One outbox tick: recover what a stopped sender left, then send what is due, one at a
    time, under a heartbeat that keeps this sender's claims its own while it works."""
    from mailflow.reply import smtp as transport

    report = SendReport()
    if dry_run:
        for row in store.due_replies(limit):
            log.info("dry-run: would send reply #%d %s to %s: %s", row.id, row.template,
                     ", ".join(row.to_addrs), row.subject)
        return report
    with Heartbeat(store.renew_claims, store.claim_seconds / 3):
        report.recovered = store.recover_sending()
        for reply_id in store.unfiled_sent_replies():  # sent, then a crash before the filing
            store.file_sent_reply(reply_id)
        while report.sent + report.failed + report.uncertain + report.retrying + report.held < limit:
            row, capped = store.claim_reply(max_per_hour)
            if capped:
                report.capped = True
                log.warning("outbox: %d replies sent in the last hour (reply.max_per_hour); the "
                            "rest wait", max_per_hour)
            if row is None:
                break
            if not _send_one(store, smtp, sender, row, deliver, transport, report):
                break
        if copy_to_sent is not None:
            while (row := store.claim_sent_copy()) is not None:
                copied = copy_to_sent(row)
                try:
                    store.reply_sent_copy(row.id, "done" if copied else "failed", row.claimed_by)
                except ClaimLost as exc:  # another daemon took the copy over: it finds ours there
                    log.warning("outbox: %s", exc)
                    report.lost += 1
    return report


def _send_one(store: Any, smtp: Any, sender: str, row: Any, deliver: Callable[..., Any],
              transport: Any, report: SendReport) -> bool:
    """Deliver one claimed reply and record the outcome; False: stop this tick. Every write is
    fenced by the claim: a sender whose claim was lost (its heartbeat could not reach the
    database and another daemon recovered the row) does not start the data, and records
    nothing over what the row now says."""
    try:
        return _deliver_claimed(store, smtp, sender, row, deliver, transport, report)
    except ClaimLost as exc:
        report.lost += 1
        log.error("outbox: %s", exc)
        # a claim that only lapsed before the data, taken by nobody, goes back to the queue at
        # once; the release is fenced like every write, so it finds no row after any other loss
        try:
            store.reply_release(row.id, f"not sent: {exc}", clock.now(), row.claimed_by)
        except ClaimLost:
            pass
        return True


def _deliver_claimed(store: Any, smtp: Any, sender: str, row: Any, deliver: Callable[..., Any],
                     transport: Any, report: SendReport) -> bool:
    claim = row.claimed_by
    refused = {a for a, answer in (row.recipient_results or {}).items() if answer[:1] == "5"}
    delivery = deliver(smtp, sender, [a for a in row.to_addrs if a not in refused], row.raw,
                       before_data=lambda r=row: store.reply_phase(r.id, "data", claim))
    now = clock.now()
    if delivery.account_fault:  # no reply can go: wait for the account to be fixed
        store.reply_release(row.id, delivery.reply, now + dt.timedelta(seconds=smtp.retry_base_seconds), claim)
        log.error("outbox: %s; nothing is sent until this is fixed", delivery.reply)
        report.retrying += 1
        return False
    if delivery.outcome == transport.SENT:
        store.reply_sent(row.id, delivery.reply, claim, delivery.recipients)
        report.sent += 1
        log.info("sent reply #%d %s to %s: %s", row.id, row.template, ", ".join(row.to_addrs),
                 delivery.reply)
    elif delivery.outcome == transport.PARTIAL:  # nothing went out: a person decides
        store.reply_done(row.id, HELD, f"{delivery.reply}; approve to send to the accepted "
                                       "recipient(s) only", claim, recipients=delivery.recipients)
        report.held += 1
        log.warning("reply #%d held: %s", row.id, delivery.reply)
    elif delivery.outcome == transport.UNCERTAIN:
        store.reply_done(row.id, UNCERTAIN, delivery.reply, claim)
        report.uncertain += 1
        log.error("reply #%d is uncertain: %s", row.id, delivery.reply)
    elif delivery.outcome == transport.TEMPORARY and row.attempts < smtp.max_attempts:
        store.reply_retry(row.id, delivery.reply, backoff(row.attempts, smtp.retry_base_seconds, now), claim)
        report.retrying += 1
        log.warning("reply #%d not sent (attempt %d of %d), will retry: %s", row.id,
                    row.attempts, smtp.max_attempts, delivery.reply)
    else:
        reason = delivery.reply if delivery.outcome == transport.PERMANENT else \
            f"gave up after {row.attempts} attempts: {delivery.reply}"
        store.reply_done(row.id, FAILED, reason, claim)
        report.failed += 1
        log.error("reply #%d failed: %s", row.id, reason)
    return True


class Heartbeat:
    """Calls `beat` every `every` seconds on a thread while the block runs (a failed beat is
    logged; the claim then lapses, and the next write, fenced by the claim, finds it lost: the
    check just before the data refuses a lapsed claim too)."""

    def __init__(self, beat: Callable[[], None], every: float) -> None:
        self.beat, self.every = beat, max(0.5, every)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception as exc:  # noqa: BLE001 - the database may be away for a moment
                log.warning("heartbeat failed: %s", exc)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

"""Chasers and the digest in the outbox: the overdue milestones a chaser may be drafted for,
the mail of a party a chaser answers, and the outbox rows themselves, each added once (a
Message-ID derived from what it is, and the milestone's chase claimed in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, sessionmaker

from mailflow import clock
from mailflow.follow.order import OVERDUE
from mailflow.follow.plans import OnFile
from mailflow.reply.outbox import HELD, QUEUED, SUPERSEDED, WITHDRAWN
from mailflow.store.db import DocumentRow, EventRow, MessageRow, MilestoneRow, OrderRow, OutboxRow


def chase_key(folder: str, milestone: str) -> str:
    """The outbox's `revision_key` of an order's chasers for one milestone."""
    return f"{folder}:chase:{milestone}"


def withdraw_chasers(session: Session, order: OrderRow, done: dict[str, str], now: dt.datetime) -> list[int]:
    """The chasers still waiting (held or queued) for milestones now done are withdrawn, with
    the reason: what they ask for is no longer owed. `done`: milestone key -> its name and how
    it was done. A withdrawn chaser is never approved nor sent. Each is withdrawn by a
    conditional write (only while it is still held or queued: one a sender claimed since it was
    read is left to the sender), and only a row so changed gets its event. Returns their
    outbox ids."""
    if not done:
        return []
    keys = {chase_key(order.folder, key): key for key in done}
    withdrawn: list[int] = []
    for reply_id, revision_key, answers_id in session.execute(
            select(OutboxRow.id, OutboxRow.revision_key, OutboxRow.answers_id).where(
                OutboxRow.order_id == order.id, OutboxRow.state.in_((HELD, QUEUED)),
                OutboxRow.revision_key.in_(list(keys))).order_by(OutboxRow.id)).all():
        key = keys[revision_key]
        reason = f"withdrawn: {done[key]}"[:1000]
        changed = session.execute(update(OutboxRow).where(OutboxRow.id == reply_id,
                                                          OutboxRow.state.in_((HELD, QUEUED)))
                                  .values(state=WITHDRAWN, reason=reason, updated_at=now))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        session.add(EventRow(kind="chaser-withdrawn", order_id=order.id, message_row_id=answers_id, at=now,
                             detail={"outbox_id": reply_id, "milestone": key, "reason": reason}))
        withdrawn.append(reply_id)
    return withdrawn


class ChaseStore:
    sessions: sessionmaker[Session]

    def chase_candidates(self, limit: int = 500) -> list[tuple[MilestoneRow, OrderRow]]:
        """Overdue milestones of orders being followed (the caller keeps those with a chaser)."""
        with self.sessions() as session:
            return [(row[0], row[1]) for row in session.execute(
                select(MilestoneRow, OrderRow).join(OrderRow, MilestoneRow.order_id == OrderRow.id)
                .where(MilestoneRow.state == OVERDUE,
                       OrderRow.status.not_in(("closed", "cancelled", "on hold")))
                .order_by(MilestoneRow.due, MilestoneRow.id).limit(limit))]

    def order_mail(self, order_id: int, direction: str = "in", limit: int = 1000) -> list[OnFile]:
        """The order's incoming mail, newest first, with the party each came from (as decided
        when it was filed; else its documents', else its sender's name and domain): a chaser
        answers the newest one of its party (`plans.chase_route`). The bound is wide (a busy
        order's newest mail must not hide the one party's older mail) and the text not loaded.
        `direction="out"`: our own mail, with the addresses it went to (`OnFile.to`)."""
        from mailflow.parties import sender_party

        with self.sessions() as session:
            rows = session.scalars(select(MessageRow).where(MessageRow.order_id == order_id,
                                                            MessageRow.direction == direction)
                                   .options(defer(MessageRow.text))
                                   .order_by(func.coalesce(MessageRow.date, MessageRow.received_at).desc(),
                                             MessageRow.id.desc()).limit(limit)).all()
            if direction == "out":
                return [OnFile(row, "us", row.case_id is not None, (*(row.to_addrs or ()), *(row.cc_addrs or ())))
                        for row in rows]
            parties = {mid: p for mid, p in session.execute(
                select(DocumentRow.message_row_id, DocumentRow.party)
                .where(DocumentRow.message_row_id.in_([r.id for r in rows])))}
        return [OnFile(row, (row.decision or {}).get("party") or parties.get(row.id)
                       or sender_party(row.from_addr.rpartition("@")[2], row.from_name), row.case_id is not None)
                for row in rows]

    def add_chaser(self, milestone_id: int, every_days: int, reply: dict[str, Any]) -> bool:
        """The chaser's outbox row and the milestone's chase count in one transaction, only if
        no chaser went within `every_days` (another daemon, or an earlier hour): true when this
        call added it."""
        now = clock.now()
        try:
            with self.sessions() as session, session.begin():
                claimed = session.execute(update(MilestoneRow).where(
                    MilestoneRow.id == milestone_id, MilestoneRow.state == OVERDUE,
                    (MilestoneRow.last_chased_at.is_(None)) |
                    (MilestoneRow.last_chased_at <= now - dt.timedelta(days=every_days)))
                    .values(last_chased_at=now, chases=MilestoneRow.chases + 1))
                if not claimed.rowcount:  # type: ignore[attr-defined]
                    return False
                row = OutboxRow(**{"approver": "", **reply})  # a chaser: anyone who answers mail
                session.add(row)
                session.flush()
                self._supersede_chasers(session, row, now)
                session.add(EventRow(kind="chaser-drafted", order_id=reply["order_id"],
                                     message_row_id=reply["answers_id"], at=now,
                                     detail={"outbox_id": row.id, "template": reply["template"],
                                             "state": reply["state"], "to": reply["to_addrs"],
                                             "milestone": reply["revision_key"].rpartition(":")[2]}))
            return True
        except IntegrityError:
            return False  # the same chaser (same Message-ID) was added by another daemon

    @staticmethod
    def _supersede_chasers(session: Session, newer: OutboxRow, now: dt.datetime) -> None:
        """A chaser for a milestone replaces the one for it still waiting (held or queued):
        one chaser a milestone waits at a time, and the newer says what is true now. Each by a
        conditional write (one a sender claimed meanwhile is left to the sender), and only a
        row so changed gets its event."""
        reason = f"superseded by chaser #{newer.id} for the same milestone, written {now:%Y-%m-%d}"
        for old_id, answers_id in session.execute(select(OutboxRow.id, OutboxRow.answers_id).where(
                OutboxRow.order_id == newer.order_id, OutboxRow.revision_key == newer.revision_key,
                OutboxRow.state.in_((HELD, QUEUED)), OutboxRow.id != newer.id).order_by(OutboxRow.id)).all():
            changed = session.execute(update(OutboxRow).where(OutboxRow.id == old_id,
                                                              OutboxRow.state.in_((HELD, QUEUED)))
                                      .values(state=SUPERSEDED, superseded_by=newer.id, reason=reason,
                                              updated_at=now))
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            session.add(EventRow(kind="reply-superseded", order_id=newer.order_id, message_row_id=answers_id,
                                 at=now, detail={"outbox_id": old_id, "by": newer.id}))

    def skip_chase(self, milestone_id: int, reason: str) -> None:
        """No chaser can be written (no mail of that party to answer, an automated sender): the
        reason is an event, and the next attempt waits as a chaser would."""
        now = clock.now()
        with self.sessions() as session, session.begin():
            row = session.get(MilestoneRow, milestone_id)
            if row is None:
                return
            row.last_chased_at = now
            session.add(EventRow(kind="chaser-not-written", order_id=row.order_id, at=now,
                                 detail={"milestone": row.key, "reason": reason}))

    def add_own_mail(self, reply: dict[str, Any]) -> bool:
        """A mail of our own (the daily digest) in the outbox, once: its Message-ID is derived
        from what it is, so a second attempt (a restart, another daemon) adds nothing."""
        with self.sessions() as session:
            if session.scalar(select(OutboxRow.id).where(OutboxRow.message_id == reply["message_id"])):
                return False
        try:
            with self.sessions() as session, session.begin():
                session.add(OutboxRow(**{"approver": "", **reply}))
            return True
        except IntegrityError:
            return False

    def has_outbox_message(self, message_id: str) -> bool:
        with self.sessions() as session:
            return session.scalar(select(OutboxRow.id).where(OutboxRow.message_id == message_id)) is not None

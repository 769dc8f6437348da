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
from mailflow.follow.order import DONE, OVERDUE
from mailflow.follow.plans import OnFile
from mailflow.reply.outbox import FAILED, HELD, QUEUED, SUPERSEDED, UNCERTAIN, WITHDRAWN
from mailflow.store.db import DocumentRow, EventRow, MessageRow, MilestoneRow, OrderRow, OutboxRow


def chase_key(folder: str, milestone: str) -> str:
    """The outbox's `revision_key` of an order's chasers for one milestone."""
    return f"{folder}:chase:{milestone}"


CHASE = ":chase:"  # in a chaser's `revision_key`, before its milestone's key
# the chasers withdrawn when what they ask for is owed no more: all but those being sent (the
# sender's) and those done with; an uncertain one may have gone out, and is never sent again
WITHDRAWABLE = (HELD, QUEUED, FAILED, UNCERTAIN)
MAY_HAVE_GONE = ("; it may have gone out before (the sender stopped while the server was taking it): "
                 "check the Sent folder; it is never sent again")


def withdraw_chasers(session: Session, order: OrderRow, done: dict[str, str], now: dt.datetime) -> list[int]:
    """The chasers not sent (held, queued, failed or uncertain) for milestones now done, or
    gone from the order's plan, are withdrawn, with the reason: what they ask for is no longer
    owed. `done`: milestone key -> why (its name and how it was done, or that the plan dropped
    it). A withdrawn chaser is never approved nor sent; an uncertain one may have gone out
    before, and its reason says so. Each is withdrawn by a conditional write (only while it is
    still in the state it was read in: one a sender claimed since is left to the sender, who
    finds it owed no more when it claims it again), and only a row so changed gets its event.
    Returns their outbox ids."""
    if not done:
        return []
    keys = {chase_key(order.folder, key): key for key in done}
    withdrawn: list[int] = []
    for reply_id, state, revision_key, answers_id in session.execute(
            select(OutboxRow.id, OutboxRow.state, OutboxRow.revision_key, OutboxRow.answers_id).where(
                OutboxRow.order_id == order.id, OutboxRow.state.in_(WITHDRAWABLE),
                OutboxRow.revision_key.in_(list(keys))).order_by(OutboxRow.id)).all():
        key = keys[revision_key]
        if withdraw_chaser(session, reply_id, state, f"withdrawn: {done[key]}", now):
            session.add(EventRow(kind="chaser-withdrawn", order_id=order.id, message_row_id=answers_id, at=now,
                                 detail={"outbox_id": reply_id, "milestone": key, "was": state,
                                         "reason": f"withdrawn: {done[key]}"[:1000]}))
            withdrawn.append(reply_id)
    return withdrawn


def withdraw_chaser(session: Session, reply_id: int, state: str, reason: str, now: dt.datetime) -> bool:
    """One chaser withdrawn, only if it is still in `state` (one of WITHDRAWABLE): whether it was."""
    said = (reason + MAY_HAVE_GONE if state == UNCERTAIN else reason)[:1000]
    changed = session.execute(update(OutboxRow).where(OutboxRow.id == reply_id, OutboxRow.state == state)
                              .values(state=WITHDRAWN, reason=said, phase="", next_attempt_at=None,
                                      updated_at=now))
    return changed.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def owed_no_more(session: Session, order_id: int | None, revision_key: str) -> str | None:
    """Why a chaser asks for what is owed no more (its milestone is done, or gone from the
    order's plan, or its order is gone); None when it is not a chaser or its milestone is still
    owed. Read at the last moments a chaser could go: when a person approves or retries it,
    and when the sender claims it."""
    if CHASE not in revision_key:
        return None
    key = revision_key.rpartition(CHASE)[2]
    if order_id is None or session.get(OrderRow, order_id) is None:
        return f"the order of its milestone {key} is gone"
    milestone = session.scalar(select(MilestoneRow).where(MilestoneRow.order_id == order_id,
                                                          MilestoneRow.key == key))
    if milestone is None:
        return f"milestone {key} is no longer in the order's plan"
    if milestone.state == DONE:
        how = f" ({milestone.how}: {milestone.done_by})" if milestone.how or milestone.done_by else ""
        return f"{milestone.name or key} is done{how}"
    return None


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

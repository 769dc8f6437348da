"""What the day's summary reads: what was filed, sent, completed, paid, refused and quarantined
between two instants (the desk's day, from midnight to midnight in its zone), one query per
section; the caller (`follow/summary.py`) filters them by owner and words them.

Every instant is the desk's clock's at the time it happened (`db.utcnow`): a mail counts on
the day it was filed, a milestone on the day it was done, a payment on the day it was recorded
(its value date goes with it), a reply on the day it was sent or refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailflow.follow.order import DONE
from mailflow.reply.outbox import REJECTED
from mailflow.store.db import (
    DocumentRow,
    EventRow,
    MessageRow,
    MilestoneRow,
    OrderRow,
    OutboxRow,
    PaymentRow,
    QuarantineRow,
)
from mailflow.store.plan import PARTIES, SERVED, Rows, clipped, parties


def _mail(session: Session, start: dt.datetime, end: dt.datetime, direction: str, limit: int) -> Rows:
    rows = session.execute(
        select(MessageRow.id, MessageRow.message_id, MessageRow.category, MessageRow.subject, MessageRow.from_addr,
               MessageRow.to_addrs, MessageRow.origin, MessageRow.rule, MessageRow.buyer.label("mail_buyer"),
               MessageRow.received_at, OrderRow.folder, *PARTIES)
        .outerjoin(OrderRow, MessageRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(MessageRow.direction == direction, MessageRow.received_at >= start, MessageRow.received_at < end)
        .order_by(MessageRow.id).limit(limit)).all()
    out: Rows = []
    for r in rows:
        said = parties(r) if r.folder else {"order_kind": None, "buyer": r.mail_buyer or "", "supplier": None,
                                            "for_order": None}
        out.append({"order": r.folder or "", **said, "id": r.id, "message_id": r.message_id,
                    "category": r.category or "", "subject": r.subject[:200], "from": r.from_addr,
                    "to": list(r.to_addrs or []), "at": r.received_at,
                    "reply": r.rule if r.origin.startswith("outbox #") else None})
    return out


def received(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    """Mail filed in the window, each with its category and order ("" for none)."""
    return _mail(session, start, end, "in", limit)


def sent(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    """Our mail filed in the window: replies the outbox sent (`reply`: their template) and mail
    a person wrote, each with the documents of ours it carried (`documents`: kinds)."""
    rows = _mail(session, start, end, "out", limit)
    kinds: dict[int, list[str]] = {}
    if rows:
        for message_row_id, kind in session.execute(
                select(DocumentRow.message_row_id, DocumentRow.kind)
                .where(DocumentRow.message_row_id.in_([r["id"] for r in rows])).order_by(DocumentRow.id)):
            kinds.setdefault(message_row_id, []).append(kind)
    return [{**r, "documents": kinds.get(r["id"], [])} for r in rows]


def new_orders(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    rows = session.execute(
        select(OrderRow.folder, OrderRow.number, OrderRow.currency, OrderRow.total_due, *PARTIES)
        .outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(OrderRow.created_at >= start, OrderRow.created_at < end).order_by(OrderRow.id).limit(limit)).all()
    return [{"order": r.folder, **parties(r), "number": r.number, "currency": r.currency, "total": r.total_due}
            for r in rows]


def completed(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    """Milestones done in the window (and done still), by whom and how, with the mail that did it."""
    rows = session.execute(
        select(MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner, MilestoneRow.done_at, MilestoneRow.done_by,
               MilestoneRow.how, MilestoneRow.note, MessageRow.message_id, OrderRow.folder, *PARTIES)
        .join(OrderRow, MilestoneRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .outerjoin(MessageRow, MilestoneRow.message_row_id == MessageRow.id)
        .where(MilestoneRow.state == DONE, MilestoneRow.done_at >= start, MilestoneRow.done_at < end)
        .order_by(MilestoneRow.done_at, MilestoneRow.id).limit(limit)).all()
    return [{"order": r.folder, **parties(r), "milestone": r.key, "name": r.name, "owner": r.owner,
             "at": r.done_at, "by": r.done_by or "", "how": r.how or "", "message_id": r.message_id,
             "note": clipped(r.note or "")} for r in rows]


def payments(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    """Payments recorded in the window (read from a bank slip, or entered by a person)."""
    rows = session.execute(
        select(PaymentRow.amount, PaymentRow.currency, PaymentRow.value_date, PaymentRow.reference,
               PaymentRow.recorded_by, PaymentRow.created_at, MessageRow.message_id, OrderRow.folder,
               OrderRow.currency.label("order_currency"), *PARTIES)
        .join(OrderRow, PaymentRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .outerjoin(MessageRow, PaymentRow.message_row_id == MessageRow.id)
        .where(PaymentRow.created_at >= start, PaymentRow.created_at < end)
        .order_by(PaymentRow.id).limit(limit)).all()
    return [{"order": r.folder, **parties(r), "amount": r.amount, "currency": r.currency or r.order_currency,
             "value_date": r.value_date, "reference": r.reference, "recorded_by": r.recorded_by or "",
             "message_id": r.message_id, "at": r.created_at} for r in rows]


def refused(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    """Replies a person rejected in the window, and replies the desk would not draft (a mail
    from a robot, a forged sender, a party that gets no acknowledgement), each with why."""
    rejected = session.execute(
        select(OutboxRow.id, OutboxRow.template, OutboxRow.reason, OutboxRow.decided_by, OutboxRow.decided_at,
               OutboxRow.to_addrs, OrderRow.folder, *PARTIES)
        .outerjoin(OrderRow, OutboxRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(OutboxRow.state == REJECTED, OutboxRow.decided_at >= start, OutboxRow.decided_at < end)
        .order_by(OutboxRow.id).limit(limit)).all()
    suppressed = session.execute(
        select(EventRow.at, EventRow.detail, OrderRow.folder, *PARTIES)
        .outerjoin(OrderRow, EventRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(EventRow.kind == "reply-suppressed", EventRow.at >= start, EventRow.at < end)
        .order_by(EventRow.id).limit(limit)).all()
    return [*({"order": r.folder or "", **parties(r), "how": "rejected", "reply": r.id, "template": r.template,
               "by": r.decided_by, "why": clipped(r.reason), "to": list(r.to_addrs or []), "at": r.decided_at}
              for r in rejected),
            *({"order": r.folder or "", **(parties(r) if r.folder else {"buyer": ""}), "how": "not drafted",
               "reply": None, "template": str((r.detail or {}).get("template", "")), "by": "",
               "why": clipped(str((r.detail or {}).get("reason", ""))), "to": [], "at": r.at} for r in suppressed)]


def quarantined(session: Session, start: dt.datetime, end: dt.datetime, limit: int) -> Rows:
    rows = session.execute(
        select(QuarantineRow.sha256, QuarantineRow.reason, QuarantineRow.origin, QuarantineRow.created_at,
               QuarantineRow.resolved_at)
        .where(QuarantineRow.created_at >= start, QuarantineRow.created_at < end)
        .order_by(QuarantineRow.id).limit(limit)).all()
    return [{"order": "", "buyer": "", "sha256": r.sha256[:12], "reason": clipped(r.reason), "origin": r.origin,
             "at": r.created_at, "resolved": r.resolved_at is not None} for r in rows]


LIMIT = 2000  # rows a section reads at the most: a desk's day is far smaller; beyond it the summary says so

SECTIONS = {"received": received, "sent": sent, "new_orders": new_orders, "completed": completed,
            "payments": payments, "refused": refused, "quarantined": quarantined}


class SummaryStore:
    sessions: sessionmaker[Session]

    def summary_rows(self, start: dt.datetime, end: dt.datetime, limit: int = LIMIT) -> dict[str, Any]:
        """What the day's summary reads (the sections above) between `start` and `end`, in one
        session; each section holds `limit` rows at the most."""
        with self.sessions() as session:
            return {name: query(session, start, end, limit) for name, query in SECTIONS.items()}

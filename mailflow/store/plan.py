"""What the daily plan reads: one query per section, each a function of a session, the day and
a page size; the caller (`follow/desk.py`) filters them by owner and words them.

The milestones' queries use the partial indexes on open milestones, which match only the very
term `NOT_DONE` (written out, not bound); at 10,000 orders they are a few indexed reads
(`bench/plan.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, select, text, true
from sqlalchemy.orm import Session, aliased, sessionmaker

from mailflow import clock
from mailflow.extract import record as order_record
from mailflow.follow.money import stored_due_now
from mailflow.follow.order import DONE, as_date
from mailflow.reply.outbox import HELD, SENT
from mailflow.store.db import CaseRow, MessageRow, MilestoneRow, OrderRow, OutboxRow, QuarantineRow

# written out, not bound: the partial indexes on open milestones are used only for this very term
NOT_DONE = text("milestones.state != 'done'")
CLOSED = ("closed", "cancelled", "on hold")
SIGNERS = ("manager", "general_manager")
MONEY_MILESTONES = ("deposit", "balance", "payment")

Rows = list[dict[str, Any]]


class Mine(NamedTuple):
    """Whose plan is read, as the queries can filter it before they cut a section to its page:
    the person's `role` (a milestone owned by another role is not theirs) and `others`, the
    buyers (names and domains) assigned to another merchandiser, for a merchandiser (`follow.desk.owns`
    says the same of a row in Python)."""
    role: str
    others: tuple[str, ...] = ()


SERVED = aliased(OrderRow, name="served")  # the sales order a purchase order serves
# who an order is with: joined to each section's orders (outer: a row may have no order)
PARTIES = (OrderRow.kind, OrderRow.buyer, SERVED.number.label("served_number"), SERVED.buyer.label("served_buyer"),
           SERVED.folder.label("served_folder"))


def _theirs_to_others(mine: Mine | None) -> ColumnElement[bool]:
    """Whether an order's buyer (a purchase order's: the buyer of the sales order it serves) is
    not another merchandiser's; true for everyone's plan."""
    if mine is None or not mine.others:
        return true()
    buyer = case((OrderRow.kind == "purchase", func.coalesce(SERVED.buyer, "")),
                 else_=func.coalesce(OrderRow.buyer, ""))
    return buyer.not_in(mine.others)


def clipped(words: str, limit: int = 300) -> str:
    """`words` whole if it fits in `limit` characters; else cut at the last space before the limit,
    with an ellipsis, so that no amount, date or number is cut in two."""
    if len(words) <= limit:
        return words
    head = words[:limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).rstrip() + "…"

def order_parties(kind: str, counterparty: str, served: Any) -> dict[str, Any]:
    """Who an order is with, as the desk's lists and JSON say it: a sales order's `buyer`; a
    purchase order's `supplier` (the counterparty it is kept under), the sales order it serves
    (`served`: `for_order`, its number, and `for_folder`, which names it even where two orders
    share the number) and that order's buyer, for whom the goods are bought."""
    if kind == "purchase":
        return {"kind": kind, "buyer": served.buyer if served else "", "supplier": counterparty,
                "for_order": served.number if served else None, "for_folder": served.folder if served else None}
    return {"kind": kind, "buyer": counterparty, "supplier": None, "for_order": None, "for_folder": None}


class _Served(NamedTuple):
    number: str
    buyer: str
    folder: str


def parties(r: Any) -> dict[str, Any]:
    """`order_parties` of a plan row's order; its `kind` is `order_kind` here, since a plan
    item's `kind` says what waits (a sign-off, a reply)."""
    served = _Served(r.served_number, r.served_buyer, r.served_folder) if r.served_number else None
    said = order_parties(r.kind, r.buyer, served)
    return {"order_kind": said.pop("kind"), **said}


def open_milestones(mine: Mine | None, *columns: Any) -> Select[Any]:
    """`columns` of the open milestones of open orders; of `mine`'s role (or of no role) and
    buyers only, when given (the plan's milestones; the navigation's count due today)."""
    followed = (select(*columns).select_from(MilestoneRow).join(OrderRow, MilestoneRow.order_id == OrderRow.id)
                .outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
                .where(NOT_DONE, OrderRow.status.not_in(CLOSED), _theirs_to_others(mine)))
    if mine is not None:
        followed = followed.where(func.coalesce(MilestoneRow.owner, "").in_(("", mine.role)))
    return followed


def milestones(session: Session, today: dt.date, horizon: int, limit: int, mine: Mine | None = None) -> Rows:
    """Open milestones of followed orders: overdue first (oldest first), then due within `horizon`
    days; of `mine`'s role (or of no role) and buyers only, when given."""
    followed = open_milestones(mine, MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner, MilestoneRow.due,
                               MilestoneRow.state, MilestoneRow.waiting_for, MilestoneRow.due_why, MilestoneRow.plan,
                               OrderRow.folder, OrderRow.number, *PARTIES)
    late = session.execute(followed.where(MilestoneRow.due < today)
                           .order_by(MilestoneRow.due).limit(limit)).all()
    coming = session.execute(followed.where(MilestoneRow.due >= today,
                                            MilestoneRow.due <= today + dt.timedelta(days=horizon))
                             .order_by(MilestoneRow.due).limit(limit)).all()
    return [{"order": r.folder, "number": r.number, **parties(r), "milestone": r.key, "name": r.name,
             "owner": r.owner, "due": r.due, "waiting_for": list(r.waiting_for or []), "why": r.due_why,
             "plan": r.plan} for r in [*late, *coming]]


def signoffs(session: Session, limit: int) -> Rows:
    """Sign-offs ready to sign: a manager's milestone whose requirements are done."""
    rows = session.execute(
        select(MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner, MilestoneRow.due,
               MilestoneRow.waiting_for, MilestoneRow.plan, OrderRow.folder, OrderRow.total_due,
               OrderRow.currency, *PARTIES)
        .join(OrderRow, MilestoneRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(NOT_DONE, MilestoneRow.owner.in_(SIGNERS), OrderRow.status.not_in(CLOSED))
        .order_by(MilestoneRow.due).limit(limit)).all()
    return [{"order": r.folder, **parties(r), "milestone": r.key, "name": r.name, "plan": r.plan,
             "owner": r.owner, "due": r.due, "what": f"{r.total_due} {r.currency}".strip()}
            for r in rows if not r.waiting_for]


def held(session: Session, limit: int) -> Rows:
    """Replies held for a person."""
    rows = session.execute(
        select(OutboxRow.id, OutboxRow.template, OutboxRow.reason, OutboxRow.created_at, OutboxRow.to_addrs,
               OrderRow.folder, *PARTIES)
        .outerjoin(OrderRow, OutboxRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(OutboxRow.state == HELD).order_by(OutboxRow.id).limit(limit)).all()
    return [{"order": r.folder or "", **parties(r), "reply": r.id, "template": r.template,
             "since": r.created_at, "what": clipped(r.reason), "to": list(r.to_addrs or [])} for r in rows]


def _last_mail(direction: str) -> Any:
    """An order's newest mail in `direction` (its date, else when it was received): the first
    entry of the order's range in `ix_messages_order_last_mail`, which holds this very expression."""
    mailed = func.coalesce(MessageRow.date, MessageRow.received_at)
    return (select(mailed).where(MessageRow.order_id == OrderRow.id, MessageRow.direction == direction)
            .order_by(mailed.desc()).limit(1).correlate(OrderRow).scalar_subquery())


def waiting_on_buyer(session: Session, limit: int, mine: Mine | None = None) -> Rows:
    """Open sales orders whose last mail is ours: the buyer owes an answer (a supplier's owed
    answer is its purchase plan's chaser). Each open sales order's last mail in and out is two
    index probes, not a pass over every message (migration 0015); the CTE is MATERIALIZED so
    that each is read once although the filter and the order below name them again. A
    merchandiser's (`mine`): her buyers' only; nobody else's (the merchandiser owns these)."""
    if mine is not None and mine.role != "merchandiser":
        return []
    last = (select(OrderRow.id.label("order_id"), _last_mail("in").label("theirs"), _last_mail("out").label("ours"))
            .where(OrderRow.status.not_in(CLOSED), OrderRow.kind == "sale")
            .cte("last_mail").prefix_with("MATERIALIZED"))
    rows = session.execute(
        select(OrderRow.folder, OrderRow.status, last.c.theirs, last.c.ours, *PARTIES)
        .join(last, last.c.order_id == OrderRow.id)
        .outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(last.c.ours.is_not(None), (last.c.theirs.is_(None)) | (last.c.ours > last.c.theirs),
               _theirs_to_others(mine))
        .order_by(last.c.theirs).limit(limit)).all()
    return [{"order": r.folder, **parties(r), "status": r.status,
             "their_last_mail": as_date(r.theirs), "our_last_mail": as_date(r.ours)} for r in rows]


def money(session: Session, limit: int) -> Rows:
    """Orders with money outstanding, each with the instalment due now (the deposit until it
    is settled, then the balance): what is still short of it and its due day. An order not
    followed since instalments were kept shows the earliest due day of its payment milestones."""
    owing = session.execute(
        select(OrderRow.id, OrderRow.folder, OrderRow.outstanding, OrderRow.total_due, OrderRow.currency,
               OrderRow.instalments, *PARTIES)
        .outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(OrderRow.outstanding != "", OrderRow.status.not_in(("closed", "cancelled")))
        .order_by(OrderRow.folder).limit(limit * 10)).all()
    money_due: dict[int, dt.date] = {}
    # those orders' payment milestones only (every order's took 15 ms at 2,000 orders, for none owing)
    for order_id, due in session.execute(
            select(MilestoneRow.order_id, func.min(MilestoneRow.due))
            .where(MilestoneRow.order_id.in_([r.id for r in owing]), MilestoneRow.state != DONE,
                   MilestoneRow.key.in_(MONEY_MILESTONES), MilestoneRow.due.is_not(None))
            .group_by(MilestoneRow.order_id)) if owing else ():
        if due is not None:
            money_due[order_id] = due
    out: Rows = []
    for r in owing:
        amount = order_record.to_decimal(r.outstanding)
        if amount is None or amount <= 0:
            continue
        now = stored_due_now(r.instalments or [])
        due = as_date(now["due"]) if now else money_due.get(r.id)
        out.append({"order": r.folder, **parties(r), "outstanding": str(amount), "total": r.total_due,
                    "currency": r.currency, "due": due, "instalment": now["name"] if now else None,
                    "short": now["remaining"] if now else None})
    return out


def inquiries(session: Session, now: dt.datetime, limit: int) -> Rows:
    """Inquiries of the last 30 days unanswered for over a day."""
    mailed = func.coalesce(MessageRow.date, MessageRow.received_at)
    answered = select(MessageRow.in_reply_to).where(MessageRow.direction == "out", MessageRow.in_reply_to != "")
    replied = select(OutboxRow.answers_id).where(OutboxRow.state == SENT, OutboxRow.answers_id.is_not(None))
    rows = session.execute(
        select(MessageRow.id, MessageRow.message_id, MessageRow.subject, MessageRow.from_addr,
               MessageRow.buyer, MessageRow.date, MessageRow.received_at)
        .where(MessageRow.category == "inquiry", MessageRow.direction == "in",
               mailed < now - dt.timedelta(days=1), mailed > now - dt.timedelta(days=30),
               MessageRow.message_id.not_in(answered), MessageRow.id.not_in(replied))
        .order_by(MessageRow.date).limit(limit)).all()
    return [{"order": "", "buyer": r.buyer or r.from_addr.rpartition("@")[2], "from": r.from_addr,
             "subject": r.subject[:200], "message_id": r.message_id,
             "received": as_date(r.date or r.received_at)} for r in rows]


def complaints(session: Session, limit: int) -> Rows:
    rows = session.execute(
        select(CaseRow.number, CaseRow.buyer.label("case_buyer"), CaseRow.subject, CaseRow.opened_at,
               OrderRow.folder, *PARTIES)
        .outerjoin(OrderRow, CaseRow.order_id == OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id)
        .where(CaseRow.status == "open").order_by(CaseRow.opened_at).limit(limit)).all()
    return [{"order": r.folder or "", **parties(r), "buyer": r.case_buyer, "case": r.number, "subject": r.subject[:200],
             "opened": as_date(r.opened_at)} for r in rows]


def unfiled(session: Session, now: dt.datetime, limit: int) -> Rows:
    """Mail of the last 30 days about orders that no order was found for."""
    rows = session.execute(
        select(MessageRow.message_id, MessageRow.subject, MessageRow.category, MessageRow.from_addr,
               MessageRow.date, MessageRow.received_at)
        .where(MessageRow.order_id.is_(None), MessageRow.direction == "in",
               MessageRow.category.in_(("order", "payment", "shipping", "complaint")),
               MessageRow.received_at > now - dt.timedelta(days=30))
        .order_by(MessageRow.id.desc()).limit(limit)).all()
    return [{"order": "", "buyer": r.from_addr.rpartition("@")[2], "category": r.category,
             "subject": r.subject[:200], "message_id": r.message_id,
             "received": as_date(r.date or r.received_at)} for r in rows]


def quarantined(session: Session, limit: int) -> Rows:
    rows = session.execute(
        select(QuarantineRow.sha256, QuarantineRow.reason, QuarantineRow.created_at)
        .where(QuarantineRow.resolved_at.is_(None)).order_by(QuarantineRow.id).limit(limit)).all()
    return [{"order": "", "buyer": "", "sha256": r.sha256[:12], "reason": clipped(r.reason),
             "since": as_date(r.created_at)} for r in rows]


def plan_rows(session: Session, today: dt.date, now: dt.datetime, horizon: int = 7,
              limit: int = 500, mine: Mine | None = None) -> dict[str, Rows]:
    """The raw material of the daily plan, one query per section: milestones overdue, due today
    and in the next `horizon` days, sign-offs waiting, replies held, orders waiting on the
    buyer, money outstanding, inquiries unanswered for over a day, open complaints, unfiled and
    quarantined mail. `mine`: the milestones and the orders waiting on the buyer are filtered to
    one person's in the query, before they are cut to `limit` (the caller still filters every
    section; the other sections are cut first, then filtered)."""
    return {"milestones": milestones(session, today, horizon, limit, mine), "signoffs": signoffs(session, limit),
            "held": held(session, limit), "waiting_on_buyer": waiting_on_buyer(session, limit, mine),
            "money": money(session, limit), "inquiries": inquiries(session, now, limit),
            "complaints": complaints(session, limit), "unfiled": unfiled(session, now, limit),
            "quarantined": quarantined(session, limit)}


class PlanStore:
    sessions: sessionmaker[Session]

    def plan_rows(self, today: dt.date, horizon: int = 7, limit: int = 500,
                  mine: Mine | None = None) -> dict[str, Rows]:
        """What the daily plan reads (`plan_rows` above), in one session."""
        with self.sessions() as session:
            return plan_rows(session, today, clock.now(), horizon, limit, mine)

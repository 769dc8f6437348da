"""The small read queries the desk's pages need beside what the CLI prints (`mailflow.views`):
a reply's context (its order, the mail it answers, the order's documents), the outbox with each
reply's order and age, the counts in the navigation and the mails each rule matched. Each is
one or two indexed queries with a limit: they run on every page view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from mailflow import clock, views
from mailflow.store import Store
from mailflow.store.db import AttachmentRow, DocumentRow, MessageRow, OrderRow, OutboxRow, QuarantineRow
from mailflow.store.plan import Mine

DOCUMENTS = 40  # of one order, on a reply's page
OUTBOX = 200  # replies on the outbox page (their columns only, never the MIME): 500 took 0.15 s to render (bench/web.py)


@dataclass(frozen=True)
class ReplyContext:
    """What a reply is about: its order's folder, the mail it answers (row id, subject, sender)
    and the order's documents (kind, revision, party, file name, attachment row id, type)."""

    order: str = ""
    answers: dict[str, Any] | None = None
    documents: tuple[dict[str, Any], ...] = ()


def reply_context(store: Store, reply: OutboxRow) -> ReplyContext:
    with store.sessions() as session:
        folder = session.scalar(select(OrderRow.folder).where(OrderRow.id == reply.order_id)) \
            if reply.order_id else None
        answered = session.execute(select(MessageRow.id, MessageRow.subject, MessageRow.from_addr, MessageRow.date)
                                   .where(MessageRow.id == reply.answers_id)).first() if reply.answers_id else None
        # outer: our documents filed from a sent reply have no attachment row of a mail (they are
        # listed, without a link); a document per row even where a mail carries its name twice
        documents = session.execute(
            select(DocumentRow.id.label("document"), DocumentRow.kind, DocumentRow.revision, DocumentRow.party,
                   DocumentRow.name, AttachmentRow.id, AttachmentRow.content_type)
            .outerjoin(AttachmentRow, (AttachmentRow.message_row_id == DocumentRow.message_row_id)
                       & (AttachmentRow.filename == DocumentRow.name))
            .where(DocumentRow.order_id == reply.order_id)
            .order_by(DocumentRow.id, AttachmentRow.id).limit(DOCUMENTS * 2)).all() if reply.order_id else []
    firsts: dict[int, Any] = {}  # each document once, with its first attachment
    for d in documents:
        firsts.setdefault(d.document, d)
    return ReplyContext(
        order=folder or "",
        answers={"id": answered.id, "subject": answered.subject, "from": answered.from_addr, "date": answered.date}
        if answered else None,
        documents=tuple({"kind": d.kind, "revision": d.revision, "party": d.party, "file": d.name,
                         "attachment": d.id, "type": d.content_type} for d in list(firsts.values())[:DOCUMENTS]))


def outbox_rows(store: Store, state: str | None, review: bool) -> list[dict[str, Any]]:
    """The outbox as `views.outbox_list` gives it, each reply with its order's folder and how
    long it has waited (`waiting`, seconds since it was written, by the desk's clock), oldest
    first; only the states a person acts on when `review`."""
    # the states a person acts on: the oldest first, as they wait; any other (sent, rejected…):
    # the newest OUTBOX of them (a desk's outbox holds every reply it ever sent), oldest first
    newest = bool(state) and state not in views.REVIEW_STATES
    query = (select(OutboxRow.id, OutboxRow.state, OutboxRow.template, OutboxRow.to_addrs, OutboxRow.subject,
                    OutboxRow.reason, OutboxRow.action, OutboxRow.created_at, OrderRow.folder)
             .outerjoin(OrderRow, OutboxRow.order_id == OrderRow.id)
             .order_by(*((OutboxRow.created_at.desc(), OutboxRow.id.desc()) if newest
                         else (OutboxRow.created_at, OutboxRow.id))).limit(OUTBOX))
    if state:
        query = query.where(OutboxRow.state == state)
    elif review:
        query = query.where(OutboxRow.state.in_(views.REVIEW_STATES))
    now = clock.now()
    with store.sessions() as session:
        rows = list(session.execute(query).all())
    if newest:
        rows.reverse()
    return [{"id": r.id, "state": r.state, "template": r.template, "to": r.to_addrs, "subject": r.subject,
             "reason": r.reason, "reason_zh": (r.action or {}).get("reason_zh") if r.reason else None,
             "order": r.folder or "", "since": r.created_at,
             "waiting": max(0, int((now - r.created_at).total_seconds())) if r.created_at else 0} for r in rows]


def waiting(seconds: int) -> tuple[str, int]:
    """How long, as the unit to say it in and the number: "now" below a minute, minutes below
    an hour, hours below two days, else days."""
    if seconds < 60:
        return "now", 0
    if seconds < 3600:
        return "minutes", seconds // 60
    if seconds < 48 * 3600:
        return "hours", seconds // 3600
    return "days", seconds // 86400


def nav_counts(store: Store, mine: Mine | None = None) -> dict[str, int]:
    """What the navigation counts: replies waiting for a person, quarantined mail, open
    milestones of open orders due today (of `mine` only, when given: the reader's own, as the
    plan page chooses them); three counts on indexed columns, in one statement (one round trip
    a page)."""
    from mailflow.store.db import MilestoneRow
    from mailflow.store.plan import open_milestones

    today = views.today(store)
    outbox = (select(func.count()).select_from(OutboxRow)
              .where(OutboxRow.state.in_(views.REVIEW_STATES)).scalar_subquery())
    quarantined = (select(func.count()).select_from(QuarantineRow)
                   .where(QuarantineRow.resolved_at.is_(None)).scalar_subquery())
    due = open_milestones(mine, func.count()).where(MilestoneRow.due == today).scalar_subquery()
    with store.sessions() as session:
        row = session.execute(select(outbox, quarantined, due)).one()
    return {"outbox": row[0] or 0, "quarantine": row[1] or 0, "due_today": row[2] or 0}


def rule_counts(store: Store) -> dict[str, int]:
    """How many filed mails each rule decided, by the rule's name."""
    with store.sessions() as session:
        rows = session.execute(select(MessageRow.rule, func.count()).group_by(MessageRow.rule)).all()
    return {name: count for name, count in rows if name}


def approvers(store: Store, reply_ids: list[int]) -> dict[int, str | None]:
    """Who releases each held reply (the role its hold names; "" anyone, None unknown)."""
    if not reply_ids:
        return {}
    with store.sessions() as session:
        rows = session.execute(select(OutboxRow.id, OutboxRow.approver).where(OutboxRow.id.in_(reply_ids))).all()
    return {r.id: r.approver for r in rows}


def in_open_cases(store: Store, message_ids: list[str]) -> set[str]:
    """Which of these mails belong to an open complaint case (the plan lists the case itself)."""
    if not message_ids:
        return set()
    from mailflow.store.db import CaseRow

    with store.sessions() as session:
        found = session.scalars(select(MessageRow.message_id).join(CaseRow, MessageRow.case_id == CaseRow.id)
                                .where(MessageRow.message_id.in_(message_ids), CaseRow.status == "open")).all()
    return set(found)

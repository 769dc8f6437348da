"""An order's follow-up in the store: loading what following an order reads, persisting what
it returns (`follow/order.py` computes it), people's acts on it (complete, undo, payments,
status, dates, plan) and the reads of one order's milestones and payments.

`follow_order` recomputes one order in one transaction: load → `follow.order.follow` →
persist, with an event for every change; it runs after each batch that touched the order, and
after every change by hand. `mark_overdue` is the hourly job's one statement: due dates are
stored, so only the passing of time is left to apply. What the daily plan reads is in
`store/plan.py`; chasers and digests in the outbox are in `store/chase.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, bindparam, func, insert, literal, null, select, update
from sqlalchemy.orm import Session

from mailflow import clock, policy
from mailflow.errors import MailflowError, NotFound
from mailflow.follow import Follower
from mailflow.follow import calendar as cal
from mailflow.follow import order as fo
from mailflow.follow.order import DONE, OPEN, OVERDUE, Followed
from mailflow.follow.plans import ANCHORS
from mailflow.store.chase import withdraw_chasers
from mailflow.store.db import (
    DocumentRow,
    EventRow,
    MessageRow,
    MilestoneRow,
    OrderRow,
    PaymentRow,
    UtcDateTime,
)

if TYPE_CHECKING:
    from mailflow.store.archive import Archive
    from mailflow.store.batch import Sessions

__all__ = ["DONE", "OPEN", "OVERDUE", "FollowStore", "Followed", "load", "load_many", "persist"]

FOLLOW_PAGE = 200  # orders followed together on SQLite: loaded with one query a table, one savepoint


# what `load_many` reads, built once (an order followed by itself reads them too)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_LOAD_DOCUMENTS = (select(DocumentRow, func.coalesce(MessageRow.date, MessageRow.received_at))
                   .join(MessageRow, DocumentRow.message_row_id == MessageRow.id)
                   .where(DocumentRow.order_id.in_(_IDS)).order_by(DocumentRow.id))
_LOAD_PAYMENTS = select(PaymentRow).where(PaymentRow.order_id.in_(_IDS)).order_by(PaymentRow.id)
_LOAD_MILESTONES = select(MilestoneRow).where(MilestoneRow.order_id.in_(_IDS)).order_by(MilestoneRow.id)
_LOAD_FIRST_MAIL = (select(MessageRow.order_id, func.min(func.coalesce(MessageRow.date, MessageRow.received_at)))
                    .where(MessageRow.order_id.in_(_IDS)).group_by(MessageRow.order_id))
_LOCK_ORDERS = select(OrderRow).where(OrderRow.id.in_(_IDS)).with_for_update()


def load(session: Session, order: OrderRow, now: dt.datetime, today: dt.date) -> tuple[fo.Inputs, dict[str, MilestoneRow]]:
    """What following the order reads, as frozen values, and its milestone rows by key."""
    return load_many(session, [order], now, today)[order.id]


def load_many(session: Session, orders: Sequence[OrderRow], now: dt.datetime,
              today: dt.date) -> dict[int, tuple[fo.Inputs, dict[str, MilestoneRow]]]:
    """`load` for each of the orders by its id, one query a table for them all: following the
    orders a run touched reads hundreds at once."""
    ids = [order.id for order in orders]
    given = {"ids": ids}
    docs: dict[int | None, list[fo.Doc]] = {i: [] for i in ids}
    for d, mailed in session.execute(_LOAD_DOCUMENTS, given):
        docs[d.order_id].append(fo.Doc(d.kind, d.party, d.name, dict(d.record or {}), d.message_row_id, mailed,
                                       d.created_at))
    paid: dict[int, list[fo.Paid]] = {i: [] for i in ids}
    for p in session.scalars(_LOAD_PAYMENTS, given):
        paid[p.order_id].append(fo.Paid(p.amount, p.currency, p.value_date, p.reference, p.message_row_id,
                                        p.created_at, p.recorded_by, p.note, p.charges))
    rows: dict[int, dict[str, MilestoneRow]] = {i: {} for i in ids}
    for r in session.scalars(_LOAD_MILESTONES, given):
        rows[r.order_id][r.key] = r
    first_mail = dict(session.execute(_LOAD_FIRST_MAIL, given).all())
    loaded = {}
    for order in orders:
        facts = fo.OrderFacts(id=order.id, number=order.number, data=dict(order.data or {}), status=order.status,
                              status_by_hand=order.status_by_hand, plan=order.plan, plan_by_hand=order.plan_by_hand,
                              anchors=dict(order.anchors or {}), created_at=order.created_at,
                              first_mail=first_mail.get(order.id), kind=order.kind, buyer=order.buyer)
        kept_rows = rows[order.id]
        loaded[order.id] = fo.Inputs(
            order=facts, documents=tuple(docs[order.id]), payments=tuple(paid[order.id]),
            milestones=tuple(kept(r) for r in kept_rows.values()), now=now, today=today), kept_rows
    return loaded


def lc_summary(order: Any, docs: Sequence[Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The order's L/C checks (as an order document's checks are kept) and the credit as it
    stands after its amendments, for the order as `order show` and the order page give it
    (`order` and `docs`: rows or their columns, by the same names)."""
    facts = fo.OrderFacts(id=order.id, number=order.number, data=dict(order.data or {}),
                          anchors=dict(order.anchors or {}), kind=order.kind)
    found = fo.lc_on_file(facts, [fo.Doc(d.kind, d.party, d.name, dict(d.record or {}), d.message_row_id, None,
                                         d.created_at) for d in docs])
    return ([dataclasses.asdict(c) for c in found.checks],
            found.credit.as_record() if found.credit is not None else None)


def kept(row: MilestoneRow) -> fo.Kept:
    return fo.Kept(row.key, row.name, row.state, row.done_at, row.how, row.done_by, row.note, row.message_row_id,
                   row.reopened_at, row.overdue_since)


@dataclasses.dataclass
class NewRows:
    """The rows following made, inserted together (`insert`): one INSERT of many rows a table.
    The unit of work would insert each alone, as it wants each new row's id back in order, which
    SQLite cannot give for many rows at once; no object here needs its id."""

    payments: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    milestones: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def insert(self, session: Session) -> None:
        """ORM bulk INSERTs: what is pending is flushed first (a chaser's withdrawal and its
        event keep their place before the order's events)."""
        for statement, rows in ((_INSERT_PAYMENTS, self.payments), (_INSERT_MILESTONES, self.milestones),
                                (_INSERT_EVENTS, self.events)):
            if rows:
                session.execute(statement, rows)
        self.payments, self.milestones, self.events = [], [], []


# every row names every column, None too, so that the rows go in one statement
_INSERT_PAYMENTS = insert(PaymentRow).execution_options(render_nulls=True)
_INSERT_MILESTONES = insert(MilestoneRow).execution_options(render_nulls=True)
_INSERT_EVENTS = insert(EventRow).execution_options(render_nulls=True)


def persist(session: Session, order: OrderRow, rows: dict[str, MilestoneRow], result: fo.Result,
            now: dt.datetime, new: NewRows | None = None) -> None:
    """What following returned, written as it is: payments read from slips, the milestones,
    the order's columns, the events. New rows are inserted at the end, or left in `new` when
    it is given (orders followed together insert theirs together)."""
    made = new if new is not None else NewRows()
    made.payments.extend(
        {"order_id": order.id, "message_row_id": p.message_row_id, "amount": p.amount, "currency": p.currency,
         "value_date": p.value_date, "reference": p.reference, "recorded_by": p.recorded_by, "note": p.note,
         "charges": p.charges, "created_at": p.created_at} for p in result.new_payments)
    columns = result.order
    order.plan = columns.plan
    if result.followed_plan:
        gone = {key: f"{rows[key].name or key} is no longer in the order's plan ({columns.plan})"
                for key in result.dropped}
        for key in result.dropped:
            session.delete(rows[key])
        for mark in result.milestones:
            values = {"plan": mark.plan, "name": mark.name, "owner": mark.owner, "position": mark.position,
                      "due": mark.due, "due_why": mark.due_why, "waiting_for": list(mark.waiting_for),
                      "state": mark.state, "done_at": mark.done_at, "how": mark.how, "done_by": mark.done_by,
                      "message_row_id": mark.message_row_id, "overdue_since": mark.overdue_since}
            row = rows.get(mark.key)
            if row is None:
                made.milestones.append({"order_id": order.id, "key": mark.key, "chases": 0, "note": "",
                                        "reopened_at": None, "last_chased_at": None, **values})
            else:
                for name, value in values.items():
                    setattr(row, name, value)
        order.status, order.next_milestone, order.next_due = columns.status, columns.next_milestone, columns.next_due
        order.currency, order.outstanding, order.total_due = columns.currency, columns.outstanding, columns.total_due
        order.instalments = [dict(i) for i in columns.instalments]
        withdraw_chasers(session, order, {**gone, **{m.key: f"{m.name} is done ({m.how}: {m.done_by})"
                                                     for m in result.milestones if m.state == DONE}}, now)
    made.events.extend({"kind": e.kind, "order_id": order.id, "message_row_id": e.message_row_id, "at": now,
                        "detail": dict(e.detail)} for e in result.events)
    if new is None:
        made.insert(session)


def _milestone_subject(number: str, state: cal.State, milestone: Any, followed: Followed) -> policy.Milestone:
    """A milestone as the policy reads it: who owns it and what completes it. A payment
    milestone that recorded payments cannot complete (the terms ask no deposit, or the total is
    not known) is done by a person, as a document's is."""
    if milestone is None:
        return policy.Milestone(number, state.key, state.name, state.owner, "hand")
    done_by = "signoff" if milestone.signoff else "payment" if milestone.payment else \
        "documents" if milestone.documents else "hand"
    counts = True
    if milestone.payment:
        expected = followed.expected
        need = None if expected is None else \
            {"deposit": expected.deposit, "balance": expected.total, "full": expected.total}.get(milestone.payment)
        counts = need is not None and need > 0
    return policy.Milestone(number, state.key, state.name, state.owner, done_by, payment_counts=counts)


class FollowStore:
    sessions: Sessions
    archive: Archive
    follower: Follower | None

    # --- one order, recomputed ---------------------------------------------------------------

    def follow_order(self, order_id: int) -> Followed | None:
        """Recompute the order's milestones, payments and status; None without plans."""
        follower = self.follower
        if follower is None or not follower.plans:
            return None
        with self.sessions() as session, session.begin():
            order = session.scalars(_LOCK_ORDERS, {"ids": [order_id]}).one_or_none()
            if order is None:
                return None
            return self._refollow(session, order, follower)

    def follow_orders(self, *order_ids: int) -> None:
        """Each order recomputed (after a batch, a correction, an assignment). On SQLite all in
        one transaction: one commit, not one per order, and the database's one write lock is
        taken once; what following reads is loaded for `FOLLOW_PAGE` orders at a time, one
        query a table (`load_many`), in one savepoint (store/batch.py). On PostgreSQL one
        transaction each: an order's row stays locked only while it is followed, so another
        daemon's batch that locks the same orders in another order cannot deadlock with this."""
        follower = self.follower
        if not order_ids or follower is None or not follower.plans:
            return
        if not self.sessions.sqlite:
            for order_id in order_ids:
                self.follow_order(order_id)
            return
        ids = list(dict.fromkeys(order_ids))
        with self.sessions.batch():
            for start in range(0, len(ids), FOLLOW_PAGE):
                page = ids[start:start + FOLLOW_PAGE]
                with self.sessions() as session, session.begin():
                    found = {order.id: order for order in session.scalars(_LOCK_ORDERS, {"ids": page})}
                    orders = [found[i] for i in page if i in found]
                    now, new = clock.now(), NewRows()
                    for order_id, (inputs, rows) in load_many(session, orders, now, follower.today()).items():
                        persist(session, found[order_id], rows, fo.follow(inputs, follower), now, new)
                    new.insert(session)

    def _refollow(self, session: Session, order: OrderRow, follower: Follower,
                  now: dt.datetime | None = None) -> Followed:
        """Load what is on file, follow it, persist what following says."""
        now = now or clock.now()
        inputs, rows = load(session, order, now, follower.today())
        result = fo.follow(inputs, follower)
        persist(session, order, rows, result, now)
        return result.followed

    # --- by hand -----------------------------------------------------------------------------

    def _order_for_update(self, session: Session, number: str) -> OrderRow:
        from mailflow.store.records import order_by_number

        order = order_by_number(session, number)
        if order is None:
            raise NotFound(f"no order {number!r}")
        locked = session.execute(select(OrderRow).where(OrderRow.id == order.id).with_for_update()).scalar_one()
        return locked

    def _follower_or_refuse(self) -> Follower:
        follower = self.follower
        if follower is None or not follower.plans:
            raise MailflowError("no follow-up plans (rules/followup/*.yaml): nothing to complete")
        return follower

    def _followed_or_refuse(self, session: Session, order: OrderRow) -> Followed:
        followed = self._refollow(session, order, self._follower_or_refuse())
        fo.refuse_unfollowed(followed, order.number)
        return followed

    def _milestone_row(self, session: Session, order: OrderRow, key: str) -> MilestoneRow | None:
        return session.scalar(select(MilestoneRow).where(MilestoneRow.order_id == order.id,
                                                         MilestoneRow.key == key))

    def complete(self, number: str, key: str, person: policy.Person, note: str = "", how: str = "hand",
                 detail: dict[str, Any] | None = None, signer: tuple[str, str] = ("", "")) -> Followed:
        """A milestone done by a person, if the policy lets them (`policy.Refused`): the
        sign-off (how="signoff", `signer`: the role the margin rule asks for, and why) or a
        milestone by hand. Refused while a milestone it requires is open (the production
        milestone waits for the sign-off), and for one already done."""
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            follower = self._follower_or_refuse()
            followed = self._followed_or_refuse(session, order)
            plan = follower.plan(followed.plan)
            state, milestone = fo.milestone_to_complete(followed, plan, order.number, key, how)
            if how == "signoff":
                policy.require(person, policy.Action.SIGN_OFF, policy.SignOff(order.number, *signer))
            else:
                policy.require(person, policy.Action.COMPLETE_MILESTONE,
                               _milestone_subject(order.number, state, milestone, followed), note=note)
            fo.refuse_complete(followed, state)
            row = self._milestone_row(session, order, key)
            assert row is not None
            now = clock.now()
            act = fo.completed(kept(row), state, person.name, note, how, detail or {}, now)
            self._act(session, order, row, *act, now)
            return self._refollow(session, order, follower, now)

    def undo(self, number: str, key: str, person: policy.Person, note: str = "") -> Followed:
        """A done milestone open again: by hand or sign-off undone; one done by a document is
        reopened and only a newer document completes it again."""
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            follower = self._follower_or_refuse()
            self._followed_or_refuse(session, order)
            row = self._milestone_row(session, order, key)
            if row is None:
                raise NotFound(f"order {order.number} has no milestone {key!r}")
            policy.require(person, policy.Action.UNDO_MILESTONE,
                           policy.Milestone(order.number, key, row.name, row.owner, "hand"), note=note)
            done = fo.refuse_undo(kept(row))
            now = clock.now()
            self._act(session, order, row, *fo.undone(done, person.name, note, now), now)
            return self._refollow(session, order, follower, now)

    def _act(self, session: Session, order: OrderRow, row: MilestoneRow, act: fo.Kept, event: fo.Event,
             now: dt.datetime) -> None:
        """What a person did to a milestone, stored, with its event."""
        row.state, row.done_at, row.how, row.done_by, row.note = act.state, act.done_at, act.how, act.done_by, act.note
        row.message_row_id, row.reopened_at = act.message_row_id, act.reopened_at
        session.add(EventRow(kind=event.kind, order_id=order.id, message_row_id=event.message_row_id, at=now,
                             detail=dict(event.detail)))
        session.flush()

    def add_payment(self, number: str, amount: Decimal, currency: str, value_date: dt.date | None,
                    reference: str, person: policy.Person, charges: Decimal | None = None) -> Followed:
        """A payment a person records: `amount` is what arrived; the banks' `charges` taken on
        the way, if known, were paid too, so the payment counts as their sum (as a slip's does)."""
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            policy.require(person, policy.Action.RECORD_PAYMENT, policy.Thing(f"order {order.number}"))
            by = person.name
            now = clock.now()
            currency = (currency or order.currency or "").upper()
            arrived, amount = amount, amount + (charges or 0)
            session.add(PaymentRow(order_id=order.id, message_row_id=None, amount=str(amount), currency=currency,
                                   value_date=value_date or clock.today(), reference=reference[:100],
                                   recorded_by=by, created_at=now, charges=str(charges) if charges else "",
                                   note=f"recorded by hand: {arrived} arrived, bank charges {charges}" if charges
                                   else "recorded by hand"))
            session.add(EventRow(kind="payment-recorded", order_id=order.id, at=now,
                                 detail={"amount": str(amount), "currency": currency,
                                         **({"charges": str(charges)} if charges else {}),
                                         "value_date": str(value_date or ""), "reference": reference,
                                         "by": by}))
            session.flush()
            return self._followed_or_refuse(session, order)

    def set_status(self, number: str, status: str, person: policy.Person, note: str = "") -> str:
        """`on hold` or `cancelled` by a person (or "" to let the milestones decide again)."""
        if status not in ("", *cal.BY_HAND_STATUSES):
            raise MailflowError(f"a status set by hand is one of: {', '.join(cal.BY_HAND_STATUSES)} (or resume)")
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            policy.require(person, policy.Action.SET_STATUS, policy.Thing(f"order {order.number}"))
            by = person.name
            now = clock.now()
            session.add(EventRow(kind="status-set", order_id=order.id, at=now,
                                 detail={"status": status or "derived from milestones", "by": by,
                                         "before": order.status, **({"note": note} if note else {})}))
            order.status_by_hand = status
            if status:
                order.status = status
            follower = self.follower
            if follower is not None and follower.plans:
                self._refollow(session, order, follower, now)
            return order.status

    def set_anchor(self, number: str, anchor: str, day: dt.date, person: policy.Person) -> Followed:
        if anchor not in ANCHORS:
            raise MailflowError(f"a date the plan counts from is one of: {', '.join(ANCHORS)}")
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            policy.require(person, policy.Action.SET_DATE, policy.Thing(f"order {order.number}"))
            by = person.name
            order.anchors = {**(order.anchors or {}), anchor: day.isoformat()}
            session.add(EventRow(kind="date-set", order_id=order.id, at=clock.now(),
                                 detail={"date": anchor, "value": day.isoformat(), "by": by}))
            session.flush()
            return self._followed_or_refuse(session, order)

    # --- reads -------------------------------------------------------------------------------
    def milestone_subjects(self, number: str) -> dict[str, policy.Milestone]:
        """Each milestone of the order as the policy reads it (its owner and what completes it),
        computed from what is on file and written nowhere: a page asks `policy.check` with
        these to show a person only the buttons they may use. Empty without plans."""
        from mailflow.store.records import order_by_number

        follower = self.follower
        if follower is None or not follower.plans:
            return {}
        with self.sessions() as session:
            order = order_by_number(session, number)
            if order is None:
                raise NotFound(f"no order {number!r}")
            inputs, _ = load(session, order, clock.now(), follower.today())
            followed = fo.follow(inputs, follower).followed
            plan = follower.plan(followed.plan) if followed.plan else None
            return {s.key: _milestone_subject(order.number, s, plan.milestone(s.key) if plan else None, followed)
                    for s in followed.states}


    def milestones(self, order_id: int) -> list[MilestoneRow]:
        with self.sessions() as session:
            return list(session.scalars(select(MilestoneRow).where(MilestoneRow.order_id == order_id)
                                        .order_by(MilestoneRow.position)))

    def payments(self, order_id: int | None = None) -> list[PaymentRow]:
        with self.sessions() as session:
            query = select(PaymentRow).order_by(PaymentRow.value_date, PaymentRow.id)
            if order_id is not None:
                query = query.where(PaymentRow.order_id == order_id)
            return list(session.scalars(query))

    def order_list(self) -> list[Any]:
        """Every order's columns for a list (not its data: a busy desk has thousands)."""
        with self.sessions() as session:
            return list(session.execute(select(
                OrderRow.id, OrderRow.number, OrderRow.folder, OrderRow.buyer, OrderRow.status,
                OrderRow.next_milestone, OrderRow.next_due, OrderRow.outstanding, OrderRow.currency)
                .order_by(OrderRow.id)).all())

    def overdue_count(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count(MilestoneRow.id)).where(MilestoneRow.state == OVERDUE)) or 0)

    def open_order_ids(self, unfollowed_only: bool = False) -> list[int]:
        """Orders not closed or cancelled; `unfollowed_only`: those no plan was chosen for yet
        (orders filed before following began)."""
        with self.sessions() as session:
            query = select(OrderRow.id).where(OrderRow.status.not_in(("closed", "cancelled")))
            if unfollowed_only:
                query = query.where(OrderRow.plan == "")
            return list(session.scalars(query.order_by(OrderRow.id)))

    def set_plan(self, number: str, plan: str, person: policy.Person) -> Followed:
        """Follow this plan whatever the plans' conditions say ("" : let them choose again)."""
        follower = self.follower
        if plan and (follower is None or follower.plan(plan) is None):
            names = ", ".join(p.name for p in follower.plans) if follower else "none"
            raise MailflowError(f"no follow-up plan {plan!r} (plans: {names})")
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            policy.require(person, policy.Action.SET_PLAN, policy.Thing(f"order {order.number}"))
            chosen = follower.plan(plan) if plan and follower else None
            if chosen is not None and chosen.kind != order.kind:
                raise MailflowError(f"plan {plan} is for {chosen.kind} orders; order {order.number} is a "
                                    f"{order.kind} order")
            by = person.name
            session.add(EventRow(kind="plan-set", order_id=order.id, at=clock.now(),
                                 detail={"plan": plan or "chosen by the plans' conditions", "by": by,
                                         "before": order.plan or None}))
            order.plan, order.plan_by_hand = plan, bool(plan)
            session.flush()
            return self._followed_or_refuse(session, order)

    # --- the passing of time ----------------------------------------------------------------

    def mark_overdue(self, today: dt.date) -> int:
        """Every open milestone whose day has passed is overdue from today, with an event each:
        two set-based statements (the events, then the rows) in one transaction, however many
        milestones fall due at once. A second daemon doing the same finds nothing left."""
        now = clock.now()
        due = (MilestoneRow.state == OPEN) & (MilestoneRow.due < today)
        with self.sessions() as session, session.begin():
            build = func.jsonb_build_object if session.get_bind().dialect.name == "postgresql" else func.json_object
            detail = build("milestone", MilestoneRow.key, "name", MilestoneRow.name, "due", MilestoneRow.due)
            session.execute(insert(EventRow).from_select(
                ["kind", "order_id", "message_row_id", "at", "detail"],
                select(literal("milestone-overdue"), MilestoneRow.order_id, null(), literal(now, UtcDateTime()),
                       detail).where(due)))
            marked = session.execute(update(MilestoneRow).where(due).values(state=OVERDUE, overdue_since=today))
            return int(marked.rowcount)  # type: ignore[attr-defined]

"""An order's follow-up in the store: its milestones (done by which mail, by whom, due when),
payments, the sign-off, the status derived from them, and what the daily plan reads.

`follow_order` recomputes one order from what is on file (documents, payments, what people
completed by hand) in one transaction, with an event for every change; it runs after each batch
that touched the order, and after every change by hand. `mark_overdue` is the hourly job's one
statement: due dates are stored, so only the passing of time is left to apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, literal, null, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from mailflow import clock, policy
from mailflow.errors import MailflowError, NotFound
from mailflow.expressions import evaluate_order_expression
from mailflow.extract import record as order_record
from mailflow.follow import Follower, money
from mailflow.follow import calendar as cal
from mailflow.follow.plans import ANCHORS, Plan
from mailflow.store.db import (
    DocumentRow,
    EventRow,
    MessageRow,
    MilestoneRow,
    OrderRow,
    PaymentRow,
    UtcDateTime,
)

OPEN, OVERDUE, DONE = "open", "overdue", "done"
# written out, not bound: the partial indexes on open milestones are used only for this very term
NOT_DONE = text("milestones.state != 'done'")
MANUAL = ("hand", "signoff")

if TYPE_CHECKING:
    from mailflow.store.archive import Archive


@dataclass(frozen=True)
class Followed:
    order_id: int
    plan: str
    status: str
    states: tuple[cal.State, ...]
    expected: money.Expected | None
    paid: Decimal
    outstanding: Decimal | None
    changes: tuple[str, ...]  # what moved, in words


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def plan_facts(data: dict[str, Any], kinds: Sequence[str]) -> dict[str, Any]:
    """The order as a plan's `when` sees it: the rules' order facts plus `order.documents`."""
    facts = order_record.facts(order_record.from_record(data))
    facts["documents"] = sorted(set(kinds))
    return facts


def choose_plan(plans: Sequence[Plan], facts: dict[str, Any]) -> tuple[Plan | None, str]:
    """The first plan whose `when` holds; one that cannot be evaluated is passed over, with
    the reason kept."""
    notes: list[str] = []
    for plan in plans:
        if plan.when is None:
            return plan, "; ".join(notes)
        value, why = evaluate_order_expression(plan.when, facts)
        if value:
            return plan, "; ".join(notes)
        if value is None:
            notes.append(f"{plan.name}: {why}")
    return None, "; ".join(notes)


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
    sessions: sessionmaker[Session]
    archive: Archive
    follower: Follower | None

    # --- one order, recomputed ---------------------------------------------------------------

    def follow_order(self, order_id: int) -> Followed | None:
        """Recompute the order's milestones, payments and status; None without plans."""
        follower = self.follower
        if follower is None or not follower.plans:
            return None
        today, now = follower.today(), clock.now()
        with self.sessions() as session, session.begin():
            order = session.execute(select(OrderRow).where(OrderRow.id == order_id)
                                    .with_for_update()).scalar_one_or_none()
            if order is None:
                return None
            return self._follow(session, order, follower, today, now)

    def _follow(self, session: Session, order: OrderRow, follower: Follower, today: dt.date,
                now: dt.datetime) -> Followed:
        docs = session.execute(
            select(DocumentRow, MessageRow.date, MessageRow.received_at, MessageRow.subject)
            .join(MessageRow, DocumentRow.message_row_id == MessageRow.id)
            .where(DocumentRow.order_id == order.id).order_by(DocumentRow.id)).all()
        changes: list[str] = []
        events: list[EventRow] = []
        # payments read from bank slips, once per slip
        counted = set(session.scalars(select(PaymentRow.message_row_id).where(
            PaymentRow.order_id == order.id, PaymentRow.message_row_id.is_not(None))))
        for doc, date, received, _ in docs:
            read = (doc.record or {}).get("payment")
            if doc.kind != "bank_slip" or not read or doc.message_row_id in counted:
                continue
            same = session.scalar(select(PaymentRow.id).where(  # the bank's advice of the buyer's slip
                PaymentRow.order_id == order.id, PaymentRow.amount == str(read.get("amount")),
                PaymentRow.reference == str(read.get("reference") or "")[:100], PaymentRow.reference != ""))
            if same is not None:
                continue
            counted.add(doc.message_row_id)
            payment = PaymentRow(order_id=order.id, message_row_id=doc.message_row_id,
                                 amount=str(read.get("amount")), currency=str(read.get("currency") or ""),
                                 value_date=_date(read.get("value_date")) or _date(date or received),
                                 reference=str(read.get("reference") or "")[:100], recorded_by="",
                                 note=str(read.get("read_from") or ""), created_at=now)
            session.add(payment)
            events.append(EventRow(kind="payment-recorded", order_id=order.id, message_row_id=doc.message_row_id,
                                   at=now, detail={"amount": payment.amount, "currency": payment.currency,
                                                   "value_date": str(payment.value_date or ""),
                                                   "reference": payment.reference, "from": "bank slip"}))
            changes.append(f"payment {payment.amount} {payment.currency} recorded from a bank slip")
        session.flush()
        payments = session.scalars(select(PaymentRow).where(PaymentRow.order_id == order.id)
                                   .order_by(PaymentRow.id)).all()
        data = dict(order.data or {})
        evidence = [cal.Evidence(doc.kind, doc.party, date or received or doc.created_at, doc.message_row_id,
                                 f"{doc.name if doc.name != 'mail body' else 'mail'} "
                                 f"of {(date or received or doc.created_at):%Y-%m-%d}")
                    for doc, date, received, _ in docs]
        kinds = [e.kind for e in evidence]
        anchors = self._anchors(session, order, data, docs)
        confirmation = next((d.record for d, *_ in reversed(docs)
                             if d.kind in ("pi", "pi_countersigned") and d.record), None)
        source = confirmation if confirmation and confirmation.get("total") else data
        total = order_record.to_decimal(source.get("total"))
        currency = str(source.get("currency") or data.get("currency") or "")
        expected = money.expected(str(data.get("payment_terms") or (confirmation or {}).get("payment_terms") or ""),
                                  total, currency, "our P/I" if source is confirmation else "the buyer's PO")
        facts_when = plan_facts(data, kinds)
        plan = follower.plan(order.plan) if order.plan_by_hand and order.plan else None
        note = ""
        if plan is None:
            plan, note = choose_plan(follower.plans, facts_when)
        rows = {r.key: r for r in session.scalars(select(MilestoneRow).where(MilestoneRow.order_id == order.id))}
        if plan is None:
            order.plan = ""
            return Followed(order.id, "", order.status, (), expected, Decimal(0), None, tuple(changes))
        if order.plan != plan.name:
            if order.plan:
                changes.append(f"plan {order.plan} -> {plan.name}")
            events.append(EventRow(kind="plan-chosen", order_id=order.id, at=now,
                                   detail={"plan": plan.name, "before": order.plan or None,
                                           **({"note": note} if note else {})}))
            order.plan = plan.name
        manual = {k: cal.Completion(r.done_at, r.done_by, r.how, r.note) for k, r in rows.items()
                  if r.state == DONE and r.how in MANUAL and r.done_at is not None}
        reopened = {k: r.reopened_at for k, r in rows.items() if r.reopened_at is not None}
        facts = cal.Facts(anchors=anchors, documents=evidence,
                          payments=[cal.PaymentFact(order_record.to_decimal(p.amount) or Decimal(0), p.currency,
                                                    p.value_date or p.created_at.date(), p.reference,
                                                    p.message_row_id) for p in payments],
                          expected=expected, manual=manual, reopened=reopened, tolerance=follower.tolerance)
        states = cal.evaluate(plan, facts, today)
        keys = {m.key for m in plan.milestones}
        for key, gone in list(rows.items()):
            if key not in keys:
                session.delete(gone)
                events.append(EventRow(kind="milestone-dropped", order_id=order.id, at=now,
                                       detail={"milestone": key, "plan": plan.name}))
        for position, state in enumerate(states):
            milestone = plan.milestone(state.key)
            assert milestone is not None
            row = rows.get(state.key)
            if row is None:
                row = MilestoneRow(order_id=order.id, key=state.key, state=OPEN, chases=0, how="", done_by="",
                                   note="", due_why="")
                session.add(row)
            was_done = row.state == DONE
            row.plan, row.name, row.owner, row.position = plan.name, state.name, state.owner, position
            row.due, row.due_why = state.due, state.due_why[:500]
            row.waiting_for = list(state.waiting_for)
            if state.done:
                if not was_done or row.done_at != state.done_at:
                    row.state, row.done_at, row.how, row.done_by = DONE, state.done_at, state.how, state.by[:200]
                    row.message_row_id = state.message_row_id
                    if not was_done:
                        detail: dict[str, Any] = {"milestone": state.key, "name": state.name, "how": state.how,
                                                  "by": state.by}
                        if state.waiting_for:
                            detail["before"] = list(state.waiting_for)
                        events.append(EventRow(kind="milestone-done", order_id=order.id,
                                               message_row_id=state.message_row_id, at=now, detail=detail))
                        changes.append(f"{state.name}: done ({state.by})")
            else:
                if was_done:
                    events.append(EventRow(kind="milestone-reopened", order_id=order.id, at=now,
                                           detail={"milestone": state.key, "name": state.name,
                                                   "reason": "the evidence that completed it is no longer on file"}))
                    changes.append(f"{state.name}: open again")
                    row.done_at, row.how, row.done_by, row.message_row_id = None, "", "", None
                overdue = state.status == "overdue"
                if overdue and row.state != OVERDUE:
                    row.overdue_since = today
                    events.append(EventRow(kind="milestone-overdue", order_id=order.id, at=now,
                                           detail={"milestone": state.key, "name": state.name,
                                                   "due": state.due.isoformat() if state.due else None}))
                    changes.append(f"{state.name}: overdue since {state.due}")
                row.state = OVERDUE if overdue else OPEN
                if not overdue:
                    row.overdue_since = None
        counting = cal.paid_in(facts)
        paid = sum((p.amount for p in counting), Decimal(0))
        outstanding = expected.total - paid if expected.total is not None else None
        status = cal.derive_status(states, set(kinds), order.status_by_hand)
        if status != order.status:
            events.append(EventRow(kind="status-changed", order_id=order.id, at=now,
                                   detail={"from": order.status, "to": status}))
            changes.append(f"status {order.status} -> {status}")
            order.status = status
        nxt = cal.next_open(states)
        order.next_milestone = nxt.key if nxt else ""
        order.next_due = nxt.due if nxt else None
        order.currency = currency[:10]
        order.outstanding = str(outstanding) if outstanding is not None else ""
        order.total_due = str(expected.total) if expected.total is not None else ""
        session.add_all(events)
        return Followed(order.id, plan.name, order.status, tuple(states), expected, paid, outstanding,
                        tuple(changes))

    def _anchors(self, session: Session, order: OrderRow, data: dict[str, Any],
                 docs: Sequence[Any]) -> dict[str, dt.date]:
        """The dates a plan counts from: the order's own (PO date, delivery date), the first
        document of a kind (P/I, B/L), an L/C advice's expiry and latest shipment, and any date
        a person set (`mailflow order date`), which wins."""
        found: dict[str, dt.date] = {}
        first_mail = session.scalar(select(func.min(func.coalesce(MessageRow.date, MessageRow.received_at)))
                                    .where(MessageRow.order_id == order.id))
        opened = _date(first_mail) or _date(order.created_at)
        if opened:
            found["opened"] = opened

        def first(*kinds: str) -> dt.date | None:
            dates = [_date(date or received) for doc, date, received, _ in docs if doc.kind in kinds]
            return min((d for d in dates if d), default=None)

        po = _date(data.get("order_date")) or first("po", "po_revision")
        if po:
            found["po_date"] = po
        for key, day in (("pi_date", first("pi")), ("bl_date", first("bl")),
                         ("delivery_date", _date(data.get("delivery_date")))):
            if day:
                found[key] = day
        for doc, *_ in docs:  # the latest L/C advice or amendment says
            lc = (doc.record or {}).get("lc") or {}
            for key in ("lc_expiry", "lc_latest_shipment"):
                day = _date(lc.get(key))
                if day:
                    found[key] = day
        for key, value in (order.anchors or {}).items():
            day = _date(value)
            if key in ANCHORS and day:
                found[key] = day
        return found

    # --- by hand -----------------------------------------------------------------------------

    def _order_for_update(self, session: Session, number: str) -> OrderRow:
        from mailflow.store.records import order_by_number

        order = order_by_number(session, number)
        if order is None:
            raise NotFound(f"no order {number!r}")
        locked = session.execute(select(OrderRow).where(OrderRow.id == order.id).with_for_update()).scalar_one()
        return locked

    def _followed_or_refuse(self, session: Session, order: OrderRow) -> Followed:
        follower = self.follower
        if follower is None or not follower.plans:
            raise MailflowError("no follow-up plans (rules/followup/*.yaml): nothing to complete")
        followed = self._follow(session, order, follower, follower.today(), clock.now())
        if not followed.plan:
            raise MailflowError(f"order {order.number} follows no plan: no plan's condition holds for it")
        return followed

    def complete(self, number: str, key: str, person: policy.Person, note: str = "", how: str = "hand",
                 detail: dict[str, Any] | None = None, signer: tuple[str, str] = ("", "")) -> Followed:
        """A milestone done by a person, if the policy lets them (`policy.Refused`): the
        sign-off (how="signoff", `signer`: the role the margin rule asks for, and why) or a
        milestone by hand. Refused while a milestone it requires is open (the production
        milestone waits for the sign-off), and for one already done."""
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            followed = self._followed_or_refuse(session, order)
            state = next((s for s in followed.states if s.key == key), None)
            if state is None:
                raise NotFound(f"order {order.number} follows plan {followed.plan}, which has no milestone "
                               f"{key!r} (it has: {', '.join(s.key for s in followed.states)})")
            follower = self.follower
            assert follower is not None
            plan = follower.plan(followed.plan)
            milestone = plan.milestone(key) if plan else None
            if how == "signoff":
                if milestone is None or not milestone.signoff:
                    raise MailflowError(f"{state.name} is not a sign-off")
                policy.require(person, policy.Action.SIGN_OFF, policy.SignOff(order.number, *signer))
            else:
                policy.require(person, policy.Action.COMPLETE_MILESTONE,
                               _milestone_subject(order.number, state, milestone, followed), note=note)
            by = person.name
            if state.done:
                raise MailflowError(f"{state.name} is done already ({state.how}: {state.by}, "
                                    f"{state.done_at:%Y-%m-%d})" if state.done_at else f"{state.name} is done")
            if state.waiting_for:
                names = [next((s.name for s in followed.states if s.key == k), k) for k in state.waiting_for]
                raise MailflowError(f"{state.name} cannot be done before {', '.join(names)}")
            row = session.scalar(select(MilestoneRow).where(MilestoneRow.order_id == order.id,
                                                            MilestoneRow.key == key))
            assert row is not None
            now = clock.now()
            row.state, row.done_at, row.how, row.done_by, row.note = DONE, now, how, by, note[:1000]
            row.message_row_id, row.reopened_at = None, None
            session.add(EventRow(kind="signed-off" if how == "signoff" else "milestone-done", order_id=order.id,
                                 at=now, detail={"milestone": key, "name": state.name, "how": how, "by": by,
                                                 **({"note": note} if note else {}), **(detail or {})}))
            session.flush()
            return self._follow(session, order, follower, follower.today(), now)

    def undo(self, number: str, key: str, person: policy.Person, note: str = "") -> Followed:
        """A done milestone open again: by hand or sign-off undone; one done by a document is
        reopened and only a newer document completes it again."""
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            followed = self._followed_or_refuse(session, order)
            row = session.scalar(select(MilestoneRow).where(MilestoneRow.order_id == order.id,
                                                            MilestoneRow.key == key))
            if row is None:
                raise NotFound(f"order {order.number} has no milestone {key!r}")
            policy.require(person, policy.Action.UNDO_MILESTONE,
                           policy.Milestone(order.number, key, row.name, row.owner, "hand"), note=note)
            by = person.name
            if row.state != DONE:
                raise MailflowError(f"{row.name} is not done")
            now = clock.now()
            session.add(EventRow(kind="milestone-undone", order_id=order.id, at=now,
                                 detail={"milestone": key, "name": row.name, "was": f"{row.how}: {row.done_by}",
                                         "by": by, **({"note": note} if note else {})}))
            row.state, row.done_at, row.how, row.done_by, row.note = OPEN, None, "", "", note[:1000]
            row.message_row_id, row.reopened_at = None, now
            session.flush()
            follower = self.follower
            assert follower is not None and followed
            return self._follow(session, order, follower, follower.today(), now)

    def add_payment(self, number: str, amount: Decimal, currency: str, value_date: dt.date | None,
                    reference: str, person: policy.Person) -> Followed:
        with self.sessions() as session, session.begin():
            order = self._order_for_update(session, number)
            policy.require(person, policy.Action.RECORD_PAYMENT, policy.Thing(f"order {order.number}"))
            by = person.name
            now = clock.now()
            currency = (currency or order.currency or "").upper()
            session.add(PaymentRow(order_id=order.id, message_row_id=None, amount=str(amount), currency=currency,
                                   value_date=value_date or clock.today(), reference=reference[:100],
                                   recorded_by=by, note="recorded by hand", created_at=now))
            session.add(EventRow(kind="payment-recorded", order_id=order.id, at=now,
                                 detail={"amount": str(amount), "currency": currency,
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
                self._follow(session, order, follower, follower.today(), now)
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
            by = person.name
            session.add(EventRow(kind="plan-set", order_id=order.id, at=clock.now(),
                                 detail={"plan": plan or "chosen by the plans' conditions", "by": by,
                                         "before": order.plan or None}))
            order.plan, order.plan_by_hand = plan, bool(plan)
            session.flush()
            return self._followed_or_refuse(session, order)

    def has_outbox_message(self, message_id: str) -> bool:
        from mailflow.store.db import OutboxRow

        with self.sessions() as session:
            return session.scalar(select(OutboxRow.id).where(OutboxRow.message_id == message_id)) is not None

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

    # --- what the daily plan reads --------------------------------------------------------------

    def plan_rows(self, today: dt.date, horizon: int = 7, limit: int = 500) -> dict[str, list[dict[str, Any]]]:
        """The raw material of the daily plan, one query per section (the caller filters by
        owner and words it): milestones overdue, due today and in the next `horizon` days,
        sign-offs waiting, replies held, orders waiting on the buyer, money outstanding,
        inquiries unanswered for over a day, open complaints, unfiled and quarantined mail."""
        from mailflow.reply.outbox import HELD, SENT
        from mailflow.store.db import CaseRow, OutboxRow, QuarantineRow

        closed = ("closed", "cancelled", "on hold")
        now = clock.now()
        out: dict[str, list[dict[str, Any]]] = {}
        with self.sessions() as session:
            columns = (MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner, MilestoneRow.due,
                       MilestoneRow.state, MilestoneRow.waiting_for, MilestoneRow.due_why, MilestoneRow.plan,
                       OrderRow.folder, OrderRow.number, OrderRow.buyer)
            followed = (select(*columns).join(OrderRow, MilestoneRow.order_id == OrderRow.id)
                        .where(NOT_DONE, OrderRow.status.not_in(closed)))
            late = session.execute(followed.where(MilestoneRow.due < today)
                                   .order_by(MilestoneRow.due).limit(limit)).all()
            coming = session.execute(followed.where(MilestoneRow.due >= today,
                                                    MilestoneRow.due <= today + dt.timedelta(days=horizon))
                                     .order_by(MilestoneRow.due).limit(limit)).all()
            out["milestones"] = [
                {"order": r.folder, "number": r.number, "buyer": r.buyer, "milestone": r.key, "name": r.name,
                 "owner": r.owner, "due": r.due, "waiting_for": list(r.waiting_for or []), "why": r.due_why,
                 "plan": r.plan} for r in [*late, *coming]]
            signoffs = session.execute(
                select(MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner, MilestoneRow.due,
                       MilestoneRow.waiting_for, MilestoneRow.plan, OrderRow.folder, OrderRow.buyer, OrderRow.total_due,
                       OrderRow.currency)
                .join(OrderRow, MilestoneRow.order_id == OrderRow.id)
                .where(NOT_DONE, MilestoneRow.owner.in_(("manager", "general_manager")),
                       OrderRow.status.not_in(closed)).order_by(MilestoneRow.due).limit(limit)).all()
            out["signoffs"] = [{"order": r.folder, "buyer": r.buyer, "milestone": r.key, "name": r.name, "plan": r.plan,
                                "owner": r.owner, "due": r.due,
                                "what": f"{r.total_due} {r.currency}".strip()} for r in signoffs
                               if not r.waiting_for]  # ready to sign: what it waits for is done
            held = session.execute(
                select(OutboxRow.id, OutboxRow.template, OutboxRow.reason, OutboxRow.created_at, OutboxRow.to_addrs,
                       OrderRow.folder, OrderRow.buyer)
                .outerjoin(OrderRow, OutboxRow.order_id == OrderRow.id)
                .where(OutboxRow.state == HELD).order_by(OutboxRow.id).limit(limit)).all()
            out["held"] = [{"order": r.folder or "", "buyer": r.buyer or "", "reply": r.id, "template": r.template,
                            "since": r.created_at, "what": r.reason[:300], "to": list(r.to_addrs or [])}
                           for r in held]
            last = (select(MessageRow.order_id,
                           func.max(func.coalesce(MessageRow.date, MessageRow.received_at))
                           .filter(MessageRow.direction == "in").label("theirs"),
                           func.max(func.coalesce(MessageRow.date, MessageRow.received_at))
                           .filter(MessageRow.direction == "out").label("ours"))
                    .where(MessageRow.order_id.is_not(None)).group_by(MessageRow.order_id).subquery())
            waiting = session.execute(
                select(OrderRow.folder, OrderRow.buyer, OrderRow.status, last.c.theirs, last.c.ours)
                .join(last, last.c.order_id == OrderRow.id)
                .where(OrderRow.status.not_in(closed), last.c.ours.is_not(None),
                       (last.c.theirs.is_(None)) | (last.c.ours > last.c.theirs))
                .order_by(last.c.theirs).limit(limit)).all()
            out["waiting_on_buyer"] = [{"order": r.folder, "buyer": r.buyer, "status": r.status,
                                        "their_last_mail": _date(r.theirs), "our_last_mail": _date(r.ours)}
                                       for r in waiting]
            owing = session.execute(
                select(OrderRow.id, OrderRow.folder, OrderRow.buyer, OrderRow.outstanding, OrderRow.total_due,
                       OrderRow.currency)
                .where(OrderRow.outstanding != "", OrderRow.status.not_in(("closed", "cancelled")))
                .order_by(OrderRow.folder).limit(limit * 10)).all()
            money_due: dict[int, dt.date] = {}
            for order_id, due in session.execute(
                    select(MilestoneRow.order_id, func.min(MilestoneRow.due))
                    .where(MilestoneRow.state != DONE, MilestoneRow.key.in_(("deposit", "balance", "payment")),
                           MilestoneRow.due.is_not(None)).group_by(MilestoneRow.order_id)):
                if due is not None:
                    money_due[order_id] = due
            out["money"] = []
            for r in owing:
                amount = order_record.to_decimal(r.outstanding)
                if amount is None or amount <= 0:
                    continue
                out["money"].append({"order": r.folder, "buyer": r.buyer, "outstanding": str(amount),
                                     "total": r.total_due, "currency": r.currency, "due": money_due.get(r.id)})
            answered = select(MessageRow.in_reply_to).where(MessageRow.direction == "out",
                                                           MessageRow.in_reply_to != "")
            replied = select(OutboxRow.answers_id).where(OutboxRow.state == SENT, OutboxRow.answers_id.is_not(None))
            inquiries = session.execute(
                select(MessageRow.id, MessageRow.message_id, MessageRow.subject, MessageRow.from_addr,
                       MessageRow.buyer, MessageRow.date, MessageRow.received_at)
                .where(MessageRow.category == "inquiry", MessageRow.direction == "in",
                       func.coalesce(MessageRow.date, MessageRow.received_at) < now - dt.timedelta(days=1),
                       func.coalesce(MessageRow.date, MessageRow.received_at) > now - dt.timedelta(days=30),
                       MessageRow.message_id.not_in(answered), MessageRow.id.not_in(replied))
                .order_by(MessageRow.date).limit(limit)).all()
            out["inquiries"] = [{"order": "", "buyer": r.buyer or r.from_addr.rpartition("@")[2],
                                 "from": r.from_addr, "subject": r.subject[:200], "message_id": r.message_id,
                                 "received": _date(r.date or r.received_at)} for r in inquiries]
            cases = session.execute(
                select(CaseRow.number, CaseRow.buyer, CaseRow.subject, CaseRow.opened_at, OrderRow.folder)
                .outerjoin(OrderRow, CaseRow.order_id == OrderRow.id)
                .where(CaseRow.status == "open").order_by(CaseRow.opened_at).limit(limit)).all()
            out["complaints"] = [{"order": r.folder or "", "buyer": r.buyer, "case": r.number,
                                  "subject": r.subject[:200], "opened": _date(r.opened_at)} for r in cases]
            unfiled = session.execute(
                select(MessageRow.message_id, MessageRow.subject, MessageRow.category, MessageRow.from_addr,
                       MessageRow.date, MessageRow.received_at)
                .where(MessageRow.order_id.is_(None), MessageRow.direction == "in",
                       MessageRow.category.in_(("order", "payment", "shipping", "complaint")),
                       MessageRow.received_at > now - dt.timedelta(days=30))
                .order_by(MessageRow.id.desc()).limit(limit)).all()
            out["unfiled"] = [{"order": "", "buyer": r.from_addr.rpartition("@")[2], "category": r.category,
                               "subject": r.subject[:200], "message_id": r.message_id,
                               "received": _date(r.date or r.received_at)} for r in unfiled]
            quarantined = session.execute(
                select(QuarantineRow.sha256, QuarantineRow.reason, QuarantineRow.created_at)
                .where(QuarantineRow.resolved_at.is_(None)).order_by(QuarantineRow.id).limit(limit)).all()
            out["quarantined"] = [{"order": "", "buyer": "", "sha256": r.sha256[:12], "reason": r.reason[:300],
                                   "since": _date(r.created_at)} for r in quarantined]
        return out

    # --- chasers and the digest -----------------------------------------------------------------

    def chase_candidates(self, limit: int = 500) -> list[tuple[MilestoneRow, OrderRow]]:
        """Overdue milestones of orders being followed (the caller keeps those with a chaser)."""
        with self.sessions() as session:
            return [(row[0], row[1]) for row in session.execute(
                select(MilestoneRow, OrderRow).join(OrderRow, MilestoneRow.order_id == OrderRow.id)
                .where(MilestoneRow.state == OVERDUE,
                       OrderRow.status.not_in(("closed", "cancelled", "on hold")))
                .order_by(MilestoneRow.due, MilestoneRow.id).limit(limit))]

    def mails_from(self, order_id: int, party: str) -> list[MessageRow]:
        """The order's mail from that party (buyer, forwarder, bank), newest first: a chaser
        answers the newest one a person wrote, so it threads into the conversation it is about."""
        from mailflow.documents import sender_party

        with self.sessions() as session:
            rows = session.scalars(select(MessageRow).where(MessageRow.order_id == order_id,
                                                            MessageRow.direction == "in")
                                   .order_by(func.coalesce(MessageRow.date, MessageRow.received_at).desc(),
                                             MessageRow.id.desc()).limit(50)).all()
            parties = {mid: p for mid, p in session.execute(
                select(DocumentRow.message_row_id, DocumentRow.party)
                .where(DocumentRow.message_row_id.in_([r.id for r in rows])))}
        return [row for row in rows
                if (parties.get(row.id) or sender_party(row.from_addr.rpartition("@")[2], row.from_name)) == party]

    def add_chaser(self, milestone_id: int, every_days: int, reply: dict[str, Any]) -> bool:
        """The chaser's outbox row and the milestone's chase count in one transaction, only if
        no chaser went within `every_days` (another daemon, or an earlier hour): true when this
        call added it."""
        from sqlalchemy.exc import IntegrityError

        from mailflow.store.db import OutboxRow

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
                session.add(EventRow(kind="chaser-drafted", order_id=reply["order_id"],
                                     message_row_id=reply["answers_id"], at=now,
                                     detail={"outbox_id": row.id, "template": reply["template"],
                                             "state": reply["state"], "to": reply["to_addrs"],
                                             "milestone": reply["revision_key"].rpartition(":")[2]}))
            return True
        except IntegrityError:
            return False  # the same chaser (same Message-ID) was added by another daemon

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
        from sqlalchemy.exc import IntegrityError

        from mailflow.store.db import OutboxRow

        with self.sessions() as session:
            if session.scalar(select(OutboxRow.id).where(OutboxRow.message_id == reply["message_id"])):
                return False
        try:
            with self.sessions() as session, session.begin():
                session.add(OutboxRow(**{"approver": "", **reply}))
            return True
        except IntegrityError:
            return False

"""Following one order, computed: from what is on file about it (its record, documents,
payments, what people did by hand) and the moment, the plan it follows, the payments its bank
slips add, each milestone's state and due date, its status, and every change as an event.

Pure: frozen values in (`Inputs`, loaded by `store/follow.py`), frozen values out (`Result`,
which the store persists as it is). Nothing here reads the database or the clock, so any day
can be computed, and the refusals of people's acts (`refuse_complete`, `refuse_undo`) are
decided on the same values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mailflow.documents import MAIL_BODY
from mailflow.errors import MailflowError, NotFound
from mailflow.expressions import evaluate_order_expression
from mailflow.extract import record as order_record
from mailflow.follow import Follower, lc, money
from mailflow.follow import calendar as cal
from mailflow.follow.plans import ANCHORS, Milestone, Plan

OPEN, OVERDUE, DONE = "open", "overdue", "done"
MANUAL = ("hand", "signoff")  # how a person completes a milestone; kept as such, never recomputed


# --- what is on file -------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderFacts:
    """The order's own columns that following reads."""

    id: int
    number: str
    data: Mapping[str, Any]  # the order record (the buyer's terms)
    status: str = ""
    status_by_hand: str = ""  # on hold | cancelled, set by a person
    plan: str = ""
    plan_by_hand: bool = False
    anchors: Mapping[str, Any] = field(default_factory=dict)  # dates a person set
    created_at: dt.datetime | None = None
    first_mail: Any = None  # the date of the order's first mail
    kind: str = "sale"  # sale | purchase: which plans may apply
    buyer: str = ""  # the buyer's name or domain: whose tolerance of bank charges applies


@dataclass(frozen=True)
class Doc:
    """A document filed with the order, with the date of its mail."""

    kind: str
    party: str
    name: str
    record: Mapping[str, Any]
    message_row_id: int
    mailed: dt.datetime | None  # the mail's date, or when it was received
    created_at: dt.datetime

    @property
    def at(self) -> dt.datetime:
        return self.mailed or self.created_at


@dataclass(frozen=True)
class Paid:
    """A payment on file (or one a bank slip adds)."""

    amount: str
    currency: str
    value_date: dt.date | None
    reference: str
    message_row_id: int | None
    created_at: dt.datetime
    recorded_by: str = ""
    note: str = ""
    charges: str = ""  # of `amount`, what the banks took on the way (71F, a charges line), if said


@dataclass(frozen=True)
class Kept:
    """A milestone as stored: its state, and what a person did to it."""

    key: str
    name: str = ""
    state: str = OPEN
    done_at: dt.datetime | None = None
    how: str = ""
    done_by: str = ""
    note: str = ""
    message_row_id: int | None = None
    reopened_at: dt.datetime | None = None
    overdue_since: dt.date | None = None


@dataclass(frozen=True)
class Inputs:
    order: OrderFacts
    documents: Sequence[Doc] = ()
    payments: Sequence[Paid] = ()
    milestones: Sequence[Kept] = ()
    now: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    today: dt.date = dt.date(1970, 1, 1)


# --- what following says ---------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    kind: str
    detail: Mapping[str, Any]
    message_row_id: int | None = None


@dataclass(frozen=True)
class Mark:
    """A milestone as it is to be stored."""

    key: str
    plan: str
    name: str
    owner: str
    position: int
    due: dt.date | None
    due_why: str
    waiting_for: tuple[str, ...]
    state: str
    done_at: dt.datetime | None
    how: str
    done_by: str
    message_row_id: int | None
    overdue_since: dt.date | None


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
    instalments: tuple[money.Instalment, ...] = ()  # deposit, balance: due, paid, short, due date


@dataclass(frozen=True)
class Columns:
    """The order's columns following sets."""

    plan: str
    status: str
    next_milestone: str = ""
    next_due: dt.date | None = None
    currency: str = ""
    outstanding: str = ""
    total_due: str = ""
    instalments: tuple[dict[str, Any], ...] = ()  # `Instalment.as_dict` of each


@dataclass(frozen=True)
class Result:
    followed: Followed
    order: Columns
    new_payments: tuple[Paid, ...] = ()  # read from bank slips now
    milestones: tuple[Mark, ...] = ()  # every milestone of the plan (none without a plan)
    dropped: tuple[str, ...] = ()  # stored milestones the plan no longer has
    events: tuple[Event, ...] = ()
    followed_plan: bool = True  # False: no plan holds; the milestones on file are left as they are


# --- small pure parts ------------------------------------------------------------------------

def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def plan_facts(data: Mapping[str, Any], kinds: Sequence[str], order_kind: str = "sale") -> dict[str, Any]:
    """The order as a plan's `when` sees it: the rules' order facts plus `order.documents` and
    `order.kind` (sale or purchase)."""
    facts = order_record.facts(order_record.from_record(dict(data)))
    facts["documents"] = sorted(set(kinds))
    facts["kind"] = order_kind
    return facts


def choose_plan(plans: Sequence[Plan], facts: dict[str, Any]) -> tuple[Plan | None, str]:
    """The first plan for the order's kind whose `when` holds; one that cannot be evaluated is
    passed over, with the reason kept. A sales plan never follows a purchase order, nor a
    purchase plan a sales order, whatever their `when` says."""
    notes: list[str] = []
    for plan in plans:
        if plan.kind != facts.get("kind", "sale"):
            continue
        if plan.when is None:
            return plan, "; ".join(notes)
        value, why = evaluate_order_expression(plan.when, facts)
        if value:
            return plan, "; ".join(notes)
        if value is None:
            notes.append(f"{plan.name}: {why}")
    return None, "; ".join(notes)


def slip_payments(inputs: Inputs) -> tuple[list[Paid], list[Event], list[str]]:
    """The payments the order's bank slips say, each slip counted once; a slip whose amount and
    reference a payment on file has already (the bank's advice of the buyer's slip) adds nothing."""
    if inputs.order.kind == "purchase":  # a slip on a purchase order is our payment to the supplier
        return [], [], []
    counted = {p.message_row_id for p in inputs.payments if p.message_row_id is not None}
    known = [(p.amount, p.reference) for p in inputs.payments]
    added: list[Paid] = []
    events: list[Event] = []
    changes: list[str] = []
    for doc in inputs.documents:
        read = doc.record.get("payment")
        if doc.kind != "bank_slip" or not read or doc.message_row_id in counted:
            continue
        amount, reference = str(read.get("amount")), str(read.get("reference") or "")[:100]
        if reference and (amount, reference) in known:
            continue
        counted.add(doc.message_row_id)
        known.append((amount, reference))
        payment = Paid(amount=amount, currency=str(read.get("currency") or ""),
                       value_date=as_date(read.get("value_date")) or as_date(doc.mailed),
                       reference=reference, message_row_id=doc.message_row_id, created_at=inputs.now,
                       note=str(read.get("read_from") or ""), charges=_charges(read))
        added.append(payment)
        events.append(Event("payment-recorded", {"amount": payment.amount, "currency": payment.currency,
                                                 "value_date": str(payment.value_date or ""),
                                                 "reference": payment.reference, "from": "bank slip"},
                            doc.message_row_id))
        changes.append(f"payment {payment.amount} {payment.currency} recorded from a bank slip")
    return added, events, changes


def _charges(read: Mapping[str, Any]) -> str:
    """The bank charges a slip's reading gives in the payment's own currency, as a decimal
    string ("" when none, in another currency, or not a sum): shown with the payment."""
    value, currency = read.get("charges"), str(read.get("charges_currency") or "")
    amount = order_record.to_decimal(value) if value not in (None, "") else None
    if amount is None or amount <= 0 or (currency and currency.upper() != str(read.get("currency") or "").upper()):
        return ""
    return str(amount)


def anchors(order: OrderFacts, documents: Sequence[Doc]) -> dict[str, dt.date]:
    """The dates a plan counts from: the order's own (PO date, delivery date), the first
    document of a kind (P/I, B/L), an L/C advice's expiry and latest shipment, the ETD and ETA
    of the latest booking confirmation or shipping advice that gives them, and any date a
    person set (`mailflow order date`), which wins."""
    found: dict[str, dt.date] = {}
    opened = as_date(order.first_mail) or as_date(order.created_at)
    if opened:
        found["opened"] = opened

    def first(*kinds: str) -> dt.date | None:
        dates = [as_date(d.mailed) for d in documents if d.kind in kinds]
        return min((d for d in dates if d), default=None)

    po = as_date(order.data.get("order_date")) or first("po", "po_revision")
    if po:
        found["po_date"] = po
    for key, day in (("pi_date", first("pi")), ("bl_date", first(*cal.SHIPPED_KINDS)),
                     ("delivery_date", as_date(order.data.get("delivery_date")))):
        if day:
            found[key] = day
    for doc in documents:  # the latest L/C advice or amendment says
        lc = doc.record.get("lc") or {}
        for key in ("lc_expiry", "lc_latest_shipment"):
            day = as_date(lc.get(key))
            if day:
                found[key] = day
    for doc in documents:  # the latest booking confirmation or shipping advice that gives them
        sailing = doc.record.get("shipping") or {}
        for key in ("etd", "eta"):
            day = as_date(sailing.get(key))
            if day:
                found[key] = day
    for key, value in order.anchors.items():
        day = as_date(value)
        if key in ANCHORS and day:
            found[key] = day
    return found


def expected(data: Mapping[str, Any], documents: Sequence[Doc]) -> money.Expected:
    """What the order makes due: the total and currency of our latest P/I when it has a total,
    else the buyer's PO; the payment terms of the order, else of the P/I."""
    confirmation = next((d.record for d in reversed(documents)
                         if d.kind in ("pi", "pi_countersigned") and d.record), None)
    source = confirmation if confirmation and confirmation.get("total") else data
    total = order_record.to_decimal(source.get("total"))
    currency = str(source.get("currency") or data.get("currency") or "")
    terms = str(data.get("payment_terms") or (confirmation or {}).get("payment_terms") or "")
    return money.expected(terms, total, currency, "our P/I" if source is confirmation else "the buyer's PO")


def agreed_shipment(order: OrderFacts, documents: Sequence[Doc]) -> tuple[dt.date | None, str]:
    """The shipment date the L/C's latest shipment is checked against, and what it is: a date a
    person set (ETD, delivery date), else our latest P/I's delivery date, else the order's."""
    for key in ("etd", "delivery_date"):
        day = as_date(order.anchors.get(key))
        if day:
            return day, f"{'ETD' if key == 'etd' else 'delivery date'} set on the order"
    confirmation = next((d.record for d in reversed(documents)
                         if d.kind in ("pi", "pi_countersigned") and d.record.get("delivery_date")), None)
    if confirmation:
        return as_date(confirmation.get("delivery_date")), "P/I's delivery date"
    return as_date(order.data.get("delivery_date")), "order's delivery date"


def lc_on_file(order: OrderFacts, documents: Sequence[Doc]) -> lc.Standing:
    """The order's L/C as it stands, checked against what the order makes due (our P/I's total
    and currency, else the PO's) and the shipment agreed."""
    agreed, what = agreed_shipment(order, documents)
    return lc.standing(documents, expected(order.data, documents), agreed, what)


def cleared_by(found: lc.Standing) -> dict[str, cal.Evidence]:
    """The amendment milestones an amendment fixing their discrepancy completes, each with what
    the amendment changed."""
    cleared: dict[str, cal.Evidence] = {}
    for name, doc in found.cleared.items():
        changed = "; ".join(lc.amended(doc))
        label = (f"{doc.name if doc.name != MAIL_BODY else 'L/C amendment'} of {doc.at:%Y-%m-%d} amended it"
                 + (f" ({changed})" if changed else ""))
        cleared[lc.amend_key(name)] = cal.Evidence(doc.kind, doc.party, doc.at, doc.message_row_id, label)
    return cleared


def evidence(documents: Sequence[Doc]) -> list[cal.Evidence]:
    return [cal.Evidence(d.kind, d.party, d.at, d.message_row_id,
                         f"{d.name if d.name != MAIL_BODY else 'mail'} of {d.at:%Y-%m-%d}", d.name != MAIL_BODY)
            for d in documents]


def calendar_facts(inputs: Inputs, payments: Sequence[Paid], follower: Follower,
                   exp: money.Expected, cleared: Mapping[str, cal.Evidence] | None = None) -> cal.Facts:
    manual = {k.key: cal.Completion(k.done_at, k.done_by, k.how, k.note) for k in inputs.milestones
              if k.state == DONE and k.how in MANUAL and k.done_at is not None}
    reopened = {k.key: k.reopened_at for k in inputs.milestones if k.reopened_at is not None}
    paid = [cal.PaymentFact(order_record.to_decimal(p.amount) or Decimal(0), p.currency,
                            p.value_date or p.created_at.date(), p.reference, p.message_row_id,
                            order_record.to_decimal(p.charges) or Decimal(0)) for p in payments]
    return cal.Facts(anchors=anchors(inputs.order, inputs.documents), documents=evidence(inputs.documents),
                     payments=paid, expected=exp, manual=manual, reopened=reopened,
                     tolerance=follower.tolerance_for(inputs.order.buyer),
                     cleared=cleared or {})


def dated_instalments(plan: Plan, facts: cal.Facts, states: Sequence[cal.State]) -> tuple[money.Instalment, ...]:
    """The order's instalments, each with the due date of the plan's milestone that waits for
    it: the deposit's for the deposit, the balance's (or the L/C payment's) for the last."""
    parts = cal.instalments(facts)
    due = {s.key: s.due for s in states}
    by_payment = {m.payment: due.get(m.key) for m in plan.milestones if m.payment}
    out = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        wanted = (part.key, *(("balance", "full") if last else ()))
        day = next((by_payment[w] for w in wanted if by_payment.get(w)), None)
        out.append(dataclasses.replace(part, due=day))
    return tuple(out)


# --- one milestone, against what is stored ----------------------------------------------------

def mark(state: cal.State, kept: Kept | None, plan: str, position: int,
         today: dt.date) -> tuple[Mark, list[Event], list[str]]:
    """The milestone as it is to be stored, and what changed: done (by what), open again (its
    evidence is gone), overdue (its day passed). What a milestone that stays done keeps is kept."""
    kept = kept or Kept(state.key)
    events: list[Event] = []
    changes: list[str] = []
    stored, done_at, how, by = kept.state, kept.done_at, kept.how, kept.done_by
    message, since = kept.message_row_id, kept.overdue_since
    was_done = kept.state == DONE
    if state.done:
        if not was_done or kept.done_at != state.done_at:
            stored, done_at, how, by = DONE, state.done_at, state.how, state.by[:200]
            message = state.message_row_id
        if not was_done:
            detail: dict[str, Any] = {"milestone": state.key, "name": state.name, "how": state.how, "by": state.by}
            if state.waiting_for:
                detail["before"] = list(state.waiting_for)
            events.append(Event("milestone-done", detail, state.message_row_id))
            changes.append(f"{state.name}: done ({state.by})")
    else:
        if was_done:
            events.append(Event("milestone-reopened", {
                "milestone": state.key, "name": state.name,
                "reason": "the evidence that completed it is no longer on file"}))
            changes.append(f"{state.name}: open again")
            done_at, how, by, message = None, "", "", None
        overdue = state.status == "overdue"
        if overdue and stored != OVERDUE:
            since = today
            events.append(Event("milestone-overdue", {"milestone": state.key, "name": state.name,
                                                      "due": state.due.isoformat() if state.due else None}))
            changes.append(f"{state.name}: overdue since {state.due}")
        stored = OVERDUE if overdue else OPEN
        if not overdue:
            since = None
    return Mark(key=state.key, plan=plan, name=state.name, owner=state.owner, position=position, due=state.due,
                due_why=state.due_why[:500], waiting_for=tuple(state.waiting_for), state=stored, done_at=done_at,
                how=how, done_by=by, message_row_id=message, overdue_since=since), events, changes


# --- the order --------------------------------------------------------------------------------

def pick_plan(inputs: Inputs, follower: Follower) -> tuple[Plan | None, str]:
    """The plan a person set (for the order's kind), else the first whose condition holds (with
    why others were passed)."""
    order = inputs.order
    plan = follower.plan(order.plan) if order.plan_by_hand and order.plan else None
    if plan is not None and plan.kind == order.kind:
        return plan, ""
    return choose_plan(follower.plans, plan_facts(order.data, [d.kind for d in inputs.documents], order.kind))


def follow(inputs: Inputs, follower: Follower) -> Result:
    """Where the order stands on its plan now, and every change since what is stored."""
    order = inputs.order
    new_payments, events, changes = slip_payments(inputs)
    # what we owe a supplier is not money owed to us: a purchase order expects no payment
    exp = expected(order.data, inputs.documents) if order.kind != "purchase" else money.expected("", None, "", "")
    plan, note = pick_plan(inputs, follower)
    if plan is None:
        followed = Followed(order.id, "", order.status, (), exp, Decimal(0), None, tuple(changes))
        return Result(followed, Columns("", order.status), tuple(new_payments), events=tuple(events),
                      followed_plan=False)
    if order.plan != plan.name:
        if order.plan:
            changes.append(f"plan {order.plan} -> {plan.name}")
        events.append(Event("plan-chosen", {"plan": plan.name, "before": order.plan or None,
                                            **({"note": note} if note else {})}))
    kept = {k.key: k for k in inputs.milestones}
    credit = lc_on_file(order, inputs.documents) if order.kind != "purchase" else None
    if credit is not None and credit.credit is not None:
        plan = lc.extend(plan, credit)
        for name, found in credit.found.items():
            if lc.amend_key(name) not in kept:
                events.append(Event("lc-discrepancy", {"check": name, "detail": found.detail}))
                changes.append(f"L/C discrepancy: {found.detail}")
    facts = calendar_facts(inputs, [*inputs.payments, *new_payments], follower, exp,
                           cleared_by(credit) if credit is not None else None)
    states = cal.evaluate(plan, facts, inputs.today)
    keys = {m.key for m in plan.milestones}
    dropped = tuple(k for k in kept if k not in keys)
    events += [Event("milestone-dropped", {"milestone": k, "plan": plan.name}) for k in dropped]
    marks: list[Mark] = []
    for position, state in enumerate(states):
        stored, more, said = mark(state, kept.get(state.key), plan.name, position, inputs.today)
        marks.append(stored)
        events += more
        changes += said
    paid = sum((p.amount for p in cal.paid_in(facts)), Decimal(0))
    parts = dated_instalments(plan, facts, states)
    # what is left to pay: the instalments' shortfalls, less what the tolerance settled
    outstanding = sum((p.short for p in parts if not p.settled), Decimal("0.00")) if parts else \
        (exp.total - paid if exp.total is not None else None)
    status = cal.derive_status(states, {d.kind for d in inputs.documents}, order.status_by_hand)
    if status != order.status:
        events.append(Event("status-changed", {"from": order.status, "to": status}))
        changes.append(f"status {order.status} -> {status}")
    nxt = cal.next_open(states)
    columns = Columns(plan.name, status, nxt.key if nxt else "", nxt.due if nxt else None, exp.currency[:10],
                      str(outstanding) if outstanding is not None else "",
                      str(exp.total) if exp.total is not None else "", tuple(p.as_dict() for p in parts))
    followed = Followed(order.id, plan.name, status, tuple(states), exp, paid, outstanding, tuple(changes), parts)
    return Result(followed, columns, tuple(new_payments), tuple(marks), dropped, tuple(events))


# --- people's acts: what is refused, and what they change -----------------------------------------

def refuse_unfollowed(followed: Followed, number: str) -> None:
    if not followed.plan:
        raise MailflowError(f"order {number} follows no plan: no plan's condition holds for it")


def milestone_to_complete(followed: Followed, plan: Plan | None, number: str, key: str,
                          how: str) -> tuple[cal.State, Milestone | None]:
    """The milestone a person means to complete, or why there is none: one the plan does not
    have, or a sign-off asked of a milestone that is not one. Who may complete it is the
    policy's to say (`policy.require`), after this."""
    state = next((s for s in followed.states if s.key == key), None)
    if state is None:
        raise NotFound(f"order {number} follows plan {followed.plan}, which has no milestone "
                       f"{key!r} (it has: {', '.join(s.key for s in followed.states)})")
    milestone = plan.milestone(key) if plan else None
    if how == "signoff" and (milestone is None or not milestone.signoff):
        raise MailflowError(f"{state.name} is not a sign-off")
    return state, milestone


def refuse_complete(followed: Followed, state: cal.State) -> None:
    """Why a milestone cannot be completed now: done already, or waiting for a milestone it
    requires (production waits for the sign-off)."""
    if state.done:
        raise MailflowError(f"{state.name} is done already ({state.how}: {state.by}, "
                            f"{state.done_at:%Y-%m-%d})" if state.done_at else f"{state.name} is done")
    if state.waiting_for:
        names = [next((s.name for s in followed.states if s.key == k), k) for k in state.waiting_for]
        raise MailflowError(f"{state.name} cannot be done before {', '.join(names)}")


def refuse_undo(kept: Kept) -> Kept:
    """The done milestone a person may open again, or why not."""
    if kept.state != DONE:
        raise MailflowError(f"{kept.name} is not done")
    return kept


def completed(kept: Kept, state: cal.State, by: str, note: str, how: str, detail: Mapping[str, Any],
              now: dt.datetime) -> tuple[Kept, Event]:
    """A milestone done by a person (by hand, or the sign-off): kept as such until undone."""
    event = Event("signed-off" if how == "signoff" else "milestone-done",
                  {"milestone": kept.key, "name": state.name, "how": how, "by": by,
                   **({"note": note} if note else {}), **detail})
    return dataclasses.replace(kept, state=DONE, done_at=now, how=how, done_by=by, note=note[:1000],
                               message_row_id=None, reopened_at=None), event


def undone(kept: Kept, by: str, note: str, now: dt.datetime) -> tuple[Kept, Event]:
    """A done milestone open again; evidence from before `now` no longer completes it."""
    event = Event("milestone-undone", {"milestone": kept.key, "name": kept.name, "was": f"{kept.how}: {kept.done_by}",
                                       "by": by, **({"note": note} if note else {})})
    return dataclasses.replace(kept, state=OPEN, done_at=None, how="", done_by="", note=note[:1000],
                               message_row_id=None, reopened_at=now), event

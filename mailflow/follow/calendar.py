"""Where an order stands on its plan: each milestone done (by what, when) or due (on which day,
and why that day), overdue, waiting for another; and the order's status derived from them.
Pure: the plan and the order's facts in, the calendar out, for any `today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mailflow.documents import BL_KINDS
from mailflow.documents import NAMES as DOCUMENT_NAMES
from mailflow.follow.money import NO_TOLERANCE, Expected, Instalment, Tolerance, allocate
from mailflow.follow.plans import ANCHOR_NAMES, ANCHORS, Due, Milestone, Plan

STATUSES = ("quoted", "confirmed", "in production", "ready", "shipped", "paid", "closed")
BY_HAND_STATUSES = ("on hold", "cancelled")
PAYMENT_DOCS = ("bank_slip",)
# kinds that are documents, never a mail's words: a buyer's "PI received" is no countersigned P/I
ATTACHED_ONLY = ("pi_countersigned",)
SHIPPED_KINDS = tuple(k for k in BL_KINDS if k != "bl_draft")  # a B/L issued: the goods are on board


@dataclass(frozen=True)
class Evidence:
    """A document filed with the order."""

    kind: str
    party: str
    at: dt.datetime
    message_row_id: int
    label: str = ""  # "PO_4500871.pdf of 2026-03-02"
    attached: bool = True  # a file the mail carries; False: the mail itself


@dataclass(frozen=True)
class PaymentFact:
    amount: Decimal
    currency: str
    day: dt.date
    reference: str = ""
    message_row_id: int | None = None
    charges: Decimal = Decimal(0)  # what the banks took on the way, when the payment says


@dataclass(frozen=True)
class Completion:
    """A milestone a person completed (by hand, or the sign-off), or reopened."""

    at: dt.datetime
    by: str
    how: str  # "hand" | "signoff"
    note: str = ""


@dataclass(frozen=True)
class Facts:
    anchors: Mapping[str, dt.date]
    documents: Sequence[Evidence] = ()
    payments: Sequence[PaymentFact] = ()
    expected: Expected | None = None
    manual: Mapping[str, Completion] = field(default_factory=dict)
    reopened: Mapping[str, dt.datetime] = field(default_factory=dict)  # evidence before this is not counted
    tolerance: Tolerance = NO_TOLERANCE  # bank charges: an instalment this much short is settled
    cleared: Mapping[str, Evidence] = field(default_factory=dict)  # done by a document that fixed what it asked


@dataclass(frozen=True)
class State:
    key: str
    name: str
    owner: str
    done: bool
    done_at: dt.datetime | None = None
    how: str = ""  # evidence | payment | hand | signoff
    by: str = ""  # who, or which document
    message_row_id: int | None = None
    due: dt.date | None = None
    due_why: str = ""
    waiting_for: tuple[str, ...] = ()  # required milestones not done
    status: str = "upcoming"  # done | overdue | due_today | upcoming | no_date

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due).days if self.due and not self.done and self.due < today else 0


def _day(at: dt.datetime) -> dt.date:
    return at.date()


def counts_toward(payment_currency: str, order_currency: str) -> bool:
    """Whether a payment counts toward what the order is owed: one in the order's currency, or
    any while the order's currency is not known. One in another currency, or whose currency
    could not be read, is shown, not added. The calendar (`paid_in`, and so the order's
    outstanding) and `mailflow payments` both ask this, so "paid" and "outstanding" agree."""
    order = order_currency.strip().upper()
    return not order or payment_currency.strip().upper() == order


def paid_in(facts: Facts) -> list[PaymentFact]:
    """The payments that count (`counts_toward`), in the order they were paid."""
    currency = facts.expected.currency if facts.expected else ""
    return sorted((p for p in facts.payments if counts_toward(p.currency, currency)),
                  key=lambda p: p.day)


def instalments(facts: Facts) -> list[Instalment]:
    """The payments that count allocated to the deposit, then the balance (`money.allocate`)."""
    if facts.expected is None:
        return []
    return allocate(facts.expected, paid_in(facts), facts.tolerance)[0]


def _settled(facts: Facts, payment: str) -> Instalment | None:
    """The instalment a payment milestone waits for, once settled: the deposit, or the last
    (the balance or the L/C drawing: every instalment before it is settled first)."""
    parts = instalments(facts)
    wanted = [p for p in parts if p.key == "deposit"] if payment == "deposit" else parts[-1:]
    return wanted[0] if wanted and wanted[0].settled else None


def _completion(m: Milestone, facts: Facts) -> tuple[dt.datetime, str, str, int | None] | None:
    """(when, how, by what or whom, message) for a done milestone; None when open."""
    manual = facts.manual.get(m.key)
    if manual is not None:
        return manual.at, manual.how, manual.by, None
    cleared = facts.cleared.get(m.key)
    if cleared is not None:  # an L/C amendment that fixed the discrepancy the milestone asked to amend
        return cleared.at, "evidence", cleared.label, cleared.message_row_id
    if m.signoff or (m.hand and not m.documents and not m.payment):
        return None
    since = facts.reopened.get(m.key)
    if m.documents:
        firsts: list[Evidence] = []
        for kind in m.documents:
            found = [d for d in facts.documents if m.accepts(d.kind, d.party) and d.kind == kind
                     and (since is None or d.at > since) and (d.attached or kind not in ATTACHED_ONLY)]
            if found:
                firsts.append(min(found, key=lambda d: d.at))
        if not firsts or (m.all_documents and len(firsts) < len(m.documents)):
            return None
        # done by the first document that does it, or, when it needs all of them, by the last to come
        last = (max if m.all_documents else min)(firsts, key=lambda d: d.at)
        return last.at, "evidence", last.label or DOCUMENT_NAMES.get(last.kind, last.kind), last.message_row_id
    if m.payment and facts.expected is not None:
        exp = facts.expected
        need = {"deposit": exp.deposit, "balance": exp.total, "full": exp.total}[m.payment]
        if need is not None and need <= 0:
            return None  # nothing to pay as a deposit: not applicable, stays open for a person
        part = _settled(facts, m.payment)
        if part is not None and part.settled_on is not None:
            at = dt.datetime.combine(part.settled_on, dt.time(12), tzinfo=dt.UTC)
            if since is not None and at <= since:
                return None
            return at, "payment", part.settled_by, part.message_row_id
    return None


def _order(plan: Plan) -> list[Milestone]:
    """Milestones with those they wait on first (plans are checked for cycles when loaded)."""
    done: list[Milestone] = []
    seen: set[str] = set()

    def visit(m: Milestone) -> None:
        if m.key in seen:
            return
        seen.add(m.key)
        for key in (*m.requires, *(link.anchor for d in m.due for link in d.chain() if link.anchor not in ANCHORS)):
            other = plan.milestone(key)
            if other is not None:
                visit(other)
        done.append(m)

    for m in plan.milestones:
        visit(m)
    return done


def _counted_from(first: Due, plan: Plan, facts: Facts, completions: Mapping[str, Any], language: str,
                  reasons: list[str]) -> tuple[Due, dt.date] | None:
    """The due rule that counts and the day it counts from: `first`, or what it falls back on
    (`otherwise`) while its anchor is not known; None when none is, each reason added to `reasons`."""
    for rule in first.chain():
        if rule.anchor in ANCHORS:
            base = facts.anchors.get(rule.anchor)
            if base is not None:
                return rule, base
            reasons.append(f"the {ANCHOR_NAMES[rule.anchor]} is not known")
            continue
        finished = completions.get(rule.anchor)
        if finished is not None:
            return rule, _day(finished[0])
        other = plan.milestone(rule.anchor)
        reasons.append(f"{other.name(language) if other else rule.anchor} is not done")
    return None


def evaluate(plan: Plan, facts: Facts, today: dt.date, language: str = "en") -> list[State]:
    """Every milestone of the plan, in the plan's order."""
    completions = {m.key: _completion(m, facts) for m in plan.milestones}
    dues: dict[str, tuple[dt.date | None, str]] = {}
    for m in _order(plan):
        best: tuple[dt.date | None, str] = (None, "no due date in the plan" if not m.due else "")
        reasons: list[str] = []
        for first in m.due:
            counted = _counted_from(first, plan, facts, completions, language, reasons)
            if counted is None:
                continue
            rule, base = counted
            day = base + dt.timedelta(days=rule.days)
            if best[0] is None or day < best[0]:
                best = (day, f"{rule.describe()} ({base.isoformat()})")
        if best[0] is None and reasons:
            best = (None, "; ".join(reasons))
        dues[m.key] = best
    states: list[State] = []
    for m in plan.milestones:
        done = completions[m.key]
        due, why = dues[m.key]
        waiting = tuple(r for r in m.requires if completions.get(r) is None)
        if done is not None:
            status = "done"
        elif due is None:
            status = "no_date"
        elif due < today:
            status = "overdue"
        elif due == today:
            status = "due_today"
        else:
            status = "upcoming"
        states.append(State(
            key=m.key, name=m.name(language), owner=m.owner, done=done is not None,
            done_at=done[0] if done else None, how=done[1] if done else "", by=done[2] if done else "",
            message_row_id=done[3] if done else None, due=due, due_why=why, waiting_for=waiting,
            status=status))
    return states


def next_open(states: Sequence[State]) -> State | None:
    """The milestone to look at next: the earliest due of those not done (dated before undated)."""
    open_ = [s for s in states if not s.done]
    if not open_:
        return None
    return min(open_, key=lambda s: (s.due is None, s.due or dt.date.max))


def derive_status(states: Sequence[State], kinds: set[str], by_hand: str = "") -> str:
    """quoted, confirmed, in production, ready, shipped, paid, closed, from the milestones and
    the documents on file; `on hold` and `cancelled` are set by a person and stand."""
    if by_hand in BY_HAND_STATUSES:
        return by_hand
    done = {s.key for s in states if s.done}
    if states and len(done) == len(states):
        return "closed"
    payment_keys = {s.key for s in states if s.how == "payment" or s.key in ("balance", "payment", "lc_payment")}
    shipped = bool(kinds & set(SHIPPED_KINDS)) or bool(done & {"shipped", "original_bl"})
    if shipped and payment_keys and payment_keys <= done:
        return "paid"
    if shipped:
        return "shipped"
    if done & {"inspection", "packing_list", "ready"} or "packing_list" in kinds or "inspection_report" in kinds:
        return "ready"
    if done & {"production", "signoff"}:
        return "in production"
    if kinds & {"po", "po_revision", "pi_countersigned", "lc_advice"}:
        return "confirmed"
    return "quoted"

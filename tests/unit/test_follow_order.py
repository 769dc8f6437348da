"""Following one order as a pure function (`follow/order.py`): what is on file and the day in,
the plan, payments, milestones, status and events out, without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest

from mailflow.errors import MailflowError, NotFound
from mailflow.follow import Follower
from mailflow.follow import order as fo
from mailflow.follow.money import Tolerance
from mailflow.follow.plans import load_plans
from tests.conftest import ROOT

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 12, 9, tzinfo=UTC)
FOLLOWER = Follower(load_plans(ROOT / "rules" / "followup"), Tolerance(None, Decimal(50)))
TERMS = {"numbers": ["4500871"], "buyer": "Buyer Ltd.", "total": "20000.00", "currency": "USD",
         "payment_terms": "30% T/T deposit, 70% balance against copy of B/L", "order_date": "2026-03-02"}


def doc(kind: str, party: str, day: int, message: int, record: Mapping[str, object] | None = None) -> fo.Doc:
    at = dt.datetime(2026, 3, day, 9, tzinfo=UTC)
    return fo.Doc(kind, party, f"{kind}.pdf", record or {}, message, at, at)


def inputs(*documents: fo.Doc, payments: tuple[fo.Paid, ...] = (), kept: tuple[fo.Kept, ...] = (),
           today: dt.date = dt.date(2026, 3, 12), **order: object) -> fo.Inputs:
    facts = fo.OrderFacts(id=1, number="4500871", data=dict(TERMS), first_mail=dt.datetime(2026, 3, 2, tzinfo=UTC),
                          **order)  # type: ignore[arg-type]
    return fo.Inputs(facts, documents, payments, kept, NOW, today)


def stored(result: fo.Result, before: fo.Inputs) -> fo.Inputs:
    """The inputs as the store would load them after persisting the result."""
    kept = tuple(fo.Kept(m.key, m.name, m.state, m.done_at, m.how, m.done_by, "", m.message_row_id, None,
                         m.overdue_since) for m in result.milestones)
    order = dataclasses.replace(before.order, plan=result.order.plan, status=result.order.status)
    return dataclasses.replace(before, order=order, payments=(*before.payments, *result.new_payments),
                               milestones=kept)


def kinds(result: fo.Result) -> list[str]:
    return [e.kind for e in result.events]


def test_a_po_and_our_pi_choose_the_plan_and_complete_what_they_prove() -> None:
    result = fo.follow(inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2)), FOLLOWER)
    assert result.followed.plan == "tt-order" and result.order.status == "confirmed"
    marks = {m.key: m for m in result.milestones}
    assert marks["pi_sent"].state == fo.DONE and marks["pi_sent"].message_row_id == 2
    assert marks["pi_countersigned"].state == fo.OVERDUE and marks["pi_countersigned"].overdue_since == NOW.date()
    assert kinds(result)[0] == "plan-chosen" and "milestone-done" in kinds(result)
    assert result.order.total_due == "20000.00" and result.order.outstanding == "20000.00"
    assert result.order.currency == "USD" and result.followed.expected is not None
    assert result.followed.expected.deposit == Decimal("6000.00")


def test_following_again_what_it_returned_changes_nothing() -> None:
    first = inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2))
    again = fo.follow(stored(fo.follow(first, FOLLOWER), first), FOLLOWER)
    assert again.events == () and again.followed.changes == () and again.new_payments == ()


def test_a_bank_slip_adds_its_payment_once_and_the_banks_advice_of_it_adds_nothing() -> None:
    slip = {"payment": {"amount": "6000.00", "currency": "USD", "value_date": "2026-03-10", "reference": "TT123456"}}
    before = inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), doc("bank_slip", "buyer", 10, 3, slip),
                    doc("bank_slip", "bank", 11, 4, slip))
    result = fo.follow(before, FOLLOWER)
    assert [(p.amount, p.message_row_id, p.value_date) for p in result.new_payments] == [
        ("6000.00", 3, dt.date(2026, 3, 10))]
    assert kinds(result).count("payment-recorded") == 1
    marks = {m.key: m for m in result.milestones}
    assert marks["deposit"].state == fo.DONE and marks["deposit"].how == "payment"
    assert result.followed.paid == Decimal("6000.00") and result.order.outstanding == "14000.00"
    assert fo.follow(stored(result, before), FOLLOWER).new_payments == ()


def test_a_milestone_becomes_overdue_the_day_after_it_is_due_with_one_event() -> None:
    on_the_day = inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), today=dt.date(2026, 3, 8))
    first = fo.follow(on_the_day, FOLLOWER)
    assert {m.key: m for m in first.milestones}["pi_countersigned"].state == fo.OPEN
    later = dataclasses.replace(stored(first, on_the_day), today=dt.date(2026, 3, 9))
    result = fo.follow(later, FOLLOWER)
    overdue = [e for e in result.events if e.kind == "milestone-overdue"]
    assert [e.detail["milestone"] for e in overdue] == ["pi_countersigned"]
    assert {m.key: m for m in result.milestones}["pi_countersigned"].overdue_since == dt.date(2026, 3, 9)


def test_a_milestone_whose_document_is_gone_is_open_again() -> None:
    before = inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2))
    after = dataclasses.replace(stored(fo.follow(before, FOLLOWER), before), documents=(doc("po", "buyer", 2, 1),))
    result = fo.follow(after, FOLLOWER)
    assert "milestone-reopened" in kinds(result)
    pi_sent = {m.key: m for m in result.milestones}["pi_sent"]
    assert pi_sent.state != fo.DONE and pi_sent.done_at is None and pi_sent.message_row_id is None


def test_what_a_person_completed_stays_done_and_a_milestone_the_plan_dropped_goes() -> None:
    signed = fo.Kept("signoff", "Manager sign-off", fo.DONE, dt.datetime(2026, 3, 4, tzinfo=UTC), "signoff", "Wang")
    gone = fo.Kept("telex", "Telex release", fo.OPEN)
    result = fo.follow(inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), kept=(signed, gone)), FOLLOWER)
    marks = {m.key: m for m in result.milestones}
    assert marks["signoff"].state == fo.DONE and marks["signoff"].done_by == "Wang"
    assert result.dropped == ("telex",) and "milestone-dropped" in kinds(result)


def test_without_a_plan_that_holds_nothing_is_followed() -> None:
    lc_only = Follower(FOLLOWER.plans[:1])
    result = fo.follow(inputs(doc("po", "buyer", 2, 1)), lc_only)
    assert not result.followed_plan and result.followed.plan == "" and result.milestones == ()


def test_a_plan_set_by_hand_wins_over_the_conditions() -> None:
    result = fo.follow(inputs(doc("po", "buyer", 2, 1), plan="lc-order", plan_by_hand=True), FOLLOWER)
    assert result.followed.plan == "lc-order" and kinds(result).count("plan-chosen") == 0


def test_a_status_set_by_hand_stands() -> None:
    result = fo.follow(inputs(doc("po", "buyer", 2, 1), status="on hold", status_by_hand="on hold"), FOLLOWER)
    assert result.order.status == "on hold" and "status-changed" not in kinds(result)


def test_what_a_person_may_not_complete_or_undo_is_refused_with_the_reason() -> None:
    followed = fo.follow(inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2)), FOLLOWER).followed
    plan = FOLLOWER.plan(followed.plan)

    def complete(key: str, how: str = "hand") -> None:
        state, _ = fo.milestone_to_complete(followed, plan, "4500871", key, how)
        fo.refuse_complete(followed, state)

    with pytest.raises(MailflowError, match="cannot be done before"):
        complete("production")
    with pytest.raises(MailflowError, match="is not a sign-off"):
        complete("production", "signoff")
    with pytest.raises(MailflowError, match="done already"):
        complete("pi_sent")
    with pytest.raises(NotFound, match="no milestone 'telex'"):
        complete("telex")
    state, milestone = fo.milestone_to_complete(followed, plan, "4500871", "signoff", "signoff")
    assert state.key == "signoff" and milestone is not None and milestone.signoff
    complete("signoff", "signoff")  # who may sign is the policy's to say
    with pytest.raises(MailflowError, match="is not done"):
        fo.refuse_undo(fo.Kept("deposit", "Deposit received"))


def test_a_completion_by_hand_is_kept_and_undoing_it_opens_the_milestone_from_now() -> None:
    before = inputs(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2))
    first = fo.follow(before, FOLLOWER)
    state, _ = fo.milestone_to_complete(first.followed, FOLLOWER.plan("tt-order"), "4500871", "signoff", "signoff")
    on_file = stored(first, before)
    signoff = next(k for k in on_file.milestones if k.key == "signoff")
    act, event = fo.completed(signoff, state, "Wang", "margin fine", "signoff", {"margin": "12%"}, NOW)
    assert event.kind == "signed-off" and event.detail["margin"] == "12%" and act.done_by == "Wang"
    signed = dataclasses.replace(on_file, milestones=tuple(act if k.key == "signoff" else k
                                                           for k in on_file.milestones))
    after = fo.follow(signed, FOLLOWER)
    assert {m.key: m for m in after.milestones}["signoff"].state == fo.DONE
    assert kinds(after) == ["status-changed"] and after.order.status == "in production"
    reopened, event = fo.undone(act, "Li", "", NOW)
    assert event.kind == "milestone-undone" and event.detail["was"] == "signoff: Wang"
    assert reopened.state == fo.OPEN and reopened.reopened_at == NOW and reopened.done_at is None


def body(kind: str, party: str, day: int, message: int) -> fo.Doc:
    """A document that is the mail itself (no file attached)."""
    at = dt.datetime(2026, 3, day, 9, tzinfo=UTC)
    return fo.Doc(kind, party, "mail body", {}, message, at, at)


def marks_of(*documents: fo.Doc, today: dt.date = dt.date(2026, 3, 12)) -> dict[str, fo.Mark]:
    return {m.key: m for m in fo.follow(inputs(*documents, today=today), FOLLOWER).milestones}


def test_the_countersigned_pi_is_the_buyers_document_not_a_reply_in_its_thread() -> None:
    said = marks_of(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), body("pi_countersigned", "buyer", 4, 3))
    assert said["pi_countersigned"].state != fo.DONE  # "PI received, L/C being applied", no attachment
    signed = marks_of(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), doc("pi_countersigned", "buyer", 5, 4))
    assert signed["pi_countersigned"].state == fo.DONE and signed["pi_countersigned"].message_row_id == 4
    ours = marks_of(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), doc("pi_countersigned", "us", 5, 4))
    assert ours["pi_countersigned"].state != fo.DONE  # only the buyer countersigns


def test_our_copy_bl_does_not_release_the_original_bl() -> None:
    copy = marks_of(doc("po", "buyer", 2, 1), doc("pi", "us", 3, 2), doc("bl_copy", "us", 10, 3))
    assert copy["original_bl"].state != fo.DONE
    for kind, party in (("bl_release", "forwarder"), ("bl_release", "bank"), ("bl_original", "forwarder")):
        released = marks_of(doc("po", "buyer", 2, 1), doc("bl_copy", "us", 10, 3), doc(kind, party, 11, 4))
        assert released["original_bl"].state == fo.DONE and released["original_bl"].message_row_id == 4
    for party in ("us", "buyer", "bank"):  # an "original" of ours, or one handed on, is no release by the forwarder
        held = marks_of(doc("po", "buyer", 2, 1), doc("bl_copy", "us", 10, 3), doc("bl_original", party, 11, 4))
        assert held["original_bl"].state != fo.DONE, party


def test_our_own_telex_release_request_releases_nothing() -> None:
    """"Please telex release once the balance is in" is typed a release, but ours: only the
    forwarder (or the bank) releases the B/L."""
    for party in ("us", "buyer", "supplier"):
        asked = marks_of(doc("po", "buyer", 2, 1), doc("bl_copy", "us", 10, 3), doc("bl_release", party, 11, 4))
        assert asked["original_bl"].state != fo.DONE, party


def test_an_inspection_report_completes_the_inspection_from_an_agency_or_our_own_record() -> None:
    for party in ("supplier", "us", "forwarder"):  # an agency's mail, our own inspection record
        marks = marks_of(doc("po", "buyer", 2, 1), doc("inspection_report", party, 9, 5))
        assert marks["inspection"].state == fo.DONE and marks["inspection"].message_row_id == 5
    assert marks_of(doc("po", "buyer", 2, 1), doc("po", "supplier", 9, 5))["inspection"].state != fo.DONE


def test_a_copy_bl_ships_the_order_and_dates_the_bl() -> None:
    result = fo.follow(inputs(doc("po", "buyer", 2, 1), doc("bl_copy", "us", 10, 3)), FOLLOWER)
    assert result.order.status == "shipped"
    assert fo.anchors(inputs().order, [doc("bl_draft", "forwarder", 8, 2), doc("bl_copy", "us", 10, 3)])[
        "bl_date"] == dt.date(2026, 3, 10)


def test_our_samples_sent_completes_the_sample_sent_milestone() -> None:
    asked = marks_of(body("sample_request", "buyer", 2, 1), body("sample_request", "us", 2, 2))
    assert asked["sample_confirmed"].state == fo.DONE and asked["sample_sent"].state != fo.DONE
    sent = marks_of(body("sample_request", "buyer", 2, 1), body("samples_sent", "us", 5, 3))
    assert sent["sample_sent"].state == fo.DONE and sent["sample_sent"].message_row_id == 3
    assert marks_of(body("sample_request", "buyer", 2, 1), body("samples_sent", "buyer", 5, 3))[
        "sample_sent"].state != fo.DONE

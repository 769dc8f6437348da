"""Who may do what (mailflow/policy.py): one table for every surface, failing closed."""

from __future__ import annotations

import pytest

from mailflow import policy
from mailflow.policy import Action, Milestone, Person, Refused, Reply, SignOff, Thing, check

LILY = Person("Lily Chen", "merchandiser")
WANG = Person("Wang Fang", "manager")
ZHAO = Person("Zhao Min", "general_manager")
ADA = Person("Ada Xu", "accounts")
PEOPLE = (LILY, WANG, ZHAO, ADA)


def allowed(person: Person, action: Action, subject: policy.Subject | None = None, note: str = "") -> bool:
    return check(person, action, subject, note).allowed


@pytest.mark.parametrize(("approver", "who"), [
    ("", {"merchandiser", "manager", "general_manager"}),
    ("merchandiser", {"merchandiser", "manager", "general_manager"}),
    ("manager", {"manager", "general_manager"}),
    ("general_manager", {"general_manager"}),
    ("accounts", {"accounts", "manager", "general_manager"}),
    (None, {"manager", "general_manager"}),  # unreadable: a manager's, so nothing is stuck
    ("intern", {"manager", "general_manager"}),  # a role this version does not know: the same
])
def test_a_held_reply_is_released_by_the_role_its_hold_names_or_a_manager(approver: str | None,
                                                                         who: set[str]) -> None:
    reply = Reply(7, "complaint_ack", approver)
    for action in (Action.APPROVE_REPLY, Action.EDIT_REPLY, Action.REJECT_REPLY):
        got = {p.role for p in PEOPLE if allowed(p, action, reply, note="wrong buyer")}
        assert got == who, (action, approver)


def test_a_merchandiser_is_told_why_a_complaint_acknowledgement_is_not_theirs() -> None:
    verdict = check(LILY, Action.APPROVE_REPLY, Reply(7, "complaint_ack", "manager"))
    assert not verdict.allowed and verdict.code == "reply_approver"
    assert verdict.reason == ("Lily Chen is a merchandiser: reply #7 (complaint_ack) is for a manager or the "
                              "general manager to approve — its hold names a manager as the approver")


def test_a_rejection_says_why() -> None:
    reply = Reply(7, "inquiry_ack", "")
    blank = check(LILY, Action.REJECT_REPLY, reply, note="  ")
    assert not blank.allowed and blank.code == "reason_needed"
    assert allowed(LILY, Action.REJECT_REPLY, reply, note="duplicate inquiry")


def test_unknown_roles_and_unknown_actions_are_refused() -> None:
    stranger = Person("Tom", "intern")
    for action in Action:
        verdict = check(stranger, action, Thing())
        assert not verdict.allowed and verdict.code == "unknown_role", action
    assert check(WANG, Action.APPROVE_REPLY, Thing()).code == "unknown_subject"
    assert check(WANG, Action.COMPLETE_MILESTONE, None).code == "unknown_subject"


def test_milestones_by_owner_or_manager_payments_never_by_a_click() -> None:
    production = Milestone("KS-1", "production", "Released to production", "merchandiser", "hand")
    assert {p.role for p in PEOPLE if allowed(p, Action.COMPLETE_MILESTONE, production)} == \
        {"merchandiser", "manager", "general_manager"}
    deposit = Milestone("KS-1", "deposit", "Deposit received", "accounts", "payment")
    for person in PEOPLE:
        verdict = check(person, Action.COMPLETE_MILESTONE, deposit, note="the bank called")
        assert not verdict.allowed and verdict.code == "milestone_payment"
    assert "done by recording the payment, never by a click" in check(ADA, Action.COMPLETE_MILESTONE, deposit).reason
    no_deposit = Milestone("KS-1", "deposit", "Deposit received", "accounts", "payment", payment_counts=False)
    assert check(ADA, Action.COMPLETE_MILESTONE, no_deposit).code == "evidence_note_needed"
    assert allowed(ADA, Action.COMPLETE_MILESTONE, no_deposit, note="terms: no deposit")
    assert {p.role for p in PEOPLE if allowed(p, Action.UNDO_MILESTONE, deposit)} == \
        {"accounts", "manager", "general_manager"}
    countersigned = Milestone("KS-1", "pi_countersigned", "P/I countersigned", "merchandiser", "documents")
    assert check(LILY, Action.COMPLETE_MILESTONE, countersigned).code == "evidence_note_needed"
    assert allowed(LILY, Action.COMPLETE_MILESTONE, countersigned, note="signed copy came by WeChat, filed in KS-1")
    assert check(ADA, Action.COMPLETE_MILESTONE, countersigned, note="x").code == "milestone_owner"
    signoff = Milestone("KS-1", "signoff", "Manager sign-off", "manager", "signoff")
    assert check(WANG, Action.COMPLETE_MILESTONE, signoff).code == "milestone_signoff"
    assert not allowed(LILY, Action.UNDO_MILESTONE, signoff) and allowed(WANG, Action.UNDO_MILESTONE, signoff)


def test_the_sign_off_follows_the_margin_rule() -> None:
    usual = SignOff("KS-1", "manager", "margin 6.00 % (floor 5 %)")
    thin = SignOff("KS-1", "general_manager", "margin 4.00 % is under the floor of 5 %")
    unknown = SignOff("KS-1", "", "")
    assert {p.role for p in PEOPLE if allowed(p, Action.SIGN_OFF, usual)} == {"manager", "general_manager"}
    assert {p.role for p in PEOPLE if allowed(p, Action.SIGN_OFF, thin)} == {"general_manager"}
    assert {p.role for p in PEOPLE if allowed(p, Action.SIGN_OFF, unknown)} == {"general_manager"}
    assert check(WANG, Action.SIGN_OFF, thin).reason == \
        "order KS-1 needs the general manager's sign-off: margin 4.00 % is under the floor of 5 %"


@pytest.mark.parametrize(("action", "who"), [
    (Action.RECORD_PAYMENT, {"accounts", "manager", "general_manager"}),
    (Action.SET_STATUS, {"manager", "general_manager"}),
    (Action.CLOSE_CASE, {"manager", "general_manager"}),
    (Action.SET_PLAN, {"merchandiser", "manager", "general_manager"}),
    (Action.SET_DATE, {"merchandiser", "manager", "general_manager"}),
    (Action.RECLASSIFY, {"merchandiser", "manager", "general_manager", "accounts"}),
    (Action.ASSIGN, {"merchandiser", "manager", "general_manager", "accounts"}),
    (Action.RETRY_QUARANTINE, {"merchandiser", "manager", "general_manager", "accounts"}),
])
def test_actions_by_role(action: Action, who: set[str]) -> None:
    assert {p.role for p in PEOPLE if allowed(p, action, Thing("order KS-1"))} == who


def test_require_raises_a_typed_refusal_with_the_reason_and_code() -> None:
    with pytest.raises(Refused) as refused:
        policy.require(LILY, Action.RECORD_PAYMENT, Thing("order KS-1"))
    assert refused.value.code == "role" and refused.value.exit_code == 6
    assert str(refused.value) == ("Lily Chen is a merchandiser: to record a payment is for accounts, a manager "
                                  "or the general manager")


def test_several_holds_are_released_by_whom_all_of_them_allow() -> None:
    assert policy.combine_approvers(["", ""]) == ""
    assert policy.combine_approvers(["", "manager"]) == "manager"
    assert policy.combine_approvers(["accounts", ""]) == "accounts"
    assert policy.combine_approvers(["accounts", "merchandiser"]) == "manager"
    assert policy.combine_approvers(["manager", "general_manager"]) == "general_manager"


def test_an_order_confirmation_is_a_managers_whatever_its_hold_says() -> None:
    for approver in ("", "merchandiser", "accounts"):
        verdict = check(LILY, Action.APPROVE_REPLY, Reply(3, "order_confirmation", approver))
        assert not verdict.allowed and "commits the company to a price and a date" in verdict.reason
        assert {p.role for p in PEOPLE if allowed(p, Action.APPROVE_REPLY, Reply(3, "order_confirmation", approver))} \
            == {"manager", "general_manager"}
    assert {p.role for p in PEOPLE if allowed(p, Action.APPROVE_REPLY, Reply(3, "order_confirmation",
                                                                             "general_manager"))} == {"general_manager"}

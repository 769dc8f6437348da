"""Who may do what on the desk: one answer for the command line, the browser and the store.

`check(person, action, subject, note)` is pure: a person (their name and role), what they want
to do, and the object as the store has just loaded it, in, a `Verdict` out. The store calls
`require` inside the transaction that writes, so a surface cannot differ from another by
forgetting a check; the surfaces only say who is asking and show the reason.

Every refusal has a stable `code` (the web desk words it in the reader's language) and a
sentence in English (the command line prints it). What nobody foresaw is refused: an unknown
role, an approver that cannot be read, an action this table does not know.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from mailflow.errors import MailflowError

ROLES = ("merchandiser", "manager", "general_manager", "accounts")
MANAGERS = ("manager", "general_manager")
# a reply whose hold names no approver: the people who answer the buyers' mail
REPLY_DESK = ("merchandiser", *MANAGERS)
APPROVERS = ("", *ROLES)  # "" : any of REPLY_DESK
MANAGER_TEMPLATES = ("order_confirmation",)  # replies a manager releases, whatever holds them
ROLE_NAMES = {"merchandiser": "a merchandiser", "manager": "a manager", "general_manager": "the general manager",
              "accounts": "accounts"}


class Action(enum.Enum):
    APPROVE_REPLY = "approve a reply"
    REJECT_REPLY = "reject a reply"
    EDIT_REPLY = "edit a reply"
    SIGN_OFF = "sign off an order"
    COMPLETE_MILESTONE = "mark a milestone done"
    UNDO_MILESTONE = "open a milestone again"
    RECORD_PAYMENT = "record a payment"
    SET_STATUS = "put an order on hold, cancel or resume it"
    SET_PLAN = "choose an order's plan"
    SET_DATE = "set a date an order's plan counts from"
    RECLASSIFY = "reclassify a mail"
    ASSIGN = "file a mail under an order"
    CLOSE_CASE = "close a complaint case"
    RETRY_QUARANTINE = "retry quarantined mail"


# who may do what does not depend on the object
BY_ROLE: dict[Action, tuple[str, ...]] = {
    Action.RECORD_PAYMENT: ("accounts", *MANAGERS),
    Action.SET_STATUS: MANAGERS,  # holding or cancelling an order is a manager's decision
    Action.SET_PLAN: ("merchandiser", *MANAGERS),
    Action.SET_DATE: ("merchandiser", *MANAGERS),
    Action.RECLASSIFY: ROLES,  # accounts files the bank's mail too
    Action.ASSIGN: ROLES,
    Action.CLOSE_CASE: MANAGERS,  # a manager reads every complaint first, and settles it
    Action.RETRY_QUARANTINE: ROLES,  # runs the mail through the same rules again: nothing is decided
}


@dataclass(frozen=True)
class Person:
    """Someone acting on the desk. `role` is kept as given, so that a role this version does not
    know is refused by `check`, not mistaken for another."""

    name: str
    role: str

    @property
    def manager(self) -> bool:
        return self.role in MANAGERS


@dataclass(frozen=True)
class Reply:
    """A reply as the store loaded it. `approver`: the role the hold names ("" : anyone who
    answers mail); None when it cannot be read (a row written before approvers were kept, by an
    older mailflow beside this one, or a role this version does not know)."""

    id: int
    template: str
    approver: str | None


@dataclass(frozen=True)
class Milestone:
    order: str
    key: str
    name: str
    owner: str
    done_by: str  # hand | documents | payment | signoff
    # a payment milestone that recorded payments can complete; False when the terms ask no
    # deposit or the total is not known: then a person completes it, saying where the proof is
    payment_counts: bool = True


@dataclass(frozen=True)
class SignOff:
    order: str
    signer: str  # manager | general_manager: who the margin rule says signs
    why: str


@dataclass(frozen=True)
class Thing:
    """Any other object of an action whose rule is by role alone (an order, a mail, a case)."""

    what: str = ""


Subject = Reply | Milestone | SignOff | Thing


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    code: str = "ok"
    reason: str = ""
    params: dict[str, str] = field(default_factory=dict)  # for the words in other languages


class Refused(MailflowError):
    """The desk's policy refuses this person this action on this object."""

    exit_code = 6

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.code = verdict.code
        self.params = verdict.params
        super().__init__(verdict.reason)


def refuse(code: str, reason: str, **params: str) -> Verdict:
    return Verdict(False, code, reason, dict(params))


def _who(roles: tuple[str, ...]) -> str:
    names = [ROLE_NAMES[r] for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def release_roles(approver: str | None, template: str = "") -> tuple[str, ...]:
    """Who may release (approve, reject, edit) a reply held for `approver`. A manager may
    release any hold; one whose approver cannot be read is a manager's only: nobody below a
    manager can tell whether it was theirs, and a manager can always release it, so no reply is
    stuck. An order confirmation commits the company to a price and a date: a manager's,
    whatever its hold says."""
    if template in MANAGER_TEMPLATES and approver in APPROVERS:
        approver = combine_approvers([approver or "", "manager"])
    if approver is None or approver not in APPROVERS:
        return MANAGERS
    if approver == "":
        return REPLY_DESK
    if approver == "general_manager":
        return ("general_manager",)
    if approver in MANAGERS:
        return MANAGERS
    return (approver, *MANAGERS)


def owners(owner: str) -> tuple[str, ...]:
    """Who may complete or reopen a milestone: its owner or a manager (the general manager's
    own milestones are the general manager's)."""
    if owner == "general_manager":
        return ("general_manager",)
    if owner in MANAGERS:
        return MANAGERS
    if owner in ROLES:
        return (owner, *MANAGERS)
    return MANAGERS  # an owner this version does not know: a manager's


def check(person: Person, action: Action, subject: Subject | None = None, note: str = "") -> Verdict:
    """Whether `person` may do `action` to `subject` (with `note`: a rejection's reason, a
    milestone's note), and if not, why."""
    if person.role not in ROLES:
        return refuse("unknown_role", f"{person.name} has the role {person.role!r}, which is not one of "
                      f"{', '.join(ROLES)}: nothing is allowed to an unknown role",
                      name=person.name, role=person.role)
    role = person.role
    if action in (Action.APPROVE_REPLY, Action.REJECT_REPLY, Action.EDIT_REPLY):
        return _reply(person, action, subject, note)
    if action is Action.SIGN_OFF:
        return _sign_off(person, subject)
    if action in (Action.COMPLETE_MILESTONE, Action.UNDO_MILESTONE):
        return _milestone(person, action, subject, note)
    allowed = BY_ROLE.get(action)
    if allowed is None:
        return refuse("unknown_action", f"no rule says who may {action.value}: refused", action=action.value)
    if role not in allowed:
        return refuse("role", f"{person.name} is {ROLE_NAMES[role]}: to {action.value} is for "
                      f"{_who(allowed)}", name=person.name, role=role, action=action.name.lower(),
                      allowed=",".join(allowed))
    return Verdict(True)


def _reply(person: Person, action: Action, subject: Subject | None, note: str) -> Verdict:
    if not isinstance(subject, Reply):
        return refuse("unknown_subject", f"to {action.value} needs the reply", action=action.value)
    roles = release_roles(subject.approver, subject.template)
    if person.role not in roles:
        if subject.approver is None or subject.approver not in APPROVERS:
            why = "its hold names no approver this desk can read, so it is a manager's"
        elif subject.template in MANAGER_TEMPLATES and subject.approver in ("", "merchandiser", "accounts"):
            why = "an order confirmation commits the company to a price and a date"
        elif subject.approver == "":
            why = "replies are released by the merchandisers and managers"
        else:
            why = f"its hold names {ROLE_NAMES[subject.approver]} as the approver"
        return refuse("reply_approver", f"{person.name} is {ROLE_NAMES[person.role]}: reply #{subject.id} "
                      f"({subject.template}) is for {_who(roles)} to {action.value.split()[0]} — {why}",
                      name=person.name, role=person.role, reply=str(subject.id), template=subject.template,
                      allowed=",".join(roles), action=action.name.lower())
    if action is Action.REJECT_REPLY and not note.strip():
        return refuse("reason_needed", "a rejection says why: give the reason (kept with the reply)")
    return Verdict(True)


def _sign_off(person: Person, subject: Subject | None) -> Verdict:
    if not isinstance(subject, SignOff):
        return refuse("unknown_subject", "a sign-off needs the order")
    if person.role not in MANAGERS:
        return refuse("signoff_role", f"{person.name} is {ROLE_NAMES[person.role]}: a sign-off is a manager's "
                      "or the general manager's", name=person.name, role=person.role, order=subject.order)
    # a signer this version does not know (or none given): the most senior signs
    if subject.signer != "manager" and person.role != "general_manager":
        why = subject.why or "who must sign could not be told, so the most senior does"
        return refuse("signoff_general_manager", f"order {subject.order} needs the general manager's "
                      f"sign-off: {why}", order=subject.order, why=why)
    return Verdict(True)


def _milestone(person: Person, action: Action, subject: Subject | None, note: str) -> Verdict:
    if not isinstance(subject, Milestone):
        return refuse("unknown_subject", f"to {action.value} needs the milestone", action=action.value)
    m = subject
    if action is Action.COMPLETE_MILESTONE:
        if m.done_by == "signoff":
            return refuse("milestone_signoff", f"{m.name} is the manager's sign-off: use `mailflow order "
                          f"approve {m.order} --as NAME` (or Sign off in the browser)", name=m.name,
                          order=m.order)
        if m.done_by == "payment" and m.payment_counts:
            return refuse("milestone_payment", f"{m.name} is done by recording the payment, never by a "
                          f"click: `mailflow order payment {m.order} AMOUNT --as NAME` (accounts or a "
                          "manager); a bank slip filed with the order counts by itself", name=m.name,
                          order=m.order)
        if m.done_by not in ("hand", "documents", "payment"):
            return refuse("milestone_unknown", f"{m.name} is done by {m.done_by!r}, which this version does "
                          "not know: refused", name=m.name)
    roles = owners(m.owner)
    if person.role not in roles:
        return refuse("milestone_owner", f"{person.name} is {ROLE_NAMES[person.role]}: {m.name} is "
                      f"{_who(roles)}'s to {'mark done' if action is Action.COMPLETE_MILESTONE else 'open again'}",
                      name=person.name, role=person.role, milestone=m.name, allowed=",".join(roles))
    if action is Action.COMPLETE_MILESTONE and m.done_by in ("documents", "payment") and not note.strip():
        return refuse("evidence_note_needed", f"{m.name} is done by {'a document' if m.done_by == 'documents' else 'a payment'}: "
                      "done by hand, the note says where the evidence is (a countersigned copy that came by "
                      "another channel, say)", milestone=m.name)
    return Verdict(True)


def require(person: Person, action: Action, subject: Subject | None = None, note: str = "") -> None:
    """`check`, raising `Refused` with the reason."""
    verdict = check(person, action, subject, note)
    if not verdict.allowed:
        raise Refused(verdict)


def combine_approvers(approvers: list[str]) -> str:
    """The approver of a reply held by several holds: the one person's role that may release
    every one of them (a manager may release any, the general manager any manager's)."""
    named = {a for a in approvers if a}
    if not named:
        return ""
    if "general_manager" in named:
        return "general_manager"
    if len(named) == 1:
        return named.pop()
    return "manager"


def person_of(user: Any) -> Person:
    """A `config.User` or a web desk person as the policy sees them."""
    return Person(str(user.name), str(user.role))

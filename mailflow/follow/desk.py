"""The follow-up's work on the desk: the hourly job (milestones overdue, chasers drafted) and the
daily plan a merchandiser starts the day with (its digest by mail: `digest_mail.py`).

Chasers and digests go through the outbox like any reply: a chaser is held for a person unless
its plan says otherwise, threads into the latest mail of the party it chases, never goes to an
automated sender, and goes at most once per milestone per `every_days`; a digest goes once per
recipient and day. Both have Message-IDs derived from what they are, so a restart or a second
daemon adds nothing twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mailflow import clock
from mailflow.config import Config, User
from mailflow.errors import MailflowError
from mailflow.extract.record import to_decimal
from mailflow.follow import Follower
from mailflow.follow import money as money_rules
from mailflow.follow.digest import SECTIONS
from mailflow.follow.plans import Chaser
from mailflow.store.chase import chase_key
from mailflow.store.plan import Mine

if TYPE_CHECKING:
    from mailflow.desk import Desk
    from mailflow.model import Message, Reply
    from mailflow.store import Store

log = logging.getLogger("mailflow.follow")

# --- the daily plan --------------------------------------------------------------------------

def owns(config: Config, user: User | None, role: str, buyer: str) -> bool:
    """Whether an item is on this person's plan: a manager sees everyone's; others see their
    role's milestones, and a merchandiser only the buyers assigned to them (or to nobody)."""
    if user is None or user.role in ("manager", "general_manager"):
        return True
    if role and role != user.role:
        return False
    if user.role == "merchandiser" and buyer:
        assigned = assigned_merchandiser(config, buyer)
        return not assigned or assigned.casefold() == user.name.casefold()
    return True


def assigned_merchandiser(config: Config, buyer: str) -> str:
    """The merchandiser `buyers:` assigns to a buyer (by name or domain; the first entry naming
    it decides), "" for none."""
    return next((b.merchandiser for b in config.buyers if buyer in (b.name, *b.domains)), "")


def mine(config: Config, user: User | None) -> Mine | None:
    """What `owns` asks of a row, for the plan's queries to ask first: None for everyone's plan
    (no user, a manager); else the user's role and, for a merchandiser, every buyer name and
    domain whose first entry in `buyers:` names another merchandiser."""
    if user is None or user.role in ("manager", "general_manager"):
        return None
    if user.role != "merchandiser":
        return Mine(user.role)
    decided: dict[str, str] = {}
    for buyer in config.buyers:  # the first entry naming a buyer decides, as in `owns`
        for key in (buyer.name, *buyer.domains):
            decided.setdefault(key, buyer.merchandiser)
    return Mine(user.role, tuple(sorted(key for key, assigned in decided.items()
                                        if assigned and assigned.casefold() != user.name.casefold())))


def daily_plan(store: Store, config: Config, today: dt.date, owner: str | None = None,
               person: User | None = None, limit: int = 500) -> dict[str, Any]:
    """`mailflow plan`: one list per section, each item with at least order, order_kind
    (`sale`, `purchase`, none for mail of no order), buyer, supplier and for_order (a purchase order's
    supplier and the sales order it serves, whose buyer is `buyer`), milestone, due and
    days_overdue (plain JSON values). The plan of `owner` (a name in `users:`) or of
    `person` (as the web desk knows them); everyone's without either. `limit`: the items of each
    section read (the first in its order; the milestones and the orders waiting on the buyer
    are filtered to the person's before, the other sections after)."""
    user = person
    if owner and user is None:
        user = config.user(owner)
        if user is None:
            from mailflow.errors import MailflowError

            raise MailflowError(f"{owner!r} is not one of users: in {config.file}")
    rows = store.plan_rows(today, limit=limit, mine=mine(config, user))
    plan: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}

    def item(base: dict[str, Any], milestone: str | None = None, due: dt.date | None = None,
             **more: Any) -> dict[str, Any]:
        return {"order": base.get("order", ""), "order_kind": base.get("order_kind"), "buyer": base.get("buyer", ""),
                "supplier": base.get("supplier"), "for_order": base.get("for_order"), "milestone": milestone,
                "due": due.isoformat() if due else None,
                "days_overdue": (today - due).days if due and due < today else 0, **more}

    for row in rows["milestones"]:
        if not owns(config, user, row["owner"], row["buyer"]):
            continue
        due = row["due"]
        section = "overdue" if due < today else "due_today" if due == today else "due_soon"
        plan[section].append(item(row, row["milestone"], due, name=row["name"], owner=row["owner"],
                                  waiting_for=row["waiting_for"], why=row["why"], plan=row["plan"]))
    for row in rows["signoffs"]:
        if user is None or user.role in ("manager", "general_manager"):
            plan["waiting_for_approval"].append(item(row, row["milestone"], row["due"], name=row["name"],
                                                     kind="sign-off", what=row["what"], plan=row["plan"]))
    for row in rows["held"]:
        if owns(config, user, "", row["buyer"]):
            plan["waiting_for_approval"].append(item(row, None, None, kind="reply", reply=row["reply"],
                                                     template=row["template"], what=row["what"],
                                                     since=_iso(row["since"])))
    for row in rows["waiting_on_buyer"]:
        if owns(config, user, "merchandiser", row["buyer"]):
            theirs = row["their_last_mail"]
            plan["waiting_on_buyer"].append(item(row, None, None, status=row["status"],
                                                 their_last_mail=_iso(theirs), our_last_mail=_iso(row["our_last_mail"]),
                                                 days_since_their_mail=(today - theirs).days if theirs else None))
    for row in rows["money"]:
        if owns(config, user, "accounts" if user and user.role == "accounts" else "", row["buyer"]):
            plan["money_outstanding"].append(item(row, None, row["due"], outstanding=row["outstanding"],
                                                  total=row["total"], currency=row["currency"],
                                                  instalment=row["instalment"], short=row["short"]))
    for row in rows["inquiries"]:
        if owns(config, user, "merchandiser", row["buyer"]):
            received = row["received"]
            plan["unanswered_inquiries"].append(item(row, None, None, subject=row["subject"], sender=row["from"],
                                                     message_id=row["message_id"], received=_iso(received),
                                                     days_waiting=(today - received).days if received else None))
    for row in rows["complaints"]:
        if owns(config, user, "", row["buyer"]):
            plan["open_complaints"].append(item(row, None, None, case=row["case"], subject=row["subject"],
                                                opened=_iso(row["opened"])))
    if user is None or user.role != "accounts":
        for row in rows["unfiled"]:
            plan["unfiled"].append(item(row, None, None, category=row["category"], subject=row["subject"],
                                        message_id=row["message_id"], received=_iso(row["received"])))
        for row in rows["quarantined"]:
            plan["quarantined"].append(item(row, None, None, sha256=row["sha256"], reason=row["reason"],
                                            since=_iso(row["since"])))
    plan["overdue"].sort(key=lambda i: (-i["days_overdue"], i["order"]))
    per_buyer: dict[str, dict[str, Decimal]] = {}
    for entry in plan["money_outstanding"]:
        amount = Decimal(entry["outstanding"])
        per_buyer.setdefault(entry["buyer"], {}).setdefault(entry["currency"] or "?", Decimal(0))
        per_buyer[entry["buyer"]][entry["currency"] or "?"] += amount
    return {"date": today.isoformat(), "owner": user.name if user else None,
            "role": user.role if user else None, **plan,
            "outstanding_by_buyer": {b: {c: str(v) for c, v in cur.items()} for b, cur in sorted(per_buyer.items())}}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.isoformat()) if hasattr(value, "isoformat") else str(value)


# --- the hourly job --------------------------------------------------------------------------

@dataclasses.dataclass
class Tick:
    refreshed: int = 0
    overdue: int = 0
    chasers: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    digests: list[str] = dataclasses.field(default_factory=list)


def follow_up(desk: Desk, store: Store, refresh: bool = False) -> Tick:
    """Mark what became overdue and draft the chasers it calls for. First the orders no plan
    was chosen for yet are followed (filed before following began); with `refresh`, every order
    still open is recomputed (after the plans were edited)."""
    tick = Tick()
    follower = store.follower
    if follower is None or not follower.plans:
        return tick
    for order_id in store.open_order_ids(unfollowed_only=not refresh):
        store.follow_order(order_id)
        tick.refreshed += 1
    tick.overdue = store.mark_overdue(follower.today())
    draft_chasers(desk, store, follower, tick)
    return tick


def chase_message_id(order_id: int, key: str, number: int, domain: str) -> str:
    digest = hashlib.sha256(f"chase:{order_id}:{key}:{number}".encode()).hexdigest()[:24]
    return f"mailflow.{digest}@{domain}"


def draft_chasers(desk: Desk, store: Store, follower: Follower, tick: Tick) -> None:
    """A chaser for each overdue milestone whose plan has one and whose last chaser is older
    than its `every_days`, rendered as every reply is (`reply.plan.render_reply`)."""
    now = clock.now()
    for milestone_row, order in store.chase_candidates():
        plan = follower.plan(milestone_row.plan)
        milestone = plan.milestone(milestone_row.key) if plan else None
        chaser = milestone.chaser if milestone else None
        if plan is None or milestone is None or chaser is None:
            continue
        last = milestone_row.last_chased_at
        if last is not None and last > now - dt.timedelta(days=chaser.every_days):
            continue
        what = f"{order.folder} {milestone.key}"
        found = _mail_to_answer(store, order, chaser, desk.config)
        if isinstance(found, str):
            store.skip_chase(milestone_row.id, found)
            tick.skipped.append(f"{what}: {found}")
            continue
        answered, message, to = found
        try:
            reply = render_chaser(desk, store, plan.name, chaser, milestone_row, order, message, now, to)
        except MailflowError as exc:
            store.skip_chase(milestone_row.id, f"template {chaser.template}: {exc}")
            tick.skipped.append(f"{what}: {exc}")
            continue
        row = {**outbox_fields(reply), "answers_id": answered.id, "order_id": order.id,
               "revision_key": chase_key(order.folder, milestone.key), "order_version": order.version}
        if store.add_chaser(milestone_row.id, chaser.every_days, row):
            tick.chasers.append(f"{what}: {chaser.template} to {', '.join(a.addr for a in reply.to)} "
                                f"({reply.state})")
            log.info("chaser drafted order=%s milestone=%s template=%s state=%s", order.folder, milestone.key,
                     chaser.template, reply.state)


def render_chaser(desk: Desk, store: Store, plan: str, chaser: Chaser, milestone_row: Any, order: Any,
                  message: Message, now: dt.datetime, to: tuple[str, ...] = ()) -> Reply:
    """The chaser of an overdue milestone, answering the party's latest mail (or our own to it,
    then to `to`): held when its plan says so (the rule `followup:PLAN` asks for approval) or
    any reply policy holds it."""
    from mailflow.model import Action, Address, OrderRef
    from mailflow.parties import buyer_of
    from mailflow.reply.plan import Occasion, ReplyFacts, SenderFacts, render_reply

    config = desk.config
    _, buyer = buyer_of(message, config)
    followed = store.follower.plan(plan) if store.follower else None
    milestone = followed.milestone(milestone_row.key) if followed else None
    payment = (milestone.payment or "") if milestone else ""
    facts = ReplyFacts(order=OrderRef(order.number, order.buyer, order.id, "on file", "token"),
                       record=dict(order.data or {}), buyer=buyer, sender=SenderFacts(first_contact=False),
                       confirmation=store.latest_confirmation(order.id))
    action = Action("reply", {"template": chaser.template, "hold": chaser.hold}, f"followup:{plan}")
    today = store.follower.today() if store.follower else clock.today()
    occasion = Occasion(
        message_id=chase_message_id(order.id, milestone_row.key, milestone_row.chases + 1, config.identity.domain),
        context={"milestone": milestone_context(milestone_row, today), "money": money_context(order, payment)},
        attach=chaser.attach or "", when=now, to=tuple(Address("", a) for a in to))
    return render_reply(message, action, facts, desk.planner, occasion)


def outbox_fields(reply: Reply) -> dict[str, Any]:
    """A rendered reply as the outbox row of a mail mailflow writes on its own (a chaser, a digest)."""
    return {"message_id": reply.message_id, "template": reply.template, "language": reply.language,
            "to_addrs": [a.addr for a in reply.to], "subject": reply.subject, "raw": reply.raw,
            "state": reply.state, "reason": reply.reason, "action": dict(reply.action)}


def _mail_to_answer(store: Store, order: Any, chaser: Chaser, config: Config) -> tuple[Any, Any, tuple[str, ...]] | str:
    """The newest mail of the order from the party the chaser goes to that a person wrote (an
    out-of-office notice, a bounce or a no-reply system is never chased), parsed, else our own
    last mail to that party, with the addresses of that party it went to; or why there is none
    (`plans.chase_route`)."""
    from mailflow.errors import MailflowError
    from mailflow.follow.plans import OnFile, chase_route
    from mailflow.parse import parse
    from mailflow.reply.guard import reasons_not_to_reply

    party = chaser.to
    ours = [OnFile(m.ref, m.party, m.in_case, tuple(a for a in m.to if recipient_party(a, order, config) == party))
            for m in store.order_mail(order.id, "out", limit=50)]
    mails, none = chase_route(chaser, store.order_mail(order.id), ours)
    if none:
        return none
    why: list[str] = []
    for mail in mails[:10]:
        row = mail.ref
        try:
            message = parse(store.archive.read(row.path))
        except (OSError, MailflowError) as exc:
            why.append(f"<{row.message_id}> cannot be read: {exc}")
            continue
        if mail.party == "us":  # our own mail to the party: answered to its recipients of that party
            return row, message, mail.to
        blockers = reasons_not_to_reply(message, [config.identity.address, *config.identity.other_addresses],
                                        [config.identity.domain])
        if not blockers:
            return row, message, ()
        why.append(f"<{row.message_id}> is automated ({'; '.join(blockers)})")
    return f"no mail a person of the {party} wrote: " + "; ".join(why)


def recipient_party(address: str, order: Any, config: Config) -> str:
    """The party of an address our mail went to: as the configuration or its name says, else
    the order's counterparty (a sales order's buyer, a purchase order's supplier) by its domain;
    "" when nothing says (or it is ours)."""
    from mailflow.parties import buyer_domains, configured_buyer, named_party, ours

    if ours(address, config):
        return ""
    named = named_party(address, "", config)
    if named is not None:
        return named.party
    domain = address.lower().rpartition("@")[2]
    if domain in buyer_domains(order.buyer, configured_buyer(config, order.buyer)):
        return "supplier" if order.kind == "purchase" else "buyer"
    return ""


def chase_context(store: Store, order: Any, template: str) -> dict[str, Any]:
    """What a chaser's template is given when a person composes it by hand for `order`
    (`outbox compose ORDER chase_balance`): as when the follow-up job drafts it, the milestone it
    chases (the order's milestone whose plan chases it with `template`, else one of the order's
    milestones that any plan chases with it) and the order's money. When the order has no such
    milestone (chasing the L/C of an order paid by T/T), the milestone has no due day and no
    chases, and the template says nothing of when it was due."""
    follower = store.follower
    plans = follower.plans if follower else ()
    ordered = sorted(plans, key=lambda p: p.name != order.plan)  # the order's own plan first
    chased = [(m.key, m) for p in ordered for m in p.milestones if m.chaser and m.chaser.template == template]
    rows = {row.key: row for row in store.milestones(order.id)}
    today = follower.today() if follower else clock.today()
    for key, milestone in chased:
        if key in rows:
            return {"milestone": milestone_context(rows[key], today), "money": money_context(order, milestone.payment)}
    key, name = (chased[0][0], chased[0][1].name()) if chased else ("", "")
    return {"milestone": {"key": key, "name": name, "due": "", "days_overdue": 0, "chases": 0},
            "money": money_context(order)}


def milestone_context(row: Any, today: dt.date) -> dict[str, Any]:
    return {"key": row.key, "name": row.name, "due": row.due.isoformat() if row.due else "",
            "days_overdue": (today - row.due).days if row.due and row.due < today else 0,
            "chases": row.chases}


def money_context(order: Any, payment: str = "") -> dict[str, Any]:
    """What a chaser may say of the order's money: the terms' deposit and balance, what is
    outstanding in all, and `due_now`, the instalment asked for (the one the milestone waits
    for: `payment` "deposit" asks for the deposit, else the first not settled) with what was
    received of it, what remains and its due date."""
    exp = money_rules.expected(str((order.data or {}).get("payment_terms") or ""),
                               to_decimal(order.total_due), order.currency, "")
    stored = list(order.instalments or [])
    if payment == "deposit":
        stored = [i for i in stored if isinstance(i, dict) and i.get("key") == "deposit"]
    return {"currency": order.currency or "", "total": order.total_due or "",
            "outstanding": order.outstanding or "",
            "deposit": str(exp.deposit) if exp.deposit is not None else "",
            "balance": str(exp.balance) if exp.balance is not None else "",
            "deposit_percent": f"{exp.split.deposit * 100:.0f}", "terms": str((order.data or {}).get("payment_terms") or ""),
            "due_now": money_rules.stored_due_now(stored)}

"""Which replies a mail gets, in which words, and what holds them for a person. Pure: the mail,
the decision and what the desk knows around it (`ReplyFacts`) in, rendered replies out.

Used by the pipeline for new mail, by `outbox compose` for replies by hand, and by
`refresh_replies` when an order's data changes under a reply that waits (it is written again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from mailflow import clock
from mailflow.config import Buyer, Config
from mailflow.errors import MailflowError, ReplyTemplateError
from mailflow.expressions import compile_order_expression, evaluate_order_expression
from mailflow.extract import record as order_record
from mailflow.extract.details import detail_in
from mailflow.follow.digest import digest_sample_context
from mailflow.model import (
    Action,
    Address,
    Decision,
    LineItem,
    Message,
    OrderData,
    OrderRef,
    Reply,
    SuppressedReply,
    folder_name,
)
from mailflow.policy import combine_approvers
from mailflow.reply.compose import compose, compose_new, recipients, reply_message_id, reply_subject
from mailflow.reply.guard import reasons_not_to_reply
from mailflow.reply.outbox import HELD, QUEUED
from mailflow.reply.packing import Product
from mailflow.reply.packing import font_path as packing_font
from mailflow.reply.packing import plan as plan_packing
from mailflow.reply.packing import render_pdf as render_packing
from mailflow.reply.render import ReplyTemplates
from mailflow.yamlfile import Where

log = logging.getLogger("mailflow.reply")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")

PACKING_TEMPLATE = "packing_list"
CONFIRMATION_TEMPLATE = "order_confirmation"
# the subject of a reply to someone who never wrote before: theirs is not echoed back
NEUTRAL_SUBJECT = {"en": "Your message to {company}", "zh": "您发给{company}的邮件"}


@dataclass(frozen=True)
class Planner:
    """What planning replies needs from the desk."""

    config: Config
    templates: ReplyTemplates
    products: dict[str, Product] | None = None  # packing specifications (packing.products)


@dataclass(frozen=True)
class SenderFacts:
    """What the desk knows of the sender a reply would answer."""

    first_contact: bool = True  # nothing of theirs filed before: quote nothing back to them
    dmarc: str = ""  # our own server's DMARC verdict on this mail; "" when it recorded none


@dataclass(frozen=True)
class ReplyFacts:
    """What the desk knows around one mail when it plans its replies."""

    order: OrderRef | None = None
    record: dict[str, Any] = field(default_factory=dict)  # the order's data as it stands after this mail
    buyer: Buyer | None = None
    sender: SenderFacts = SenderFacts()
    case_number: str = ""  # the complaint case this mail opens or belongs to
    revision_key: str = ""  # the document revision the reply answers
    confirmation: dict[str, Any] | None = None  # our latest P/I's data, compared with the PO
    party: str = "buyer"  # who the mail is from (parties.party_of): replies go to buyers only
    party_why: str = ""


Replied = Callable[[str, str, int | None, str], bool]  # (template, address, order id, revision) -> sent lately


def language_of(message: Message, action: Action, buyer: Buyer | None, config: Config) -> str:
    """The most specific setting wins: the rule's, the address's, the domain's, the buyer's,
    then the language the mail is written in, then the desk's."""
    if action.params.get("language"):
        return str(action.params["language"])
    sender = message.sender
    if sender:
        for key in (sender.addr, sender.domain):
            if key in config.reply.languages:
                return config.reply.languages[key]
    if buyer and buyer.language:
        return buyer.language
    sample = message.subject + message.text[:2000]
    if _KANA.search(sample):
        return "ja"  # Japanese: answered in English unless a ja template exists
    if len(_CJK.findall(sample)) >= 4:
        return "zh"
    return config.identity.language


PROSPECTIVE = ("inquiry", "sample")  # what a stranger asks as a prospective buyer


def answers_party(party: str, category: str) -> bool:
    """Whether the desk answers a mail of this party: a buyer's; a stranger's inquiry or sample
    request (a prospective buyer). Never a supplier's, forwarder's, agency's or bank's: their
    mail joins the order, and a person writes to them (a chaser asks for what they owe)."""
    return party == "buyer" or (party == "other" and category in PROSPECTIVE)


def for_buyers(template: str) -> bool:
    """An acknowledgement (`*_ack`) or an order confirmation: written to a buyer only. A reply
    that sends what was asked for (the packing list a forwarder asks for) is not one."""
    return template.endswith("_ack") or template == CONFIRMATION_TEMPLATE


def plan_replies(message: Message, decision: Decision, facts: ReplyFacts, planner: Planner,
                 replied: Replied | None = None, more: Mapping[str, Any] | None = None,
                 occasion: Occasion | None = None) -> tuple[list[Reply], list[SuppressedReply]]:
    """The replies the decision's rules ask for, rendered, each queued or held with every
    reason. `replied`: whether that template already went to that address about that order and
    document revision within reply.same_reply_hours (then this one is suppressed): per order and
    revision, so a buyer's second PO of the day, or a revised PO, is still confirmed, while a
    loop (one thread, one order, one revision) is not. `more`: what the templates are given
    beyond the mail and the order (a chaser's milestone and money, composed by hand).
    `occasion`: what a reply composed by hand brings (our documents attached)."""
    config = planner.config
    actions = decision.wants("reply")
    if not actions:
        return [], []
    blockers = reasons_not_to_reply(message, [config.identity.address, *config.identity.other_addresses],
                                    [config.identity.domain])
    if facts.sender.dmarc in ("fail", "permerror"):
        blockers.append(f"our mail server found DMARC {facts.sender.dmarc}: the sender is forged")
    if blockers:
        return [], [SuppressedReply(a.params["template"], "; ".join(blockers)) for a in actions]
    if not answers_party(facts.party, decision.category):
        why = (f"not drafted: the mail is from a {facts.party} ({facts.party_why or 'as decided'}); "
               "acknowledgements and confirmations go to buyers only")
        blocked = [a for a in actions if for_buyers(a.params["template"])]
        actions = [a for a in actions if not for_buyers(a.params["template"])]
        if blocked:
            log.info("%s (message <%s>)", why, message.message_id)
        blocked_replies = [SuppressedReply(a.params["template"], why) for a in blocked]
    else:
        blocked_replies = []
    replies: list[Reply] = []
    suppressed: list[SuppressedReply] = blocked_replies
    seen: set[str] = set()
    to = recipients(message)
    order = facts.order
    new_order = order is not None and order.existing_id is None  # nothing was sent about it yet
    rate_limited = bool(config.reply.same_reply_hours and to) and not new_order
    for action in actions:
        name = action.params["template"]
        if name in seen:
            continue
        seen.add(name)
        if replied is not None and rate_limited and \
                replied(name, to[0].addr, order.existing_id if order else None, facts.revision_key):
            suppressed.append(SuppressedReply(name, f"a {name} reply went to {to[0].addr} within "
                                                    f"{config.reply.same_reply_hours:g} h"))
            continue
        try:
            shown = occasion or Occasion()
            if more:
                shown = replace(shown, context={**shown.context, **more})
            replies.append(render_reply(message, action, facts, planner, shown))
        except ReplyTemplateError as exc:
            log.error("reply %s not rendered: %s", name, exc)
            suppressed.append(SuppressedReply(name, f"template error: {exc}"))
    return replies, suppressed


@dataclass(frozen=True)
class Occasion:
    """What a reply written for something other than a new mail brings: a chaser's milestone,
    the digest's plan. Each field left empty means: as for an acknowledgement."""

    message_id: str = ""  # derived from what it is; "": from the mail answered and the template
    context: Mapping[str, Any] = field(default_factory=dict)  # more for the template (all of it, answering nothing)
    attach: str = ""  # "packing_list": the order's packing list goes with it
    language: str = ""  # the recipient's, when it answers nothing
    to: tuple[Address, ...] = ()  # when it answers nothing, or answers our own mail (a chaser)
    subjects: Mapping[str, str] = field(default_factory=dict)  # by language, when it answers nothing
    when: dt.datetime | None = None  # its Date: header; None: now
    documents: tuple[tuple[str, str, bytes], ...] = ()  # our documents attached (name, type, bytes): `--attach pi`
    holds: tuple[tuple[str, str], ...] = ()  # (reason, approver) the attached documents add


def render_reply(message: Message | None, action: Action, facts: ReplyFacts, planner: Planner,
                 occasion: Occasion = Occasion()) -> Reply:
    """One reply, rendered and composed, with the holds that apply; raises ReplyTemplateError.
    The same mail and template always give the same Message-ID (and threading). Every mail
    mailflow writes comes here: acknowledgements, chasers (an `occasion` with the milestone),
    and the digest (no `message`: a mail of our own that answers nothing, never held)."""
    config = planner.config
    name = action.params["template"]
    if message is None:
        return _render_own_mail(name, action, planner, occasion)
    quote = not facts.sender.first_contact
    to = occasion.to or recipients(message)  # a chaser that answers our own mail: the party's addresses
    if not quote:  # their display name is their text too
        to = tuple(Address("", a.addr) for a in to)
    context = {**reply_context(message, facts, config, quote_sender=quote), **occasion.context}
    attachments: list[tuple[str, str, bytes]] = []
    packing_hold = ""
    if name == PACKING_TEMPLATE or occasion.attach == PACKING_TEMPLATE:
        packing_hold, context["packing"], attachments = packing_attachment(facts, planner)
        if packing_hold and name != PACKING_TEMPLATE:
            packing_hold = f"the packing list cannot go with it: {packing_hold}"
    text, html, lang = planner.templates.render(name, language_of(message, action, facts.buyer, config),
                                                context)
    order = facts.order
    token = config.reply.subject_token.format(order=order.number) if order else None
    original = message.subject if quote else \
        NEUTRAL_SUBJECT.get(lang, NEUTRAL_SUBJECT["en"]).format(company=config.identity.company)
    subject = reply_subject(original, token)
    message_id = occasion.message_id or reply_message_id(message.sha256, name, config.identity.domain)
    if any(name.startswith("packing-list_") for name, _, _ in occasion.documents):
        attachments = []  # our packing list document goes instead of the reply's own
    attachments += occasion.documents
    held = hold_policies(message, action, facts, config) + [Hold(why, approver) for why, approver in occasion.holds]
    if packing_hold:
        held.insert(0, Hold(packing_hold, ""))
    holds = [hold.why for hold in held]
    raw = compose(message=message, sender=our_address(config), to=to, subject=subject, text=text, html=html,
                  message_id=message_id, when=occasion.when, attachments=attachments)
    return Reply(template=name, language=lang, to=to, subject=subject, text=text, html=html,
                 message_id=message_id, in_reply_to=message.message_id,
                 references=(*message.references, message.message_id),
                 state=HELD if holds else QUEUED, reason="; ".join(holds), raw=raw,
                 supersedes=name == CONFIRMATION_TEMPLATE and order is not None and order.existing_id is not None,
                 action={**action.params, "rule": action.rule,
                         **({"reason_zh": "；".join(hold.zh or hold.why for hold in held)} if held else {})},
                 approver=combine_approvers([hold.approver for hold in held]) if held else "")


def _render_own_mail(name: str, action: Action, planner: Planner, occasion: Occasion) -> Reply:
    """A mail of our own to our own people (the digest): its context, recipients, subject and
    Message-ID are the occasion's."""
    text, html, lang = planner.templates.render(name, occasion.language or planner.config.identity.language,
                                                dict(occasion.context))
    subject = occasion.subjects.get(lang) or occasion.subjects.get("en") or name
    raw = compose_new(sender=our_address(planner.config), to=occasion.to, subject=subject, text=text, html=html,
                      message_id=occasion.message_id, when=occasion.when)
    return Reply(template=name, language=lang, to=occasion.to, subject=subject, text=text, html=html,
                 message_id=occasion.message_id, in_reply_to="", references=(), state=QUEUED, reason="",
                 raw=raw, action={**action.params, "rule": action.rule})


def our_address(config: Config) -> Address:
    return Address(config.identity.name or config.identity.company, config.identity.address)


def hold_reasons(message: Message, action: Action, facts: ReplyFacts, config: Config) -> list[str]:
    """Every policy that holds this reply for a person, each with its concrete reason; empty:
    it may go."""
    return [hold.why for hold in hold_policies(message, action, facts, config)]


class Hold(NamedTuple):
    """A policy holding a reply: why (in English, as the outbox row keeps it), the role that
    releases it ("": anyone who answers mail; a manager releases any hold, see policy.py) and
    why in Chinese ("" where it has no Chinese: a sentence of the rule file given only in
    English, an error's own words), which the reply's action keeps for the Chinese desk."""

    why: str
    approver: str
    zh: str = ""


def hold_policies(message: Message, action: Action, facts: ReplyFacts, config: Config) -> list[Hold]:
    """Every policy that holds this reply (`Hold`).

    An order confirmation commits the company to a price and a date, and a `hold_if` on the
    order is the margin rule (`'price_floor' in order.checks_failed`, a total over a limit): a
    manager releases either. Not the general manager, even under the price floor: the general
    manager's word on the margin is the sign-off before production (`follow/signoff.py`), which
    reads the cost file; a reply is answered within the day, and one person's absence must not
    stop every confirmation."""
    holds: list[Hold] = []
    data = order_record.from_record(facts.record)
    about_order = facts.order is not None or not data.empty
    confirmation = action.params["template"] == CONFIRMATION_TEMPLATE
    floor = "manager" if confirmation else ""
    if action.params.get("hold"):
        why = action.params.get("hold_reason") or ""
        why_zh = action.params.get("hold_reason_zh") or ""
        holds.append(Hold(f"rule {action.rule}: {why}" if why else f"rule {action.rule} asks for approval",
                          combine_approvers([str(action.params.get("approver") or ""), floor]),
                          f"规则 {action.rule}：{why_zh}" if why_zh else "" if why else f"规则 {action.rule} 需要审批"))
    if action.params.get("hold_if") and about_order:
        holds += [Hold(why, "manager", zh) for why, zh in _hold_if(action.params["hold_if"], data,
                                                                    f"rule {action.rule}", f"规则 {action.rule}")]
    buyer = facts.buyer
    if buyer is not None and buyer.hold_replies:
        holds.append(Hold(f"replies to {buyer.name} wait for approval (buyers: hold_replies)", floor,
                          f"给 {buyer.name} 的回复需要审批（buyers: hold_replies）"))
    if config.reply.hold_if and about_order:  # on an inquiry about no order it has nothing to say
        holds += [Hold(why, "manager", zh) for why, zh in _hold_if(config.reply.hold_if, data, "reply.hold_if")]
    if config.reply.hold_all:
        holds.append(Hold("every reply waits for approval (reply.hold_all)", floor, "所有回复都需要审批（reply.hold_all）"))
    if confirmation and facts.confirmation:
        differences = order_record.differences(facts.record, facts.confirmation)
        if differences:
            holds.append(Hold("our P/I differs from the buyer's PO: " + "; ".join(differences), "manager",
                              "我方形式发票与客户订单不符：" + "；".join(
                                  order_record.differences(facts.record, facts.confirmation, "zh"))))
    sender = message.sender
    for reply_to in message.reply_to:
        if sender is not None and reply_to.domain != sender.domain:
            why = f"Reply-To {reply_to.addr} is in another domain than From {sender.addr}: a person checks where this goes"
            holds.append(Hold(why, floor, f"Reply-To {reply_to.addr} 与发件人 {sender.addr} 不在同一域名：请人工核对回复发往何处"))
            break
    return holds


@functools.lru_cache(maxsize=64)
def expression(text: str) -> Any:
    return compile_order_expression(text, Where(Path("mailflow.yaml"), None), "hold_if")


def _hold_if(text: str, data: OrderData, where: str, where_zh: str = "") -> list[tuple[str, str]]:
    """A `hold_if` on the order: true holds, with the failed checks it rests on; so does one that
    cannot be evaluated (no order data read, a missing value, an error), since nobody can tell
    whether the condition is met. Each (in English, in Chinese; "": the evaluator's own words)."""
    where_zh = where_zh or where
    if data.empty:
        return [(f"{where} {text!r} cannot be checked: no order data was read", f"{where_zh} {text!r} 无法判断：未读到订单数据")]
    value, why = evaluate_order_expression(expression(text), order_record.facts(data))
    if value is None:
        return [(f"{where} {text!r} {why}", "")]
    if not value:
        return []
    failed = [c for c in data.checks_failed if c.name in text or "checks_failed" in text]
    english = [f"{c.name.replace('_', ' ')}: {c.detail}" for c in failed]
    chinese = [detail_in(dataclasses.asdict(c), "zh") for c in failed]
    return [(f"{where} holds it: {text}" + (f" ({'; '.join(english)})" if english else ""),
             f"{where_zh} 的条件成立：{text}" + (f"（{'；'.join(chinese)}）" if chinese else ""))]


def reply_context(message: Message, facts: ReplyFacts, config: Config, quote_sender: bool = True) -> dict[str, Any]:
    """Plain values only: a template sees data, never objects with methods. Without
    `quote_sender` (a first-time sender) nothing the sender wrote is given: no name, subject or
    file names, so a forged mail cannot make us send its text to someone else."""
    sender = message.sender
    date = (message.date or clock.now()).astimezone(clock.zone(config.followup.timezone))
    buyer = facts.buyer
    return {
        "company": config.identity.company,
        "signature": config.identity.name or config.identity.company,
        "our_address": config.identity.address,
        "sender_name": (sender.name if sender and sender.name and quote_sender else ""),
        "sender_address": sender.addr if sender else "",
        "buyer": buyer.name if buyer else (sender.domain if sender else ""),
        "subject": message.subject if quote_sender else "",
        "first_contact": not quote_sender,
        "received": date.strftime("%Y-%m-%d"),
        "case_number": facts.case_number or case_number(message, clock.zone(config.followup.timezone)),
        "attachments": [a.filename for a in message.attachments] if quote_sender else [],
        "order": order_context(facts.order, facts.record),
        "packing": None,
    }


def case_number(message: Message, zone: dt.tzinfo | None = None) -> str:
    """A complaint's case number: the day it came on the desk's calendar (`zone`; the mail's
    Date, else now by the desk's clock) and four hex digits of the mail's sha256."""
    date = (message.date or clock.now()).astimezone(zone or clock.local_zone())
    return f"C{date:%y%m%d}-{message.sha256[:4].upper()}"


def order_context(order: OrderRef | None, record: dict[str, Any]) -> dict[str, Any] | None:
    if order is None and not record:
        return None
    numbers = record.get("numbers") or []
    return {
        "number": order.number if order else (numbers[0] if numbers else ""),
        "buyer": record.get("buyer") or "",
        "order_date": record.get("order_date") or "",
        "delivery_date": record.get("delivery_date") or "",
        "currency": record.get("currency") or "",
        "incoterm": record.get("incoterm") or "",
        "payment_terms": record.get("payment_terms") or "",
        "total": str(record["total"]) if record.get("total") not in (None, "") else "",
        "lines": [{k: ("" if line.get(k) is None else str(line.get(k)))
                   for k in ("item_code", "buyer_code", "description", "quantity", "unit", "unit_price", "amount")}
                  for line in record.get("lines") or []],
    }


def packing_attachment(facts: ReplyFacts, planner: Planner) -> tuple[str, dict[str, Any] | None, list[tuple[str, str, bytes]]]:
    """(why it must wait, the totals for the template, the PDF) for a packing-list reply."""
    order, record, buyer = facts.order, facts.record, facts.buyer
    lines = record.get("lines") or []
    numbers = record.get("numbers") or []
    number = order.number if order else (numbers[0] if numbers else "")
    if planner.products is None:
        return "no product file to pack from (packing.products in mailflow.yaml)", None, []
    if not lines:
        return "the order has no line items yet: nothing to pack", None, []
    packing = plan_packing(number, buyer.name if buyer else (order.buyer if order else ""), lines,
                           planner.products)
    if packing.missing:
        return ("no packing specifications in the product file for: " + ", ".join(packing.missing),
                None, [])
    config = planner.config
    try:
        pdf = render_packing(packing, config.identity.company, packing_font(
            config.resolve(config.packing.font) if config.packing.font else None))
    except MailflowError as exc:
        return str(exc), None, []
    filename = f"packing-list-{folder_name(number)}.pdf"
    totals = {"cartons": packing.cartons, "net_kg": str(packing.net_kg),
              "gross_kg": str(packing.gross_kg), "cbm": str(packing.cbm), "file": filename}
    return "", totals, [(filename, "application/pdf", pdf)]


def sample_contexts(config: Config) -> list[dict[str, Any]]:
    """Contexts a reply template must render with (`rules check`, start-up): an order with
    lines and a packing list, and a first-time sender's mail about no order."""
    sender = Address("Bob Buyer", "bob@buyer.example")
    message = Message(
        sha256="0" * 64, size=0, message_id="sample@buyer.example", subject="PO 4500871",
        date=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), from_=(sender,),
        to=(Address("", config.identity.address),), cc=(), reply_to=(), return_path=None,
        in_reply_to="", references=(), auto_submitted="", precedence="", list_id="", headers=(),
        text="", html="", attachments=())
    data = OrderData(numbers=("4500871",), buyer="Buyer Ltd.", currency="USD", incoterm="FOB Ningbo",
                     payment_terms="30% T/T deposit", order_date=dt.date(2026, 1, 5),
                     delivery_date=dt.date(2026, 3, 1), total=Decimal("1000.00"),
                     lines=(LineItem("NW-1", "Spunlace 45 gsm", Decimal(1000), "kg",
                                     Decimal("1.00"), Decimal("1000.00")),))
    facts = ReplyFacts(order=OrderRef("4500871", "buyer.example", 1, "sample"),
                       record=order_record.order_record(data), case_number="C260105-0000")
    with_order = reply_context(message, facts, config)
    with_order["packing"] = {"cartons": 10, "net_kg": "500.0", "gross_kg": "520.0", "cbm": "1.2",
                             "file": "packing-list-4500871.pdf"}
    first_contact = reply_context(message, ReplyFacts(), config, quote_sender=False)
    follow_up = {"milestone": {"key": "deposit", "name": "Deposit received", "due": "2026-01-12", "days_overdue": 3,
                               "chases": 1},
                 "money": {"currency": "USD", "total": "1000.00", "outstanding": "700.00", "deposit": "300.00",
                           "balance": "700.00", "deposit_percent": "30", "terms": "30% T/T deposit",
                           "due_now": {"key": "deposit", "name": "deposit", "name_zh": "定金", "amount": "300.00",
                                       "received": "100.00", "remaining": "200.00", "due": "2026-01-12",
                                       "part_paid": True}},
                 # our P/O to a supplier (writer/send.py)
                 "po": {"supplier": "Wuxi Cartons", "number": "ANW-PO-2601-01", "lines": 2, "currency": "CNY",
                        "total": "1,300.00"},
                 **digest_sample_context()}
    return [{**follow_up, **with_order}, {**follow_up, **first_contact}]



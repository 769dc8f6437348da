"""RawMail -> Outcome, then the store applies it. The one place the stages are wired together.

parse -> classify -> extract -> correlate -> plan replies are functions of their inputs; only
correlate reads the store (through `OrderLookup`), and only `handle` writes, through the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from mailflow import authresults, linear
from mailflow.config import Buyer, Config
from mailflow.correlate import KnownOrder, OrderLookup, aliases_in, correlate, token_pattern, untrusted_token
from mailflow.errors import (
    ConfigError,
    MailflowError,
    QuarantinedMail,
    ReplyTemplateError,
    RuleError,
    StoreError,
)
from mailflow.extract import Extractor, settings_from
from mailflow.extract import record as order_record
from mailflow.extract.templates import load_templates
from mailflow.intake import (
    Budget,
    DeskSpec,
    Intake,
    IntakeUnavailable,
    Interrupted,
    Prepared,
    rules_version,
)
from mailflow.model import (
    Action,
    Address,
    Decision,
    Message,
    OrderData,
    OrderRef,
    Origin,
    Outcome,
    Quarantined,
    RawMail,
    Reply,
    SuppressedReply,
)
from mailflow.parse import parse
from mailflow.reply.compose import compose, recipients, reply_message_id, reply_subject
from mailflow.reply.guard import reasons_not_to_reply
from mailflow.reply.outbox import HELD, QUEUED
from mailflow.reply.packing import Product, load_products
from mailflow.reply.packing import font_path as packing_font
from mailflow.reply.packing import plan as plan_packing
from mailflow.reply.packing import render_pdf as render_packing
from mailflow.reply.render import ReplyTemplates
from mailflow.rules import RuleSet, Where, compile_order_expression, evaluate_order_expression, load_rules
from mailflow.store import Applied, Store
from mailflow.store.archive import folder_name
from mailflow.store.leases import LeaseLost
from mailflow.store.sync import Position

log = logging.getLogger("mailflow.pipeline")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


@dataclass(frozen=True)
class Desk:
    """Everything processing needs, loaded and checked once at start-up."""

    config: Config
    rules: RuleSet
    templates: ReplyTemplates
    patterns: tuple[linear.Pattern, ...]
    token: linear.Pattern
    extractor: Extractor  # checks what the intake read; reads documents only for the CLI
    intake: Intake  # the content stages, in budgeted worker processes
    products: dict[str, Product] | None = None  # packing specifications (packing.products)

    def close(self) -> None:
        self.intake.close()
        self.extractor.close()


def load_desk(config: Config) -> Desk:
    """Load rules and templates; any error stops start-up (never skipped with a warning)."""
    rules = load_rules(config.rules_dir)
    templates = ReplyTemplates(config.templates_dir / "reply")
    templates.check()
    templates.check_render(sample_contexts(config))  # a template that fails on every mail stops here
    for rule in rules.rules:
        for action in rule.actions:
            if action.kind == "reply" and action.params["template"] not in templates.names():
                raise ReplyTemplateError(
                    f"rule {rule.name!r} replies with template {action.params['template']!r}, "
                    f"which is not in {templates.directory}", rule.file, rule.line, "then.reply")
    settings = settings_from(config)
    load_templates(settings.template_dirs)  # a broken extraction template stops start-up too
    if config.reply.hold_if:
        try:
            _expression(config.reply.hold_if)
        except RuleError as exc:
            raise ConfigError(exc.message, config.file, None, "reply.hold_if") from None
    products = load_products(config.resolve(config.packing.products)) if config.packing.products else None
    spec = DeskSpec(str(config.rules_dir), settings, rules_version(config.rules_dir))
    budget = Budget(cpu_seconds=config.intake.cpu_seconds, memory_mb=config.intake.memory_mb,
                    workers=config.intake.workers)
    return Desk(config=config, rules=rules, templates=templates,
                patterns=tuple(linear.compile(p) for p in config.correlation.patterns),
                token=token_pattern(config.reply.subject_token), extractor=Extractor(settings),
                intake=Intake(spec, budget), products=products)


def buyer_of(message: Message, buyers: list[Buyer]) -> tuple[str, Buyer | None]:
    """The configured buyer this mail is from, else the sender's domain."""
    sender = message.sender
    if sender is None:
        return "", None
    for buyer in buyers:
        if sender.addr in (a.lower() for a in buyer.addresses) or sender.domain in (
                d.lower().lstrip("@") for d in buyer.domains):
            return buyer.name, buyer
    return sender.domain, None


def language_of(message: Message, action: Action, buyer: Buyer | None, config: Config) -> str:
    if action.params.get("language"):
        return str(action.params["language"])
    if buyer and buyer.language:
        return buyer.language
    sender = message.sender
    if sender:
        for key in (sender.addr, sender.domain):
            if key in config.reply.languages:
                return config.reply.languages[key]
    sample = message.subject + message.text[:2000]
    if _KANA.search(sample):
        return "ja"  # Japanese: answered in English unless a ja template exists
    if len(_CJK.findall(sample)) >= 4:
        return "zh"
    return config.identity.language


def process(raw: RawMail, desk: Desk, lookup: OrderLookup,
            stopped: Callable[[], bool] = lambda: False) -> tuple[Outcome, list[str], Prepared]:
    """One mail -> its Outcome, the order numbers it gives, and what the intake prepared;
    raises QuarantinedMail, or Interrupted when the daemon stops while a worker has the mail."""
    log.debug("reading %s (%d bytes) in a worker", raw.origin.describe(), len(raw.data))
    prepared = desk.intake.result(desk.intake.submit(raw.data), stopped)
    outcome, aliases = decide(prepared, raw, desk, lookup)
    return outcome, aliases, prepared


def decide(prepared: Prepared, raw: RawMail, desk: Desk,
           lookup: OrderLookup) -> tuple[Outcome, list[str]]:
    """What the desk does with a prepared mail: checks, the order it belongs to, the replies.
    Reads the store (through `lookup`), writes nothing: run again when a write lost a race."""
    message, decision, _documents = prepared.message, prepared.decision, prepared.documents
    buyer_name, buyer = buyer_of(message, desk.config.buyers)
    usual = buyer.currency if buyer and buyer.currency else _usual_currency(lookup, buyer_name)
    order_data = desk.extractor.check(prepared.order_data, message, usual_currency=usual)
    for error in order_data.errors:
        log.warning("extraction: %s (message <%s>)", error, message.message_id)
    if desk.rules.reads_order and not order_data.empty:  # rules on the order see it now
        decision = desk.rules.classify(message, order_record.facts(order_data))
    refused = untrusted_token(message, lookup, desk.token, buyer_name,
                              functools.partial(_is_party, desk.config, lookup))
    if refused:
        log.warning("%s (message <%s>)", refused, message.message_id)
        message = dataclasses.replace(message, warnings=(*message.warnings, refused))
        decision = dataclasses.replace(decision, tags=tuple(dict.fromkeys((*decision.tags, "suspicious"))))
        order = None
    else:
        order = correlate(message, decision, order_data, buyer_name, lookup, desk.patterns, desk.token)
    files_to_order = any(a.params.get("to") == "order" for a in decision.wants("file"))
    # only an order found by its number (or new) learns the other numbers a message gives:
    # a reply in a thread may mention another order's number in passing
    learns = order is not None and order.by in ("number", "new") and files_to_order
    aliases = aliases_in(message, order_data, desk.patterns) if learns else []
    stored = _stored_order(lookup, order) if any(
        a.params.get("template") == PACKING_TEMPLATE for a in decision.wants("reply")) else None
    auth = authresults.ours(message.header_values("Authentication-Results"),
                            desk.config.identity.authserv_ids)
    sender = SenderFacts(first_contact=_first_contact(message, buyer, lookup),
                         dmarc=auth.get("dmarc", ""))
    replies, suppressed = plan_replies(message, decision, order, order_data, buyer, desk,
                                       _replied_recently(lookup, desk.config.reply.same_reply_hours),
                                       stored, sender)
    outcome = Outcome(raw=raw, message=message, decision=decision, order_data=order_data,
                      order=order, replies=tuple(replies), suppressed=tuple(suppressed),
                      source_actions=tuple(decision.wants("imap")), auth_results=auth,
                      document_texts=tuple(d.text for d in _documents if d.text and not d.error))
    return outcome, aliases


def ours(address: str, config: Config) -> bool:
    """Whether an address is one of our own (the desk, a colleague, our domain)."""
    address = address.lower()
    return (address == config.identity.address.lower()
            or address in (a.lower() for a in config.identity.other_addresses)
            or address.rpartition("@")[2] == config.identity.domain)


def _is_party(config: Config, lookup: OrderLookup, order: KnownOrder, message: Message) -> bool:
    """Whether the sender is one of the order's parties: us, the buyer (its configured addresses
    and domains), or an address whose mail is already filed with the order."""
    sender = message.sender
    if sender is None:
        return False
    if ours(sender.addr, config):
        return True
    for buyer in config.buyers:
        if buyer.name == order.buyer and (
                sender.addr in (a.lower() for a in buyer.addresses)
                or sender.domain in (d.lower().lstrip("@") for d in buyer.domains)):
            return True
    if sender.domain == order.buyer.lower():  # an unconfigured buyer is known by its domain
        return True
    parties = getattr(lookup, "order_parties", None)  # the store knows; a test lookup may not
    return bool(parties is not None and sender.addr in parties(order.id))


def _first_contact(message: Message, buyer: Buyer | None, lookup: OrderLookup) -> bool:
    """No mail from this address was filed before and it is no configured buyer's: a reply
    then quotes nothing of theirs (a forged sender must not turn us into a relay of its text)."""
    sender = message.sender
    if sender is None or buyer is not None:
        return sender is None
    known = getattr(lookup, "known_sender", None)  # the store knows; a test lookup may not
    return known is None or not known(sender.addr)


def _replied_recently(lookup: OrderLookup,
                      hours: float) -> Callable[[str, str, int | None], bool] | None:
    recent = getattr(lookup, "recent_reply", None)  # the store knows; a test lookup may not
    if recent is None or not hours:
        return None
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    return lambda template, address, order_id: bool(recent(template, address, since, order_id))


def _stored_order(lookup: OrderLookup, order: OrderRef | None) -> dict[str, Any] | None:
    data_of = getattr(lookup, "order_data", None)  # the store knows; a test lookup may not
    if data_of is None or order is None or order.existing_id is None:
        return None
    return data_of(order.existing_id)  # type: ignore[no-any-return]


def _usual_currency(lookup: OrderLookup, buyer: str) -> str:
    usual = getattr(lookup, "usual_currency", None)  # the store knows; a test lookup may not
    return str(usual(buyer)) if usual and buyer else ""


@dataclass(frozen=True)
class SenderFacts:
    """What the desk knows of the sender a reply would answer."""

    first_contact: bool = True  # nothing of theirs filed before: quote nothing back to them
    dmarc: str = ""  # our own server's DMARC verdict on this mail; "" when it recorded none


def plan_replies(message: Message, decision: Decision, order: OrderRef | None,
                 order_data: OrderData, buyer: Buyer | None, desk: Desk,
                 replied: Callable[[str, str, int | None], bool] | None = None,
                 stored: dict[str, Any] | None = None, sender_facts: SenderFacts = SenderFacts(),
                 ) -> tuple[list[Reply], list[SuppressedReply]]:
    """`replied(template, address, order id)`: whether that reply went to that address about
    that order (or about no order) within reply.same_reply_hours; then this one is suppressed.
    Per order, so that a buyer's second PO of the day is still confirmed, while a loop (which
    stays in one thread, so one order) is not. `stored`: the order's record as filed (its lines,
    for a packing list asked for in a later mail)."""
    config = desk.config
    actions = decision.wants("reply")
    if not actions:
        return [], []
    blockers = reasons_not_to_reply(message, [config.identity.address, *config.identity.other_addresses],
                                    [config.identity.domain])
    if sender_facts.dmarc in ("fail", "permerror"):
        blockers.append(f"our mail server found DMARC {sender_facts.dmarc}: the sender is forged")
    if blockers:
        return [], [SuppressedReply(a.params["template"], "; ".join(blockers)) for a in actions]
    replies: list[Reply] = []
    suppressed: list[SuppressedReply] = []
    seen: set[str] = set()
    sender = Address(config.identity.name or config.identity.company, config.identity.address)
    to = recipients(message)
    if sender_facts.first_contact:  # their display name is their text too
        to = tuple(Address("", a.addr) for a in to)
    new_order = order is not None and order.existing_id is None  # nothing was sent about it yet
    rate_limited = bool(config.reply.same_reply_hours and to) and not new_order
    for action in actions:
        name = action.params["template"]
        if name in seen:
            continue
        seen.add(name)
        if replied is not None and rate_limited and \
                replied(name, to[0].addr, order.existing_id if order else None):
            suppressed.append(SuppressedReply(name, f"a {name} reply went to {to[0].addr} within "
                                                    f"{config.reply.same_reply_hours:g} h"))
            continue
        context = reply_context(message, order, order_data, buyer, config,
                                quote_sender=not sender_facts.first_contact)
        attachments: list[tuple[str, str, bytes]] = []
        packing_hold = ""
        if name == PACKING_TEMPLATE:
            packing_hold, context["packing"], attachments = _packing(order, order_data, stored, buyer, desk)
        try:
            text, html, lang = desk.templates.render(name, language_of(message, action, buyer, config),
                                                     context)
        except ReplyTemplateError as exc:
            log.error("reply %s not rendered: %s", name, exc)
            suppressed.append(SuppressedReply(name, f"template error: {exc}"))
            continue
        token = config.reply.subject_token.format(order=order.number) if order else None
        original = message.subject if not sender_facts.first_contact else \
            NEUTRAL_SUBJECT.get(lang, NEUTRAL_SUBJECT["en"]).format(company=config.identity.company)
        subject = reply_subject(original, token)
        message_id = reply_message_id(message.sha256, name, config.identity.domain)
        holds = hold_reasons(message, action, order_data, buyer, config)
        if packing_hold:
            holds.insert(0, packing_hold)
        raw = compose(message=message, sender=sender, to=to, subject=subject, text=text, html=html,
                      message_id=message_id, attachments=attachments)
        replies.append(Reply(template=name, language=lang, to=to, subject=subject, text=text,
                             html=html, message_id=message_id, in_reply_to=message.message_id,
                             references=(*message.references, message.message_id),
                             state=HELD if holds else QUEUED, reason="; ".join(holds), raw=raw))
    return replies, suppressed


# the subject of a reply to someone who never wrote before: theirs is not echoed back
NEUTRAL_SUBJECT = {"en": "Your message to {company}", "zh": "您发给{company}的邮件"}


def hold_reasons(message: Message, action: Action, data: OrderData, buyer: Buyer | None,
                 config: Config) -> list[str]:
    """Every policy that holds this reply for a person, each with its reason; empty: it may go."""
    holds: list[str] = []
    if action.params.get("hold"):
        holds.append(f"rule {action.rule} asks for approval")
    if action.params.get("hold_if"):
        holds += _hold_if(action.params["hold_if"], data, f"rule {action.rule}")
    if buyer is not None and buyer.hold_replies:
        holds.append(f"replies to {buyer.name} wait for approval (buyers: hold_replies)")
    if config.reply.hold_if:
        holds += _hold_if(config.reply.hold_if, data, "reply.hold_if")
    if config.reply.hold_all:
        holds.append("every reply waits for approval (reply.hold_all)")
    sender = message.sender
    for reply_to in message.reply_to:
        if sender is not None and reply_to.domain != sender.domain:
            holds.append(f"Reply-To {reply_to.addr} is in another domain than From {sender.addr}: "
                         "a person checks where this goes")
            break
    return holds


@functools.lru_cache(maxsize=64)
def _expression(text: str) -> Any:
    return compile_order_expression(text, Where(Path("mailflow.yaml"), None), "hold_if")


def _hold_if(expression: str, data: OrderData, where: str) -> list[str]:
    """A `hold_if` on the order: true holds; so does one that cannot be evaluated (no order data
    read, a missing value, an error), since nobody can tell whether the condition is met."""
    if data.empty:
        return [f"{where} {expression!r} cannot be checked: no order data was read"]
    value, why = evaluate_order_expression(_expression(expression), order_record.facts(data))
    if value is None:
        return [f"{where} {expression!r} {why}"]
    return [f"{where} holds it: {expression}"] if value else []


def reply_context(message: Message, order: OrderRef | None, order_data: OrderData,
                  buyer: Buyer | None, config: Config, quote_sender: bool = True) -> dict[str, Any]:
    """Plain values only: a template sees data, never objects with methods. Without
    `quote_sender` (a first-time sender) nothing the sender wrote is given: no name, subject or
    file names, so a forged mail cannot make us send its text to someone else."""
    sender = message.sender
    date = message.date or dt.datetime.now(dt.UTC)
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
        "case_number": f"C{date:%y%m%d}-{message.sha256[:4].upper()}",
        "attachments": [a.filename for a in message.attachments] if quote_sender else [],
        "order": order_context(order, order_data),
        "packing": None,
    }


PACKING_TEMPLATE = "packing_list"


def _packing(order: OrderRef | None, data: OrderData, stored: dict[str, Any] | None,
             buyer: Buyer | None, desk: Desk) -> tuple[str, dict[str, Any] | None, list[tuple[str, str, bytes]]]:
    """(why it must wait, the totals for the template, the PDF) for a packing-list reply."""
    lines = order_record.order_record(data).get("lines") or (stored or {}).get("lines") or []
    number = order.number if order else (data.numbers[0] if data.numbers else "")
    if desk.products is None:
        return "no product file to pack from (packing.products in mailflow.yaml)", None, []
    if not lines:
        return "the order has no line items yet: nothing to pack", None, []
    packing = plan_packing(number, buyer.name if buyer else (order.buyer if order else ""), lines,
                           desk.products)
    if packing.missing:
        return ("no packing specifications in the product file for: " + ", ".join(packing.missing),
                None, [])
    try:
        pdf = render_packing(packing, desk.config.identity.company, packing_font(
            desk.config.resolve(desk.config.packing.font) if desk.config.packing.font else None))
    except MailflowError as exc:
        return str(exc), None, []
    filename = f"packing-list-{folder_name(number)}.pdf"
    totals = {"cartons": packing.cartons, "net_kg": str(packing.net_kg),
              "gross_kg": str(packing.gross_kg), "cbm": str(packing.cbm), "file": filename}
    return "", totals, [(filename, "application/pdf", pdf)]


def order_context(order: OrderRef | None, data: OrderData) -> dict[str, Any] | None:
    if order is None and data.empty:
        return None
    return {
        "number": order.number if order else (data.numbers[0] if data.numbers else ""),
        "buyer": data.buyer,
        "order_date": data.order_date.isoformat() if data.order_date else "",
        "delivery_date": data.delivery_date.isoformat() if data.delivery_date else "",
        "currency": data.currency,
        "incoterm": data.incoterm,
        "payment_terms": data.payment_terms,
        "total": str(data.total) if data.total is not None else "",
        "lines": [{k: ("" if v is None else str(v)) for k, v in dataclasses.asdict(line).items()}
                  for line in data.lines],
    }


@dataclass(frozen=True)
class Handled:
    """What happened to one raw mail, for the log line and the run summary."""

    status: str  # filed | duplicate | quarantined | dry-run
    outcome: Outcome | None = None
    applied: Applied | None = None
    reason: str = ""


def position_of(raw: RawMail) -> Position | None:
    origin = raw.origin
    return Position(origin.source_key, origin.uidvalidity, origin.uid) if origin.kind == "imap" else None


def handle(raw: RawMail, desk: Desk, store: Store, *, dry_run: bool = False,
           stopped: Callable[[], bool] = lambda: False) -> Handled:
    """Process and store one mail. Bad mail is quarantined; this never raises for mail content.

    `dry_run`: classify and log what would happen, write nothing. Only the same bytes are the
    same mail: a different message that reuses a Message-ID is filed.
    """
    sha256 = hashlib.sha256(raw.data).hexdigest()
    position = None if dry_run else position_of(raw)
    if store.has_message(sha256):  # a restart or a second source: no need to read it again
        if position:
            store.ledger.advance(position)
        log.info("already filed origin=%s sha256=%s", raw.origin.describe(), sha256[:12])
        return Handled("duplicate", reason="already filed")
    try:
        outcome, aliases, prepared = process(raw, desk, store, stopped)
    except QuarantinedMail as exc:
        return _quarantine(raw, sha256, exc.reason, store, position, dry_run)
    except RecursionError:
        return _quarantine(raw, sha256, "message nested too deeply to read", store, position, dry_run)
    except (Interrupted, IntakeUnavailable, LeaseLost):
        raise  # stopping, no worker runs, or the folder is another daemon's: read again later
    except Exception as exc:
        log.exception("unexpected error on %s", raw.origin.describe())
        return _quarantine(raw, sha256, f"internal error: {type(exc).__name__}: {exc}", store,
                           position, dry_run)
    if dry_run:
        handled = Handled("dry-run", outcome)
        _log_line(raw, handled)
        return handled
    actions = [{"kind": a.kind, "rule": a.rule, **a.params} for a in outcome.source_actions]
    for attempt in range(1, 4):
        try:
            applied = store.apply(outcome, aliases, position, actions)
            break
        except IntegrityError:
            # another daemon filed the same mail, or opened the same new order, at the same
            # moment: the first is a duplicate, the second is decided again against what it wrote
            if store.has_message(sha256):
                if position:
                    store.ledger.advance(position)
                return Handled("duplicate", reason="filed at the same moment by another daemon")
            if attempt == 3:
                raise StoreError("the same rows kept being written by another daemon: "
                                 "stopped; the mail is read again") from None
            log.info("another daemon wrote the same order at the same moment: deciding again")
            outcome, aliases = decide(prepared, raw, desk, store)
        except LeaseLost:
            raise  # this folder is another daemon's now: it files the mail, not us
        except OperationalError as exc:  # the database itself is unusable: stop, lose nothing
            raise StoreError(f"the database refused a write: {exc.orig}") from exc
        except SQLAlchemyError as exc:  # this message's values do not fit: set it aside, go on
            log.exception("could not store %s", raw.origin.describe())
            return _quarantine(raw, sha256, f"could not be stored: {type(exc).__name__}: "
                               f"{str(exc).splitlines()[0][:300]}", store, position, dry_run)
        except OSError as exc:
            raise StoreError(f"cannot write to the archive: {exc}") from exc
    handled = Handled(applied.status, outcome, applied)
    _log_line(raw, handled)
    return handled


def compose_for_order(number: str, template: str, desk: Desk, store: Store) -> Reply:
    """A reply composed by hand (`mailflow outbox compose ORDER TEMPLATE`): it answers the
    order's latest mail from the buyer's side, threaded to it, and is queued (or held, by the
    same policies as any reply). Rate limits do not apply: a person asked for it."""
    from mailflow.errors import NotFound

    row = store.find_order(number)
    if row is None:
        raise NotFound(f"no order {number!r}")
    latest = store.latest_incoming(row.id, [desk.config.identity.address,
                                            *desk.config.identity.other_addresses])
    if latest is None:
        raise NotFound(f"order {row.number} has no mail from the buyer's side to answer")
    message = parse(store.archive.read(latest.path))
    _, buyer = buyer_of(message, desk.config.buyers)
    decision = Decision(category=latest.category, rule="by hand", conditions=(),
                        actions=(Action("reply", {"template": template, "hold": False}, "by hand"),),
                        tags=(), matched_rules=())
    ref = OrderRef(row.number, row.buyer, row.id, "by hand", "token")
    replies, suppressed = plan_replies(message, decision, ref, OrderData(), buyer, desk, None,
                                       dict(row.data or {}))
    if not replies:
        raise MailflowError(f"no {template} reply: " + "; ".join(s.reason for s in suppressed))
    store.add_reply(latest.id, row.id, replies[0])
    return replies[0]


def _quarantine(raw: RawMail, sha256: str, reason: str, store: Store, position: Position | None,
                dry_run: bool) -> Handled:
    if dry_run:
        log.warning("dry-run: would quarantine origin=%s reason=%r", raw.origin.describe(), reason)
        return Handled("quarantined", reason=reason)
    if not store.quarantine(Quarantined(raw, sha256, reason), position):
        return Handled("duplicate", reason=f"already quarantined: {reason}")
    handled = Handled("quarantined", reason=reason)
    _log_line(raw, handled)
    return handled


def _log_line(raw: RawMail, handled: Handled) -> None:
    outcome, applied = handled.outcome, handled.applied
    if outcome is None:
        log.warning("quarantined origin=%s reason=%r", raw.origin.describe(), handled.reason)
        return
    if applied is None:  # dry run
        server = [f"{a.kind}:{a.params}" for a in outcome.source_actions]
        log.info("dry-run: would file msgid=<%s> origin=%s category=%s rule=%s order=%s "
                 "replies=%s server=%s", outcome.message.message_id, raw.origin.describe(),
                 outcome.decision.category, outcome.decision.rule,
                 outcome.order.number if outcome.order else "unfiled",
                 ",".join(r.template for r in outcome.replies) or "-", ",".join(server) or "-")
        return
    message = outcome.message
    actions = [a.kind for a in outcome.decision.actions]
    replies = [f"{r.template}:{r.state}" for r in outcome.replies]
    replies += [f"{s.template}:suppressed" for s in outcome.suppressed]
    log.info("%s msgid=<%s> origin=%s category=%s rule=%s order=%s actions=%s replies=%s",
             applied.status, message.message_id, raw.origin.describe(), outcome.decision.category,
             outcome.decision.rule, applied.order_folder or "unfiled", ",".join(actions) or "-",
             ",".join(replies) or "-")


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
    from decimal import Decimal

    from mailflow.model import LineItem

    data = OrderData(numbers=("4500871",), buyer="Buyer Ltd.", currency="USD", incoterm="FOB Ningbo",
                     payment_terms="30% T/T deposit", order_date=dt.date(2026, 1, 5),
                     delivery_date=dt.date(2026, 3, 1), total=Decimal("1000.00"),
                     lines=(LineItem("NW-1", "Spunlace 45 gsm", Decimal(1000), "kg",
                                     Decimal("1.00"), Decimal("1000.00")),))
    ref = OrderRef("4500871", "buyer.example", 1, "sample")
    with_order = reply_context(message, ref, data, None, config)
    with_order["packing"] = {"cartons": 10, "net_kg": "500.0", "gross_kg": "520.0", "cbm": "1.2",
                             "file": "packing-list-4500871.pdf"}
    first_contact = reply_context(message, None, OrderData(), None, config, quote_sender=False)
    return [with_order, first_contact]


@dataclass(frozen=True)
class Retried:
    sha256: str
    handled: Handled
    resolved: bool  # filed now (or found filed): out of the quarantine


def retry_quarantined(desk: Desk, store: Store) -> list[Retried]:
    """Run every quarantined mail through the pipeline again (after a fix), from where it came
    (an IMAP folder's position and server actions, or a file), and mark it resolved only once it
    is filed; one that fails again keeps its place, with the new reason."""
    results = []
    for row in store.quarantined():
        fields = dict(row.origin_data or {})
        origin = Origin(**fields) if fields.get("kind") else Origin("file", path=row.origin or row.path)
        data = store.archive.read(row.path)  # as quarantined, or as a person repaired it there
        handled = handle(RawMail(data, origin), desk, store)
        resolved = handled.status in ("filed", "duplicate") and \
            store.has_message(hashlib.sha256(data).hexdigest())
        if resolved:
            store.resolve_quarantine(row.sha256)
            if handled.applied and handled.applied.order_id is not None:
                store.write_order_json(handled.applied.order_id)
        results.append(Retried(row.sha256, handled, resolved))
    return results

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

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from mailflow import authresults
from mailflow.config import Buyer, Config
from mailflow.correlate import OrderLookup, aliases_in, correlate, token_pattern
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
from mailflow.model import (
    Action,
    Address,
    Decision,
    Message,
    OrderData,
    OrderRef,
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
from mailflow.rules import RuleSet, Where, compile_order_expression, load_rules, order_expression_true
from mailflow.store import Applied, Store
from mailflow.store.archive import folder_name
from mailflow.store.sync import Position
from mailflow.worker import WorkerFailed, run_limited

log = logging.getLogger("mailflow.pipeline")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


@dataclass(frozen=True)
class Desk:
    """Everything processing needs, loaded and checked once at start-up."""

    config: Config
    rules: RuleSet
    templates: ReplyTemplates
    patterns: tuple[re.Pattern[str], ...]
    token: re.Pattern[str]
    extractor: Extractor
    products: dict[str, Product] | None = None  # packing specifications (packing.products)

    def close(self) -> None:
        self.extractor.close()


def load_desk(config: Config) -> Desk:
    """Load rules and templates; any error stops start-up (never skipped with a warning)."""
    rules = load_rules(config.rules_dir)
    templates = ReplyTemplates(config.templates_dir / "reply")
    templates.check()
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
    return Desk(config=config, rules=rules, templates=templates,
                patterns=tuple(re.compile(p) for p in config.correlation.patterns),
                token=token_pattern(config.reply.subject_token), extractor=Extractor(settings),
                products=products)


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


LARGE_MESSAGE = 5 * 2**20  # bytes: parsed in a memory-limited worker above this size
WORKER_MEMORY_MB = 1024


def parse_bounded(data: bytes) -> Message:
    """Parse in this process, or for a large message in a worker whose memory is limited."""
    if len(data) <= LARGE_MESSAGE:
        return parse(data)
    try:
        return run_limited(parse, data, memory_mb=WORKER_MEMORY_MB, seconds=120)
    except WorkerFailed as exc:
        raise QuarantinedMail(f"message of {len(data) / 2**20:.1f} MB could not be parsed: "
                              f"{exc.reason}") from None


def process(raw: RawMail, desk: Desk, lookup: OrderLookup) -> tuple[Outcome, list[str]]:
    """One mail -> its Outcome and the order numbers it gives; raises QuarantinedMail."""
    message = desk.extractor.attachment_texts(parse_bounded(raw.data),
                                              pdf_text=desk.rules.reads_attachment_text)
    decision = desk.rules.classify(message)
    buyer_name, buyer = buyer_of(message, desk.config.buyers)
    usual = buyer.currency if buyer and buyer.currency else _usual_currency(lookup, buyer_name)
    order_data, _documents = desk.extractor.extract(message, decision, usual_currency=usual)
    for error in order_data.errors:
        log.warning("extraction: %s (message <%s>)", error, message.message_id)
    if desk.rules.reads_order and not order_data.empty:  # rules on the order see it now
        decision = desk.rules.classify(message, order_record.facts(order_data))
    order = correlate(message, decision, order_data, buyer_name, lookup, desk.patterns, desk.token)
    files_to_order = any(a.params.get("to") == "order" for a in decision.wants("file"))
    # only an order found by its number (or new) learns the other numbers a message gives:
    # a reply in a thread may mention another order's number in passing
    learns = order is not None and order.by in ("number", "new") and files_to_order
    aliases = aliases_in(message, order_data, desk.patterns) if learns else []
    stored = _stored_order(lookup, order) if any(
        a.params.get("template") == PACKING_TEMPLATE for a in decision.wants("reply")) else None
    replies, suppressed = plan_replies(message, decision, order, order_data, buyer, desk,
                                       _replied_recently(lookup, desk.config.reply.same_reply_hours),
                                       stored)
    outcome = Outcome(raw=raw, message=message, decision=decision, order_data=order_data,
                      order=order, replies=tuple(replies), suppressed=tuple(suppressed),
                      source_actions=tuple(decision.wants("imap")),
                      auth_results=authresults.ours(message.header_values("Authentication-Results"),
                                                    desk.config.identity.authserv_ids),
                      document_texts=tuple(d.text for d in _documents if d.text and not d.error))
    return outcome, aliases


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


def plan_replies(message: Message, decision: Decision, order: OrderRef | None,
                 order_data: OrderData, buyer: Buyer | None, desk: Desk,
                 replied: Callable[[str, str, int | None], bool] | None = None,
                 stored: dict[str, Any] | None = None,
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
    if blockers:
        return [], [SuppressedReply(a.params["template"], "; ".join(blockers)) for a in actions]
    replies: list[Reply] = []
    suppressed: list[SuppressedReply] = []
    seen: set[str] = set()
    sender = Address(config.identity.name or config.identity.company, config.identity.address)
    to = recipients(message)
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
        context = reply_context(message, order, order_data, buyer, config)
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
        subject = reply_subject(message.subject, token)
        message_id = reply_message_id(message.sha256, name, config.identity.domain)
        hold_reason = ""
        hold_if = action.params.get("hold_if")
        if packing_hold:
            hold_reason = packing_hold
        elif action.params.get("hold"):
            hold_reason = f"rule {action.rule} asks for approval"
        elif hold_if and _holds(hold_if, order_data):
            hold_reason = f"rule {action.rule} holds it: {hold_if}"
        elif buyer is not None and buyer.hold_replies:
            hold_reason = f"replies to {buyer.name} wait for approval (buyers: hold_replies)"
        elif config.reply.hold_if and _holds(config.reply.hold_if, order_data):
            hold_reason = f"reply.hold_if: {config.reply.hold_if}"
        elif config.reply.hold_all:
            hold_reason = "every reply waits for approval (reply.hold_all)"
        raw = compose(message=message, sender=sender, to=to, subject=subject, text=text, html=html,
                      message_id=message_id, attachments=attachments)
        replies.append(Reply(template=name, language=lang, to=to, subject=subject, text=text,
                             html=html, message_id=message_id, in_reply_to=message.message_id,
                             references=(*message.references, message.message_id),
                             state=HELD if hold_reason else QUEUED, reason=hold_reason, raw=raw))
    return replies, suppressed


@functools.lru_cache(maxsize=64)
def _expression(text: str) -> Any:
    return compile_order_expression(text, Where(Path("mailflow.yaml"), None), "hold_if")


def _holds(expression: str, data: OrderData) -> bool:
    """A reply's `hold_if` on the extracted order; an order we could not read is held too, since
    nobody can tell whether the condition is met."""
    if data.empty:
        return True
    return order_expression_true(_expression(expression), order_record.facts(data))[0]


def reply_context(message: Message, order: OrderRef | None, order_data: OrderData,
                  buyer: Buyer | None, config: Config) -> dict[str, Any]:
    """Plain values only: a template sees data, never objects with methods."""
    sender = message.sender
    date = message.date or dt.datetime.now(dt.UTC)
    return {
        "company": config.identity.company,
        "signature": config.identity.name or config.identity.company,
        "our_address": config.identity.address,
        "sender_name": (sender.name if sender and sender.name else ""),
        "sender_address": sender.addr if sender else "",
        "buyer": buyer.name if buyer else (sender.domain if sender else ""),
        "subject": message.subject,
        "received": date.strftime("%Y-%m-%d"),
        "case_number": f"C{date:%y%m%d}-{message.sha256[:4].upper()}",
        "attachments": [a.filename for a in message.attachments],
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
           rescan: bool = False) -> Handled:
    """Process and store one mail. Bad mail is quarantined; this never raises for mail content.

    `dry_run`: classify and log what would happen, write nothing. `rescan` (after a UIDVALIDITY
    change): a message whose Message-ID is already filed is not filed again.
    """
    sha256 = hashlib.sha256(raw.data).hexdigest()
    position = None if dry_run else position_of(raw)
    if store.has_message(sha256):  # a restart or a second source: no need to read it again
        if position:
            store.ledger.advance(position)
        log.info("already filed origin=%s sha256=%s", raw.origin.describe(), sha256[:12])
        return Handled("duplicate", reason="already filed")
    try:
        outcome, aliases = process(raw, desk, store)
    except QuarantinedMail as exc:
        return _quarantine(raw, sha256, exc.reason, store, position, dry_run)
    except RecursionError:
        return _quarantine(raw, sha256, "message nested too deeply to read", store, position, dry_run)
    except Exception as exc:
        log.exception("unexpected error on %s", raw.origin.describe())
        return _quarantine(raw, sha256, f"internal error: {type(exc).__name__}: {exc}", store,
                           position, dry_run)
    if dry_run:
        handled = Handled("dry-run", outcome)
        _log_line(raw, handled)
        return handled
    if rescan and store.has_message_id(outcome.message.message_id):
        if position:
            store.ledger.advance(position)
        return Handled("duplicate", reason="Message-ID already filed (folder rescanned)")
    actions = [{"kind": a.kind, "rule": a.rule, **a.params} for a in outcome.source_actions]
    try:
        applied = store.apply(outcome, aliases, position, actions)
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

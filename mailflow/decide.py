"""What the desk does with a prepared mail: who sent it, its documents, the checks on its order
data, the order it belongs to, the complaint case, and the replies it gets.

Reads the store through `lookup` (correlation, the order as filed, earlier replies), writes
nothing: when a write loses a race to another daemon, the mail is decided again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from mailflow import authresults, clock, documents
from mailflow.config import Buyer, Config
from mailflow.correlate import (
    Found,
    KnownOrder,
    OrderLookup,
    alias_key,
    aliases_in,
    correlate,
    correlate_purchase,
    find_numbers,
    numbers_in_text,
    untrusted_token,
    why_unfiled,
)
from mailflow.extract import record as order_record
from mailflow.intake import Prepared, Unasked
from mailflow.model import CaseRef, Decision, DocumentFacts, Message, OrderData, OrderRef, Outcome, RawMail
from mailflow.parties import (
    THIRD_PARTIES,
    PartyCall,
    buyer_domains,
    buyer_of,
    configured_buyer,
    counterparty_key,
    is_party,
    named_party,
    ours,
    party_of,
)
from mailflow.reply.plan import CONFIRMATION_TEMPLATE, ReplyFacts, SenderFacts, case_number, plan_replies
from mailflow.rules import Known, Predictor

if TYPE_CHECKING:
    from mailflow.desk import Desk

log = logging.getLogger("mailflow.pipeline")

T = TypeVar("T")
_CASE = re.compile(r"\bC\d{6}-[0-9A-F]{4,8}\b")


# What the store says that decide() asks more than once for one mail (the order's record before
# and after classifying again, the sender's party for each category, the same aliases); the
# answers are never changed in place by their readers.
REMEMBERED = frozenset({"order_data", "orders_with_aliases", "buys_from_us", "supplies_us", "known_sender",
                        "latest_confirmation", "purchase_for", "usual_currency", "order_of_messages"})


class Remembered:
    """The store as one decision reads it: each question in REMEMBERED is asked of the store
    once per mail and its answer reused. Sound because decide() writes nothing (the store
    cannot change under it but by another daemon, whose write then loses or wins the race as
    it would anyway); a new Remembered is made for each decision, retries included."""

    def __init__(self, lookup: OrderLookup) -> None:
        self._lookup = lookup
        self._answers: dict[tuple[Any, ...], Any] = {}
        self._aliases: dict[str, list[KnownOrder]] = {}  # by alias key: each is asked once

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        """As the store answers it (the orders of each key that has any), each key asked once:
        correlation, the check for a new order and the aliases it learns ask of the same numbers."""
        wanted = [key for key in dict.fromkeys(keys) if key]
        missing = [key for key in wanted if key not in self._aliases]
        if missing:
            found = self._lookup.orders_with_aliases(missing)
            self._aliases.update((key, found.get(key, [])) for key in missing)
        return {key: self._aliases[key] for key in wanted if self._aliases[key]}

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        return self._ask("order_of_messages", tuple(message_ids))  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._lookup, name)  # AttributeError as the store's: a test lookup may not know
        if name not in REMEMBERED:
            return method
        return lambda *args: self._ask(name, *args)

    def _ask(self, name: str, *args: Any) -> Any:
        key = (name, *args)
        if key not in self._answers:
            self._answers[key] = getattr(self._lookup, name)(*args)
        return self._answers[key]


def decide(prepared: Prepared, raw: RawMail, desk: Desk, lookup: OrderLookup) -> tuple[Outcome, list[str]]:
    """What the desk does with a prepared mail (see the module's docstring)."""
    config = desk.config
    lookup = Remembered(lookup)
    message, decision = prepared.message, prepared.decision
    outgoing = message.sender is not None and ours(message.sender.addr, config)
    buyer_name, buyer = buyer_of(message, config)
    usual = ""  # what the buyer usually pays in: compared only with a currency the documents give
    if prepared.order_data.currency:
        usual = buyer.currency if buyer and buyer.currency else _usual_currency(lookup, buyer_name)
    order_data = desk.extractor.check(prepared.order_data, message, usual_currency=usual,
                                      country=buyer.country if buyer else "")
    for error in order_data.errors:
        log.warning("extraction: %s (message <%s>)", error, message.message_id)
    refused = "" if outgoing else untrusted_token(message, lookup, desk.token, buyer_name,
                                                  functools.partial(is_party, config, lookup))
    texts = {d.name: d.text for d in prepared.documents if d.text}
    in_text = prepared.numbers if prepared.numbers is not None else numbers_in_text(message, desk.patterns)

    who = _Who(message, config, lookup, desk, outgoing=outgoing, buyer_name=buyer_name, buyer=buyer,
               order_data=order_data, texts=texts, in_text=in_text, refused=refused)
    party = who.party(None, decision.category)
    order = who.place(decision, party)
    party = who.party(order, decision.category)
    docs = who.documents(decision.category, party)
    case = _case_of(message, lookup)
    if desk.rules.reads_order:  # rules that test the order see it, and where it stands, now
        opens = _opens_order(message, order_data, order, lookup, desk, in_text, party)
        facts = order_facts(order_data, order, lambda: _stored_order(lookup, order), docs, case, opens)
        # the classifier's word from the intake, or a person's; one no rule asked there is asked now
        said: Predictor = Known(prepared.prediction) if prepared.predicted else Unasked()
        overrule = config.classifier.overrule
        again = desk.rules.classify(message, facts, said, overrule, prepared.only, prepared.memo)
        if _placing(again) != _placing(decision):
            order = who.place(again, who.party(None, again.category))
            opens = _opens_order(message, order_data, order, lookup, desk, in_text, party)
            facts = order_facts(order_data, order, lambda: _stored_order(lookup, order), docs, case, opens)
            again = desk.rules.classify(message, facts, said, overrule, prepared.only, prepared.memo)
        decision = again
        party = who.party(order, decision.category)
        docs = who.documents(decision.category, party)
    unfiled = (who.unfiled if order is None else "") or _why_unfiled(
        message, order_data, order, decision, party, refused, lookup, desk, in_text)
    if order is not None and order.by == "new":
        message = _same_number_warning(message, order, lookup)
    if refused:
        log.warning("%s (message <%s>)", refused, message.message_id)
        message = dataclasses.replace(message, warnings=(*message.warnings, refused))
        decision = dataclasses.replace(decision, tags=tuple(dict.fromkeys((*decision.tags, "suspicious"))))
    case_ref = None
    if decision.category == "complaint":
        case_ref = case or CaseRef(case_number(message, clock.zone(config.followup.timezone)), None,
                                   "new complaint")
    files_to_order = any(a.params.get("to") == "order" for a in decision.wants("file"))
    # only an order found by its number (or new) learns the other numbers a message gives:
    # a reply in a thread may mention another order's number in passing
    learns = order is not None and order.by in ("number", "new") and files_to_order
    aliases = _own_aliases(aliases_in(message, order_data, desk.patterns, in_text), order, lookup) if learns else []
    # the order as it stands once filed, and what only a reply reads (the sender known before,
    # our latest P/I), are asked of the store only when they are read: most mail gets no reply
    record = functools.cache(lambda: current_record(_stored_order(lookup, order) or {}, order_data, party.party,
                                                    docs, order))
    auth = authresults.ours(message.header_values("Authentication-Results"), config.identity.authserv_ids)
    revision_key = _revision_key(order, docs, record)
    wanted = decision.wants("reply")
    if wanted:
        confirms = any(a.params["template"] == CONFIRMATION_TEMPLATE for a in wanted)
        reply_facts = ReplyFacts(order=order, record=record(), buyer=buyer,
                                 sender=SenderFacts(first_contact=_first_contact(message, buyer, lookup),
                                                    dmarc=auth.get("dmarc", "")),
                                 case_number=case_ref.number if case_ref else "", revision_key=revision_key,
                                 confirmation=_confirmation(lookup, order, docs, order_data) if confirms else None,
                                 party=party.party, party_why=party.why)
        replies, suppressed = plan_replies(message, decision, reply_facts, desk.planner,
                                           _replied_recently(lookup, config.reply.same_reply_hours))
    else:
        replies, suppressed = [], []
    outcome = Outcome(raw=raw, message=message, decision=decision, order_data=order_data,
                      order=order, replies=tuple(replies), suppressed=tuple(suppressed),
                      source_actions=tuple(decision.wants("imap")), auth_results=auth,
                      document_texts=tuple(d.text for d in prepared.documents if d.text and not d.error),
                      direction="out" if outgoing else "in", documents=tuple(docs), case=case_ref,
                      revision_key=revision_key, party=party.party, buyer=buyer_name,
                      party_why=party.why, unfiled=unfiled, text_keys=prepared.text_keys)
    return outcome, aliases


def _own_aliases(numbers: list[str], order: OrderRef | None, lookup: OrderLookup) -> list[str]:
    """The numbers a mail gives that become its order's aliases: not those that name another
    order already (our P/O citing the sales order it serves, a repeat order citing the last one),
    so that one number never comes to name two orders."""
    if not numbers or order is None:
        return numbers
    known = lookup.orders_with_aliases([alias_key(n) for n in numbers])
    return [n for n in numbers if all(o.id == order.existing_id for o in known.get(alias_key(n), []))]


class _Who:
    """Who sent a mail (its party) and the order it belongs to, asked before correlation and
    again once the order is placed or the mail classified again: what the store says is read
    once. Our mail that carries a PO to a party that is no buyer is our P/O to a supplier: it
    is placed by `correlate_purchase` (a purchase order), never as a buyer's sales order."""

    def __init__(self, message: Message, config: Config, lookup: OrderLookup, desk: Desk, *, outgoing: bool,
                 buyer_name: str, buyer: Buyer | None, order_data: OrderData, texts: dict[str, str],
                 in_text: Sequence[Found], refused: str) -> None:
        self.message, self.config, self.lookup, self.desk = message, config, lookup, desk
        self.outgoing, self.buyer_name, self.buyer, self.order_data = outgoing, buyer_name, buyer, order_data
        self.texts, self.in_text, self.refused = texts, in_text, refused
        self.heads = [t[:2000] for t in texts.values()]
        self.unfiled = ""  # why our P/O was not placed
        self.passed_on = False  # our mail passes the customer's PO on: no P/O of ours
        # each answer below is worked out once per mail: a decision asks for the party and the
        # documents again after placing the order and after classifying again, mostly alike
        self._said: dict[tuple[Any, ...], Any] = {}

    def _once(self, key: tuple[Any, ...], answer: Callable[[], T]) -> T:
        if key not in self._said:
            self._said[key] = answer()
        return self._said[key]  # type: ignore[no-any-return]

    def buys(self) -> bool:
        return bool(self._once(("buys",), lambda: _asks(self.lookup, "buys_from_us", self.message)))

    def supplies(self) -> bool:
        return bool(self._once(("supplies",), lambda: _asks(self.lookup, "supplies_us", self.message)))

    def kinds_for(self, category: str) -> tuple[str, ...]:
        """The kinds of its documents as any sender's: what decides the party is not known yet."""
        return self._once(("kinds", category), lambda: tuple(
            d.kind for d in documents.detect(self.message, category, "other", self.texts)))

    def to_supplier(self) -> bool:
        return bool(self._once(("to supplier",), self._to_supplier))

    def known_supplier(self) -> bool:
        return bool(self._once(("known supplier",), self._known_supplier))

    def _recipient(self) -> Any:
        """The correspondent our mail goes to (as `buyer_of` takes it: the first not ours)."""
        return next((a for a in (*self.message.to, *self.message.cc) if not ours(a.addr, self.config)), None)

    def _known_supplier(self) -> bool:
        """Our mail goes to a supplier the configuration lists, or one our purchase orders are to."""
        recipient = self._recipient()
        if not self.outgoing or recipient is None:
            return False
        named = named_party(recipient.addr, recipient.name, self.config)
        if named is not None:
            return named.party == "supplier"
        ask = getattr(self.lookup, "supplies_us", None)  # the store knows; a test lookup may not
        return bool(ask is not None and ask(counterparty_key(recipient.addr)))

    def _to_supplier(self) -> bool:
        """Our mail goes to a supplier: one configured or known as such, or one nothing names a
        buyer (configured, or its sales orders on file), a forwarder, an agency or a bank (the
        configuration, the words of its name or domain, as `party_of` reads a sender)."""
        recipient = self._recipient()
        if not self.outgoing or self.buyer is not None or not self.buyer_name or recipient is None:
            return False
        if named_party(recipient.addr, recipient.name, self.config) is not None or self.known_supplier():
            return self.known_supplier()
        buys = getattr(self.lookup, "buys_from_us", None)  # the store knows; a test lookup may not
        return not (buys is not None and buys(counterparty_key(recipient.addr)))

    def party(self, order: OrderRef | None, category: str) -> PartyCall:
        """Who sent the mail: the order's counterparty is the buyer (or the supplier) of the
        order it joins (a bank's or a forwarder's mail that joins the order is not the buyer's)."""
        joined = order is not None and order.existing_id is not None
        order_kind = order.kind if order is not None else "sale"
        # what party_of reads of the order: its buyer once the mail joins it, and its kind
        return self._once(("party", order.buyer if order is not None and joined else None, order_kind, category),
                          lambda: self._party(order, category))

    def _party(self, order: OrderRef | None, category: str) -> PartyCall:
        joined = order is not None and order.existing_id is not None
        order_buyer = buyer_domains(order.buyer, configured_buyer(self.config, order.buyer)) \
            if order is not None and joined else None
        return party_of(self.message, self.config, outgoing=self.outgoing, order_buyer=order_buyer,
                        kinds=self.kinds_for(category), texts=self.heads, category=category,
                        buys=not joined and self.buys, order_kind=order.kind if order is not None else "sale",
                        supplies=not joined and self.supplies)

    def documents(self, category: str, party: PartyCall) -> list[DocumentFacts]:
        to_supplier = self.to_supplier() and not self.passed_on
        return list(self._once(("documents", category, party.party, to_supplier), lambda: documents.detect(
            self.message, category, party.party, self.texts, to_supplier=to_supplier)))

    def place(self, decision: Decision, who: PartyCall) -> OrderRef | None:
        if self.refused:
            return None
        desk, message = self.desk, self.message
        self.passed_on, self.unfiled = False, ""
        if self.to_supplier() and any(
                d.kind == documents.PURCHASE_ORDER for d in self.documents(decision.category, who)):
            order, self.unfiled = correlate_purchase(message, self.order_data, self.buyer_name, self.lookup,
                                                     desk.patterns, self.in_text,
                                                     known_supplier=self.known_supplier() or self._buyer_is_us())
            if order is not None or self.unfiled:
                files = any(a.params.get("to") == "order" for a in decision.wants("file"))
                return order if files or (order is not None and order.existing_id is not None) else None
            self.passed_on = True  # the customer's PO passed on: our mail about its order
        opens = who.party not in THIRD_PARTIES and not self._to_third_party()
        order = correlate(message, decision, self.order_data, self.buyer_name, self.lookup, desk.patterns,
                          desk.token, self.in_text, opens=opens, ours=self.outgoing)
        return self._supplier_side(order, who)

    def _buyer_is_us(self) -> bool:
        """The document read names us its buyer: our own P/O, even under the customer's number."""
        def words(text: str) -> str:
            return " ".join(re.findall(r"[0-9a-z]+", text.lower()))

        buyer, company = words(self.order_data.buyer), words(self.config.identity.company)
        return bool(buyer and company) and (buyer.startswith(company) or company.startswith(buyer))

    def _to_third_party(self) -> bool:
        """Our mail goes to a supplier, a forwarder, an agency or a bank (configured, named so,
        or known): it joins the order a number names, and opens none."""
        recipient = self._recipient()
        if not self.outgoing or self.buyer is not None or recipient is None:
            return False
        named = named_party(recipient.addr, recipient.name, self.config)
        return (named is not None and named.party in THIRD_PARTIES) or self.known_supplier()

    def _supplier_side(self, order: OrderRef | None, who: PartyCall) -> OrderRef | None:
        """A supplier's mail that names the sales order our purchase order to it serves (it
        cites the customer's PO) belongs to that purchase order."""
        ask = getattr(self.lookup, "purchase_for", None)  # the store knows; a test lookup may not
        if who.party != "supplier" or order is None or order.kind != "sale" or order.existing_id is None \
                or ask is None:
            return order
        purchase = ask(order.existing_id, self.buyer_name)
        if purchase is None:
            return order
        return OrderRef(purchase.number, purchase.buyer, purchase.id,
                        f"{order.how}: the sales order our purchase order {purchase.number} to this supplier serves",
                        by=order.by, kind="purchase")



def _placing(decision: Decision) -> tuple[bool, bool]:
    """What correlation depends on in a decision: whether it files to an order, and extracts."""
    return (any(a.params.get("to") == "order" for a in decision.wants("file")), bool(decision.wants("extract")))


def current_record(stored: dict[str, Any], data: OrderData, party: str,
                   docs: list[DocumentFacts] | tuple[DocumentFacts, ...], order: OrderRef | None) -> dict[str, Any]:
    """The order's data as it stands once this mail is filed (what replies are written from)."""
    if data.empty or not documents.sets_terms(party, docs, stored, data):
        return dict(stored) if stored else (order_record.order_record(data) if order is None else {})
    merged, _ = order_record.merge(stored, data, message_id="", sha256="", at="")
    return merged


def _opens_order(message: Message, data: OrderData, order: OrderRef | None, lookup: OrderLookup,
                 desk: Desk, in_text: Sequence[Found], party: PartyCall) -> bool:
    """Whether filing this mail to an order would open one: it gives an order number (extracted,
    or in its own text) that no order has yet, and it is a buyer's (no other party opens one)."""
    if party.party in THIRD_PARTIES:
        return False
    if order is not None:
        return order.existing_id is None
    numbers = [f for f in find_numbers(message, data, desk.patterns, in_text=in_text)
               if f.where != "quoted text"]
    if not numbers:
        return False
    known = lookup.orders_with_aliases([alias_key(f.number) for f in numbers])
    return not any(known.get(alias_key(f.number)) for f in numbers)


def _why_unfiled(message: Message, data: OrderData, order: OrderRef | None, decision: Decision,
                 party: PartyCall, refused: str, lookup: OrderLookup, desk: Desk,
                 in_text: Sequence[Found]) -> str:
    """Why a mail that a rule files to an order stays unfiled, when its party is the reason."""
    if order is not None or refused or party.party not in THIRD_PARTIES or not any(
            a.params.get("to") == "order" for a in decision.wants("file")):
        return ""
    numbers = [f for f in find_numbers(message, data, desk.patterns, in_text=in_text) if f.where != "quoted text"]
    return why_unfiled(numbers, lookup, f"a {party.party} ({party.why})")


def _same_number_warning(message: Message, order: OrderRef, lookup: OrderLookup) -> Message:
    """A new order whose number another buyer's order has already: both are kept (two buyers
    may number alike), but not silently."""
    others = lookup.orders_with_aliases([alias_key(order.number)]).get(alias_key(order.number), [])
    if not others:
        return message
    names = ", ".join(f"{o.number} of {o.buyer}" for o in others[:5])
    opened = f"a purchase order to {order.buyer}" if order.kind == "purchase" else f"a new order of {order.buyer}"
    warning = f"number {order.number} also names order {names}: {opened} is opened beside it"
    log.warning("%s (message <%s>)", warning, message.message_id)
    return dataclasses.replace(message, warnings=(*message.warnings, warning))


def order_facts(data: OrderData, order: OrderRef | None, stored: Callable[[], dict[str, Any] | None],
                docs: list[DocumentFacts], case: CaseRef | None, opens: bool = False) -> dict[str, Any]:
    """What rules' `order:` conditions see: the data read from this mail, and where the order
    stands: `known` (an order we have), `new` (this mail opens one), `revision` (it revises the
    buyer's PO: a revision mark, or other lines or total than on file), `documents` (their
    kinds), `in_case` (a reply in an open complaint's thread), `kind` (sale or purchase, as
    the follow-up plans see it too). `stored`: the order's record as filed (asked only when a
    buyer's order document may revise it)."""
    facts = order_record.facts(data)
    known = order is not None and order.existing_id is not None
    order_docs = [d for d in docs if d.kind in documents.ORDER_KINDS and d.party == "buyer"]
    revision = False
    filed = stored() if known and order_docs else None
    if filed:
        terms = filed.get("terms") or {}
        newer = max(d.revision for d in order_docs) > int(terms.get("revision") or 0)
        record = order_record.order_record(data)
        changed = any(not order_record.same(name, filed.get(name), record[name])
                      for name in ("lines", "total") if name in record and filed.get(name) is not None)
        revision = newer or changed
    facts.update(known=known, new=opens, revision=revision, kind=order.kind if order is not None else "sale",
                 documents=[d.kind for d in docs], in_case=case is not None and case.existing_id is not None)
    return facts


def _revision_key(order: OrderRef | None, docs: tuple[DocumentFacts, ...] | list[DocumentFacts],
                  record: Callable[[], dict[str, Any]]) -> str:
    """The document revision replies answer: rate limits count per revision, so a revised PO is
    confirmed again while a loop about one revision is stopped. `record`: the order's data as it
    stands once the mail is filed (asked only when an order document is there)."""
    order_docs = [d for d in docs if d.kind in documents.ORDER_KINDS]
    if order is None or not order_docs:
        return ""
    version = order_record.fingerprint(record())
    return f"{order.number}:{order_docs[0].kind}:{order_docs[0].revision}:{version}"


def _case_of(message: Message, lookup: OrderLookup) -> CaseRef | None:
    """The open complaint case this mail belongs to: its thread, or its number in the subject."""
    thread = [i for i in (message.in_reply_to, *reversed(message.references)) if i]
    by_thread = getattr(lookup, "case_of_messages", None)
    if by_thread is not None and thread:
        found = by_thread(thread)
        if found is not None:
            return CaseRef(found[1], found[0], f"reply in the thread of case {found[1]}")
    by_number = getattr(lookup, "case_by_number", None)
    match = _CASE.search(message.subject.upper())
    if by_number is not None and match:
        found = by_number(match.group(0))
        if found is not None:
            return CaseRef(found[1], found[0], f"case number {found[1]} in the subject")
    return None


def _confirmation(lookup: OrderLookup, order: OrderRef | None, docs: list[DocumentFacts],
                  data: OrderData) -> dict[str, Any] | None:
    """Our latest P/I's data, to compare with the PO: this mail's, or the one on file."""
    read = next((d for d in docs if d.name == data.document), None)
    if read is not None and read.kind in documents.CONFIRMATION_KINDS and not data.empty:
        return order_record.order_record(data)
    latest = getattr(lookup, "latest_confirmation", None)
    if latest is None or order is None or order.existing_id is None:
        return None
    return latest(order.existing_id)  # type: ignore[no-any-return]


def _first_contact(message: Message, buyer: Buyer | None, lookup: OrderLookup) -> bool:
    """No mail from this address was filed before and it is no configured buyer's: a reply
    then quotes nothing of theirs (a forged sender must not turn us into a relay of its text)."""
    sender = message.sender
    if sender is None or buyer is not None:
        return sender is None
    known = getattr(lookup, "known_sender", None)  # the store knows; a test lookup may not
    return known is None or not known(sender.addr)


def _replied_recently(lookup: OrderLookup, hours: float) -> Any:
    recent = getattr(lookup, "recent_reply", None)  # the store knows; a test lookup may not
    if recent is None or not hours:
        return None
    since = clock.now() - dt.timedelta(hours=hours)
    return lambda template, address, order_id, revision: bool(
        recent(template, address, since, order_id, revision))


def _asks(lookup: OrderLookup, question: str, message: Message) -> bool:
    """The store's answer about the sender (`buys_from_us`: its sales orders are on file;
    `supplies_us`: our purchase orders to it are), by its domain, or its address at a free-mail
    domain (`parties.counterparty_key`); a test lookup may not know."""
    ask = getattr(lookup, question, None)
    return bool(ask is not None and message.sender is not None and ask(counterparty_key(message.sender.addr)))


def _stored_order(lookup: OrderLookup, order: OrderRef | None) -> dict[str, Any] | None:
    data_of = getattr(lookup, "order_data", None)  # the store knows; a test lookup may not
    if data_of is None or order is None or order.existing_id is None:
        return None
    return data_of(order.existing_id)  # type: ignore[no-any-return]


def _usual_currency(lookup: OrderLookup, buyer: str) -> str:
    usual = getattr(lookup, "usual_currency", None)  # the store knows; a test lookup may not
    return str(usual(buyer)) if usual and buyer else ""

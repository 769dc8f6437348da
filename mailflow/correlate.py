"""Which order a message belongs to: our subject token, the thread, or an order number.

The only stage that reads the store, through the small `OrderLookup` protocol, so it can be
tested with a dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mailflow import linear, quoting
from mailflow.model import Decision, Message, OrderData, OrderRef

MAX_BODY_CHARS = 20_000  # of the body, and of each attachment's text, searched for numbers
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class KnownOrder:
    id: int
    number: str
    buyer: str  # the counterparty: a sales order's buyer, a purchase order's supplier
    kind: str = "sale"  # sale | purchase


class OrderLookup(Protocol):
    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]: ...

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None: ...


class NoOrders:
    """A desk with no orders yet (`mailflow rules test` on files: every order number is new)."""

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        return {}

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        return None


def alias_key(number: str) -> str:
    """The form numbers are compared in: `PO-4500871`, `po 4500871` and `4500871` differ only by
    label, so only letters and digits count, upper-cased."""
    return _NOT_IN_KEY.sub("", number.upper())


_NOT_IN_KEY = re.compile(r"[^0-9A-Z]")  # compiled once: every number of every mail is keyed, some many times


def token_pattern(subject_token: str) -> linear.Pattern:
    """`[Order {order}]` -> a regex capturing the order number."""
    before, _, after = subject_token.partition("{order}")
    return linear.compile(linear.escape(before) + r"\s{0,3}(?P<number>[^\]\s][^\]]{0,60}?)\s{0,3}"
                          + linear.escape(after))


@dataclass(frozen=True)
class Found:
    number: str
    where: str  # "subject", "body", "attachment name.pdf", "extracted"


def find_numbers(message: Message, order_data: OrderData, patterns: Sequence[linear.Pattern], *,
                 in_text: Sequence[Found] | None = None) -> list[Found]:
    """Order numbers in the order a person would trust them: extracted data, subject, own text,
    attachment texts, then quoted text. `in_text`: `numbers_in_text` of the message with these
    patterns, when a worker has found them already."""
    found = [Found(n, "extracted") for n in order_data.numbers]
    found += in_text if in_text is not None else numbers_in_text(message, patterns)
    return _unique(found)


def numbers_in_text(message: Message, patterns: Sequence[linear.Pattern]) -> tuple[Found, ...]:
    """What the patterns find in the mail's own words (subject, text, attachments), in that
    order: the part of `find_numbers` that needs nothing but the mail (a worker does it)."""
    own, quoted = _split_quoted(message.text[:MAX_BODY_CHARS])
    attachments = message.attachments[:MAX_ATTACHMENTS]
    places: list[tuple[str, str]] = [("subject", message.subject[:MAX_BODY_CHARS]), ("body", own)]
    places += [(f"attachment {a.filename}", a.text[:MAX_BODY_CHARS]) for a in attachments if a.text]
    places += [("attachment names", " ".join(a.filename[:200] for a in attachments))]
    places += [("quoted text", quoted)]
    found: list[Found] = []
    for where, text in places:
        hits: list[tuple[int, str]] = []
        for pattern in patterns:
            for match in pattern.finditer(text):
                group = "number" if "number" in pattern.groupindex else 1
                number = (match.group(group) or "").strip()
                if number:
                    hits.append((match.start(group), number))
        found.extend(Found(number, where) for _, number in sorted(hits))
    return tuple(found)


MAX_NUMBER = 40  # longer "numbers" are noise (a hash, a tracking URL), never an order number


def plausible_number(number: str) -> bool:
    """An order number has four to forty characters, at least one a digit: "WER7" from
    "POWER7" never gets this far (the label needs a word boundary), "PO 12" is too short."""
    return _plausible(number, alias_key(number))


def _plausible(number: str, key: str) -> bool:
    return 4 <= len(number) <= MAX_NUMBER and len(key) >= 3 and any(c.isdigit() for c in key)


def _unique(found: Iterable[Found]) -> list[Found]:
    seen: set[str] = set()
    result = []
    for item in found:
        key = alias_key(item.number)
        if key and key not in seen and _plausible(item.number, key):
            seen.add(key)
            result.append(item)
    return result


def _split_quoted(text: str) -> tuple[str, str]:
    return quoting.split(text)


def token_order(message: Message, lookup: OrderLookup, token: linear.Pattern,
                buyer: str) -> tuple[KnownOrder | None, str]:
    """(the order our subject token names, the token as written)."""
    match = token.search(message.subject[:MAX_BODY_CHARS])
    if match is None:
        return None, ""
    number = match.group("number") or ""
    candidates = lookup.orders_with_aliases([alias_key(number)]).get(alias_key(number), [])
    return _choose(candidates, buyer, own_only=False), match.group(0) or ""


def untrusted_token(message: Message, lookup: OrderLookup, token: linear.Pattern, buyer: str,
                    is_party: Callable[[KnownOrder, Message], bool]) -> str:
    """Why this mail may not join the order its subject token names, or "": anyone can write
    `[Order 4501234]` in a subject, so a token counts only from that order's own parties (the
    buyer's domains, addresses already on the order, our own)."""
    known, written = token_order(message, lookup, token, buyer)
    if known is None or is_party(known, message):
        return ""
    sender = message.sender.addr if message.sender else "(no sender)"
    return (f"subject token {written} names order {known.number}, but {sender} is not one of that "
            "order's parties: not filed there")


def correlate(message: Message, decision: Decision, order_data: OrderData, buyer: str,
              lookup: OrderLookup, patterns: Sequence[linear.Pattern],
              token: linear.Pattern, in_text: Sequence[Found] | None = None, *,
              opens: bool = True, ours: bool = False) -> OrderRef | None:
    """The order this message belongs to, an order to create, or None (unfiled). A subject
    token is taken as it is: `untrusted_token` says first whether it may be. `opens`: whether
    the sender may open an order (a buyer); any other party's mail only joins an order it names
    unambiguously (`why_unfiled` says why it did not). `ours`: our own mail, which joins the one
    order a number names whoever its buyer is, and never opens a second order under a number
    that names one already (two buyers may number alike; we do not cite a number we have not got)."""
    known, written = token_order(message, lookup, token, buyer)
    if known:
        return _ref(known, f"subject token {written}", by="token")

    numbers = find_numbers(message, order_data, patterns, in_text=in_text)
    # An order document (a rule extracts order data from it) belongs to its sender's own order;
    # other mail (a bank's, a forwarder's) may join another party's order by its number.
    own_only = bool(decision.wants("extract")) and opens
    wants_order = any(a.params.get("to") == "order" for a in decision.wants("file")) and opens
    known_by_key = lookup.orders_with_aliases([alias_key(f.number) for f in numbers])

    thread = [i for i in (message.in_reply_to, *reversed(message.references)) if i]
    if thread:
        known = lookup.order_of_messages(thread)
        if known:
            # a new PO sent in an old order's thread starts its own order
            own_numbers = [f for f in numbers if _tier(f) < 2]
            if own_only and wants_order and own_numbers and not any(
                    o.id == known.id for f in own_numbers for o in known_by_key.get(alias_key(f.number), [])):
                first = own_numbers[0]
                if not known_by_key.get(alias_key(first.number)):
                    return OrderRef(first.number, buyer, None,
                                    f"new order: number {first.number} in {first.where} "
                                    f"(in the thread of order {known.number})", by="new")
            else:
                return _ref(known, "reply in the thread of a filed message", by="thread")

    # The subject (and extracted data) speak first: a complaint about PO 4500655 that mentions
    # PO 4500871 in passing belongs to 4500655, even when only 4500871 is known yet. Within a
    # place, the sender's own order comes first: a supplier that cites the customer's PO beside
    # our P/O's number writes about our P/O.
    for tier in (0, 1):
        group = [f for f in numbers if _tier(f) == tier]
        picked = _pick(group, known_by_key, buyer, others=not own_only)
        if picked:
            return _ref(picked[0], f"order number {picked[1].number} in {picked[1].where}")
        purchase = {o.id: o for f in group for o in known_by_key.get(alias_key(f.number), []) if o.kind == "purchase"}
        if purchase and not ours:  # our P/O's number never opens a sales order: its supplier's side writes
            if len(purchase) == 1:
                [known] = purchase.values()
                return _ref(known, f"our P/O number {known.number}, written from another address than its supplier's")
            return None
        if group and wants_order and not (ours and known_by_key.get(alias_key(group[0].number))):
            first = group[0]
            return OrderRef(first.number, buyer, None, f"new order: number {first.number} in {first.where}",
                            by="new")

    # A known order number written without a label ("订舱 MH-2026-118"), anywhere in the text.
    own, quoted = _split_quoted(message.text[:MAX_BODY_CHARS])
    for where, text in (("subject", message.subject), ("body", own), ("quoted text", quoted)):
        tokens = _candidate_tokens(text)
        found_keys = lookup.orders_with_aliases(list(tokens))
        for key in tokens:
            known = _choose(found_keys.get(key, []), buyer, own_only)
            if known:
                return _ref(known, f"known order number {tokens[key]} in {where}")

    # then quoted text; and our own mail (to a forwarder, an agency) joins another party's order
    # by any number that names it unambiguously, even when a rule extracts from it
    for group, others in (([f for f in numbers if _tier(f) == 2], not own_only), (numbers if ours else [], True)):
        picked = _pick(group, known_by_key, buyer, others=others)
        if picked:
            return _ref(picked[0], f"order number {picked[1].number} in {picked[1].where}")
    return None


def _pick(found: Sequence[Found], known_by_key: dict[str, list[KnownOrder]], buyer: str, *,
          others: bool) -> tuple[KnownOrder, Found] | None:
    """The order a group of numbers (one place of the mail, in text order) names, by one
    preference order: the sender's own order by any of them, the first number first, before
    any other party's; another party's order only when `others` (not an order document of the
    sender's own) and only where a number names it unambiguously (`_choose`). Correlation asks
    it place by place: extracted data and the subject, the text and attachments, quoted text,
    and, for our own mail, every number once more with others allowed."""
    for mine in (True, False) if others else (True,):
        for item in found:
            known = _choose(known_by_key.get(alias_key(item.number), []), buyer, own_only=mine)
            if known:
                return known, item
    return None


def _ref(known: KnownOrder, how: str, by: str = "number") -> OrderRef:
    return OrderRef(known.number, known.buyer, known.id, how, by=by, kind=known.kind)


def correlate_purchase(message: Message, order_data: OrderData, supplier: str, lookup: OrderLookup,
                       patterns: Sequence[linear.Pattern], in_text: Sequence[Found] | None = None, *,
                       known_supplier: bool = True) -> tuple[OrderRef | None, str]:
    """The purchase order our P/O to a supplier belongs to or opens, with the sales order it
    serves; or None and why. A P/O of ours never opens a sales order: it joins the supplier's
    purchase order its number names (a revised P/O), or whose thread it is in when it gives no
    number of its own or the same one (a new P/O in an old P/O's thread opens its own), else
    opens one numbered by the P/O itself (the number read from it, else the first number no
    order has), linked to the sales order it cites or whose thread it is in. The customer's PO
    number it cites is the sales order's, not the purchase order's. `known_supplier`: the
    recipient is one (configured, or our purchase orders are to it); else a document whose only
    numbers name sales orders is the customer's PO passed on, not our P/O: (None, "")."""
    numbers = [f for f in find_numbers(message, order_data, patterns, in_text=in_text) if f.where != "quoted text"]
    known = lookup.orders_with_aliases([alias_key(f.number) for f in numbers])
    thread = [i for i in (message.in_reply_to, *reversed(message.references)) if i]
    in_thread = lookup.order_of_messages(thread) if thread else None
    own = _own_number(numbers, known, known_supplier)
    # the number read from the P/O is its own: a new P/O that cites (or replies to) an old one opens its own
    for found in [own] if own is not None and own.where == "extracted" else numbers:
        ours = [o for o in known.get(alias_key(found.number), []) if o.kind == "purchase" and o.buyer == supplier]
        if ours:
            return _ref(ours[0], f"our P/O number {found.number} in {found.where}"), ""
    if in_thread is not None and in_thread.kind == "purchase" and in_thread.buyer == supplier and (
            own is None or alias_key(own.number) == alias_key(in_thread.number)):
        return _ref(in_thread, "our P/O in the thread of the purchase order", by="thread"), ""
    sales = [(f, o) for f in numbers for o in known.get(alias_key(f.number), []) if o.kind == "sale"]
    served, cited = (sales[0][1], f"number {sales[0][0].number} in {sales[0][0].where}") if sales else (None, "")
    if served is None and in_thread is not None and in_thread.kind == "sale":
        served, cited = in_thread, "the thread"
    if own is None:
        if not known_supplier and any(f.where == "extracted" for f in numbers):
            return None, ""  # the customer's PO passed on (to an agency, a forwarder): our mail about its order
        names = f" (it cites order {served.number})" if served else ""
        return None, f"not filed: our P/O to {supplier} gives no number of its own{names}; assign it by hand"
    how = f"new purchase order: our P/O number {own.number} in {own.where}"
    if served is None:
        return OrderRef(own.number, supplier, None, how, by="new", kind="purchase"), ""
    return OrderRef(own.number, supplier, None, f"{how}, for order {served.number} ({cited})", by="new",
                    kind="purchase", for_order=served.number, for_order_id=served.id), ""


def _own_number(numbers: Sequence[Found], known: dict[str, list[KnownOrder]],
                known_supplier: bool = True) -> Found | None:
    """Our P/O's own number: the one read from the P/O that names no sales order, else, to a
    known supplier, the first read from it (a P/O numbered after the customer's PO); with
    nothing read from a document, the first number in the mail that no order has (the others
    it cites are orders we have). A number that names a sales order is never our P/O's to a
    recipient not known as a supplier: that document is the customer's PO passed on."""
    extracted = [f for f in numbers if f.where == "extracted"]
    if extracted:
        return next((f for f in extracted if not any(o.kind == "sale" for o in known.get(alias_key(f.number), []))),
                    extracted[0] if known_supplier else None)
    return next((f for f in numbers if not known.get(alias_key(f.number))), None)


def why_unfiled(numbers: Sequence[Found], lookup: OrderLookup, who: str) -> str:
    """Why a mail of a party that opens no order (`who`: "a forwarder (why)") was left unfiled:
    the numbers it cites name no order, or name several."""
    if not numbers:
        return f"not filed: {who} opens no order, and the mail cites no order number"
    known = lookup.orders_with_aliases([alias_key(f.number) for f in numbers])
    for found in numbers:
        several = known.get(alias_key(found.number), [])
        if len(several) > 1 and sum(o.kind == "sale" for o in several) != 1:
            names = ", ".join(f"{o.number} of {o.buyer}" for o in several)
            return f"not filed: number {found.number} names {len(several)} orders ({names}); assign it by hand"
    cited = ", ".join(f.number for f in numbers[:5])
    return f"not filed: {who} opens no order, and no order we have is numbered {cited}"


def _tier(found: Found) -> int:
    if found.where in ("extracted", "subject"):
        return 0
    return 2 if found.where == "quoted text" else 1


_TOKEN = re.compile(r"(?<![A-Za-z0-9/-])(?=[A-Za-z/-]*\d)[A-Za-z0-9][A-Za-z0-9/-]{3,40}(?![A-Za-z0-9/-])")


def _candidate_tokens(text: str, limit: int = 500) -> dict[str, str]:
    """Tokens that could be an order number (five or more letters and digits, one a digit),
    by their alias key, in text order."""
    tokens: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        key = alias_key(match.group(0))
        if len(key) >= 5 and any(c.isdigit() for c in key) and key not in tokens:
            tokens[key] = match.group(0)
            if len(tokens) >= limit:
                break
    return tokens


def candidate_keys(text: str) -> list[str]:
    """The alias keys of every token of a text that could be an order number, in text order."""
    return list(_candidate_tokens(text[:MAX_BODY_CHARS]))


# Words that say the token after them is a reference a person cites: a quotation's, an offer's,
# a contract's, a P/I's or an order's number ("as per your quotation HX-Q-2609-11A", "our ref.
# QT-88120", "按报价单 HX-Q-2609-14"). "quote" and "offer" are verbs too ("please quote 25gsm"):
# they count only after a word that makes them a noun ("your quote", "our revised offer").
_REFERENCE_LABEL = re.compile(
    r"(?:(?<![A-Za-z])(?:(?:quotation|reference|ref|contract|proforma(?:\s+invoice)?|pi|p/i|s/c|po|p/o|"
    r"purchase\s+order|order)s?"
    r"|(?:your|our|the|this|revised|latest|new|last|updated)\s+(?:revised\s+|latest\s+)?(?:quote|offer)s?)"
    r"(?![A-Za-z])|报价单|报价|合同|形式发票|订单)"
    r"[\s.:：#№]*(?:(?:no|nr|number)(?![A-Za-z])\.?|编号|号码|号)?[\s.:：#№]*", re.IGNORECASE)
MAX_LABELS = 200  # labels read in one text


def _labelled(text: str) -> set[str]:
    """The alias keys of the tokens that stand right after a reference label in `text`."""
    found: set[str] = set()
    for n, label in enumerate(_REFERENCE_LABEL.finditer(text)):
        if n >= MAX_LABELS:
            break
        token = _TOKEN.match(text, label.end())
        if token is not None:
            found.add(alias_key(token.group(0)))
    return found


_MEASURE = re.compile(r"\d[\d.,]*[A-Za-z%]+")  # 25gsm, 1600mm, 40HQ: a specification, never a number


def _our_numbers(subjects: Iterable[str]) -> set[str]:
    """The numbers our own mail gave in its subjects: a labelled token ("Quotation
    HX-Q-2609-11"), or one of letters and digits joined by a dash or slash (HX-Q-2609-11 alone);
    never a measure ("25gsm") nor a bare code such as "ISO9001"."""
    keys: set[str] = set()
    for subject in list(subjects)[:50]:
        subject = subject[:1000]
        keys |= _labelled(subject)
        keys |= {key for key, t in _candidate_tokens(subject, 20).items()
                 if any(c in "-/" for c in t.strip("-/")) and not _MEASURE.fullmatch(t)}
    return keys


def references_in(text: str, ours: Iterable[str] = (), limit: int = 20) -> list[str]:
    """References a person cites (a quotation's, a contract's number), in text order: tokens of
    five or more letters and digits, with both, that stand right after a reference label
    ("quotation", "our ref.", "P/I", "报价单", "合同" …) or that our own mail gave as a number
    in a subject of `ours` (our earlier mail to the sender: after "Quotation HX-Q-2609-11", a
    bare "HX-Q-2609-11" is a citation). Any other such token ("25gsm", "1600mm", "ISO9001")
    is a specification, no reference."""
    text = text[:MAX_BODY_CHARS]
    cited = _labelled(text) | _our_numbers(ours)
    return [t for key, t in _candidate_tokens(text, limit * 5).items()
            if key in cited and any(c.isalpha() for c in t)][:limit]


def _choose(candidates: Sequence[KnownOrder], buyer: str, own_only: bool) -> KnownOrder | None:
    """The sender's own order with that number (a buyer's, or a supplier's purchase order);
    another party's (bank, forwarder) only when the number is unambiguous. A number that names
    a sales order and a purchase order (our P/O numbered after the customer's PO) is the sales
    order's for anyone else: a forwarder or a bank cites the customer's PO."""
    own = [c for c in candidates if c.buyer == buyer]
    if own:
        return own[0]
    if own_only:
        return None
    if len(candidates) == 1:
        return candidates[0]
    sales = [c for c in candidates if c.kind == "sale"]
    return sales[0] if len(sales) == 1 else None


def aliases_in(message: Message, order_data: OrderData, patterns: Sequence[linear.Pattern],
               in_text: Sequence[Found] | None = None) -> list[str]:
    """Numbers this message gives for its order (PO, P/I, contract), quoted text excluded."""
    return [f.number for f in find_numbers(message, order_data, patterns, in_text=in_text)
            if f.where != "quoted text"]


# --- numbers as the search index keeps them -------------------------------------------------

# a token of letters, digits and separators; the two look-aheads pass over at once the words
# that have no digit or no separator (an English body's every word), whose key would be dropped
NUMBER_LIKE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9./_-]{0,40}\d)(?=[A-Za-z0-9]{0,40}[./_-])"
                          r"[A-Za-z0-9][A-Za-z0-9./_-]{2,40}(?![A-Za-z0-9])")
MAX_KEYS = 300  # number spellings added per message
KEY_SCAN = 200_000  # characters of a message read for them


def number_keys(texts: Sequence[str], known: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Order, P/I and B/L numbers written with separators (`BW-2026-0457`, `PO/4500871`) in the
    form correlation compares them in (`BW20260457`), so that either spelling finds the other:
    the texts' keys in their order, at most MAX_KEYS. `known`: texts whose keys were found
    before (`keys_in`, by the worker that read the mail)."""
    keys: dict[str, None] = {}
    for piece in texts:
        for key in known[piece] if known is not None and piece in known else keys_in(piece):
            keys[key] = None
            if len(keys) >= MAX_KEYS:
                return list(keys)
    return list(keys)


def keys_in(piece: str) -> list[str]:
    """One text's number keys in their order, the first 2 × MAX_KEYS of them: as many as
    `number_keys` can take from it after the texts before it gave theirs (at most MAX_KEYS)."""
    keys: dict[str, None] = {}
    for found in NUMBER_LIKE.finditer(piece[:KEY_SCAN]):
        token = found.group(0)
        key = alias_key(token)
        if key != token.upper() and len(key) >= 4 and any(c.isdigit() for c in key):
            keys[key] = None
            if len(keys) >= 2 * MAX_KEYS:
                break
    return list(keys)

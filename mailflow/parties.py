"""Who is who: our own addresses, the buyer a mail is from (or, for mail we sent, to), a buyer's
domains, whether a sender is one of an order's parties, and the party of a mail (us, buyer,
supplier, forwarder, inspection agency, bank, other) with the reason it was decided.

Pure functions of the configuration and the mail; `is_party` also asks the store through the
lookup it is given. Below `decide`, `pipeline` and the follow-up desk, which all ask it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from mailflow import linear
from mailflow.config import Buyer, Config
from mailflow.correlate import KnownOrder, OrderLookup
from mailflow.model import Message


def ours(address: str, config: Config) -> bool:
    """Whether an address is one of our own (the desk, a colleague, our domain)."""
    address, own = address.lower(), config.identity.ours
    return address in own or address.rpartition("@")[2] in own


def buyer_of(message: Message, config: Config) -> tuple[str, Buyer | None]:
    """The configured buyer a mail is from (or, for mail we sent, to), else that side's domain."""
    outgoing = message.sender is not None and ours(message.sender.addr, config)
    others = [a for a in (*message.to, *message.cc) if not ours(a.addr, config)] if outgoing else \
        [a for a in message.from_[:1]]
    if not others:
        return "", None
    party = others[0]
    buyer, _ = listed(config.buyers, party.addr, party.domain)
    return (buyer.name, buyer) if buyer is not None else (party.domain, None)


class Listed(Protocol):
    """A party the configuration lists: a buyer, supplier, forwarder, agency or bank."""

    @property
    def name(self) -> str: ...
    @property
    def addresses(self) -> Sequence[str]: ...
    @property
    def domains(self) -> Sequence[str]: ...


T = TypeVar("T", bound=Listed)


def listed(entries: Sequence[T], address: str, domain: str) -> tuple[T | None, str]:
    """The entry an address is listed under, else the one its domain is (an address counts
    before a domain, so a buyer's forwarder at a shared domain can be listed by address), and
    which of the two matched: ("address" or "domain"), or (None, "")."""
    address, domain = address.lower(), domain.lower()
    for entry in entries:
        if address in (a.lower() for a in entry.addresses):
            return entry, "address"
    for entry in entries:
        if domain and domain in (d.lower().lstrip("@") for d in entry.domains):
            return entry, "domain"
    return None, ""


def configured_buyer(config: Config, name: str) -> Buyer | None:
    """The buyer of that name in the configuration, if any."""
    return next((b for b in config.buyers if b.name == name), None)


def buyer_domains(buyer_name: str, buyer: Buyer | None) -> frozenset[str]:
    """The domains a buyer writes from: its configured domains and addresses' domains, or, for a
    buyer not configured, the domain it is known by."""
    if buyer is not None:
        return frozenset(d.lower().lstrip("@") for d in buyer.domains) | frozenset(
            a.rpartition("@")[2].lower() for a in buyer.addresses)
    return frozenset([buyer_name.lower()]) if buyer_name else frozenset()


def is_party(config: Config, lookup: OrderLookup, order: KnownOrder, message: Message) -> bool:
    """Whether the sender is one of the order's parties: us, the buyer (its configured addresses
    and domains), or an address whose mail is already filed with the order."""
    sender = message.sender
    if sender is None:
        return False
    if ours(sender.addr, config):
        return True
    if listed([b for b in config.buyers if b.name == order.buyer], sender.addr, sender.domain)[0] is not None:
        return True
    if sender.domain == order.buyer.lower():  # an unconfigured buyer is known by its domain
        return True
    parties = getattr(lookup, "order_parties", None)  # the store knows; a test lookup may not
    return bool(parties is not None and sender.addr in parties(order.id))


# --- the party of a mail ---------------------------------------------------------------------

Party = Literal["us", "buyer", "supplier", "forwarder", "agency", "bank", "other"]
PARTIES: tuple[Party, ...] = ("us", "buyer", "supplier", "forwarder", "agency", "bank", "other")
THIRD_PARTIES = frozenset({"supplier", "forwarder", "agency", "bank", "other"})  # never open an order


@dataclass(frozen=True)
class PartyCall:
    """Who a mail is from, in the desk's terms, and why that was decided."""

    party: Party
    why: str


# words of a sender's domain or name; the name and the domain are short, and RE2 runs in linear time
_NAME_WORDS: tuple[tuple[Party, linear.Pattern], ...] = (
    ("agency", linear.compile(
        r"inspect|\bsgs\b|bureau\s?veritas|bureauveritas|\bbv(cps)?\b|intertek|\bqima\b|t[uü]v|cotecna"
        r"|asiainspection|v-?trust|\bqc\b|验货|驗貨|检验|檢驗|质检|質檢", ignore_case=True)),
    ("bank", linear.compile(
        r"bank|\bhsbc\b|\bicbc\b|\bboc\b|\bccb\b|\bciti\b|\bbnp|\bdbs\b|\bocbc\b|\buob\b|\bmufg\b|\bsmbc\b"
        r"|standard\s?chartered|银行|銀行|\bbk\b", ignore_case=True)),
    ("forwarder", linear.compile(
        r"logistic|shipping|freight|forward|cargo|\blines?\b|maersk|\bmsc\b|cma-?cgm|cosco|hapag|evergreen"
        r"|\boocl\b|kuehne|schenker|expeditors|\bdsv\b|货代|貨代|物流|船务|船務|货运|貨運", ignore_case=True)),
)
# documents only one kind of party sends (typed by documents.detect)
_DOCUMENT_PARTIES: dict[str, Party] = {
    "inspection_report": "agency",
    "booking_confirmation": "forwarder", "shipping_advice": "forwarder", "bl_draft": "forwarder",
    "bl": "forwarder", "bl_copy": "forwarder", "bl_original": "forwarder", "bl_release": "forwarder",
    "lc_advice": "bank", "lc_amendment": "bank",  # a bank slip is often the buyer's T/T copy: no party of its own
}
_BUYER_DOCUMENTS = ("po", "po_revision", "pi_countersigned", "inquiry", "sample_request", "complaint")
# what a bank, an agency or a forwarder writes as such, in the subject or a document's first lines
_WRITES_AS: tuple[tuple[Party, linear.Pattern], ...] = (
    ("agency", linear.compile(
        r"inspection\s(report|result|certificate|booking|appointment|schedule)|final\srandom\sinspection"
        r"|pre-?shipment\sinspection|验货报告|驗貨報告|检验报告|檢驗報告|验货预约|驗貨預約", ignore_case=True)),
    ("bank", linear.compile(
        r"credit\sadvice|advice\sof\scredit|we\shave\scredited|credited\sto\syour\saccount|\bMT\s?103\b"
        r"|\bMT\s?7[0-9]{2}\b|advising\sbank|reimbursement\sclaim|入账通知|入賬通知|贷记通知|貸記通知",
        ignore_case=True)),
    ("forwarder", linear.compile(
        r"booking\sconfirm|booking\s(no|number)\b|shipping\sorder|vessel\s?/\s?voy|\bcy\scut-?off"
        r"|订舱确认|訂艙確認|配舱通知|配艙通知|入货通知|入貨通知", ignore_case=True)),
)
_CATEGORY_PARTIES: dict[str, Party] = {"shipping": "forwarder", "payment": "bank"}
_HEAD = 1500  # characters of the subject and of each document looked at


def _configured(address: str, domain: str, config: Config) -> PartyCall | None:
    """The party the configuration lists this address or domain under: an address counts
    before a domain, so a buyer's forwarder at a shared domain can be listed by address."""
    lists: list[tuple[Party, str, Sequence[Any]]] = [
        ("buyer", "buyers", config.buyers), ("supplier", "suppliers", config.suppliers),
        ("forwarder", "forwarders", config.forwarders), ("agency", "agencies", config.agencies),
        ("bank", "banks", config.banks)]
    for by in ("address", "domain"):
        for party, key, entries in lists:
            entry, matched = listed(entries, address, domain)
            if entry is not None and matched == by:
                return PartyCall(party, f"{address if by == 'address' else domain} is {entry.name}'s, "
                                        f"listed under {key}:")
    return None


def party_of(message: Message, config: Config, *, outgoing: bool = False,
             order_buyer: frozenset[str] | None = None, kinds: Sequence[str] = (),
             texts: Sequence[str] = (), category: str = "", buys: bool | Callable[[], bool] = False,
             order_kind: str = "sale", supplies: bool | Callable[[], bool] = False) -> PartyCall:
    """Who sent the mail, and why: us; a party the configuration lists; the counterparty of the
    order it joins (`order_buyer`: its domains; the buyer of a sales order, the supplier of a
    purchase order, `order_kind`), or, about no order yet, a domain whose sales orders are on
    file (`buys`) or whose purchase orders are (`supplies`); then what the mail says of its sender: its
    domain and name, the documents it carries (`kinds`, as documents.detect typed them), what
    its subject and documents' first lines (`texts`) say. A sender nothing says anything of is
    a buyer, or a prospective one, unless it writes about another buyer's order: then a
    shipping mail is a forwarder's, a payment a bank's, anything else `other`'s. `buys` and
    `supplies` may be the store's questions, asked only when nothing before them decided."""
    sender = message.sender
    if outgoing:
        return PartyCall("us", f"sent from our address {sender.addr if sender else ''}")
    if sender is None:
        return PartyCall("other", "the mail names no sender")
    address, domain = sender.addr.lower(), sender.domain.lower()
    configured = _configured(address, domain, config)
    if configured is not None:
        return configured
    if order_buyer and domain in order_buyer:
        if order_kind == "purchase":
            return PartyCall("supplier", f"{domain} is the supplier of the purchase order")
        return PartyCall("buyer", f"{domain} is the domain of the order's buyer")
    if not order_buyer and (buys() if callable(buys) else buys):
        return PartyCall("buyer", f"orders on file are {domain}'s")
    if not order_buyer and (supplies() if callable(supplies) else supplies):
        return PartyCall("supplier", f"our purchase orders on file are to {domain}")
    named = _says(f"{domain} {sender.name}"[:400])
    if named is not None:
        return PartyCall(named[0], f"the sender's name or domain says {named[1]!r}")
    for kind in kinds:
        if kind in _BUYER_DOCUMENTS:
            break  # the buyer's own document comes first: a PO citing an inspection is a PO
        if kind in _DOCUMENT_PARTIES:
            party = _DOCUMENT_PARTIES[kind]
            return PartyCall(party, f"it carries a {kind.replace('_', ' ')}, which a {party} sends")
    if "po" not in kinds and "po_revision" not in kinds:
        for text in (message.subject, *texts):
            writes = _says(text[:_HEAD], writes=True)
            if writes is not None:
                return PartyCall(writes[0], f"it says {writes[1]!r}, as a {writes[0]} writes")
        if "pi" in kinds:
            return PartyCall("supplier", "it carries a proforma invoice of its own: a seller's, a supplier")
    if order_buyer:  # about another buyer's order
        if order_kind == "purchase":  # it cites our P/O's number: the supplier's side (its factory)
            return PartyCall("supplier", f"{domain} writes about our purchase order to {min(order_buyer)}")
        if category in _CATEGORY_PARTIES:
            party = _CATEGORY_PARTIES[category]
            return PartyCall(party, f"a {category} mail about the order from {domain}, not its buyer's domain")
        return PartyCall("other", f"{domain} is not listed and is not the domain of the order's buyer")
    return PartyCall("buyer", f"{domain} is not listed and nothing says bank, forwarder, agency or "
                              "supplier: a buyer, or a prospective one")


def named_party(address: str, name: str, config: Config) -> PartyCall | None:
    """The party the configuration lists an address (or its domain) under, else the one its
    domain or display name names (a forwarder, an agency, a bank), else None: what is known of
    a correspondent before any mail of theirs is read (a recipient of our mail, too)."""
    address = address.lower()
    domain = address.rpartition("@")[2]
    configured = _configured(address, domain, config)
    if configured is not None:
        return configured
    named = _says(f"{domain} {name}"[:400])
    return PartyCall(named[0], f"the name or domain says {named[1]!r}") if named is not None else None


# A mail's party is asked for each category and order it may be decided as, and the same
# senders write again and again: what their names and a subject say is read once.
@functools.lru_cache(maxsize=1024)
def _says(text: str, writes: bool = False) -> tuple[Party, str] | None:
    """The party the words of a sender's domain and name name (`_NAME_WORDS`), or (`writes`)
    the party that writes as a subject or a document's first lines do (`_WRITES_AS`); with the words."""
    for party, pattern in _WRITES_AS if writes else _NAME_WORDS:
        found = pattern.search(text)
        if found is not None:
            return party, found.group(0) or ""
    return None


# domains anyone may write from: who writes from one is known by the address, never the domain
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
    "sina.com", "sina.cn", "sohu.com", "aliyun.com", "139.com", "yahoo.com", "yahoo.co.uk", "ymail.com",
    "hotmail.com", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "aol.com", "gmx.com",
    "gmx.de", "web.de", "mail.ru", "yandex.ru", "proton.me", "protonmail.com", "zoho.com", "naver.com",
})


def counterparty_key(address: str) -> str:
    """What a correspondent is known by in `supplies_us`/`buys_from_us`: its domain, or its
    address at a free-mail domain (one supplier at qq.com makes no stranger there a supplier)."""
    address = address.lower()
    domain = address.rpartition("@")[2]
    return address if domain in FREE_MAIL else domain


def sender_party(domain: str, name: str) -> str:
    """bank, forwarder, agency or buyer, by the sender's domain and name alone (for mail on file
    with no document that says)."""
    named = _says(f"{domain} {name}"[:400])
    return named[0] if named is not None else "buyer"

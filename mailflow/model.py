"""The desk's nouns as frozen values passed from one pipeline stage to the next.

Each stage takes the previous stage's value and returns a new one; nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Direction = Literal["in", "out"]


@dataclass(frozen=True)
class Origin:
    """Where a raw mail came from, enough to find it again and to act on it there."""

    kind: Literal["file", "maildir", "mbox", "imap"]
    path: str = ""  # file, maildir or mbox path
    key: str = ""  # maildir key or mbox index
    account: str = ""  # imap: user@host
    folder: str = ""
    uidvalidity: int = 0
    uid: int = 0

    @property
    def source_key(self) -> str:
        """The name under which a source's sync position is kept: one per IMAP folder."""
        if self.kind == "imap":
            return f"imap://{self.account}/{self.folder}"
        return f"{self.kind}:{self.path}"

    def describe(self) -> str:
        if self.kind == "imap":
            return f"imap://{self.account}/{self.folder};UIDVALIDITY={self.uidvalidity}/;UID={self.uid}"
        if self.key:
            return f"{self.kind}:{self.path}#{self.key}"
        return f"{self.kind}:{self.path}"


@dataclass(frozen=True)
class RawMail:
    data: bytes
    origin: Origin

    @functools.cached_property
    def sha256(self) -> str:
        """The bytes' digest, once: the read-ahead looks it up, the filing names the mail by it."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Address:
    name: str
    addr: str  # the parsed addr-spec, lower-cased domain

    @property
    def domain(self) -> str:
        return self.addr.rpartition("@")[2].lower()

    def __str__(self) -> str:
        return f"{self.name} <{self.addr}>" if self.name else self.addr


@dataclass(frozen=True)
class Attachment:
    filename: str  # as the sender named it, decoded; never used as a path
    safe_name: str  # derived, safe to use as a file name
    content_type: str
    size: int
    sha256: str
    payload: bytes = field(repr=False)
    text: str | None = None  # text extracted later (PDF, spreadsheet), if any


@dataclass(frozen=True)
class Message:
    sha256: str
    size: int
    message_id: str  # with angle brackets stripped; "" when the mail has none
    subject: str
    date: dt.datetime | None  # timezone-aware
    from_: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    return_path: str | None  # None: header absent; "": the null sender <>
    in_reply_to: str
    references: tuple[str, ...]
    auto_submitted: str
    precedence: str
    list_id: str
    headers: tuple[tuple[str, str], ...]  # decoded, in order, names as written
    text: str  # plain text body (HTML converted when there is no text part)
    html: str
    attachments: tuple[Attachment, ...]
    warnings: tuple[str, ...] = ()  # decoding problems worth showing a person

    @property
    def sender(self) -> Address | None:
        return self.from_[0] if self.from_ else None

    def header_values(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]


@dataclass(frozen=True)
class Action:
    """One thing a rule asks for: file, extract, reply, imap or tag."""

    kind: str
    params: dict[str, Any]
    rule: str


@dataclass(frozen=True)
class Decision:
    category: str
    rule: str | None  # the rule that set the category; None for the fallback
    conditions: tuple[str, ...]  # the conditions that were true, in words
    actions: tuple[Action, ...]
    tags: tuple[str, ...] = ()
    matched_rules: tuple[str, ...] = ()
    classifier: str = ""  # the model's word when it decided or overruled: "complaint 0.87 (late, 破损)"

    def wants(self, kind: str) -> list[Action]:
        return [a for a in self.actions if a.kind == kind]


@dataclass(frozen=True)
class Prediction:
    """The learned classifier's word on a mail."""

    category: str
    probability: float
    words: tuple[str, ...] = ()  # what weighed most for it
    probabilities: tuple[tuple[str, float], ...] = ()  # every category's, when the model gave them

    def describe(self) -> str:
        why = f" ({', '.join(self.words)})" if self.words else ""
        return f"{self.category} {self.probability:.2f}{why}"

    def of(self, category: str) -> float:
        """The probability the model gives `category`; without every category's, or for a
        category the model does not know, the most it can be (1 - the best category's)."""
        if category == self.category:
            return self.probability
        return dict(self.probabilities).get(category, 1.0 - self.probability)


@dataclass(frozen=True)
class LineItem:
    """One line of an order. `item_code` is the code our cost, price and product lists use (ours,
    or the supplier's on a P/O of ours); `buyer_code` is the buyer's, kept beside it."""

    item_code: str = ""
    description: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    buyer_code: str = ""  # the buyer's own code for the item, when the document gives both


@dataclass(frozen=True)
class Check:
    """One cross-check a merchandiser would make on an order document: `detail` in English, and
    the values it was made of (`params`), which `extract/details.py` words in another language."""

    name: str  # line_amount | total | date_order | date_ambiguous | delivery_past | currency | price_floor
    ok: bool
    detail: str
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class DateReading:
    """A numeric date that reads both ways (12/03/2026: 12 March or 3 December), its two
    readings, and the one chosen with the reason; `chosen` None: nothing settled it."""

    field: str  # order_date | delivery_date
    written: str  # as the document writes it
    day_first: dt.date
    month_first: dt.date
    chosen: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True)
class OrderData:
    """What extraction learned about an order from one message; empty when nothing was found."""

    numbers: tuple[str, ...] = ()
    buyer: str = ""
    order_date: dt.date | None = None
    delivery_date: dt.date | None = None
    currency: str = ""
    incoterm: str = ""
    payment_terms: str = ""
    lines: tuple[LineItem, ...] = ()
    total: Decimal | None = None
    source: str = ""  # which reader produced it: "template <name>", "generic", …
    errors: tuple[str, ...] = ()
    document: str = ""  # the attachment (or "mail body") it was read from
    confidence: tuple[tuple[str, float], ...] = ()  # per field, for the fields read
    checks: tuple[Check, ...] = ()
    dates_read: tuple[DateReading, ...] = ()  # the dates that read both ways, and how each was read

    @property
    def empty(self) -> bool:
        return not (self.numbers or self.lines or self.total is not None)

    @property
    def checks_failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


@dataclass(frozen=True)
class OrderRef:
    """The order a message belongs to, as correlation found or proposed it."""

    number: str  # the number as first written, e.g. "4500871" or "MH-2026-118"
    buyer: str
    existing_id: int | None  # None: a new order to create
    how: str  # "number 4500871 in subject", "reply to <id>", "subject token"
    by: str = "number"  # token | thread | number | new: only number and new teach new aliases
    kind: str = "sale"  # sale (a buyer's PO) | purchase (our P/O to a supplier, `buyer` the supplier)
    for_order: str = ""  # a purchase order's: the number of the sales order it serves
    for_order_id: int | None = None


def folder_name(number: str) -> str:
    """A safe folder name for an order number: characters outside A-Za-z0-9._- replaced. The
    archive's folder of an order and the files named after it (a packing list) use it."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", number).strip("._") or "order"
    return name[:100]


@dataclass(frozen=True)
class Reply:
    template: str
    language: str
    to: tuple[Address, ...]
    subject: str
    text: str
    html: str
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    state: Literal["queued", "held"]
    reason: str  # why held, or "" when queued
    raw: bytes = field(repr=False, default=b"")
    supersedes: bool = False  # earlier unsent replies of this template about the order are replaced
    action: dict[str, Any] = field(default_factory=dict)  # the reply action it was written for
    approver: str = ""  # who releases it when held (a role; "" : anyone who answers mail); see policy.py


@dataclass(frozen=True)
class DocumentFacts:
    """One document a mail carries, as the desk files it (see documents.py)."""

    kind: str  # po, po_revision, pi, pi_countersigned, bl_draft, bank_slip, inquiry, ...
    party: str  # us, buyer, supplier, forwarder, agency, bank, other
    name: str  # the attachment's file name, or "mail"
    revision: int  # 0: the first issue; n: Rev.n / Amendment n
    reason: str  # why it was recognised


@dataclass(frozen=True)
class CaseRef:
    """The complaint case a mail opens or belongs to."""

    number: str
    existing_id: int | None  # None: a new case
    how: str  # "new complaint", "reply in the thread of case C…", "case number in the subject"


@dataclass(frozen=True)
class SuppressedReply:
    template: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    """Everything the pipeline decided about one mail; the store applies it in one transaction."""

    raw: RawMail
    message: Message
    decision: Decision
    order_data: OrderData
    order: OrderRef | None
    replies: tuple[Reply, ...]
    suppressed: tuple[SuppressedReply, ...]
    source_actions: tuple[Action, ...]
    auth_results: dict[str, str] = field(default_factory=dict)  # SPF/DKIM/DMARC by our server
    document_texts: tuple[str, ...] = ()  # text read from order documents: searchable evidence
    direction: Direction = "in"  # "out": sent by us (read from a Sent folder, a copy, a forward)
    documents: tuple[DocumentFacts, ...] = ()
    case: CaseRef | None = None
    revision_key: str = ""  # the document revision the replies answer
    party: str = "buyer"  # who sent it: us, buyer, supplier, forwarder, agency, bank, other (parties.py)
    buyer: str = ""  # the buyer the mail is from (or, sent by us, to): kept on unfiled mail too
    party_why: str = ""  # why the party was decided
    # the number keys of the mail's texts, found by the worker that read it (`Prepared.text_keys`)
    text_keys: Mapping[str, Sequence[str]] | None = None
    unfiled: str = ""  # why a mail a rule files to an order was left unfiled ("" : filed, or no such rule)


@dataclass(frozen=True)
class Quarantined:
    raw: RawMail
    sha256: str
    reason: str


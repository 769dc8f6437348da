"""What documents a mail carries, as a merchandiser files them: a PO or its revision, our P/I
or the buyer's countersigned one, a B/L draft, a bank slip... with the party that sent it and
the reason each was recognised. Pure: facts of the mail in, typed documents out.

Each attachment is recognised by its file name, then by its text (English and Chinese,
simplified and traditional); a mail without a business attachment is a document in itself when
its category says so (an inquiry, a sample request, a complaint, a bank's advice).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from mailflow.model import DocumentFacts, Message, OrderData

Party = Literal["buyer", "us", "forwarder", "bank", "supplier"]

# (kind, English name, words in a file name or a document's first lines); first match wins, so
# the more specific kinds come first (a "PO revision" before a "PO", a "B/L draft" before a "B/L")
_KINDS: tuple[tuple[str, str, str], ...] = (
    ("po_revision", "PO revision",
     (r"(purchase\s?order|\bP\.?O\b|订单|訂單|采购单|採購單).{0,40}(\brev(ision)?\b\.?\s?\d*|amend(ment|ed)?|修改|更改|修订|修訂)"
     r"|(\brev(ision)?\b\.?\s?\d+|amendment|修改|更改|修订|修訂).{0,40}(purchase\s?order|\bP\.?O\b|订单|訂單)")),
    ("pi_countersigned", "countersigned P/I",
     (r"((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章).{0,30}(proforma|\bP/?I\b|形式发票|形式發票)"
     r"|(proforma|\bP/?I\b|形式发票|形式發票).{0,30}((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章)")),
    ("pi", "P/I", r"proforma|\bP/I\b|\bPI\b|形式发票|形式發票|形式发票号"),
    ("po", "PO", r"purchase\s?order|\bP\.?O\b|\border\s?(sheet|form|confirmation)\b|订单|訂單|采购单|採購單|订货单|訂貨單"),
    ("commercial_invoice", "commercial invoice", r"commercial\s?invoice|\bC/?I\b|商业发票|商業發票"),
    ("packing_list", "packing list", r"packing\s?list|\bP/?L\b|装箱单|裝箱單|箱单|箱單"),
    ("bl_draft", "B/L draft",
     r"(draft|copy|草稿|样本|樣本).{0,20}(\bB/?L\b|bill\s?of\s?lading|提单|提單)|(\bB/?L\b|bill\s?of\s?lading|提单|提單).{0,20}(draft|草稿)"),
    ("bl", "B/L", r"\bB/?L\b|bill\s?of\s?lading|提单|提單"),
    ("co", "C/O", r"\bC/?O\b|certificate\s?of\s?origin|产地证|產地證|原产地|原產地"),
    ("lc_amendment", "L/C amendment",
     r"(\bL/?C\b|letter\s?of\s?credit|信用证|信用證).{0,30}(amend|修改)|(amend\w*|修改).{0,30}(\bL/?C\b|letter\s?of\s?credit|信用证)"),
    ("lc_advice", "L/C advice", r"\bL/?C\b|letter\s?of\s?credit|信用证|信用證"),
    ("inspection_report", "inspection report", r"inspection|\bQC\b|验货|驗貨|检验|檢驗|验厂"),
    ("bank_slip", "bank slip / remittance",
     r"remittance|bank\s?slip|\bswift\b|\bMT\s?103\b|\bT/?T\s?(copy|slip)\b|payment\s?(advice|slip|copy)|水单|水單|汇款|匯款|付款凭证|付款憑證"),
    ("booking_confirmation", "booking confirmation",
     r"booking(\s?confirm\w*)?|\bS/?O\b|shipping\s?order|订舱|訂艙|配舱|配艙"),
    ("quotation", "quotation", r"quotation|\bquote\b|price\s?list|报价单|報價單|报价|報價"),
)
_COMPILED = tuple((kind, name, re.compile(pattern, re.IGNORECASE)) for kind, name, pattern in _KINDS)

# a mail with no business attachment is a document of its own when its category says so
_MAIL_KINDS = {"inquiry": "inquiry", "sample": "sample_request", "complaint": "complaint",
               "payment": "bank_slip", "shipping": "shipping_advice"}
# what a mail without attachments is when its subject names it (a bank's L/C advice is the
# text of the mail); a subject that names a PO or a packing list is more often a question
_SUBJECT_KINDS = ("lc_amendment", "lc_advice")
NAMES = {kind: name for kind, name, _ in _KINDS} | {
    "inquiry": "inquiry", "sample_request": "sample request", "complaint": "complaint",
    "shipping_advice": "shipping advice"}
MAIL_BODY = "mail body"  # the name of a document that is the mail itself (as extraction names it)
ORDER_KINDS = ("po", "po_revision")  # the buyer's: they set the order's terms
CONFIRMATION_KINDS = ("pi", "pi_countersigned")  # ours (or countersigned): compared with the PO

_REVISION = re.compile(r"\brev(?:ision)?\b\.?\s{0,2}(\d{1,3})|\bamendment\s{0,2}(?:no\.?\s{0,2})?(\d{1,3})|"
                       r"第\s{0,2}(\d{1,3})\s{0,2}次(?:修改|修订|修訂)|\brev(?:ision)?\b", re.IGNORECASE)
_HEAD = 1500  # characters of a document's text looked at for its kind


def _kind_of(text: str, only: tuple[str, ...] = ()) -> tuple[str, str] | None:
    text = text.replace("_", " ")  # file names join words with underscores: PO_4500871.pdf
    for kind, name, pattern in _COMPILED:
        if only and kind not in only:
            continue
        found = pattern.search(text)
        if found:
            return kind, found.group(0)
    return None


def revision_of(text: str) -> int:
    found = _REVISION.search(text.replace("_", " "))
    if found is None:
        return 0
    digits = next((g for g in found.groups() if g), "")
    return int(digits) if digits else 1


def detect(message: Message, category: str, party: Party, texts: dict[str, str] | None = None) -> list[DocumentFacts]:
    """The documents of a mail. `texts`: what extraction read from an attachment, by its file
    name (its first lines tell a PO from a P/I where the file name does not)."""
    texts = texts or {}
    found: list[DocumentFacts] = []
    for att in message.attachments[:20]:
        by_name = _kind_of(att.filename)
        head = (texts.get(att.filename) or att.text or "")[:_HEAD]
        by_text = _kind_of(head) if head else None
        chosen = by_name or by_text
        if chosen is None:
            continue
        kind, matched = chosen
        where = "file name" if by_name else "text"
        kind = _countersigned(kind, party)
        revision = revision_of(f"{att.filename} {head[:300]} {message.subject}") if kind in ORDER_KINDS else 0
        if kind == "po" and revision:
            kind = "po_revision"
        found.append(DocumentFacts(kind, party, att.filename, revision,
                                   f"{where} says {matched!r}; sent by {party}"))
    if not found:
        by_subject = _kind_of(message.subject)
        if by_subject and by_subject[0] in (*ORDER_KINDS, *CONFIRMATION_KINDS) and category == "order":
            kind = _countersigned(by_subject[0], party)
            revision = revision_of(message.subject) if kind in ORDER_KINDS else 0
            if kind == "po" and revision:
                kind = "po_revision"
            found.append(DocumentFacts(kind, party, MAIL_BODY, revision,
                                       f"subject says {by_subject[1]!r}; sent by {party}"))
        elif (said := _kind_of(message.subject, _SUBJECT_KINDS)) is not None:
            found.append(DocumentFacts(said[0], party, MAIL_BODY, 0,
                                       f"subject says {said[1]!r}; sent by {party}"))
        elif category in _MAIL_KINDS:
            kind = _MAIL_KINDS[category]
            if category == "inquiry" and party == "us":
                kind = "quotation"
            found.append(DocumentFacts(kind, party, MAIL_BODY, 0, f"a {category} mail from {party}"))
    return found


def _countersigned(kind: str, party: Party) -> str:
    """Our P/I coming back from the buyer is countersigned; a P/I we send is ours."""
    if kind == "pi" and party == "buyer":
        return "pi_countersigned"
    if kind == "pi_countersigned" and party == "us":
        return "pi"
    return kind


def sets_terms(party: str, docs: Sequence[DocumentFacts], stored: dict[str, Any],
               data: OrderData) -> bool:
    """Whether a document's data becomes the order's terms: the buyer's PO (and its revisions)
    always; anything else only while the order has no PO yet. Our own P/I never overwrites the
    buyer's fields: it is compared with them."""
    read = next((d for d in docs if d.name == data.document), None)
    kind = read.kind if read else ""
    if kind in ORDER_KINDS and party == "buyer":
        return True
    from_po = (stored.get("terms") or {}).get("kind") in ORDER_KINDS
    return not from_po and not (party == "us" and stored)

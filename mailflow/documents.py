"""What documents a mail carries, as a merchandiser files them: a PO or its revision, our P/I
or the buyer's countersigned one, a B/L draft, a bank slip... with the party that sent it and
the reason each was recognised. Pure: facts of the mail in, typed documents out.

Each attachment is recognised by what it says it is (English and Chinese, simplified and
traditional): the heading among the first lines of its text first, the file name only as a hint
when the text names nothing; a number cited in either ("PO 4500871") never outranks the
document's own name. A mail without a business attachment is a document in itself when its
subject names one (an L/C advice, a telex release), when it is ours and says what we send
(a quotation, samples sent), or when its category says so (an inquiry, a sample request).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mailflow import linear, quoting
from mailflow.model import DocumentFacts, Message, OrderData

Party = Literal["buyer", "us", "forwarder", "bank", "supplier", "agency", "other"]

# How a document names itself, kind by kind: (kind, English name, ((strength, pattern), ...)).
# Strength 3 is the document's name in words ("Packing List", "装箱单", "Bill of Lading"), 2 a
# name in short or a qualified one ("Draft BL", "TT copy"), and an abbreviation followed by a
# number ("PO 4500871", "CI-123") is only a citation of another document (strength 1): a cited
# PO never outranks what a document says it is. Equal strengths go to the earlier line, then to
# the earlier kind here (a "PO revision" before a "PO").
_BL = r"(?:\bB/L\b|\bBL\b|bill\s?of\s?lading|提单|提單)"
_KINDS: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...] = (
    ("po_revision", "PO revision", (
        (3, (r"(purchase\s?order|订单|訂單|采购单|採購單).{0,40}(\brev(ision)?\b\.?\s?\d*|amend(ment|ed)?|修改|更改|修订|修訂)"
            r"|(\brev(ision)?\b\.?\s?\d+|amendment|修改|更改|修订|修訂).{0,40}(purchase\s?order|订单|訂單)")),
        (2, r"\bP\.?O\b.{0,40}(\brev(ision)?\b\.?\s?\d*|amend(ment|ed)?|修改|更改|修订|修訂)"),
    )),
    ("pi_countersigned", "countersigned P/I", (
        (3, (r"((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章).{0,30}(proforma|形式发票|形式發票)"
            r"|(proforma|形式发票|形式發票).{0,30}((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章)")),
        (2, (r"((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章).{0,30}\bP/?I\b"
            r"|\bP/?I\b.{0,30}((counter-?)?signed|countersigned|回签|回簽|签回|簽回|盖章|蓋章)")),
    )),
    ("pi", "P/I", ((3, r"pro-?\s?forma|形式发票|形式發票"), (2, r"\bP/I\b|\bPI\b"))),
    ("bl_release", "B/L telex release / surrender", (
        (3, r"telex\s?release[ds]?|surrender(ed)?\s?" + _BL + "|" + _BL + r".{0,20}surrender(ed)?|电放|電放"),
    )),
    ("bl_draft", "B/L draft", (
        (3, r"(draft|草稿|确认件|確認件).{0,20}" + _BL + "|" + _BL + r".{0,20}(draft|草稿|确认件|確認件)"),
    )),
    ("bl_copy", "copy B/L", (
        (3, r"(copy|non-?\s?negotiable|副本).{0,20}" + _BL + "|" + _BL + r".{0,20}(\bcopy\b|副本)"),
    )),
    ("bl_original", "original B/L", (
        (3, r"(original|正本).{0,20}" + _BL + "|" + _BL + r".{0,20}(original|正本)|\b3/3\b"),
    )),
    ("bl", "B/L", ((3, r"bill\s?of\s?lading|sea\s?waybill|提单|提單|海运单|海運單"), (2, r"\bB/?L\b|\b[HM]B/?L\b"))),
    ("po", "PO", (
        (3, r"purchase\s?order|\border\s?(sheet|form)\b|订单|訂單|采购单|採購單|订货单|訂貨單|采购合同|採購合同"),
        (2, r"\bP\.?O\b(?!\.?\s?box)|\border\s?confirmation\b"),
    )),
    ("packing_list", "packing list", ((3, r"packing\s?list|装箱单|裝箱單|箱单|箱單"), (2, r"\bP/L\b|\bPL\b"))),
    ("commercial_invoice", "commercial invoice", (
        (3, r"commercial\s?invoice|商业发票|商業發票"), (2, r"\bC/?I\b|\binvoice\b|发票|發票"))),
    ("co", "C/O", ((3, r"certificate\s?of\s?origin|产地证|產地證|原产地证|原產地證|\bform\s?[AE]\b"), (2, r"\bC/O\b"))),
    ("lc_amendment", "L/C amendment", (
        (3, (r"(letter\s?of\s?credit|documentary\s?credit|信用证|信用證).{0,30}(amend|修改)"
            r"|(amend\w*|修改).{0,30}(letter\s?of\s?credit|documentary\s?credit|信用证|信用證)|\bMT\s?707\b|改证|改證")),
        (2, r"\bL/?C\b.{0,30}amend|amend\w*.{0,30}\bL/?C\b"),
    )),
    ("lc_advice", "L/C advice", (
        (3, r"\bL/?C\s?(advice|advising|notification)|letter\s?of\s?credit|documentary\s?credit|信用证|信用證|\bMT\s?7[01]0\b|来证|來證"), (2, r"\bL/?C\b"))),
    ("inspection_report", "inspection report", (
        (3, (r"((final|pre-?shipment|during\s?production)\s?(random\s?)?)?inspection\s?(report|record|certificate|result)"
            r"|(final|pre-?shipment|during\s?production)\s?(random\s?)?inspection|\bQC\s?report|验货报告|驗貨報告|检验报告|檢驗報告|验货记录|驗貨記錄|检验证书|檢驗證書|查验报告")),
        (2, r"inspection|\bQC\b|验货|驗貨|检验|檢驗|验厂|驗廠"),
    )),
    ("bank_slip", "bank slip / credit advice", (
        (3, (r"remittance|bank\s?slip|credit\s?advice|advice\s?of\s?credit|payment\s?advice|\bMT\s?103\b|swift\s?copy"
            r"|贷记通知|貸記通知|入账通知|入賬通知|收汇通知|收匯通知|到账通知|到賬通知|水单|水單|汇款|匯款|付款凭证|付款憑證")),
        (2, r"\bswift\b|\bT/?T\s?(copy|slip)\b|payment\s?(slip|copy)"),
    )),
    ("booking_confirmation", "booking confirmation", (
        (3, r"booking\s?(confirm\w*|note)|shipping\s?order|订舱确认|訂艙確認|订舱|訂艙|配舱|配艙|进仓通知|進倉通知"),
        (2, r"\bbooking\b|\bS/O\b"),
    )),
    ("shipping_advice", "shipping advice", (
        (3, r"shipping\s?advice|shipment\s?advice|advice\s?of\s?shipment|装运通知|裝運通知|出货通知|出貨通知|装船通知|裝船通知"),
    )),
    ("delivery_note", "delivery note", (
        (3, r"delivery\s?(note|slip|receipt)|goods\s?delivery|送货单|送貨單|交货单|交貨單|出库单|出庫單"),
    )),
    ("quotation", "quotation", ((3, r"quotation|price\s?list|quote\s?sheet|报价单|報價單|报价|報價"), (2, r"\bquote\b"))),
    ("samples_sent", "samples sent", (
        (3, (r"(samples?|swatch(es)?|cuttings)\s?(have\s?been\s?|were\s?|was\s?|are\s?)?(sent|dispatched|shipped|couriered)"
            r"|\b(we|I)\s?(have|'ve)\s?(just\s?|today\s?)?(sent|dispatched|couriered)\s?(you\s?)?(the\s?|our\s?|your\s?)?"
            r"(samples?|swatch(es)?|cuttings)\b"
            r"|样品已寄|樣品已寄|已寄样|已寄樣|寄样|寄樣|样品已发|樣品已發")),
    )),
)
_COMPILED = tuple((kind, name, tuple((strength, re.compile(pattern, re.IGNORECASE)) for strength, pattern in forms))
                  for kind, name, forms in _KINDS)
# what makes a short name a citation: a number (or a reference with one) right after it
_CITED = re.compile(r"[\s#:：.,/-]*(no\.?|nr\.?|number|编号|編號|号|號)?[\s#:：.]*([a-z]{1,8}-)*\d", re.IGNORECASE)
_INSPECTION_BEFORE = linear.compile(r"inspection\s$", ignore_case=True)
_TITLE_LINES = 8  # the first lines of a document's text where its title is
# what a B/L says it is, anywhere on it: released (telex, surrendered), a draft, a copy, an original
_QUALIFIED_BL = (
    ("bl_release", re.compile(r"telex\s?release[ds]?|surrender(ed)?|电放|電放", re.IGNORECASE)),
    ("bl_draft", re.compile(r"\bdraft\b|草稿|确认件|確認件", re.IGNORECASE)),
    ("bl_copy", re.compile(r"\bcopy\b|non-?\s?negotiable|副本", re.IGNORECASE)),
    ("bl_original", re.compile(r"\boriginal\b|正本", re.IGNORECASE)),
)
BL_KINDS = ("bl", *(kind for kind, _ in _QUALIFIED_BL))


@dataclass(frozen=True)
class Named:
    """What a piece of text says a document is: the kind, the words, how strongly."""

    kind: str
    words: str
    strength: int  # 3 its name, 2 a short or qualified name, 1 a citation of one
    line: int = 0  # which line of the text (0: the first)
    title: bool = False  # the words stand as the line's heading


# a mail with no business attachment is a document of its own when its category says so; a
# shipping mail is not (an inspection booking, a sailing schedule, a buyer's "goods arrived"):
# a forwarder's shipping advice or booking confirmation names itself in its subject
_MAIL_KINDS = {"inquiry": "inquiry", "sample": "sample_request", "complaint": "complaint"}
# a payment mail is a bank slip in words only when it says the money went (or came): "we have
# remitted", "deposit paid", "credited to your account", 已汇出; "our accounts will arrange the
# deposit this week" is a promise, and the deposit is still to come
_PAID = linear.compile(
    r"\b(have|has|had|we|I|they|was|were|is|are|just|already|today|yesterday)\s(been\s)?"
    r"(paid|remitted|transferred|wired|sent|credited|settled)\b"
    r"|\b(deposit|balance|payment|invoice|amount|funds|money|remittance)\s(was\s|is\s|has\sbeen\s|have\sbeen\s)?"
    r"(paid|remitted|transferred|wired|sent|settled|credited|received|arrived)\b"
    r"|\b(bank\s?slip|remittance\s(advice|slip|copy)|T/?T\scopy|swift\s(copy|message)|MT\s?103|credit\sadvice)\b"
    r"|\bpaid\b.{0,30}\b(USD|US\$|EUR|RMB|CNY)\b|\b(USD|US\$|EUR|RMB|CNY)\s?[0-9][0-9,.]*\s(paid|remitted|sent|transferred)\b"
    r"|已(经|經)?(付|支付|汇|匯|转|轉|打)|(汇|匯)出|水单|水單|(付款|汇款|匯款)(凭证|憑證|底单|底單)|入(账|賬)|到(账|賬)",
    ignore_case=True)
# what a mail without attachments is when its subject names it (a bank's L/C advice or credit
# advice is the text of the mail, so is a forwarder's shipping advice); a subject that names a
# PO or a packing list is more often a question
_SUBJECT_KINDS = ("lc_amendment", "lc_advice", "bl_release", "bl_original", "bank_slip", "booking_confirmation",
                  "shipping_advice")
_STRONG_SUBJECT_KINDS = ("bank_slip", "booking_confirmation", "shipping_advice")  # only in so many words
_OUR_KINDS = ("samples_sent", "quotation")  # what our own mail says it sends
# what a supplier writes when it confirms our P/O in the mail itself: a confirmation of the
# order (confirm and order, P/O or delivery words), never of its receipt, nor a negation
_SUPPLIER_CONFIRMS = linear.compile(
    r"\b(we\s+(hereby\s+|herewith\s+)?confirm(ed)?|confirm(ed|ing)?)\b[^!?\n]{0,60}?"
    r"\b(orders?|P/?O|purchase|delivery|shipment\s+date)\b"
    r"|\b(orders?|P/?O|purchase\s+order)\b[^!?\n]{0,60}?\b(is|are|has\s+been|have\s+been|was)\s+(confirmed|accepted)\b"
    r"|\border\s+confirmation\b|已确认订单|已確認訂單|确认接单|確認接單|确认订单|確認訂單|确认采购单|確認採購單"
    r"|订单已确认|訂單已確認|接受订单|接受訂單", ignore_case=True)
_NOT_CONFIRMED = linear.compile(
    r"\bconfirm(ed|ing|s)?\s+(the\s+|your\s+)?receipt|\breceipt\b[^!?\n]{0,30}confirm|\bnot\s+(yet\s+)?(be(en)?\s+)?"
    r"confirm|\bcan(not|'t|\s+not)\s+(yet\s+)?(be\s+)?confirm|\bunable\s+to\s+confirm|\bnot\s+able\s+to\s+confirm"
    r"|\byet\s+to\s+(be\s+)?confirm|未确认|未確認|无法确认|無法確認|不能确认|不能確認|暂不确认|暫不確認", ignore_case=True)
# what makes a document our P/O: its heading names a purchase order (not an order confirmation,
# an order sheet, a bare 订单), and so does a subject that names our P/O ("Purchase Order X", "P/O X")
_OUR_PO = linear.compile(r"purchase\s?order|\bP\.?O\b|\bP/O\b|采购单|採購單|采购合同|採購合同|采购订单|採購訂單",
                         ignore_case=True)
_OUR_PO_SUBJECT = linear.compile(r"purchase\s?order|\bP/O\b|采购单|採購單|采购合同|採購合同|采购订单|採購訂單",
                                 ignore_case=True)
NAMES = {kind: name for kind, name, _ in _KINDS} | {
    "inquiry": "inquiry", "sample_request": "sample request", "complaint": "complaint",
    "purchase_order": "our P/O to a supplier", "supplier_confirmation": "supplier's order confirmation"}
MAIL_BODY = "mail body"  # the name of a document that is the mail itself (as extraction names it)
ORDER_KINDS = ("po", "po_revision")  # the buyer's: they set the order's terms
PURCHASE_ORDER = "purchase_order"  # a PO we send to a supplier: it opens a purchase order
CONFIRMATION_KINDS = ("pi", "pi_countersigned")  # ours (or countersigned): compared with the PO
CONFIRMING_PARTIES = ("us", "buyer")  # whose P/I confirms a sales order (a supplier's P/I is no confirmation of it)

_REVISION = re.compile(r"\brev(?:ision)?\b\.?\s{0,2}(\d{1,3})|\bamendment\s{0,2}(?:no\.?\s{0,2})?(\d{1,3})|"
                       r"第\s{0,2}(\d{1,3})\s{0,2}次(?:修改|修订|修訂)|\brev(?:ision)?\b", re.IGNORECASE)
_HEAD = 1500  # characters of a document's text looked at for its kind


def names_in(text: str, only: tuple[str, ...] = (), line: int = 0) -> list[Named]:
    """Every kind a piece of text (a file name, a subject, one line of a document) names, with
    how strongly: a short name followed by a number is a citation ("PO 4500871")."""
    if len(text) > _REMEMBERED_TEXT:
        return _names_in(text, only, line)
    # each kind is looked for on its own: those of `only` are the remembered reading's, filtered
    return [n for n in _remembered_names(text, (), line) if not only or n.kind in only]


_REMEMBERED_TEXT = 300  # a subject or a file name: one mail's is read for each category and party it is decided as


@functools.lru_cache(maxsize=1024)
def _remembered_names(text: str, only: tuple[str, ...], line: int) -> tuple[Named, ...]:
    return tuple(_names_in(text, only, line))


def _names_in(text: str, only: tuple[str, ...], line: int) -> list[Named]:
    text = text.replace("_", " ")  # file names join words with underscores: PO_4500871.pdf
    found: list[Named] = []
    for kind, _, forms in _COMPILED:
        if only and kind not in only:
            continue
        for strength, pattern in forms:
            for match in pattern.finditer(text):
                if kind == "booking_confirmation" and _INSPECTION_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
                    continue  # an inspection booking is the agency's, no shipping booking
                cited = strength == 2 and _CITED.match(text, match.end()) is not None
                rest = len(re.sub(r"\W", "", text)) - len(re.sub(r"\W", "", match.group(0)))
                title = not cited and strength >= 2 and (rest <= 20 or (text.isupper() and len(text) <= 60))
                found.append(Named(kind, match.group(0).strip(), 1 if cited else strength, line, title))
                break
    return found


def _best(found: list[Named]) -> Named | None:
    """The strongest naming: a heading over words in a line, then the stronger words, then the
    earlier line, then the more specific kind (the order of `_KINDS`)."""
    return min(found, key=lambda n: (not n.title, -n.strength, n.line, _KIND_RANK[n.kind]), default=None)


_KIND_RANK = {kind: i for i, (kind, _, _) in enumerate(_KINDS)}  # the order of `_KINDS`, which `_best` prefers


def title_of(text: str) -> Named | None:
    """What a document's text says it is: its heading among the first lines (the title a
    document carries: "PACKING LIST", "验货报告"), else the strongest words of those lines."""
    lines = [line.strip() for line in text[:_HEAD].splitlines() if line.strip()][:_TITLE_LINES]
    return _best([n for i, line in enumerate(lines) for n in names_in(line, line=i)])


def kind_of(filename: str, text: str) -> tuple[str, str] | None:
    """(kind, reason) of one attachment: its text's own title first; the file name only when the
    text names nothing, or no more than a citation while the name says more."""
    chosen = _kind_named(filename, text)
    return (chosen[0], chosen[1]) if chosen is not None else None


def _kind_named(filename: str, text: str) -> tuple[str, str, Named] | None:
    """`kind_of`, with the naming it was decided by."""
    by_text = title_of(text) if text else None
    by_name = _best(names_in(filename))
    if by_text is not None and (by_text.strength >= 2 or by_name is None or by_name.strength <= 1):
        where = "its heading" if by_text.title else f"line {by_text.line + 1} of its text"
        chosen, reason = by_text, f"{where} says {by_text.words!r}"
    elif by_name is not None:
        chosen, reason = by_name, f"file name says {by_name.words!r}"
        if by_text is not None:
            reason += f" (its text only cites {by_text.words!r})"
    else:
        return None
    if chosen.strength == 1:
        reason += " (a citation: nothing names the document better)"
    kind = chosen.kind
    if kind == "bl":  # a B/L's copy, draft, original or release is said anywhere on it
        said = f"{filename.replace('_', ' ')} {text[:_HEAD]}"
        qualified = next(((k, m.group(0)) for k, pattern in _QUALIFIED_BL if (m := pattern.search(said))), None)
        if qualified is not None:
            kind, reason = qualified[0], f"{reason}, and it says {qualified[1]!r}"
    return kind, reason, chosen


def names_our_po(named: Named) -> bool:
    """Whether a document we send names itself our P/O: a heading (not a citation, "PO 123")
    that says purchase order, P/O or 采购单/采购合同/采购订单; an order confirmation is no P/O.
    A document that only cites one ("PO_HL-2603.pdf") is our P/O when the subject names it so
    ("Purchase Order HL-2603", "P/O HL-2603")."""
    return named.strength >= 2 and _OUR_PO.search(named.words) is not None


def unnamed(filename: str) -> bool:
    """Whether a file's name leaves its kind to its text: it names none, or only cites one
    ("KY-BK-2610-332.pdf", "PO 4500871.pdf"); its text is then read for its heading."""
    named = _best(names_in(filename))
    return named is None or named.strength < 2


# a bank's documents whose figures are read from their text (an L/C's fields, a slip's amount)
BANK_KINDS = ("lc_advice", "lc_amendment", "bank_slip")


def text_wanted(filename: str) -> bool:
    """Whether a PDF's text is read before the rules run: its name leaves its kind to its text
    (`unnamed`), or names a bank document whose figures are read from it ("MT700_LC88123.pdf")."""
    named = _best(names_in(filename))
    return named is None or named.strength < 2 or named.kind in BANK_KINDS


def revision_of(text: str) -> int:
    found = _REVISION.search(text.replace("_", " "))
    if found is None:
        return 0
    digits = next((g for g in found.groups() if g), "")
    return int(digits) if digits else 1


def detect(message: Message, category: str, party: Party, texts: dict[str, str] | None = None, *,
           to_supplier: bool = False) -> list[DocumentFacts]:
    """The documents of a mail. `texts`: what extraction read from an attachment, by its file
    name (its title decides; the file name is a hint only when the text names nothing).
    `to_supplier`: our mail goes to a party that is no buyer, so a PO in it is our P/O."""
    texts = texts or {}
    found: list[DocumentFacts] = []
    for att in message.attachments[:20]:
        head = (texts.get(att.filename) or att.text or "")[:_HEAD]
        chosen = _kind_named(att.filename, head)
        if chosen is None:
            continue
        kind, reason, named = chosen
        revision = revision_of(f"{att.filename} {head[:300]} {message.subject}") if kind in ORDER_KINDS else 0
        if kind == "po" and revision:
            kind = "po_revision"
        ours = names_our_po(named) or (named.strength <= 1 and _OUR_PO_SUBJECT.search(message.subject) is not None)
        kind = _as_sent(kind, party, to_supplier and ours)
        found.append(DocumentFacts(kind, party, att.filename, revision, f"{reason}; sent by {party}"))
    if not found:
        body = _mail_document(message, category, party, to_supplier)
        if body is not None:
            found.append(body)
    return found


def _mail_document(message: Message, category: str, party: Party, to_supplier: bool = False) -> DocumentFacts | None:
    """The mail itself as a document, when it carries none: what its subject names (a PO, our
    P/I, a bank's L/C advice, a telex release), what we say we send (our quotation, samples
    sent), what a supplier says it confirms, or what its category makes it (an inquiry, a
    sample request, a bank's advice). A supplier's "Re: P/O 123" that confirms nothing is no
    document: only its confirmation is."""
    said = _best(names_in(message.subject))
    if party == "supplier" and category == "order":
        own = quoting.own_text(message.text) if message.text else ""
        confirms = supplier_confirms(f"{message.subject}\n{own[:_HEAD]}")
        if confirms:
            return DocumentFacts("supplier_confirmation", party, MAIL_BODY, 0,
                                 f"the supplier says {confirms!r}; sent by supplier")
    elif party == "us" and to_supplier and category == "order" and (
            named := _OUR_PO_SUBJECT.search(message.subject)) is not None:
        return DocumentFacts(PURCHASE_ORDER, party, MAIL_BODY, 0,
                             f"subject says {named.group(0)!r}; sent by us")
    elif said and said.kind in (*ORDER_KINDS, *CONFIRMATION_KINDS) and category == "order":
        kind = _as_sent(said.kind, party, False)  # to a supplier, only a subject that names our P/O makes it one
        if kind == "pi_countersigned":  # a countersigned P/I is a document, never a line of text
            return None
        revision = revision_of(message.subject) if kind in ORDER_KINDS else 0
        if kind == "po" and revision:
            kind = "po_revision"
        return DocumentFacts(kind, party, MAIL_BODY, revision, f"subject says {said.words!r}; sent by {party}")
    said = _best([n for n in names_in(message.subject, _SUBJECT_KINDS)
                  if n.strength >= 3 or n.kind not in _STRONG_SUBJECT_KINDS])  # "booking?" is no booking
    if said is not None and (party != "buyer" or not said.kind.startswith("bl")):  # a buyer asks for a release
        return DocumentFacts(said.kind, party, MAIL_BODY, 0, f"subject says {said.words!r}; sent by {party}")
    if party == "us":
        return _ours(message, category)
    if category == "payment":  # a remittance told in words; a payment promised is no slip
        own = quoting.own_text(message.text)[:_HEAD] if message.text else ""
        paid = _PAID.search(f"{message.subject}\n{own}")
        return None if paid is None else DocumentFacts(
            "bank_slip", party, MAIL_BODY, 0, f"a payment mail from {party} that says {paid.group(0)!r}")
    if category in _MAIL_KINDS:
        return DocumentFacts(_MAIL_KINDS[category], party, MAIL_BODY, 0, f"a {category} mail from {party}")
    return None


def supplier_confirms(text: str) -> str:
    """The words in which a supplier confirms our order or P/O ("we confirm your order HL-2603",
    "P/O 123 is accepted", "确认订单"), or "": confirming its receipt, or saying it is not (or
    cannot be) confirmed, is no confirmation."""
    for found in _SUPPLIER_CONFIRMS.finditer(text):
        start, end = found.start(), found.end()
        if _NOT_CONFIRMED.search(text[max(0, start - 40):end]) is None:
            return found.group(0) or ""
    return ""


def _ours(message: Message, category: str) -> DocumentFacts | None:
    """Our own mail is typed by what we send: samples sent, our quotation; never a request."""
    quoted = quoting.own_text(message.text) if message.text else ""
    for where, text in (("subject", message.subject), ("our text", quoted[:_HEAD])):
        said = _best(names_in(text.replace("\n", " "), _OUR_KINDS))
        if said is not None and said.strength >= 3:
            return DocumentFacts(said.kind, "us", MAIL_BODY, 0, f"{where} says {said.words!r}; sent by us")
    if category == "inquiry":
        return DocumentFacts("quotation", "us", MAIL_BODY, 0, "our answer to an inquiry")
    if category in _MAIL_KINDS:  # our answer to a sample request confirms it (the sample plan's first step)
        return DocumentFacts(_MAIL_KINDS[category], "us", MAIL_BODY, 0, f"a {category} mail from us")
    return None


def _as_sent(kind: str, party: Party, to_supplier: bool) -> str:
    """What a document is, given who sends it: our P/I coming back from the buyer is
    countersigned, a P/I we send is ours; a PO we send to a supplier is our P/O, and what a
    supplier sends as an order ("order confirmation" to our P/O) is its confirmation, never a
    buyer's PO."""
    if kind == "pi" and party == "buyer":
        return "pi_countersigned"
    if kind == "pi_countersigned" and party == "us":
        return "pi"
    if kind in ORDER_KINDS and party == "us" and to_supplier:
        return PURCHASE_ORDER
    if kind in ORDER_KINDS and party == "supplier":
        return "supplier_confirmation"
    return kind


def sets_terms(party: str, docs: Sequence[DocumentFacts], stored: dict[str, Any],
               data: OrderData) -> bool:
    """Whether a document's data becomes the order's terms: the buyer's PO (and its revisions),
    or our P/O on a purchase order, always; anything else only while the order has no PO yet.
    Our own P/I never overwrites the buyer's fields (it is compared with them), nor a
    supplier's P/I our P/O's."""
    read = next((d for d in docs if d.name == data.document), None)
    kind = read.kind if read else ""
    if (kind in ORDER_KINDS and party == "buyer") or (kind == PURCHASE_ORDER and party == "us"):
        return True
    from_po = (stored.get("terms") or {}).get("kind") in (*ORDER_KINDS, PURCHASE_ORDER)
    return not from_po and not (party == "us" and stored)

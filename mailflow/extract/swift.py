"""SWIFT messages and bank advices as a bank sends or prints them: a documentary credit (MT700),
its amendment (MT707), a customer transfer (MT103), and the remittance and credit advices
banks write in words. Pure: a document's or a mail's text in, frozen values out.

A field is found in any of the layouts banks use:

    :31D:260506CHINA                                  the raw message (SWIFT comma decimals)
    :31D: DATE AND PLACE OF EXPIRY: 260506 CHINA      the tag and the field's name
    31D Date and Place of Expiry 260506 CHINA         the tag without colons, then the name
    DATE AND PLACE OF EXPIRY: 260506 CHINA            the name alone
    有效期及地点：260506 中国                          a Chinese bank's print

A field runs until the next field starts (46A's list of documents goes over many lines). The
text looked at is bounded (`MAX_TEXT` characters, `MAX_LINES` lines, `MAX_FIELD_LINES` lines a
field) and every pattern is linear (no quantifier inside another): a hostile text costs no more
than a long one. What cannot be read is left out, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from mailflow.extract import values

MAX_TEXT = 40_000  # characters of a text looked at
MAX_LINES = 2_000
MAX_FIELD_LINES = 120  # lines one field may run over
MAX_DOCUMENTS = 30  # documents required (46A) kept
MAX_LABELS = 50  # an advice's labels tried for a sum
_AROUND = 200  # characters of a label's line looked at either side
PRESENTATION_DAYS = 21  # UCP 600 14(c): documents within 21 days of shipment unless field 48 says otherwise

# Each field's names as banks print them, English and Chinese. The longer name of a field comes
# first where one begins another ("有效期及地点" before "有效期"); across fields, every name is
# tried longest first (`_UNTAGGED`), so "金额浮动" is 39A, not 32B.
_NAMES: dict[str, tuple[str, ...]] = {
    "20": (r"documentary\s?credit\s?(?:number|no\.?)", r"credit\s?(?:number|no\.?)", r"l/?c\s?(?:number|no\.?)",
           r"sender'?s\s?reference", r"transaction\s?reference(?:\s?number)?",
           "信用证号码", "信用證號碼", "信用证编号", "信用證編號", "信用证号", "信用證號"),
    "21": (r"receiver'?s\s?reference", r"related\s?reference"),
    "23B": (r"bank\s?operation\s?code",),
    "26E": (r"number\s?of\s?amendment", "修改次数", "修改次數"),
    "27": (r"sequence\s?of\s?total",),
    "30": (r"date\s?of\s?amendment", "修改日期"),
    "31C": (r"date\s?of\s?issue", "开证日期", "開證日期"),
    "31D": (r"date\s?and\s?place\s?of\s?expiry", r"expiry\s?date\s?and\s?place", r"date\s?of\s?expiry",
            r"expiry\s?date", "有效期及地点", "有效期及地點", "到期日及地点", "到期日及地點", "有效期", "到期日"),
    "31E": (r"new\s?date\s?of\s?expiry", "新有效期", "新的有效期"),
    "32A": (r"value\s?date[/,\s]{0,3}currency\s?code[/,\s]{0,3}amount", r"value\s?date"),
    "32B": (r"currency\s?code[,/\s]{0,3}amount", r"increase\s?of\s?documentary\s?credit\s?amount",
            r"credit\s?amount", "信用证金额", "信用證金額", "币种及金额", "幣種及金額", "增加金额", "增加金額",
            "金额", "金額"),
    "33B": (r"currency[/\s]{0,3}instructed\s?amount", r"instructed\s?amount",
            r"decrease\s?of\s?documentary\s?credit\s?amount", "减少金额", "減少金額"),
    "34B": (r"new\s?documentary\s?credit\s?amount(?:\s?after\s?amendment)?", "修改后金额", "修改後金額"),
    "39A": (r"percentage\s?credit\s?amount\s?tolerance", r"credit\s?amount\s?tolerance", r"amount\s?tolerance",
            "溢短装", "溢短裝", "金额浮动", "金額浮動", "金额增减", "金額增減", "金额允许增减", "金額允許增減"),
    "39B": (r"maximum\s?credit\s?amount",),
    "40A": (r"form\s?of\s?documentary\s?credit", "信用证类型", "信用證類型"),
    "40E": (r"applicable\s?rules", "适用规则", "適用規則"),
    "41D": (r"available\s?with[.\s]{0,4}by", "兑付方式", "兌付方式"),
    "42C": (r"drafts\s?at",),
    "43P": (r"partial\s?shipments?", "分批装运", "分批裝運"),
    "43T": (r"transhipment", "转运", "轉運"),
    "44A": (r"place\s?of\s?taking\s?in\s?charge",),
    "44B": (r"place\s?of\s?final\s?destination",),
    "44C": (r"latest\s?date\s?of\s?shipment", r"latest\s?shipment\s?date", r"latest\s?shipment",
            "最迟装运日期", "最遲裝運日期", "最迟装运日", "最遲裝運日", "最迟装运期", "最遲裝運期"),
    "44D": (r"shipment\s?period", "装运期", "裝運期"),
    "44E": (r"port\s?of\s?loading(?:/airport\s?of\s?departure)?", "装运港", "裝運港", "装货港", "裝貨港"),
    "44F": (r"port\s?of\s?discharge(?:/airport\s?of\s?destination)?", "目的港", "卸货港", "卸貨港"),
    "45A": (r"description\s?of\s?goods(?:\s?and/or\s?services)?", "货物描述", "貨物描述"),
    "46A": (r"documents\s?required", "单据要求", "單據要求", "所需单据", "所需單據"),
    "46B": (r"documents\s?required\s?amended",),
    "47A": (r"additional\s?conditions", "附加条件", "附加條件", "附加条款", "附加條款"),
    "48": (r"period\s?for\s?presentation(?:\s?in\s?days)?", r"presentation\s?period", "交单期限", "交單期限",
           "交单期", "交單期"),
    "49": (r"confirmation\s?instructions",),
    "50": (r"applicant", "开证申请人", "開證申請人", "申请人", "申請人"),
    "50K": (r"ordering\s?customer", "汇款人", "匯款人"),
    "59": (r"beneficiary(?:\s?customer)?", "受益人", "收款人"),
    "70": (r"remittance\s?information", "汇款附言", "匯款附言"),
    "71A": (r"details\s?of\s?charges", "费用承担", "費用承擔", "费用明细", "費用明細"),
    "71B": (r"charges",),
    "71F": (r"sender'?s\s?charges",),
    "71G": (r"receiver'?s\s?charges",),
    "72": (r"sender\s?to\s?receiver\s?information",),
    "78": (r"instructions\s?to\s?the\s?paying",),
    "79": (r"narrative",),
}
_FOLLOW = r"(?:[ \t]{0,4}\([^)\n]{0,40}\))?[ \t]{0,4}[:：]?[ \t]{0,4}"  # "(mandatory)", then a colon
_NAME_OF = {tag: re.compile("(?:" + "|".join(names) + ")" + _FOLLOW, re.IGNORECASE) for tag, names in _NAMES.items()}
# names that start a field on their own, without a tag: the distinctive ones ("charges" or
# "applicant" alone start nothing), longest first, each as its own group
_ALONE = {"20", "26E", "31C", "31D", "31E", "32B", "33B", "34B", "39A", "40E", "44C", "44D", "44E", "44F",
          "45A", "46A", "47A", "48", "50", "59", "71A"}
_AMBIGUOUS_ALONE = {r"applicant", r"beneficiary(?:\s?customer)?", "收款人"}
_UNTAGGED_NAMES = sorted(((name, tag) for tag in _ALONE for name in _NAMES[tag] if name not in _AMBIGUOUS_ALONE),
                         key=lambda pair: -len(pair[0]))
_UNTAGGED = re.compile("|".join(f"(?P<g{i}>{name})" for i, (name, _) in enumerate(_UNTAGGED_NAMES))
                       + r"(?=[ \t]{0,4}(?:\([^)\n]{0,40}\))?(?:[ \t]{0,4}[:：]|[ \t]{1,80}\S|[ \t]{0,80}$))",
                       re.IGNORECASE)
_UNTAGGED_TAG = {f"g{i}": tag for i, (_, tag) in enumerate(_UNTAGGED_NAMES)}
_COLON_TAG = re.compile(r"[ \t]{0,8}:(\d{2}[A-Z]?):[ \t]{0,4}")
_BARE_TAG = re.compile(r"[ \t]{0,8}(\d{2}[A-Z]?)[ \t]{0,2}[:.]?[ \t]{1,20}")
# fields whose value is a date, a sum, a number: a printed name before a colon is passed over
_TYPED = {"20", "26E", "31C", "31D", "31E", "32A", "32B", "33B", "34B", "39A", "44C", "48", "71F", "71G"}
_LABEL = re.compile(r"[^:：\n\d+]{1,80}[:：][ \t]{0,4}")
_YYMMDD = re.compile(r"[ \t]{0,4}(\d{2})(\d{2})(\d{2})(?!\d)")
_RAW_AMOUNT = re.compile(r"[ \t]{0,4}([A-Z]{3})(\d{1,15}),(\d{0,3})(?![\d,.])")
# ISO 4217 minor units where they are not 2: more digits after SWIFT's decimal comma than the
# currency has decimals are a thousands group ('USD34,440' is 34440; 'KWD34,440' is 34.440)
_THREE_DECIMALS = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
_NO_DECIMALS = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
                "XOF", "XPF"}
_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_PRINTED_AMOUNT = re.compile(r"(?<![\d,.])(?:\d{1,3}(?:[,.' ]\d{3}){1,5}(?:[.,]\d{1,3})?|\d{1,15}(?:[.,]\d{1,3})?)")
_TOLERANCE = re.compile(r"(\d{1,2})[ \t]{0,2}%?[ \t]{0,2}/[ \t]{0,2}(\d{1,2})")
_PERCENT = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)[ \t]{0,2}(?:%|％|percent|pct)", re.IGNORECASE)
_DAYS = re.compile(r"(\d{1,3})[ \t]{0,2}(?:/|days?|calendar\s?days?|天|日)", re.IGNORECASE)
_ITEM = re.compile(r"[ \t]{0,6}(?:\+|\d{1,2}[.)、](?!\d)|\(\d{1,2}\)|[-•·])[ \t]{0,4}")
_MT = re.compile(r"\bMT[ \t]{0,2}(700|707|103|710|720)\b|\bfin[ \t]{0,2}(700|707|103)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    tag: str
    value: str  # the text after the tag and the field's name, lines joined with "\n"
    line: int  # the line it starts on (0: the first)


def fields(text: str) -> list[Field]:
    """Every field the text shows, in order, in any of the layouts (raw, tag and name, name alone)."""
    lines = (text or "")[:MAX_TEXT].splitlines()[:MAX_LINES]
    found: list[tuple[str, list[str], int]] = []
    for number, line in enumerate(lines):
        started = _field_start(line)
        if started is not None:
            found.append((started[0], [started[1]], number))
        elif found and len(found[-1][1]) < MAX_FIELD_LINES:
            found[-1][1].append(line)
    return [Field(tag, "\n".join(part.rstrip() for part in parts).strip(), number) for tag, parts, number in found]


def _field_start(line: str) -> tuple[str, str] | None:
    """(tag, the rest of the line after the field's name) when a field starts on this line."""
    colon = _COLON_TAG.match(line)
    if colon:
        tag, rest = colon.group(1), line[colon.end():]
        name = _NAME_OF.get(tag) or _NAME_OF.get(tag[:2])
        named = name.match(rest) if name else None
        rest = rest[named.end():] if named else rest
        if tag in _TYPED:  # a name the bank printed its own way: ":44C: LATEST DATE OF SHIP.: 260415"
            label = _LABEL.match(rest)
            rest = rest[label.end():] if label else rest
        return tag, rest
    bare = _BARE_TAG.match(line)
    if bare and bare.group(1) in _NAME_OF:
        named = _NAME_OF[bare.group(1)].match(line, bare.end())
        if named:
            return bare.group(1), line[named.end():]
    stripped = line.lstrip(" \t")
    alone = _UNTAGGED.match(stripped)
    if alone and alone.lastgroup:
        tag = _UNTAGGED_TAG[alone.lastgroup]
        named = _NAME_OF[tag].match(stripped)
        return tag, stripped[named.end() if named else alone.end():]
    return None


def by_tag(found: Sequence[Field]) -> dict[str, Field]:
    """The first field of each tag (50A, 50F and 50K are all 50's ordering party: kept under
    each tag and under "50" when "50" itself is absent)."""
    tags: dict[str, Field] = {}
    for item in found:
        tags.setdefault(item.tag, item)
    for item in found:
        if item.tag[:2] in ("50", "59") and item.tag[:2] not in tags:
            tags[item.tag[:2]] = item
    return tags


# --- values --------------------------------------------------------------------------------------

def swift_date(value: str) -> dt.date | None:
    """YYMMDD ('260506CHINA'), else a date as banks print it ('06 MAY 2026', '2026年5月6日')."""
    compact = _YYMMDD.match(value)
    if compact:
        try:
            return dt.date(2000 + int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
        except ValueError:
            return None
    return values.parse_date(value[:80])[0]


def decimals(currency: str) -> int:
    """The decimals an amount in `currency` has: 2, or 0 (JPY, KRW, ...) or 3 (KWD, BHD, ...)."""
    code = currency.upper()
    return 3 if code in _THREE_DECIMALS else 0 if code in _NO_DECIMALS else 2


def swift_amount(value: str) -> tuple[str, Decimal] | None:
    """(currency, amount): 'USD34440,00' (SWIFT: the comma is the decimal mark; 'USD34,440', with
    more digits after it than the currency has decimals, is 34440), else a printed 'USD 34,440.00'
    or '34,440.00 USD' or '美元 34,440.00'; None without a currency and an amount."""
    head = value[:200]
    raw = _RAW_AMOUNT.match(head)
    if raw:
        code, whole, fraction = raw.groups()
        if len(fraction) == 3 and decimals(code) < 3:  # 'USD34,440': a thousands comma, not SWIFT's
            return code, Decimal(whole + fraction)
        try:
            return code, Decimal(f"{whole}.{fraction}" if fraction else whole)
        except InvalidOperation:
            return None
    code = values.currency_of(head)
    if not code:
        glued = _CODE.search(head)  # 'USD34,440.00' names its code without a space
        code = values.currency_of(glued.group(1)) if glued else ""
    at = head.upper().find(code) if code else -1
    number = (_PRINTED_AMOUNT.search(head, at) if at >= 0 else None) or _PRINTED_AMOUNT.search(head)
    if not code or not number:
        return None
    amount = values.parse_number(number.group(0))
    return (code, amount) if amount is not None else None


def tolerance(value: str) -> tuple[Decimal, Decimal] | None:
    """39A as (plus, minus) percent: '05/05' -> (5, 5); '+/- 5%', '溢短装 5%' -> (5, 5)."""
    pair = _TOLERANCE.search(value[:200])
    if pair:
        return Decimal(pair.group(1)), Decimal(pair.group(2))
    one = _PERCENT.search(value[:200])
    return (Decimal(one.group(1)), Decimal(one.group(1))) if one else None


def presentation_days(value: str) -> int | None:
    """48: '21 DAYS AFTER THE DATE OF SHIPMENT', '21/' or '交单期 21 天' -> 21."""
    found = _DAYS.search(value[:300])
    return int(found.group(1)) if found else None


def items(value: str) -> tuple[str, ...]:
    """46A's documents, one by one: items start with '+', '1.', '1)', '(1)' or a dash; an item
    runs over the lines until the next one. A list with no such marks is one item per line."""
    lines = [line for line in value.splitlines() if line.strip()]
    marked = any(_ITEM.match(line) for line in lines)
    found: list[str] = []
    for line in lines:
        start = _ITEM.match(line)
        if start or not marked or not found:
            found.append(line[start.end():] if start else line)
        else:
            found[-1] += " " + line.strip()
    return tuple(" ".join(item.split())[:300] for item in found if item.strip())[:MAX_DOCUMENTS]


def message_type(text: str) -> str:
    """'700', '707', '103' when the text names its message type (MT700, fin 103), else ''."""
    found = _MT.search((text or "")[:MAX_TEXT])
    return (found.group(1) or found.group(2)) if found else ""


# --- a documentary credit (MT700) and its amendment (MT707) ---------------------------------------

@dataclass(frozen=True)
class Credit:
    """What an L/C advice (MT700) or an amendment (MT707) says; an amendment holds only what it
    changes (the rest is None or empty)."""

    amendment: bool = False
    number: str = ""  # 20: the credit's number
    issued: dt.date | None = None  # 31C
    expiry: dt.date | None = None  # 31D (31E in an amendment)
    expiry_place: str = ""
    currency: str = ""  # 32B
    amount: Decimal | None = None  # 32B (an amendment's new amount, 34B, or the old one changed by 32B/33B)
    increase: Decimal | None = None  # MT707 32B
    decrease: Decimal | None = None  # MT707 33B
    tolerance: tuple[Decimal, Decimal] | None = None  # 39A: plus and minus percent
    rules: str = ""  # 40E
    latest_shipment: dt.date | None = None  # 44C
    shipment_period: str = ""  # 44D
    loading: str = ""  # 44E
    discharge: str = ""  # 44F
    documents: tuple[str, ...] = ()  # 46A (46B in an amendment)
    conditions: str = ""  # 47A
    presentation_days: int | None = None  # 48
    amendment_number: str = ""  # 26E

    def empty(self) -> bool:
        return self == Credit(amendment=self.amendment)

    def changes(self) -> list[str]:
        """What it says, field by field, in words (an amendment: what it changes)."""
        said: list[str] = []
        if self.amount is not None:
            said.append(f"amount {self.currency} {self.amount:,.2f}".replace("  ", " "))
        if self.increase is not None:
            said.append(f"amount increased by {self.currency} {self.increase:,.2f}")
        if self.decrease is not None:
            said.append(f"amount decreased by {self.currency} {self.decrease:,.2f}")
        if self.tolerance is not None:
            said.append(f"tolerance +{self.tolerance[0]}%/-{self.tolerance[1]}%")
        for label, day in (("expiry", self.expiry), ("latest shipment", self.latest_shipment)):
            if day is not None:
                said.append(f"{label} {day.isoformat()}")
        if self.presentation_days is not None:
            said.append(f"presentation within {self.presentation_days} days")
        if self.documents:
            said.append(f"{len(self.documents)} documents required")
        return said

    def as_record(self) -> dict[str, Any]:
        """As kept on the document (JSON): dates ISO, amounts as text, only what was read."""
        record: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if value in (None, "", ()) or (key == "amendment" and not value):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif key == "tolerance":
                value = [str(value[0]), str(value[1])]
            elif isinstance(value, tuple):
                value = list(value)
            record[key] = value
        return record


def credit_from_record(record: Mapping[str, Any]) -> Credit:
    """A Credit back from `as_record` (what a document keeps); what does not read is left out."""
    def day(key: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(record[key])[:10]) if record.get(key) else None
        except ValueError:
            return None

    def number(key: str) -> Decimal | None:
        try:
            return Decimal(str(record[key])) if record.get(key) not in (None, "") else None
        except InvalidOperation:
            return None

    plus_minus = record.get("tolerance")
    tol = None
    if isinstance(plus_minus, list | tuple) and len(plus_minus) == 2:
        try:
            tol = (Decimal(str(plus_minus[0])), Decimal(str(plus_minus[1])))
        except InvalidOperation:
            tol = None
    days = record.get("presentation_days")
    return Credit(
        amendment=bool(record.get("amendment")), number=str(record.get("number") or ""), issued=day("issued"),
        expiry=day("expiry"), expiry_place=str(record.get("expiry_place") or ""),
        currency=str(record.get("currency") or ""), amount=number("amount"), increase=number("increase"),
        decrease=number("decrease"), tolerance=tol, rules=str(record.get("rules") or ""),
        latest_shipment=day("latest_shipment"), shipment_period=str(record.get("shipment_period") or ""),
        loading=str(record.get("loading") or ""), discharge=str(record.get("discharge") or ""),
        documents=tuple(str(d) for d in record.get("documents") or ())[:MAX_DOCUMENTS],
        conditions=str(record.get("conditions") or ""),
        presentation_days=days if isinstance(days, int) else None,
        amendment_number=str(record.get("amendment_number") or ""))


def _one_line(value: str, limit: int = 200) -> str:
    return " ".join(value.split())[:limit]


def _first_word(value: str) -> str:
    """A reference (20): SWIFT's has no spaces, so a printed "LC2603GM118 (our ref.)" is its first word."""
    return (value[:200].split() or [""])[0][:40]


def read_credit(text: str, amendment: bool = False) -> Credit:
    """An MT700 (or, `amendment` or an MT707 named in the text, an MT707) in any layout."""
    amendment = amendment or message_type(text) == "707"
    tags = by_tag(fields(text))

    def value(*names: str) -> str:
        return next((tags[n].value for n in names if n in tags), "")

    expiry_text = value("31E", "31D") if amendment else value("31D")
    expiry = swift_date(expiry_text) if expiry_text else None
    compact = _YYMMDD.match(expiry_text)
    place = expiry_text[compact.end():] if compact else ""
    currency, amount, increase, decrease = "", None, None, None
    new_amount = swift_amount(value("34B")) if amendment else None
    if amendment:
        up, down = swift_amount(value("32B")), swift_amount(value("33B"))
        increase, decrease = (up[1] if up else None), (down[1] if down else None)
        currency = next((found[0] for found in (new_amount, up, down) if found), "")
        amount = new_amount[1] if new_amount else None
    else:
        said = swift_amount(value("32B"))
        currency, amount = (said[0], said[1]) if said else ("", None)
    shipment = value("44C")
    return Credit(
        amendment=amendment, number=_first_word(value("20")), issued=swift_date(value("31C")) if "31C" in tags else None,
        expiry=expiry, expiry_place=_one_line(place, 60), currency=currency, amount=amount, increase=increase,
        decrease=decrease, tolerance=tolerance(value("39A")) if "39A" in tags else None, rules=_one_line(value("40E")),
        latest_shipment=swift_date(shipment) if shipment else None, shipment_period=_one_line(value("44D")),
        loading=_one_line(value("44E")), discharge=_one_line(value("44F")),
        documents=items(value("46B", "46A") if amendment else value("46A")),
        conditions=_one_line(value("47A"), 2000),
        presentation_days=presentation_days(value("48")) if "48" in tags else None,
        amendment_number=_one_line(value("26E"), 10))


def apply(credit: Credit, amendment: Credit) -> Credit:
    """The credit as an amendment leaves it: each field it gives replaces the credit's, the
    amount is the new amount (34B) or the old one increased (32B) or decreased (33B)."""
    amount = credit.amount
    if amendment.amount is not None:
        amount = amendment.amount
    elif amount is not None:
        amount = amount + (amendment.increase or 0) - (amendment.decrease or 0)
    return Credit(
        number=credit.number or amendment.number, issued=credit.issued, expiry=amendment.expiry or credit.expiry,
        expiry_place=amendment.expiry_place if amendment.expiry else credit.expiry_place,
        currency=credit.currency or amendment.currency, amount=amount,
        tolerance=amendment.tolerance or credit.tolerance, rules=credit.rules,
        latest_shipment=amendment.latest_shipment or credit.latest_shipment,
        shipment_period=amendment.shipment_period or credit.shipment_period,
        loading=amendment.loading or credit.loading, discharge=amendment.discharge or credit.discharge,
        documents=amendment.documents or credit.documents, conditions=credit.conditions,
        presentation_days=amendment.presentation_days if amendment.presentation_days is not None
        else credit.presentation_days)


# --- a customer transfer (MT103) and the advices banks write --------------------------------------

@dataclass(frozen=True)
class Remittance:
    """What a transfer or an advice says was paid: the amount the payer sent (the instructed or
    remitted amount), the charges taken on the way and what reached the account, each as read."""

    amount: Decimal
    currency: str
    value_date: dt.date | None = None
    reference: str = ""
    charges: Decimal | None = None
    charges_currency: str = ""
    net: Decimal | None = None  # what was credited
    charges_by: str = ""  # 71A: OUR, SHA or BEN
    payer: str = ""  # 50a
    payee: str = ""  # 59
    read_from: str = ""  # which field or line the amount came from, in words


_CHARGES_BY = re.compile(r"\b(OUR|SHA|BEN)\b")
# an advice's lines, by what they say; a line is one of these by its label
_REMITTED = re.compile(
    r"(?:instructed[ \t]?amount|remittance[ \t]?amount|remitted[ \t]?amount|amount[ \t]?remitted|transfer[ \t]?amount|"
    r"payment[ \t]?amount|original[ \t]?amount|order[ \t]?amount|汇款金额|匯款金額|付款金额|付款金額|原始金额|汇出金额|匯出金額)"
    r"[^\n\d]{0,30}", re.IGNORECASE)
_CHARGES = re.compile(
    r"(?:bank[ \t]?charges?|\b(?:our|your|their|correspondent|intermediary|handling|remittance|transfer)[ \t]?(?:bank[ \t]?)?"
    r"(?:charges?|fees?|commission)|\bcharges?[ \t]?deducted|\bcharges\b|\bfees?\b|\bcommission\b|手续费|手續費|银行费用|銀行費用|"
    r"扣费|扣費|费用|費用)[^\n\d]{0,30}", re.IGNORECASE)
_NET = re.compile(
    r"(?:net[ \t]?amount|amount[ \t]?credited|credited[ \t]?amount|credit[ \t]?amount|net[ \t]?credit|入账金额|入賬金額|"
    r"实收金额|實收金額|净额|淨額|到账金额|到賬金額)[^\n\d]{0,30}", re.IGNORECASE)
_AMOUNT_LINE = re.compile(r"(?:\bamount\b|\bsum\b|金额|金額)[^\n\d]{0,30}", re.IGNORECASE)
_VALUE_DATE = re.compile(r"(?:value[ \t]?date|val(?:ue)?\.?[ \t]?dt|起息日|入账日期|入賬日期|交易日期|date[ \t]?of[ \t]?payment|"
                         r"payment[ \t]?date)[^\n\d]{0,20}", re.IGNORECASE)
_REFERENCE = re.compile(r"(?:UETR|TRN|transaction[ \t]?ref(?:erence)?|our[ \t]?ref(?:erence)?|bank[ \t]?ref(?:erence)?|"
                        r"reference(?:[ \t]?no\.?)?|ref\.?[ \t]?no\.?|:20:|流水号|流水號|业务编号|業務編號)"
                        r"[\s:#.：]{0,5}([A-Za-z0-9][A-Za-z0-9/-]{5,40})", re.IGNORECASE)
_MONEY = re.compile(r"(USD|EUR|CNY|RMB|GBP|HKD|JPY|TWD|US\$|\$|€|¥|￥)[ \t]{0,2}"
                    r"(\d{1,3}(?:[, ]\d{3}){1,5}(?:\.\d{1,2})?|\d{1,15}(?:\.\d{1,2})?)"
                    r"|(?<![\d,.])(\d{1,3}(?:,\d{3}){1,5}(?:\.\d{2})?|\d{1,15}\.\d{2})[ \t]{0,2}(USD|EUR|CNY|RMB|GBP|HKD)",
                    re.IGNORECASE)


def _money(text: str) -> tuple[Decimal, str] | None:
    """The first sum with a currency in `text`."""
    found = _MONEY.search(text)
    if not found:
        return None
    code, number = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    try:
        amount = Decimal(number.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return amount, values.currency_of(code) or code.upper()


def _after(label: re.Pattern[str], text: str, skip: Sequence[re.Pattern[str]] = ()) -> tuple[Decimal, str] | None:
    """The sum after the first `label` that has one on its line, passing over a label inside one
    of `skip`'s ("Net amount" and "Bank charges amount" are no "amount" line). The first
    `MAX_LABELS` labels are tried, each with `_AROUND` characters of its line either side."""
    for found in islice(label.finditer(text), MAX_LABELS):
        start = max(text.rfind("\n", max(0, found.start() - _AROUND), found.start()) + 1, found.start() - _AROUND)
        end = text.find("\n", found.end(), found.end() + _AROUND)
        end = end if end >= 0 else min(len(text), found.end() + _AROUND)
        line = text[start:end]
        at = found.start() - start
        if any(m.start() <= at < m.end() for other in skip for m in other.finditer(line)):
            continue
        said = _money(text[found.start():end])
        if said:
            return said
    return None


def _transfer(tags: Mapping[str, Field], text: str) -> Remittance | None:
    """An MT103 by its fields: the instructed amount (33B) is what the payer sent; 32A is what
    was settled (the net after the sender's charges, 71F), and its date the value date. What
    the fields do not give (a printed copy's "Charges" line) is read as an advice's."""
    settled = tags.get("32A")
    instructed = swift_amount(tags["33B"].value) if "33B" in tags else None
    day, net = None, None
    if settled is not None:
        compact = _YYMMDD.match(settled.value)
        day = swift_date(settled.value)
        net = swift_amount(settled.value[compact.end():] if compact else settled.value)
    if instructed is None and net is None:
        return None
    paid, how = (instructed, "SWIFT field 33B (instructed amount)") if instructed else (net, "SWIFT field 32A")
    assert paid is not None
    charged = [c for c in (swift_amount(tags[t].value) for t in ("71F", "71G") if t in tags) if c]
    charges = (charged[0][0], sum((c[1] for c in charged), Decimal(0))) if charged else None
    if charges is None:
        printed = _after(_CHARGES, text)
        charges = (printed[1], printed[0]) if printed else None
    if net is None:
        printed = _after(_NET, text, (_CHARGES,))
        net = (printed[1], printed[0]) if printed else None
    by = _CHARGES_BY.search(tags["71A"].value) if "71A" in tags else None
    reference = _first_word(tags["20"].value) if "20" in tags else _reference(text)
    return Remittance(paid[1], values.currency_of(paid[0]) or paid[0], day or _value_date(text), reference,
                      charges[1] if charges else None, charges[0] if charges else "", net[1] if net else None,
                      by.group(1) if by else "", _one_line(tags["50"].value, 120) if "50" in tags else "",
                      _one_line(tags["59"].value, 120) if "59" in tags else "", how)


def read_remittance(text: str) -> Remittance | None:
    """What a bank slip, an MT103 copy, a remittance advice or a credit advice says was paid
    (English or Chinese): the remitted amount, never the charges line; charges and the net
    amount credited kept beside it. When an advice gives only the amount credited and the
    charges, the amount paid is their sum. None when no amount with a currency is found."""
    text = (text or "")[:MAX_TEXT]
    transfer = _transfer(by_tag(fields(text)), text)
    if transfer is not None:
        return transfer
    charges = _after(_CHARGES, text)
    net = _after(_NET, text, (_CHARGES,))
    remitted = _after(_REMITTED, text)
    how = "the remitted amount"
    if remitted is None:
        remitted = _after(_AMOUNT_LINE, text, (_CHARGES, _NET))
        how = "the amount line"
    if remitted is None and net is not None:
        same = charges is not None and charges[1] == net[1]
        remitted = (net[0] + charges[0], net[1]) if same and charges else net
        how = "the amount credited plus the charges" if same else "the amount credited"
    if remitted is None:
        first = _money(text)
        if first is None or (charges is not None and first == charges):
            return None
        remitted, how = first, "the first sum with a currency"
    if remitted[0] <= 0:
        return None
    return Remittance(remitted[0], remitted[1], _value_date(text), _reference(text),
                      charges[0] if charges else None, charges[1] if charges else "",
                      net[0] if net else None, read_from=how)


def _value_date(text: str) -> dt.date | None:
    dated = _VALUE_DATE.search(text)
    return swift_date(text[dated.end(): dated.end() + 40]) if dated else None


def _reference(text: str) -> str:
    found = _REFERENCE.search(text)
    return found.group(1) if found else ""

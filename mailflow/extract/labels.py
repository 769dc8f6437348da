"""Labelled values in a document's layout text, in English, Simplified and Traditional Chinese.

Layout text keeps a page's columns apart with runs of spaces, so each line is read as segments:
text separated by two or more spaces, with the columns it spans. A label starts a segment
(after a clause number such as "2."), and its value is found where buyers put it:

- after it in the same segment: `PO No.: 4500871`, `P/O No.: PO-2612-001` (our P/O), `订单编号：JM-CG-03`, `PO # HMS-77412`;
- in the next segment of the line: `Currency         USD`;
- below it, in the same columns: `PO Number` over `PO-88123` (a strip of labels above values).

`中文 English:` is one label (付款方式 Payment:, 形式发票号 P/I No.:), so its English half is
never taken for the value; and a value that is itself a label is no value.

Every pattern is anchored at a segment's start and bounded, so a line of thousands of spaces
costs a step per character.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass

CJK = "\u3400-\u9fff\uf900-\ufaff"

# English labels; a space is `[ ]` (segments hold single spaces only).
_ENGLISH: dict[str, str] = {
    "reference": r"your[ ]ref(?:erence|\.)?(?:[ ]no\.?)?|buyer'?s[ ](?:p\.?[ ]?o\.?|order)[ ]?(?:no\.?|number|#)|"
                 r"customer[ ](?:p\.?[ ]?o\.?|order)[ ]?(?:no\.?|number|#)",
    "number": r"(?:p\.?[ ]?o\.?|p/o|purchase[ ]order|order|p\.?[ ]?i\.?|p/i|proforma[ ]invoice|invoice|contract|"
              r"s/?c|sales[ ]contract)[ ]?(?:no\.?|number|nr\.?|#)(?:/date)?|bestell(?:ung)?[ ]?(?:nummer|nr\.?)|"
              r"purchase[ ]order(?=[ ][A-Z]{0,4}[-/]?\d)|p\.?o\.?(?=[ ]?#|[ ][A-Z]{0,4}-?\d)",
    "order_date": r"(?:order|po|p\.o\.|purchase[ ]order|issue|invoice|document|contract)?[ ]?date|bestelldatum|datum",
    "delivery_date": r"(?:requested[ ]|required[ ])?(?:delivery|shipment|ship)[ ](?:date|time)|"
                     r"(?:requested[ ])?delivery|required[ ]by|need(?:ed)?[ ]by|(?:required[ ])?etd|"
                     r"latest[ ]shipment|(?:time|date)[ ]of[ ](?:shipment|delivery)|liefertermin|lieferdatum",
    "buyer": r"(?:the[ ])?buyer(?!'|’|[ ](?:contact|order|ref|po|no|item|code|art|sign|confirm))|"
             r"customer(?![ ](?:po|order|ref|no|code|item|part|art))|bill[ ]to|sold[ ]to|invoice[ ]to|messrs\.?|käufer",
    "seller": r"(?:the[ ])?seller|(?:supplier|vendor)(?!'?s?[ ](?:code|item|part|art|ref))|beneficiary|lieferant",
    "currency": r"currency|währung",
    "incoterm": r"incoterms?(?:[ ]20\d\d)?|(?:trade|price|delivery|shipping|ship)[ ]terms?|terms[ ]of[ ]price|"
                r"lieferbedingung(?:en)?",
    "payment_terms": r"payment[ ]terms?|terms[ ]of[ ]payment|payment|zahlungsbedingung(?:en)?",
    "total": r"grand[ ]total|total[ ]net[ ]value(?:[ ]excl\.?[ ]tax)?|total[ ]contract[ ]value|"
             r"total[ ](?:amount|value)|order[ ]total|sub[ -]?total|total|summe(?:[ ]/[ ]total)?|"
             r"gesamtbetrag|amount[ ]due",
}
# Chinese labels: the whole run of Chinese characters must be the label (交货地址 is no 交货期).
_CHINESE: dict[str, str] = {
    "reference": "客户订单号|客戶訂單號|客户单号|贵司订单号|貴司訂單號",
    "number": "订单号|订单编号|订单号码|采购单号|采购订单号|合同号|合同编号|发票号|形式发票号|"
              "訂單號|訂單編號|訂單號碼|採購單號|合約編號|發票號碼|形式發票號",
    "order_date": "日期|订单日期|下单日期|订购日期|采购日期|签订日期|訂單日期|下單日期|訂購日期|採購日期|開單日期",
    "delivery_date": "交货期|交货日期|交期|船期|到货日期|交貨期|交貨日期|出貨日期",
    "buyer": "买方|買方|客户|客戶|购货方|購貨方|购买方|采购方|採購方|需方|订购方|訂購方",
    "seller": "卖方|賣方|供应商|供應商|供方|厂商|廠商|廠商名稱|受益人",
    "currency": "币种|币别|货币|幣別|幣種|貨幣",
    "incoterm": "贸易条款|价格条款|交货条件|贸易方式|貿易條款|價格條款|交貨條件",
    "payment_terms": "付款方式|付款条件|支付方式|结算方式|付款|付款條件|結算方式",
    "total": "合计|总计|总金额|总额|总价|合計|總計|總金額|總額|總價",
}
FIELDS = tuple(_ENGLISH)  # reference before number: 客户订单号 Buyer's PO No. is a reference

# Labels of things the reader does not keep: a value is never one of these either.
_OTHER = (r"(?i)(?:ship[ ]to|deliver[ ]to|delivery[ ]address|ship[ ]via|requisitioner|(?:buyer|our)[ ]contact|"
          r"contact|attention|attn\.?|notes?|remarks?|telephone|tel\.?|fax|e-?mail|address|purchasing[ ]org\.?|"
          r"purchasing[ ]group|signed[ ]at|port[ ]of[ ](?:loading|discharge)|order[ ]details|terms|"
          rf"[{CJK}]{{1,8}})[ ]?[:：]?")

_NOTE = r"(?:[ ]?[（(][^）)]{1,12}[）)])?"  # (USD), （盖章）, （未稅）
_TRANSLATION = r"(?:[ ]{1,3}[A-Za-z][A-Za-z .'’/&-]{0,30}?(?=[ ]?[:：]))?"  # 付款方式 Payment:


def _pattern(field: str) -> re.Pattern[str]:
    english, chinese = _ENGLISH[field], _CHINESE[field]
    label = (rf"(?:{chinese})(?![{CJK}]){_NOTE}{_TRANSLATION}"
             rf"|[{CJK}]{{1,8}}[ ]{{1,3}}(?:{english})(?![A-Za-z]){_NOTE}"
             rf"|(?:{english})(?![A-Za-z]){_NOTE}")
    return re.compile(rf"(?i)(?:\d{{1,2}}[.)][ ]{{1,3}})?(?P<label>{label})"
                      rf"(?P<sep>[ ]?[:：#]|[ ][–—][ ])?[ ]?")


@functools.cache  # compiled on first use (some 70 ms): a process that reads no document never pays it
def _patterns() -> dict[str, re.Pattern[str]]:
    return {field: _pattern(field) for field in FIELDS}


@functools.cache
def _other() -> re.Pattern[str]:
    return re.compile(_OTHER)


def preload() -> None:
    """Compile the label patterns now: a worker does before it forks a child per document."""
    _patterns()
    _other()


@dataclass(frozen=True)
class Segment:
    """Text between runs of two or more spaces, and the columns it spans on its line."""

    start: int
    end: int
    text: str


_SEGMENT = re.compile(r"\S+(?: \S+)*")  # words and single spaces: never backtracks


def segments(line: str) -> list[Segment]:
    return [Segment(m.start(), m.end(), m.group()) for m in _SEGMENT.finditer(line)]


def page_lines(text: str) -> list[str]:
    """The text's lines, tabs as column gaps, a form feed (page break) as an empty line."""
    return text.expandtabs(4).replace("\f", "\n").split("\n")


@dataclass(frozen=True)
class Labelled:
    """A value found behind its label. `how`: "after" it (a colon between), "inline" (a space
    between, no colon), "beside" (the next column) or "below"; `rest`: the line from the value
    on (a total's amount may sit columns away, past the words of its label)."""

    field: str
    label: str
    value: str
    how: str
    rest: str

    @property
    def source(self) -> str:
        return f"{self.label} {self.value}".strip()


@functools.lru_cache(maxsize=4096)  # a page repeats its labels; hostile text repeats them a lot
def match_label(text: str) -> tuple[str, re.Match[str]] | None:
    """The field whose label starts `text`, and the match; the longest label wins
    (`Delivery Terms` is an Incoterm label, not a delivery date)."""
    best: tuple[str, re.Match[str]] | None = None
    for field, pattern in _patterns().items():
        match = pattern.match(text)
        if match and (best is None or len(match.group("label")) > len(best[1].group("label"))):
            best = (field, match)
    return best


def is_label(text: str) -> bool:
    """True when the text is a label and nothing else: `Order Date`, `Buyer Contact`, `备注：`."""
    text = text.strip()
    found = match_label(text)
    if found and found[1].end() >= len(text):
        return True
    other = _other().fullmatch(text)
    return other is not None and not re.fullmatch(rf"[{CJK}]{{1,8}}", text)


def strip_label(value: str) -> str:
    """A value never starts with a label: 'Payment: 30% T/T' -> '30% T/T'."""
    found = match_label(value)
    if found and found[1].group("sep"):
        return value[found[1].end():].strip()
    return value


def labelled_values(text: str, skip: Collection[int] = ()) -> list[Labelled]:
    """Every labelled value in the text, in reading order. Lines in `skip` (the header rows of
    item tables, whose `Total` is a column, not an amount) are not read."""
    lines = page_lines(text)
    rows = [segments(line) for line in lines]
    found: list[Labelled] = []
    for number, row in enumerate(rows):
        if number in skip:
            continue
        for index, segment in enumerate(row):
            matched = match_label(segment.text)
            if matched is None:
                continue
            field, match = matched
            label = match.group("label")
            value = segment.text[match.end():].strip()
            rest = lines[number][segment.start + match.end():].strip()
            how = "after" if match.group("sep") else "inline"
            if not value:
                value, how = _beside_or_below(rows, number, index)
                rest = lines[number][row[index + 1].start:].strip() if how == "beside" else value
            value = strip_label(value)
            if value and not is_label(value):
                found.append(Labelled(field, label, value, how, rest))
    return found


def _beside_or_below(rows: Sequence[Sequence[Segment]], number: int, index: int) -> tuple[str, str]:
    """The value of a label that ends its segment: the next segment on the line unless that is
    a label too (a strip of labels), else the text below it in the same columns."""
    row = rows[number]
    if index + 1 < len(row) and not is_label(row[index + 1].text):
        return row[index + 1].text, "beside"
    label = row[index]
    seen = 0
    for below in rows[number + 1:number + 6]:
        if not below:
            continue
        seen += 1
        first = bisect_left(below, label.start - 1, key=lambda s: s.end)  # segments are in order
        if first < len(below) and below[first].start <= label.end + 6:
            value = below[first].text
            return ("", "below") if is_label(value) else (value, "below")
        if seen == 3:
            break
    return "", "below"

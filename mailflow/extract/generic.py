"""The generic order reader: order details from a document's text and tables, no template needed.

Works on what any reader gives: text (pdfplumber's layout text, a mail body, a spreadsheet's
cells joined) and tables (rows of cells). Every field carries a confidence and the text it came
from, so nothing is guessed silently:

- 0.9: found behind its label (`PO No.:`, `订单号：`), or a line item whose quantity x unit
  price agrees with its amount;
- 0.6: found by its shape alone (an Incoterm in the text, the only currency code mentioned);
- 0.4: ambiguous (a date that reads as day/month or month/day): shown, not used.

Fields below USE_CONFIDENCE are reported but left out of the order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mailflow.model import LineItem

USE_CONFIDENCE = 0.5

Table = Sequence[Sequence[str | None]]


@dataclass(frozen=True)
class Found:
    """One field the reader found: its value, how sure it is, and the text it came from."""

    name: str
    value: object
    confidence: float
    source: str
    note: str = ""


# --- numbers and dates -----------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:[,.' \u00a0]\d{3})+|\d+)(?:[.,]\d+)?")


def parse_number(text: str | None, *, price: bool = False) -> Decimal | None:
    """'12,500' '1.2350' '15,437.50' '1.234,56' '1 234,5' -> Decimal; None when it is no number.

    The last separator followed by other than exactly three digits is the decimal point; a
    single separator followed by exactly three digits is a thousands separator (12,500) unless
    it is a dot after a leading 0 (0.125), or a dot in a unit price (`price`: 57.809 a yard)."""
    if text is None:
        return None
    cleaned = re.sub(r"[^\d,.'\-+ \u00a0]", "", str(text)).strip().replace("\u00a0", " ")
    cleaned = cleaned.replace("'", "").replace(" ", "")
    if not cleaned or not re.search(r"\d", cleaned):
        return None
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("+-")
    separators = [i for i, c in enumerate(cleaned) if c in ",."]
    if separators:
        last = separators[-1]
        tail = cleaned[last + 1:]
        mark = cleaned[last]
        others = {cleaned[i] for i in separators[:-1]}
        if others and mark in others:  # 1,234,567 or 1.234.567: all thousands
            cleaned = cleaned.replace(mark, "")
        elif others:  # 1.234,56 or 1,234.56: the other mark groups thousands
            cleaned = cleaned.replace(others.pop(), "").replace(mark, ".")
        elif len(tail) == 3 and not (mark == "." and (price or cleaned[:last] in ("0", ""))):
            cleaned = cleaned.replace(mark, "")
        else:
            cleaned = cleaned.replace(mark, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return -value if negative else value


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATE_PATTERNS = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"), "ymd"),
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})[-\s./]*([A-Za-z]{3,9})\.?[-\s.,/]*(\d{4})\b"), "d_mon_y"),
    (re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"), "mon_d_y"),
    (re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b"), "dmy_or_mdy"),
]


def parse_date(text: str) -> tuple[dt.date | None, float, str]:
    """The first date in `text`: (date, confidence, note). Day/month order that cannot be told
    apart (03/04/2026) gives the day-first reading with low confidence and a note."""
    for pattern, kind in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                if kind == "ymd":
                    y, m, d = (int(g) for g in match.groups())
                    return dt.date(y, m, d), 0.9, ""
                if kind in ("d_mon_y", "mon_d_y"):
                    a, b, c = match.groups()
                    day, month_name = (a, b) if kind == "d_mon_y" else (b, a)
                    month = _MONTHS.get(month_name[:3].lower())
                    if month is None:
                        continue
                    return dt.date(int(c), month, int(day)), 0.9, ""
                a, b, year = (int(g) for g in match.groups())
                if a > 12 >= b:
                    return dt.date(year, b, a), 0.9, ""
                if b > 12 >= a:
                    return dt.date(year, a, b), 0.9, ""
                return dt.date(year, b, a), 0.4, f"{match.group(0)} may be day/month or month/day"
            except ValueError:
                continue
    return None, 0.0, ""


# --- labelled header fields ------------------------------------------------------------------

_SEP = r"\s*(?:[:：#]|No\.?\s*[:：]?)?\s*"
_LABELS: dict[str, str] = {
    "number": r"(?:p\.?\s?o\.?|purchase\s+order|(?:buyer'?s?\s+)?order|p\.?\s?i\.?|proforma\s+invoice|"
              r"invoice|contract|s/?c|sales\s+contract)\s*(?:no\.?|number|nr\.?|#)|"
              r"p\.?o\.?(?=\s*[:#]?\s*[A-Z]{0,4}-?\d)|订单号|订单编号|采购单号|合同号|发票号|形式发票号|訂單號",
    "order_date": r"(?:order|po|p\.o\.|issue|invoice)?\s*date(?!\s*of\s+delivery)|日期|订单日期|下单日期|訂單日期",
    "delivery_date": r"(?:requested\s+)?(?:delivery|shipment|ship)\s*(?:date|time)?|etd|交货期|交货日期|交期|船期|交貨期",
    "buyer": r"(?:buyer|customer)(?!'|’|\s*(?:order|ref|po|no|item|code|art))|bill\s+to|sold\s+to|"
             r"messrs\.?|买方|客户|购货方|采购方|買方",
    "currency": r"currency|币种|货币|幣種",
    "incoterm": r"incoterms?(?:\s*20\d\d)?|trade\s+terms?|price\s+terms?|delivery\s+terms?|贸易条款|价格条款|交货条件|貿易條款",
    "payment_terms": r"payment\s+terms?|terms\s+of\s+payment|payment|付款方式|付款条件|支付方式|付款條件|付款",
    "total": r"grand\s+total|total\s+amount|total\s+value|total|合计|总计|总金额|总额|合計|總計",
}


def _inline(pattern: str) -> str:
    """`\\s` -> `[ \\t]`: a label and its value stay on one line."""
    return pattern.replace("\\s", "[ \\t]")


# A label starts a line, a layout column (after two spaces) or a table cell (after |); its value
# runs to the end of the line or to the next column. Lookbehinds rather than `\s{2,}`: the
# long runs of spaces in layout text then cost a step each instead of a backtracking search.
_LABEL_RE = {name: re.compile(rf"(?im)(?:^[ \t]*|(?<=[ \t]{{2}})(?=\S)|(?<=\|)[ \t]*)(?P<label>{_inline(rx)})"
                              rf"{_inline(_SEP)}(?P<value>\S.*?)(?=[ \t]{{3,}}|$)")
             for name, rx in _LABELS.items()}

_CODE = re.compile(r"[A-Z0-9][A-Z0-9\-/_.]{2,}[A-Z0-9]", re.IGNORECASE)
CURRENCIES = ("USD", "EUR", "GBP", "CNY", "RMB", "JPY", "HKD", "AUD", "CAD", "CHF", "SGD", "INR",
              "KRW", "AED", "SAR", "TRY", "MXN", "BRL", "PLN", "SEK", "NOK", "DKK", "NZD", "ZAR")
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "人民币": "CNY",
            "美元": "USD", "欧元": "EUR"}
_CURRENCY_RE = re.compile(r"\b(" + "|".join(CURRENCIES) + r")\b")
INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP", "DAT",
             "C&F", "CNF")
_INCOTERM_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(t) for t in INCOTERMS) +
                          r")(?![A-Za-z])(?:[ \t]+(?P<place>[A-Z][A-Za-z]+(?:[ \t][A-Z][A-Za-z]+)?|[\u4e00-\u9fff]{2,6}))?")
_PAYMENT_RE = re.compile(r"(?i)\b(?:T/T|TT|L/C|LC at sight|D/P|D/A|O/A|net \d+ days?)(?![\w/])|定金|预付|见提单|信用证|电汇")


_LOOSE_NUMBER = re.compile(r"(?i)\b(?:P\.?O\.?|order)\s*(?:no\.?|#)?\s*[:：]?\s*([A-Z]{0,4}-?\d[\w-]{3,})")
_NEXT_LABEL = re.compile(r"\s(?:[\u4e00-\u9fff]{2,5}|[A-Z][A-Za-z./ ]{1,20}?)[:：]")


def _labelled(name: str, text: str, whole_line: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs; a value stops at the next column or where the next label on its
    line starts (`whole_line`: runs to the end of the line, as a total's columns do)."""
    pairs = []
    for match in _LABEL_RE[name].finditer(text):
        value = match.group("value").strip()
        if whole_line:
            end = text.find("\n", match.start("value"))
            value = text[match.start("value"):end if end >= 0 else len(text)].strip()
        cut = _NEXT_LABEL.search(value)
        pairs.append((match.group("label"), value[:cut.start()].strip() if cut else value))
    return pairs


_PROSE_LABEL_RE = {name: re.compile(rf"(?i)\b(?P<label>{_inline(_LABELS[name])})[ \t]*[:：]?[ \t]*(?P<value>[^\n]+)")
                   for name in ("order_date", "delivery_date")}


def _labelled_in_prose(name: str, text: str) -> list[tuple[str, str]]:
    """A label in the middle of a sentence (a mail body): read with less confidence."""
    return [(m.group("label"), m.group("value").strip()) for m in _PROSE_LABEL_RE[name].finditer(text)]


def currency_of(text: str) -> str:
    text = text.strip()
    found = _CURRENCY_RE.search(text.upper())
    if found:
        return "CNY" if found.group(1) == "RMB" else found.group(1)
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    return ""


def read_header(text: str) -> list[Found]:
    """Number, dates, buyer, currency, Incoterm, payment terms and total from labelled text."""
    found: list[Found] = []
    numbers: list[str] = []
    for label, value in _labelled("number", text):  # the first is the document's own number
        token = _CODE.search(value)
        number = token.group(0).rstrip(".-/") if token else ""
        if number and re.search(r"\d", number) and number not in numbers and len(numbers) < 4:
            numbers.append(number)
            found.append(Found("number", number, 0.9, f"{label} {value}"))
    if not numbers:
        unlabelled = _LOOSE_NUMBER.search(text)
        if unlabelled:
            found.append(Found("number", unlabelled.group(1), 0.6,
                               _line_around(text, unlabelled.start())))
    for name in ("order_date", "delivery_date"):
        for label, value, loose in [*((*pair, False) for pair in _labelled(name, text)),
                                    *((*pair, True) for pair in _labelled_in_prose(name, text))]:
            date, confidence, note = parse_date(value[:40])
            if date is not None:
                found.append(Found(name, date, min(confidence, 0.6) if loose else confidence,
                                   f"{label} {value[:60]}", note))
                break
    for label, value in _labelled("buyer", text):
        buyer = re.split(r"\s{2,}|\t|,(?=[^,]*\d)", value)[0].strip(" ,;")  # not the address
        if buyer and not re.fullmatch(r"[\W\d_]+", buyer):
            found.append(Found("buyer", buyer, 0.9, f"{label} {value}"))
            break
    for label, value in _labelled("currency", text):
        code = currency_of(value)
        if code:
            found.append(Found("currency", code, 0.9, f"{label} {value}"))
            break
    else:
        codes = Counter("CNY" if c == "RMB" else c for c in _CURRENCY_RE.findall(text.upper()))
        if len(codes) == 1:
            code = next(iter(codes))
            found.append(Found("currency", code, 0.6, f"the only currency named: {code}"))
        elif codes:
            code = codes.most_common(1)[0][0]
            found.append(Found("currency", code, 0.4, f"most named of {', '.join(sorted(codes))}",
                               "several currencies named"))
    incoterm = None
    for label, value in _labelled("incoterm", text):
        match = _INCOTERM_RE.search(value.upper() if value.isascii() else value)
        if match:
            incoterm = Found("incoterm", _incoterm_text(match, value), 0.9, f"{label} {value}")
            break
    if incoterm is None:
        match = _INCOTERM_RE.search(text)
        if match:
            line = _line_around(text, match.start())
            incoterm = Found("incoterm", _incoterm_text(match, line), 0.6, line)
    if incoterm:
        found.append(incoterm)
    for label, value in _labelled("payment_terms", text):
        if len(value) >= 3 and not re.fullmatch(r"[\d.,\s]+", value):
            found.append(Found("payment_terms", value.strip(), 0.9, f"{label} {value}"))
            break
    else:
        match = _PAYMENT_RE.search(text)
        if match:
            line = _line_around(text, match.start()).strip()
            found.append(Found("payment_terms", line[:200], 0.6, line))
    for label, value in reversed(_labelled("total", text, whole_line=True)):  # the last: grand total
        if re.search(r"sub\s*-?total|小计", label, re.IGNORECASE):
            continue
        amount = _last_number(value)
        if amount is not None:
            found.append(Found("total", amount, 0.9, f"{label} {value}"))
            code = currency_of(value)
            if code and not any(f.name == "currency" and f.confidence >= 0.9 for f in found):
                found = [f for f in found if f.name != "currency"]
                found.append(Found("currency", code, 0.9, f"{label} {value}"))
            break
    return found


def _incoterm_text(match: re.Match[str], original: str) -> str:
    term = match.group(1)
    place = match.group("place") or ""
    if place and original.isascii():  # keep the place as written, not upper-cased
        at = original.upper().find(place.upper())
        place = original[at:at + len(place)] if at >= 0 else place
    if place.upper() in ("INCOTERMS", "TERMS", "PORT"):
        place = ""
    return f"{term} {place}".strip()


def _line_around(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start:end if end >= 0 else len(text)].strip()


def _last_number(text: str) -> Decimal | None:
    numbers = [n for n in _NUMBER.findall(text) if re.search(r"\d", n)]
    return parse_number(numbers[-1]) if numbers else None


# --- line items ------------------------------------------------------------------------------

_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("unit_price", re.compile(r"(?i)unit\s*price|price\s*/?\s*unit|u/?price|^price|单价|單價")),
    ("amount", re.compile(r"(?i)amount|line\s*total|^total|^value|extension|金额|總價|总价|金額|小计")),
    ("quantity", re.compile(r"(?i)^q'?ty|quantity|^qty|^pcs$|数量|數量|订量")),
    ("unit", re.compile(r"(?i)^unit$|^uom$|^u/?m$|^units?$|单位|單位")),
    ("item_code", re.compile(r"(?i)item\s*(?:no|code|#)|^item$|^code$|article|^art\.?|sku|part\s*no|"
                             r"货号|型号|編號|编号|产品编号|款号")),
    ("description", re.compile(r"(?i)descr|product|goods|commodity|品名|描述|名称|名稱|规格|品名规格")),
]


def _header_map(row: Sequence[str | None]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, cell in enumerate(row):
        label = " ".join((cell or "").split())
        if not label:
            continue
        for name, pattern in _COLUMNS:
            if name not in mapping.values() and pattern.search(label):
                mapping[index] = name
                break
    return mapping


def _is_header(mapping: dict[int, str]) -> bool:
    names = set(mapping.values())
    return "quantity" in names and ("unit_price" in names or "amount" in names) and len(names) >= 3


def read_tables(tables: Sequence[Table]) -> tuple[list[LineItem], list[str]]:
    """Line items from tables with a recognisable header row; a table on a later page that
    has no header but the same number of columns continues the last one (multi-page tables)."""
    items: list[LineItem] = []
    notes: list[str] = []
    mapping: dict[int, str] | None = None
    width = 0
    for table in tables:
        rows = [list(r) for r in table if r and any((c or "").strip() for c in r)]
        start = 0
        for i, row in enumerate(rows[:5]):
            candidate = _header_map(row)
            if _is_header(candidate):
                mapping, width, start = candidate, len(row), i + 1
                break
        else:
            if mapping is None or (rows and len(rows[0]) != width):
                continue
        for row in rows[start:]:
            item = _row_item(row, mapping)
            if item is not None:
                items.append(item)
    return items, notes


_TOTAL_ROW = re.compile(r"(?i)^\s*(sub\s*-?total|total|grand total|合计|总计|小计|合計|總計)")


def _row_item(row: Sequence[str | None], mapping: dict[int, str]) -> LineItem | None:
    values = {name: " ".join((row[i] or "").split()) for i, name in mapping.items() if i < len(row)}
    if any(_TOTAL_ROW.match(v) for v in values.values() if v):
        return None
    quantity = parse_number(values.get("quantity"))
    if quantity is None:
        return None
    code = values.get("item_code", "")
    description = values.get("description", "")
    if not (code or description):
        return None
    return LineItem(item_code=code, description=description, quantity=quantity,
                    unit=values.get("unit", ""),
                    unit_price=parse_number(values.get("unit_price"), price=True),
                    amount=parse_number(values.get("amount")))


_NUMERIC = re.compile(r"[-+]?\d[\d,.']*")
_WITH_UNIT = re.compile(r"(\d[\d,.']*)([A-Za-z]{1,5}|[\u4e00-\u9fff]{1,2})")
_UNIT_WORD = re.compile(r"[A-Za-z]{1,6}\.?|[\u4e00-\u9fff]{1,2}")
_ITEM_CODE = re.compile(r"(?=[A-Za-z\-/_.]*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-/_.]{2,}[A-Za-z0-9]")
_MONEY_MARK = {*CURRENCIES, "$", "€", "£", "¥", "US$"}


def _text_line(line: str) -> LineItem | None:
    """One line read from its end: [no.] [code] description qty [unit] [currency] price
    [currency] [amount]. None when its end is not two or three numbers."""
    tokens = line.split()
    numbers: list[Decimal] = []
    unit = ""
    spec = False  # the leftmost number had a unit glued on (200mm): maybe a spec, not a quantity
    glued = ""
    i = len(tokens) - 1
    while i >= 0 and len(numbers) < 3:
        token = tokens[i]
        with_unit = _WITH_UNIT.fullmatch(token)
        if _NUMERIC.fullmatch(token) or with_unit:
            value = parse_number(with_unit.group(1) if with_unit else token,
                                 price=len(numbers) == 1)  # the second from the end: a price
            if value is None:
                break
            numbers.append(value)
            spec = bool(with_unit)
            glued = with_unit.group(2) if with_unit else ""
            if glued and not unit:
                unit = glued
        elif token.upper().strip(":") in _MONEY_MARK:
            pass
        elif numbers and not unit and _UNIT_WORD.fullmatch(token) and i > 0 and \
                _NUMERIC.fullmatch(tokens[i - 1]):
            unit = token
        else:
            break
        i -= 1
    if len(numbers) < 2:
        return None
    numbers.reverse()
    if len(numbers) == 3 and spec and abs(numbers[0] * numbers[1] - numbers[2]) > Decimal("0.01"):
        numbers, i = numbers[1:], i + 1  # "… 200mm 4,000 2.38": width, then quantity and price
        unit = "" if unit == glued else unit
    head = tokens[:i + 1]
    if head and re.fullmatch(r"\d{1,3}[.)]?", head[0]):
        head = head[1:]  # the line number
    code = head[0] if head and _ITEM_CODE.fullmatch(head[0]) else ""
    description = " ".join(head[1:] if code else head).strip(" -:|")
    if not (code or description) or _TOTAL_ROW.match(description):
        return None
    if len(numbers) == 3:
        quantity, price, amount = numbers
    else:
        quantity, price, amount = numbers[0], numbers[1], None
    if not quantity:
        return None
    return LineItem(item_code=code, description=description, quantity=quantity, unit=unit,
                    unit_price=price, amount=amount)


def read_text_lines(text: str, total: Decimal | None = None) -> list[LineItem]:
    """Line items written as text (a mail body, a table without ruling). Prose with numbers is
    not read as an order: a line with an amount counts only when quantity x unit price agrees
    with it, and lines without amounts only when together they add up to the document's total."""
    with_amount: list[LineItem] = []
    without: list[LineItem] = []
    for line in text.splitlines():
        item = _text_line(line)
        if item is None:
            continue
        if item.amount is None:
            without.append(item)
        elif _agrees(item):
            with_amount.append(item)
    if with_amount:
        return with_amount
    if without and total is not None:
        computed = sum((i.quantity or 0) * (i.unit_price or 0) for i in without)
        if abs(computed - total) <= max(Decimal("0.01"), total * Decimal("0.001")):
            return without
    return []


def read_generic(text: str, tables: Sequence[Table] = ()) -> tuple[list[Found], list[LineItem]]:
    """All header fields and line items the generic reader finds in one document."""
    found = read_header(text)
    items, _ = read_tables(tables)
    how = "table"
    if not items:
        total = next((f.value for f in found if f.name == "total"), None)
        items, how = read_text_lines(text, total if isinstance(total, Decimal) else None), "text"
    if items:
        agreeing = sum(1 for i in items if _agrees(i))
        if how == "text" and all(i.amount is None for i in items):  # accepted only if they add up
            found.append(Found("lines", len(items), 0.9, f"{len(items)} line(s) from the text; "
                                                         "quantity x unit price adds up to the total"))
        else:
            confidence = 0.9 if agreeing == len(items) else 0.6
            found.append(Found("lines", len(items), confidence,
                               f"{len(items)} line(s) from a {how}; {agreeing} with quantity x unit "
                               "price = amount"))
    return found, items


def _agrees(item: LineItem) -> bool:
    if item.quantity is None or item.unit_price is None or item.amount is None:
        return False
    return abs(item.quantity * item.unit_price - item.amount) <= max(Decimal("0.01"),
                                                                     item.amount * Decimal("0.005"))

"""The generic reader: order details from a document's text and tables, no template needed.

Works on what any reader gives: text (pdfplumber's layout text, a mail body, a spreadsheet's
cells joined) and tables (rows of cells). Every field carries a confidence and the text it came
from, so nothing is guessed silently:

- 0.9: found behind its label (`PO No.:`, `订单号：`, `Currency` over `USD`), or a line item
  whose quantity x unit price agrees with its amount;
- 0.6: found by its shape alone (an Incoterm in the text, the only currency named, the buyer's
  company as the letterhead of its own purchase order);
- 0.4: ambiguous (a date that reads as day/month or month/day and nothing on the page settles):
  shown, not used here; the mail's date or the party may settle it later (`dates.py`), else the
  order's checks say it failed.

Fields below USE_CONFIDENCE are reported but left out of the order. Labels are found by
labels.py, item tables read by columns.py, numbers, money and dates by values.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mailflow.extract import columns, dates, labels
from mailflow.extract.columns import Table, agrees
from mailflow.extract.labels import CJK, Labelled
from mailflow.extract.values import (
    CURRENCIES,
    both_readings,
    currencies_named,
    currency_of,
    date_order_evidence,
    last_number,
    number_style,
    parse_date,
    parse_number,
)
from mailflow.model import DateReading, LineItem

__all__ = ["CURRENCIES", "INCOTERMS", "USE_CONFIDENCE", "Found", "Table", "parse_date", "parse_number",
           "read_generic", "read_header", "read_text_lines"]

USE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Found:
    """One field the reader found: its value, how sure it is, and the text it came from."""

    name: str
    value: object
    confidence: float
    source: str
    note: str = ""
    reading: DateReading | None = None  # a date that reads both ways: its readings, and how it was read


INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP", "DAT",
             "C&F", "CNF")
_INCOTERM_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(t) for t in INCOTERMS) +
                          r")(?![A-Za-z])(?:[ \t]{1,3}(?P<place>[A-Z][A-Za-z]+(?:[ \t][A-Z][A-Za-z]+)?|"
                          r"[\u4e00-\u9fff]{2,6}))?")
_PAYMENT_RE = re.compile(r"(?i)\b(?:T/T|TT|L/C|LC at sight|D/P|D/A|O/A|net \d+ days?)(?![\w/])|定金|预付|见提单|信用证|电汇")
_CODE = re.compile(r"[A-Z0-9][A-Z0-9\-/_.]{2,}[A-Z0-9]", re.IGNORECASE)
_LOOSE_NUMBER = re.compile(r"(?i)\b(?:P\.?O\.?|order)[ \t]{0,2}(?:no\.?|#)?[ \t]{0,2}[:：]?[ \t]{0,2}"
                           r"([A-Z]{0,4}-?\d[\w-]{3,})")
_NEXT_LABEL = re.compile(r"\s(?:[\u4e00-\u9fff]{2,5}|[A-Z][A-Za-z./ ]{1,20}?)[:：]")
_PROSE_LABELS = {  # a date's label in the middle of a sentence: "..., delivery date 2027-02-15, ..."
    "order_date": r"(?:order|po|issue|invoice)?[ \t]?date|订单日期|日期",
    "delivery_date": r"(?:delivery|shipment|ship)[ \t]?(?:date|time)?|etd|交货期|交货日期|交期",
}
_PROSE_LABEL_RE = {name: re.compile(rf"(?i)\b(?P<label>{rx})[ \t]{{0,3}}[:：]?[ \t]{{0,3}}(?P<value>[^\n]+)")
                   for name, rx in _PROSE_LABELS.items()}


def read_header(text: str) -> list[Found]:
    """Number(s), dates, buyer, currency, Incoterm, payment terms and total from labelled text."""
    pairs = labels.labelled_values(text, skip=columns.header_lines(text))
    found = [*_numbers(text, pairs), *_dates(text, pairs), *_buyer(text, pairs)]
    found += _currency(text, pairs)
    found += _incoterm(text, pairs)
    found += _payment_terms(text, pairs)
    total = _total(text, pairs)
    if total:
        found.append(total[0])
        if total[1] and not any(f.name == "currency" and f.confidence >= 0.9 for f in found):
            found = [f for f in found if f.name != "currency"]
            found.append(Found("currency", total[1], 0.9, total[0].source))
    return found


def _of(pairs: Sequence[Labelled], name: str, *, inline: bool = True) -> list[Labelled]:
    """The values labelled `name`; `inline=False` leaves out a value after a label without a colon
    (`Payment must be made ...` is a sentence, not payment terms)."""
    return [p for p in pairs if p.field == name and (inline or p.how != "inline")]


def _own(value: str) -> str:
    """The value up to where the next label on its line starts."""
    cut = _NEXT_LABEL.search(value)
    return value[:cut.start()].strip() if cut else value.strip()


def _numbers(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    """The document's own number first (PO No., P/I No.), then the numbers it quotes (Your Ref.,
    Buyer's PO No.)."""
    found: list[Found] = []
    numbers: list[str] = []
    for pair in [*_of(pairs, "number"), *_of(pairs, "reference")]:
        token = (_CODE.match if pair.how == "inline" else _CODE.search)(pair.value)
        number = token.group(0).rstrip(".-/") if token else ""
        if re.search(r"\d", number) and number not in numbers and len(numbers) < 4:
            numbers.append(number)
            found.append(Found("number", number, 0.9, pair.source))
    if not numbers:
        loose = _LOOSE_NUMBER.search(text)
        if loose:
            found.append(Found("number", loose.group(1), 0.6, _line_around(text, loose.start())))
    return found


def _dates(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    """Order and delivery date. A date that reads both ways (10/01/2027) is read as the page's
    other dates are written (21/11/2026 on the same page: day first), or the one way that puts
    the delivery after the order date (`dates.settle_page`); otherwise it is found with both
    readings and left unused, for the mail's date or the party to settle (`dates.settle_mail`)."""
    found: list[Found] = []
    day_first, evidence = date_order_evidence(text)
    fixed: dict[str, dt.date] = {}
    both_ways: list[tuple[DateReading, Found, bool]] = []
    for name in ("order_date", "delivery_date"):
        candidates = [(p.label, p.value, False) for p in _of(pairs, name)]
        candidates += [(m.group("label"), m.group("value").strip(), True)
                       for m in _PROSE_LABEL_RE[name].finditer(text)]
        for label, value, loose in candidates:
            date, confidence, note = parse_date(value[:40])
            if date is None:
                continue
            item = Found(name, date, min(confidence, 0.6) if loose else confidence, f"{label} {value[:60]}", note)
            readings = both_readings(value[:40])
            if readings is None:
                fixed[name] = date
                found.append(item)
            else:
                both_ways.append((DateReading(name, readings[2], readings[0], readings[1]), item, loose))
            break
    settled = dates.settle_page([r for r, _, _ in both_ways], day_first, evidence, fixed)
    for reading, (_, item, loose) in zip(settled, both_ways, strict=True):
        if reading.chosen is not None:
            found.append(dataclasses.replace(item, value=reading.chosen, confidence=0.6 if loose else 0.9,
                                             note=reading.reason, reading=reading))
        else:
            found.append(dataclasses.replace(item, reading=reading))
    return found


_LEGAL_FORM = re.compile(  # capitalised as companies write them: "limited time" and "1.48/KG" are none
    r"(?<![A-Za-z])(?:C[Oo]\.?,?[ ]L(?:td|TD)\.?|C[Oo]\.?,?[ ]L(?:imited|IMITED)|P(?:te|TE)\.?[ ]L(?:td|TD)\.?|"
    r"P(?:ty|TY)\.?[ ]L(?:td|TD)\.?|P(?:vt|VT)\.?[ ]L(?:td|TD)\.?|S(?:dn|DN)\.?[ ]B(?:hd|HD)\.?|"
    r"G(?:mbH|MBH)(?:[ ]&[ ]Co\.?[ ]KG)?|L(?:td|TD)\.?|L(?:imited|IMITED)|LLC|L\.L\.C\.|I(?:nc|NC)\.?|"
    r"C(?:orp|ORP)\.?|C(?:orporation|ORPORATION)|C(?:ompany|OMPANY)|B\.V\.|N\.V\.|S\.A\.|S\.p\.A\.|S\.r\.l\.|"
    r"SRL|SARL|AG|UAB|PLC|LLP|A/S|Oy|AB|Co\.)(?![A-Za-z])")
_CHINESE_COMPANY = re.compile(rf"[{CJK}]{{2,30}}?有限公司")
_NAME_WORD = re.compile(r"[A-Z0-9&(][\w.,'’&()-]*|and|of|de|für|und")
_PERSON = re.compile(r"^(?i:mr|mrs|ms|miss|dr|herr|frau)\.?[ ]|^[A-Z]\.[ ]?[A-Za-z]|@|"  # Ms. Pimchanok S.
                     rf"^[A-Z][a-z]+(?:[ ][A-Z][a-z]+){{1,2}}$|^[{CJK}]{{2,4}}$")  # Tom Nguyen, 林佳穎
_PROFORMA = re.compile(r"(?i)pro[ -]?forma|(?<![A-Za-z])P/I(?![A-Za-z])|形式发票|形式發票|sales[ ]contract|"
                       r"sales[ ]confirmation|销售合同|銷售合同")


def _company(text: str) -> str | None:
    """The company a text names, up to its legal form ('Acme Nonwovens Co., Ltd.',
    '苏州洁美卫生用品有限公司'); None when it names none (a person, a department)."""
    chinese = _CHINESE_COMPANY.search(text)
    if chinese:
        return chinese.group(0)
    form = _LEGAL_FORM.search(text)
    name = text[:form.end()].strip(" ,;") if form else ""
    return name if form and re.search(r"[A-Za-z]{2}", text[:form.start()]) else None


def _buyer(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    """The buying company: labelled (Buyer, Bill To, Messrs., 买方) when the label holds a company
    rather than a contact person; else, on a purchase order, its letterhead (a PO is issued by
    its buyer; a proforma invoice by its seller). Never a company labelled as the seller."""
    sellers = {_plain(_company(p.value) or p.value) for p in _of(pairs, "seller")}
    others: list[Found] = []
    for pair in _of(pairs, "buyer", inline=False):
        value = re.split(r"\t|,(?=[^,]*\d)|[ ]·[ ]", _own(pair.value))[0].strip(" ,;")
        name = _company(value)
        if name and _plain(name) not in sellers:
            return [Found("buyer", _as_written(name, text), 0.9, pair.source)]
        if value and not name and not _PERSON.search(value) and not re.fullmatch(r"[\W\d_]+", value):
            others.append(Found("buyer", value, 0.6, pair.source))
    head = _letterhead(text)
    if head and _plain(head) not in sellers and not _PROFORMA.search(_first_lines(text, 15)):
        return [Found("buyer", _as_written(head, text), 0.6, f"letterhead: {head}")]
    return others[:1]


def _letterhead(text: str) -> str | None:
    """The first company named above the document's first label, in the first lines' first
    columns: a piece of a line that is a company's name and nothing else."""
    for line in _first_lines(text, 6).splitlines():
        for segment in labels.segments(line)[:4]:
            if labels.match_label(segment.text):
                return None
            for piece in re.split(r"[ ]·[ ]|[ ]\|[ ]|　", segment.text):
                name = _company(piece)
                if name and _is_name(name, piece):
                    return name
    return None


def _is_name(name: str, piece: str) -> bool:
    """'Harbor Medical Supply Inc.' is a name; 'Remitter: GREENFIELD LLC' and 'we are a trading
    company' are not."""
    if len(piece.strip(" ,.;")) > len(name) + 1 or re.search(r"[:：@]", piece):
        return False
    words = name.split()
    return bool(re.search(f"[{CJK}]", name)) or (len(words) <= 8 and all(_NAME_WORD.fullmatch(w) for w in words))


def _first_lines(text: str, count: int) -> str:
    return "\n".join([line for line in labels.page_lines(text) if line.strip()][:count])


def _plain(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).casefold()


def _as_written(name: str, text: str) -> str:
    """A name in capitals (a letterhead's HARBOR MEDICAL SUPPLY INC.) as the document writes it
    elsewhere in ordinary case (Harbor Medical Supply Inc.)."""
    if re.search(r"[a-z]", name) or not re.search(r"[A-Z]", name):
        return name
    spelled = (m.group(0) for m in re.finditer(re.escape(name), text, re.IGNORECASE))
    return next((s for s in spelled if re.search(r"[a-z]", s)), name)


def _currency(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    for pair in _of(pairs, "currency"):
        code = currency_of(pair.value)
        if code:
            return [Found("currency", code, 0.9, pair.source)]
    named = currencies_named(text)
    if len(named) == 1:
        code = next(iter(named))
        return [Found("currency", code, 0.6, f"the only currency named: {code}")]
    if named:
        code = named.most_common(1)[0][0]
        return [Found("currency", code, 0.4, f"most named of {', '.join(sorted(named))}",
                      "several currencies named")]
    return []


def _incoterm(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    for pair in _of(pairs, "incoterm"):
        value = _own(pair.value)
        match = _INCOTERM_RE.search(value.upper() if value.isascii() else value)
        if match:
            return [Found("incoterm", _incoterm_text(match, value), 0.9, pair.source)]
    match = _INCOTERM_RE.search(text)
    if match:
        line = _line_around(text, match.start())
        return [Found("incoterm", _incoterm_text(match, line), 0.6, line)]
    return []


def _incoterm_text(match: re.Match[str], original: str) -> str:
    term = match.group(1)
    place = match.group("place") or ""
    if place and original.isascii():  # keep the place as written, not upper-cased
        at = original.upper().find(place.upper())
        place = original[at:at + len(place)] if at >= 0 else place
    if place.upper() in ("INCOTERMS", "TERMS", "PORT"):
        place = ""
    return f"{term} {place}".strip()


def _payment_terms(text: str, pairs: Sequence[Labelled]) -> list[Found]:
    for pair in _of(pairs, "payment_terms", inline=False):
        value = _own(pair.value)
        value = value.removesuffix(".")  # "4. Payment: ... against B/L."
        if len(value) >= 3 and not re.fullmatch(r"[\d.,\s]+", value):
            return [Found("payment_terms", value, 0.9, pair.source)]
    match = _PAYMENT_RE.search(text)
    if match:
        line = _line_around(text, match.start())
        return [Found("payment_terms", line[:200], 0.6, line)]
    return []


def _total(text: str, pairs: Sequence[Labelled]) -> tuple[Found, str] | None:
    """The last total on the page (the grand total, after subtotals), with the currency its line
    names ('Order Total (USD):', 'TOTAL US$ 55,117.65'), or None."""
    decimal = number_style(text)
    for pair in reversed(_of(pairs, "total")):
        if re.search(r"(?i)sub[ -]?total|小计|carried|brought", f"{pair.label} {pair.value}"):
            continue
        amount = last_number(pair.rest, decimal)
        if amount is not None:
            return Found("total", amount, 0.9, f"{pair.label} {pair.rest}"), currency_of(f"{pair.label} {pair.rest}")
    return None


def _line_around(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start:end if end >= 0 else len(text)].strip()


# --- line items written as text --------------------------------------------------------------

_NUMERIC = re.compile(r"[-+]?\d[\d,.']*")
_WITH_UNIT = re.compile(r"(\d[\d,.']*)([A-Za-z]{1,5}|[\u4e00-\u9fff]{1,2})")
_UNIT_WORD = re.compile(r"[A-Za-z]{1,6}\.?|[\u4e00-\u9fff]{1,2}")
_ITEM_CODE = re.compile(r"(?=[A-Za-z\-/_.]*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-/_.]{2,}[A-Za-z0-9]")
_MONEY_MARK = {*CURRENCIES, "$", "€", "£", "¥", "US$"}
_TOTAL_WORD = re.compile(r"(?i)^\s*(sub\s*-?total|total|grand total|合计|总计|小计|合計|總計)")


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
    if not (code or description) or _TOTAL_WORD.match(description):
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
    """Line items written as text (a mail body, a table without a header the reader knows).
    Prose with numbers is not read as an order: a line with an amount counts only when quantity
    x unit price agrees with it, and lines without amounts only when together they add up to the
    document's total."""
    with_amount: list[LineItem] = []
    without: list[LineItem] = []
    for line in text.splitlines():
        item = _text_line(line)
        if item is None:
            continue
        if item.amount is None:
            without.append(item)
        elif agrees(item):
            with_amount.append(item)
    if with_amount:
        return with_amount
    return without if without and _checked(without, total) == len(without) else []


def _checked(items: Sequence[LineItem], total: Decimal | None) -> int:
    """How many lines check out: quantity x unit price is the amount, or lines without amounts
    add up to the total."""
    if any(i.amount is not None for i in items) or total is None:
        return sum(1 for i in items if agrees(i))
    computed = sum((i.quantity or 0) * (i.unit_price or 0) for i in items)
    return len(items) if abs(computed - total) <= max(Decimal("0.01"), total * Decimal("0.001")) else 0


def read_generic(text: str, tables: Sequence[Table] = ()) -> tuple[list[Found], list[LineItem]]:
    """All header fields and line items the generic reader finds in one document. Items come
    from ruled tables, else from an unruled table's columns in the layout text, else from lines
    of text that read as items."""
    found = read_header(text)
    decimal = number_style(text)
    total = next((f.value for f in found if f.name == "total" and isinstance(f.value, Decimal)), None)
    items, how = columns.read_tables(tables, decimal), "table"
    if not items:  # an unruled table, unless lines read one by one check out better
        unruled, written = columns.read_layout_table(text, decimal), read_text_lines(text, total)
        if unruled and _checked(unruled, total) >= len(written):
            items, how = unruled, "table without rules"
        else:
            items, how = written, "text"
    if items:
        agreeing = sum(1 for i in items if agrees(i))
        if how == "text" and all(i.amount is None for i in items):  # accepted only if they add up
            found.append(Found("lines", len(items), 0.9, f"{len(items)} line(s) from the text; "
                                                         "quantity x unit price adds up to the total"))
        else:
            confidence = 0.9 if agreeing == len(items) else 0.6
            found.append(Found("lines", len(items), confidence,
                               f"{len(items)} line(s) from a {how}; {agreeing} with quantity x unit "
                               "price = amount"))
    return found, items

"""Line items from item tables: ruled ones (pdfplumber's cells) and unruled ones, read from the
layout text by the columns of their header words.

A column's role comes from its header, in English, Simplified or Traditional Chinese (Material,
物料编码, 料號, Our Code, Supplier Code, Style, 品号 hold the item code; Buyer Item, Customer Code,
客户货号 the buyer's own code, kept beside ours; Net Value, Ext. Price, 金額 the amount; ...). "Item" and
"Pos." are the item code unless another column holds it, as in SAP print-outs, where "Item" is
the position (00010). A "Per" column gives the quantity a price is for (1.89 per 100 KG is 0.0189 a KG).
A quantity may carry its unit ("12,500 kg") when there is no unit column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from mailflow.extract import labels
from mailflow.extract.labels import Segment
from mailflow.extract.values import parse_number
from mailflow.model import LineItem

Table = Sequence[Sequence[str | None]]

NUMERIC = ("quantity", "unit_price", "amount", "per")
MAX_COLUMNS = 40
_WHOSE = r"(?:['’]?s)?[ ]?"  # Buyer's, Customers, Our
_CODE_WORD = r"(?:item|code|art(?:icle)?|part|ref|sku|style|model|product[ ]code)"
# The buyer's code and ours: "Buyer Item" / "Customer Code" / 客户货号 are the buyer's; "Our Code",
# "Supplier Code", "Vendor Item", 货号, 品号 are the code our cost and product lists use.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("per", re.compile(r"(?i)^per$|^price[ ]unit$")),
    ("unit_price", re.compile(r"(?i)unit[ ]?(?:price|cost)|price[ ]?/?[ ]?unit|u/?price|^(?:net[ ])?price\b|"
                              r"einzelpreis|单价|單價")),
    ("amount", re.compile(r"(?i)amount|line[ ]total|^total|^(?:net[ ])?value|extension|^ext(?:\.|ended)?\b|"
                          r"betrag|gesamtpreis|金额|金額|总价|總價|小计")),
    ("quantity", re.compile(r"(?i)^q'?ty|quantity|^pcs$|^menge|数量|數量|订量")),
    ("unit", re.compile(r"(?i)^units?$|^uom$|^u/?m$|^oun$|^einheit$|单位|單位")),
    ("buyer_code", re.compile(rf"(?i)^(?:buyer|customer|cust\.?|client|your){_WHOSE}{_CODE_WORD}|"
                              r"^(?:客户|客戶|客人|买方|買方)(?:货号|貨號|料号|料號|品号|品號|款号|款號|编号|編號|编码|編碼)|"
                              r"^客[号號]")),
    ("item_code", re.compile(rf"(?i)item[ ]?(?:code|#)|^code$|article|^art\.?[ ]?(?:no|nr)?\.?$|material|sku|"
                             rf"part[ ]?(?:no|number|#)|product[ ]code|artikel|"
                             rf"^(?:our|supplier|vendor|seller|factory|manufacturer|mfr\.?){_WHOSE}{_CODE_WORD}|"
                             r"^ref(?:erence)?\.?(?:[ ]?(?:no|#)\.?)?$|^(?:model|style)(?:[ ]?(?:no|nr|#|number|code)\.?)?$|"
                             r"物料编码|物料編碼|料号|料號|货号|貨號|品号|品號|型号|型號|产品编号|產品編號|款号|款號|"
                             r"编码|編碼|编号|編號")),
    ("item", re.compile(r"(?i)^item(?:[ ]?no\.?)?$|^pos\.?$|^position$")),
    ("position", re.compile(r"(?i)^line$|^no\.?$|^#$|^s/?n$|序号|序號|項次|项次")),
    ("description", re.compile(r"(?i)descr|short[ ]text|product|goods|commodity|bezeichnung|"
                               r"品名|描述|名称|名稱|规格|規格")),
]
_TOTAL_ROW = re.compile(r"(?i)^[ ]{0,3}(?:sub[ -]?total|total|grand[ ]total|summe|合计|总计|小计|合計|總計)")
_UNIT_AFTER = re.compile(rf"[\d.,']+[ ]?(?P<unit>[A-Za-z]{{1,6}}\.?|[{labels.CJK}]{{1,2}})")
_AMOUNT = re.compile(  # 12,500  US$ 1,032.00  € 16.354,00  USD 0.1162/m  69,000 m  28 卷
    rf"(?:[A-Z]{{3}}[ ]|[A-Z]{{0,2}}\$[ ]?|[€£¥￥][ ]?)?[-+]?\d[\d.,' ]*(?:[ ]?[A-Za-z]{{1,6}}\.?|/[ ]?[A-Za-z]{{1,6}}|[ ]?[{labels.CJK}]{{1,2}})?")
_MONEY_MARK = re.compile(r"[A-Z]{3}|[A-Z]{0,2}\$|[€£¥￥]")
_PER_UNIT = re.compile(rf"/[ ]?(?P<unit>[A-Za-z]{{1,6}}|[{labels.CJK}]{{1,2}})$")


def role_of(header: str) -> str | None:
    text = " ".join(header.split())
    return next((role for role, pattern in _ROLES if text and pattern.search(text)), None)


def header_roles(cells: Sequence[str | None]) -> dict[int, str]:
    """Column index -> role, each role once; "item" becomes the position column when another
    column holds the item code, else the item code."""
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        role = role_of(cell or "")
        if role and role not in mapping.values():
            mapping[index] = role
    has_code = "item_code" in mapping.values()
    return {i: ("position" if has_code else "item_code") if r == "item" else r for i, r in mapping.items()}


def is_header(mapping: dict[int, str]) -> bool:
    roles = set(mapping.values()) - {"position", "per"}
    return "quantity" in roles and bool(roles & {"unit_price", "amount"}) and len(roles) >= 3


def join_lines(lines: Iterable[str]) -> str:
    """Wrapped lines of a cell as one: a space between words, none where Chinese wraps (it
    wraps anywhere: 100米/ + 卷 and 1000米 + /卷 are one word, 熔喷布 + Meltblown are two)."""
    text = ""
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        chinese_before = re.search(f"[{labels.CJK}]$", text)
        if text and not (re.match(f"[{labels.CJK}]", line) or (chinese_before and re.match(r"[^\w(（]", line))):
            text += " "
        text += line
    return text


def line_item(values: dict[str, str], decimal: str | None = None) -> LineItem | None:
    """The line item in one row's cells by role; None for a total row or a row without a quantity."""
    if any(_TOTAL_ROW.match(v) for v in values.values() if v):
        return None
    quantity_text = values.get("quantity", "")
    glued = _UNIT_AFTER.fullmatch(values.get("unit", ""))
    if not quantity_text and glued:  # "7,650 公斤" run together under the unit's header
        quantity_text, values = values["unit"], {**values, "unit": glued.group("unit")}
    quantity = parse_number(quantity_text, decimal=decimal)
    code, description = values.get("item_code", ""), values.get("description", "")
    buyer_code = values.get("buyer_code", "")
    if quantity is None or not (code or buyer_code or description):
        return None
    price_text = values.get("unit_price", "")
    price = parse_number(price_text, price=True, decimal=decimal)
    per = parse_number(values.get("per"), decimal=decimal)
    if price is not None and per and per != 1:
        price = price / per
    unit = values.get("unit", "")
    if not unit:
        stated = _UNIT_AFTER.fullmatch(quantity_text.strip()) or _PER_UNIT.search(price_text.strip())
        unit = stated.group("unit") if stated else ""
    return LineItem(item_code=code, description=description, quantity=quantity, unit=unit,
                    unit_price=price, amount=parse_number(values.get("amount"), decimal=decimal),
                    buyer_code=buyer_code)


def read_tables(tables: Sequence[Table], decimal: str | None = None) -> list[LineItem]:
    """Line items from ruled tables with a recognisable header row; a table on a later page that
    has no header but the same number of columns continues the last one (multi-page tables)."""
    items: list[LineItem] = []
    mapping: dict[int, str] | None = None
    width = 0
    for table in tables:
        rows = [list(r) for r in table if r and any((c or "").strip() for c in r)]
        start = 0
        for i, row in enumerate(rows[:5]):
            candidate = header_roles(row)
            if is_header(candidate):
                mapping, width, start = candidate, len(row), i + 1
                break
        else:
            if mapping is None or (rows and len(rows[0]) != width):
                continue
        for row in rows[start:]:
            values = {role: join_lines((row[i] or "").split("\n")) for i, role in mapping.items() if i < len(row)}
            item = line_item(values, decimal)
            if item is not None:
                items.append(item)
    return items


# --- unruled tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    role: str | None  # None: a column the reader does not keep (Color, GSM, 备注)
    start: int
    end: int


def layout_header(row: Sequence[Segment]) -> list[Column] | None:
    """The columns of an item table's header line, or None when the line is no such header
    (a table has a few dozen columns at most: more would make reading its rows quadratic)."""
    if len(row) > MAX_COLUMNS or any(re.search(r"\d", s.text) for s in row):
        return None
    mapping = header_roles([s.text for s in row])
    if not is_header(mapping):
        return None
    return [Column(mapping.get(i), s.start, s.end) for i, s in enumerate(row)]


def header_lines(text: str) -> set[int]:
    """Line numbers of item-table header rows in the layout text."""
    return {n for n, line in enumerate(labels.page_lines(text)) if layout_header(labels.segments(line))}


def _column(start: int, end: int, columns: Sequence[Column], *, words: str = "") -> Column:
    """The column a piece of text at [start, end) belongs to: the one it overlaps most; else,
    for `words` (a whole segment that is no amount), the header to its right (a header centred
    over its column stands right of where the column's left-aligned text starts); else the
    nearest."""
    def overlap(c: Column) -> int:
        return min(end, c.end) - max(start, c.start)

    best = max(columns, key=overlap)
    if overlap(best) > 0:
        return best
    if words and not _AMOUNT.fullmatch(words):
        right = [c for c in columns if c.start > start]
        if right and right[0] is not columns[0]:
            return right[0]
    return min(columns, key=lambda c: min(abs(start - c.start), abs(end - c.end),
                                          abs(start - c.end), abs(end - c.start)))


def _cells(row: Sequence[Segment], columns: Sequence[Column]) -> dict[Column, list[str]]:
    """A layout line's text by column. A segment that spans several columns (a single space
    between a code and its description) is split into its words; a word that is no amount is
    never put in a number's column."""
    cells: dict[Column, list[str]] = {}
    for segment in row:
        touched = [c for c in columns if min(segment.end, c.end) > max(segment.start, c.start)]
        if len(touched) <= 1:
            placed = [(_column(segment.start, segment.end, columns, words=segment.text), segment.start,
                       segment.text)]
        else:
            placed = [(_column(segment.start + w.start(), segment.start + w.end(), columns),
                       segment.start + w.start(), w.group()) for w in re.finditer(r"\S+", segment.text)]
        for column, start, text in placed:
            if column.role in NUMERIC and not (_AMOUNT.fullmatch(text) or _MONEY_MARK.fullmatch(text)):
                column = _nearest_text_column(start, columns) or column
            cells.setdefault(column, []).append(text)
    return cells


def _is_total(text: str) -> bool:
    found = labels.match_label(text)
    return found is not None and found[0] == "total"


def _nearest_text_column(start: int, columns: Sequence[Column]) -> Column | None:
    before = [c for c in columns if c.start <= start and c.role not in NUMERIC]
    return before[-1] if before else None


@dataclass
class _Open:
    item: LineItem
    more: list[str]  # description lines wrapped below the row


def read_layout_table(text: str, decimal: str | None = None) -> list[LineItem]:
    """Line items of an unruled table: rows under a header line, cut into the header's columns.
    A row is a line with a quantity and a price or amount; text below it, in the description's
    column only, continues its description (but not a `Delivery Date: ...` line under it).
    The table ends at its total; a page break and what a page repeats at its top do not end it."""
    columns: list[Column] | None = None
    rows: list[_Open] = []
    open_row = False
    for line in labels.page_lines(text):
        row = labels.segments(line)
        if not row:
            open_row = False
            continue
        header = layout_header(row)
        if header:
            columns, open_row = header, False
            continue
        if columns is None:
            continue
        if any(_is_total(s.text) for s in row):
            if re.search(r"(?i)sub[ -]?total|carried|brought", line):
                open_row = False
                continue
            break
        cells = _cells(row, columns)
        values = {c.role: " ".join(words) for c, words in cells.items() if c.role}
        item = line_item(values, decimal)
        if item is not None and item.quantity and item.quantity > 0:  # not a page's running head
            rows.append(_Open(item, []))
            open_row = True
        elif open_row and all(c.role in ("description", None) for c in cells) and any(
                c.role == "description" for c in cells):
            wrapped = " ".join(w for c, words in cells.items() if c.role == "description" for w in words)
            if labels.match_label(wrapped) is None:
                rows[-1].more.append(wrapped)
        else:
            open_row = False
    return [replace(r.item, description=join_lines([r.item.description, *r.more])) for r in rows]


def agrees(item: LineItem) -> bool:
    """Quantity x unit price is the amount (to half a percent, as prices are rounded)."""
    if item.quantity is None or item.unit_price is None or item.amount is None:
        return False
    return abs(item.quantity * item.unit_price - item.amount) <= max(Decimal("0.01"),
                                                                     abs(item.amount) * Decimal("0.005"))

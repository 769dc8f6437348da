"""Order documents in layouts the generic reader has never seen, each with its ground truth.

tests/pdfs.py prints every order in one house style (title, "Label: value" lines, a ruled table
with the header row repeated). Real buyers send SAP print-outs, German ERP forms, Chinese and
Taiwanese purchase orders, unruled tables, landscape pages, proforma invoices with a company chop
over the total... This module draws sixteen such layouts with reportlab's canvas, one function
per layout; each writes its PDF and returns what the document really says:

    truth = LAYOUTS["sap_po"](tmp_path / "sap.pdf")
    truth["number"], truth["total"], truth["lines"][0]["unit_price"]   # '4500912345', '…', '2.85'
    everything = write_all(tmp_path)                                   # name -> (path, truth)

The ground truth is a plain dict of strings (JSON-ready):

    number          the document's own number; numbers: every order/PI number printed on it
                    (a P/I quoting the buyer's PO lists both, its own first)
    buyer           the buying company (for a PO its issuer, for a P/I the customer)
    order_date      "YYYY-MM-DD" (a P/I's issue date), delivery_date: the same or None
    currency        ISO 4217 code ("USD", "EUR", "CNY", "TWD", "SGD"), however the page writes it
    incoterm        "FOB Ningbo" as the Incoterm and place read (Chinese places in Chinese), or None
    payment_terms   exactly as printed
    total           decimal string with two places, "12345.60"
    lines           [{"item_code", "description", "quantity", "unit", "unit_price", "amount"}]:
                    item_code None when the document has no code column; description as one line
                    (wrapped cell lines joined with a space, or with nothing between Chinese
                    characters); quantity and unit_price as plain decimals without trailing
                    zeros ("12500", "0.1792"); amount with two places ("15437.50"); unit as printed

Compare numbers with Decimal(), not as strings. Besides these, two keys help tests: "kind" ("po"
or "pi") and "printed", the same values exactly as the page prints them ("14.11.2026",
"€ 45.678,90", "12,500.000", description lines) so that a test can find them in the page text.
Every quantity x unit price equals its amount exactly and the amounts add up to the total.

Nothing is random at run time: the goods come from seeded generators and reportlab runs in
invariant mode, so a layout writes the same bytes every time. Chinese needs the CJK TrueType font
tests/pdfs.py registers (fonts-wqy-zenhei).

    python -m tests.layouts /tmp/layouts     # writes every layout and prints its truth as JSON
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from tests.pdfs import _cjk_font

CENT = Decimal("0.01")
HELV, HELV_B, HELV_I = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"

SELLER_EN = "Acme Nonwovens Co., Ltd."
SELLER_ZH = "宁波艾克美无纺布有限公司"
SELLER_TW = "寧波艾克美不織布有限公司"
SELLER_ADDRESS = ("No. 88 Binhai 3rd Road, Hangzhou Bay New Zone", "Ningbo, Zhejiang 315336, China")

Truth = dict[str, Any]


# --------------------------------------------------------------------------------------------------
# Goods: what is ordered, with prices that multiply out exactly


@dataclass(frozen=True)
class _Kind:
    key: str
    en: str
    short: str  # SAP short text
    zh: str
    tw: str
    gsm: tuple[int, int]
    usd_per_kg: tuple[str, str]
    widths: tuple[int, ...]
    roll_lengths: tuple[int, ...]


_KINDS = (
    _Kind("SL", "Spunlace nonwoven", "Spunlace", "水刺无纺布", "水針不織布", (35, 80), ("2.20", "3.60"),
          (180, 200, 210, 240, 1600, 2400), (500, 1000)),
    _Kind("SMS", "SMS nonwoven", "SMS", "SMS无纺布", "SMS不織布", (25, 60), ("1.90", "2.70"),
          (160, 1600, 3200), (1000, 2000)),
    _Kind("MB", "Meltblown fabric", "Meltblown", "熔喷布", "熔噴不織布", (20, 50), ("2.60", "4.50"),
          (175, 1600), (500, 1000)),
    _Kind("NP", "Needle punched felt", "Needle felt", "针刺毡", "針軋不織布", (120, 400),
          ("1.80", "3.00"), (1600, 2000, 3200), (50, 100)),
    _Kind("SB", "PP spunbond nonwoven", "PP spunbond", "PP纺粘无纺布", "PP紡粘不織布", (15, 80),
          ("1.35", "1.95"), (160, 1600, 2400, 3200), (1000, 2000)),
)
# (English, simplified, traditional, one-letter code, two-letter code)
_COLOURS = (("white", "白色", "白色", "W", "WH"), ("blue", "蓝色", "藍色", "B", "BL"),
            ("green", "绿色", "綠色", "G", "GR"), ("pink", "粉色", "粉紅色", "P", "PK"),
            ("grey", "灰色", "灰色", "Y", "GY"), ("black", "黑色", "黑色", "K", "BK"))


@dataclass(frozen=True)
class _Good:
    kind: _Kind
    gsm: int
    width: int  # mm
    colour: tuple[str, str, str, str, str]
    unit: str  # kg | m | sqm | roll
    roll_m: int
    quantity: Decimal
    price: Decimal  # per unit, in the document's currency

    def en(self) -> str:
        roll = f", {self.roll_m} m/roll" if self.unit == "roll" else ""
        return f"{self.kind.en} {self.gsm} gsm, {self.colour[0]}, {self.width} mm{roll}"

    def compact(self) -> str:
        roll = f" {self.roll_m}m/roll" if self.unit == "roll" else ""
        return f"{self.kind.en} {self.gsm}g {self.colour[0]} {self.width}mm{roll}"

    def zh(self) -> str:
        roll = f" {self.roll_m}米/卷" if self.unit == "roll" else ""
        return f"{self.kind.zh} {self.gsm}克 {self.colour[1]} 幅宽{self.width}mm{roll}"

    def tw(self) -> str:
        roll = f" {self.roll_m}M/捲" if self.unit == "roll" else ""
        return f"{self.kind.tw} {self.gsm}g {self.colour[2]} 寬{self.width}mm{roll}"


def _goods(seed: int, count: int, units: Sequence[str], rate: str = "1", whole: bool = False) -> list[_Good]:
    """`count` different goods in the given units; prices are USD per kg x `rate` (the currency),
    kept to places that make quantity x price exact to the cent (`whole`: to the unit)."""
    rng = random.Random(seed)
    factor = Decimal(rate)
    goods: list[_Good] = []
    seen: set[tuple[str, int, int, str, str]] = set()
    while len(goods) < count:
        kind = rng.choice(_KINDS)
        step = 5 if kind.gsm[1] < 100 else 10
        gsm = rng.randrange(kind.gsm[0], kind.gsm[1] + 1, step)
        width = rng.choice(kind.widths)
        colour = rng.choice(_COLOURS[:3] if kind.key != "NP" else (_COLOURS[0], _COLOURS[4], _COLOURS[5]))
        unit = rng.choice(tuple(units))
        low, high = (int(Decimal(v) * 100) for v in kind.usd_per_kg)
        per_kg = Decimal(rng.randint(low, high)) / 100 * factor
        roll_m = rng.choice(kind.roll_lengths)
        if unit == "kg":
            price = per_kg.quantize(Decimal("0.1") if whole else CENT, ROUND_HALF_UP)
            quantity = Decimal(rng.randint(10, 300) * 50)
        elif unit == "m":
            price = (per_kg * gsm * width / 1_000_000).quantize(
                Decimal("0.1") if whole else Decimal("0.0001"), ROUND_HALF_UP)
            quantity = Decimal(rng.randint(5, 80) * 1000)
        elif unit == "sqm":
            price = (per_kg * gsm / 1000).quantize(Decimal("0.1") if whole else Decimal("0.0001"),
                                                     ROUND_HALF_UP)
            quantity = Decimal(rng.randint(20, 900) * 100)
        elif unit == "roll":
            price = (per_kg * gsm * width * roll_m / 1_000_000).quantize(
                Decimal(1) if whole else CENT, ROUND_HALF_UP)
            quantity = Decimal(rng.randint(12, 240))
        else:
            raise ValueError(f"unknown unit {unit!r}")
        if whole and unit != "roll":
            quantity = quantity.quantize(Decimal(1)) // 10 * 10
        key = (kind.key, gsm, width, colour[0], unit)
        if key in seen or price <= 0:
            continue
        seen.add(key)
        goods.append(_Good(kind, gsm, width, colour, unit, roll_m, quantity, price))
    return goods


@dataclass(frozen=True)
class Item:
    """One line as the document means it."""

    item_code: str | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        exact = self.quantity * self.unit_price
        if exact != exact.quantize(CENT):
            raise ValueError(f"{self.item_code}: {self.quantity} x {self.unit_price} is not whole cents")
        return exact.quantize(CENT)


def _total(items: Sequence[Item]) -> Decimal:
    return sum((item.amount for item in items), Decimal("0.00"))


# --------------------------------------------------------------------------------------------------
# How values are printed


def canon(value: Decimal) -> str:
    """A quantity or price as the ground truth gives it: plain, no trailing zeros (12500, 0.1792)."""
    text = format(value.normalize(), "f")
    return text


def en(value: Decimal, places: int | None = None) -> str:
    """12,500.00: comma thousands, dot decimals; the Decimal's own places unless given."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{value:,}"


def de(value: Decimal, places: int | None = None) -> str:
    """12.500,00: German/European writing."""
    return en(value, places).replace(",", "\0").replace(".", ",").replace("\0", ".")


def money(value: Decimal) -> str:
    return en(value, 2)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")

_ONES = ("", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN", "ELEVEN",
         "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN")
_TENS = ("", "", "TWENTY", "THIRTY", "FORTY", "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY")


def _words(number: int) -> str:
    if number < 20:
        return _ONES[number]
    if number < 100:
        return _TENS[number // 10] + ("-" + _ONES[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        return _ONES[number // 100] + " HUNDRED" + (" AND " + _words(rest) if rest else "")
    if number < 1_000_000:
        rest = number % 1000
        return _words(number // 1000) + " THOUSAND" + (" " + _words(rest) if rest else "")
    rest = number % 1_000_000
    return _words(number // 1_000_000) + " MILLION" + (" " + _words(rest) if rest else "")


def say_usd(amount: Decimal) -> str:
    """SAY US DOLLARS THIRTY-FOUR THOUSAND ... AND CENTS EIGHTY ONLY, as export P/Is write it."""
    whole, cents = int(amount), int((amount - int(amount)) * 100)
    text = "SAY US DOLLARS " + _words(whole)
    if cents:
        text += " AND CENTS " + _words(cents)
    return text + " ONLY"


def chinese_upper(amount: Decimal, traditional: bool = False) -> str:
    """壹拾贰万叁仟肆佰伍拾陆元柒角整: the amount in Chinese financial numerals (< 100 million)."""
    digits = "零壹貳參肆伍陸柒捌玖" if traditional else "零壹贰叁肆伍陆柒捌玖"
    units = ("", "拾", "佰", "仟")
    wan = "萬" if traditional else "万"

    def four(number: int) -> str:
        text, zero = "", False
        for power in (3, 2, 1, 0):
            digit = number // 10 ** power % 10
            if digit == 0:
                zero = bool(text)
            else:
                text += ("零" if zero else "") + digits[digit] + units[power]
                zero = False
        return text

    whole = int(amount)
    cents = int((amount - whole) * 100)
    high, low = divmod(whole, 10_000)
    text = four(high) + wan if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + four(low)
    text = (text or "零") + "元"
    if not cents:
        return text + "整"
    jiao, fen = divmod(cents, 10)
    text += digits[jiao] + "角" if jiao else "零"
    return text + (digits[fen] + "分" if fen else "整")


# --------------------------------------------------------------------------------------------------
# Drawing


def _canvas(path: Path, title: str, pagesize: tuple[float, float] = A4) -> Canvas:
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=pagesize, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("mailflow tests")
    return canvas


def _put(c: Canvas, x: float, y: float, text: str, font: str = HELV, size: float = 9, align: str = "L",
         color: Any = colors.black, heavy: bool = False) -> float:
    """Draws one line; returns its width. `heavy`: stroked as well as filled, a bold look for a
    font without a bold face (the CJK font) that stays one glyph per character in the text."""
    width = float(stringWidth(text, font, size))
    left = x - width if align == "R" else x - width / 2 if align == "C" else x
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)
    text_object = c.beginText(left, y)
    text_object.setFont(font, size)
    if heavy:
        c.setLineWidth(size * 0.035)
        text_object.setTextRenderMode(2)
    text_object.textOut(text)
    c.drawText(text_object)
    c.restoreState()
    return width


_CJK_CHAR = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points: breaks at spaces, or between Chinese characters."""
    latin = r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+"
    tokens = re.findall(rf"{latin}/{_CJK_CHAR}|{_CJK_CHAR}|{latin}|\s+", text)  # 2000M/捲 stays whole
    lines: list[str] = []
    current = ""
    for token in tokens:
        trial = current + token
        if not current.strip() or stringWidth(trial.rstrip(), font, size) <= width:
            current = trial
        else:
            lines.append(current.rstrip())
            current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _fit(text: str, font: str, size: float, width: float, pad: float) -> list[str]:
    """`text` wrapped to a table column `width` points wide with `pad` each side."""
    return _wrap(text, font, size, width - 2 * pad - 0.5)


def _joined(lines: Sequence[str]) -> str:
    """Wrapped lines as one: a space between words, nothing between Chinese characters."""
    text = ""
    for line in lines:
        if text and not (re.search(rf"{_CJK_CHAR}$", text) and re.match(_CJK_CHAR, line)):
            text += " "
        text += line
    return text


@dataclass(frozen=True)
class Col:
    title: str  # "\n" between header lines
    width: float
    align: str = "L"  # L, R or C


def _table(c: Canvas, x: float, top: float, cols: Sequence[Col], rows: Sequence[Sequence[str]], *,
           font: str = HELV, size: float = 8, head_font: str | None = None, head_size: float | None = None,
           leading: float | None = None, rules: str = "grid", head_fill: Any = None,
           head_color: Any = colors.black, zebra: Any = None, pad: float = 3, line_width: float = 0.5,
           stroke: Any = colors.black, header: bool = True, head_align: str | None = None,
           heavy_head: bool = False) -> float:
    """A table drawn cell by cell; returns the y of its bottom edge.

    rules: "grid" (every line), "hlines" (between rows), "head" (above and below the header row
    and under the last row) or "none". A cell with "\\n" takes several lines. A line wider than its
    column raises ValueError: the layouts must not print text over their neighbours.
    """
    leading = leading or size * 1.25
    head_font, head_size = head_font or font, head_size or size
    widths = [col.width for col in cols]
    lefts = [x + sum(widths[:i]) for i in range(len(cols) + 1)]
    edges = [top]
    y = top

    def row(cells: Sequence[str], row_font: str, row_size: float, row_leading: float, fill: Any,
            color: Any, align: str | None, heavy: bool) -> None:
        nonlocal y
        cell_lines = [cell.split("\n") if cell else [""] for cell in cells]
        height = max(len(lines) for lines in cell_lines) * row_leading + 2 * pad
        if fill is not None:
            c.saveState()
            c.setFillColor(fill)
            c.rect(x, y - height, lefts[-1] - x, height, stroke=0, fill=1)
            c.restoreState()
        for index, (lines, col) in enumerate(zip(cell_lines, cols, strict=True)):
            where = align or col.align
            for number, line in enumerate(lines):
                if not line:
                    continue
                if stringWidth(line, row_font, row_size) > col.width - 2 * pad + 0.01:
                    raise ValueError(f"{line!r} does not fit its {col.width:.0f} pt column {col.title!r}")
                base = y - pad - number * row_leading - row_leading / 2 - row_size * 0.3
                at = (lefts[index] + pad if where == "L" else lefts[index + 1] - pad if where == "R"
                      else (lefts[index] + lefts[index + 1]) / 2)
                _put(c, at, base, line, row_font, row_size, where, color, heavy)
        y -= height
        edges.append(y)

    if header:
        row([col.title for col in cols], head_font, head_size, head_size * 1.2, head_fill, head_color,
            head_align, heavy_head)
    for number, cells in enumerate(rows):
        row(cells, font, size, leading, zebra if zebra is not None and number % 2 else None, colors.black,
            None, False)
    c.saveState()
    c.setStrokeColor(stroke)
    c.setLineWidth(line_width)
    if rules in ("grid", "hlines"):
        for edge in edges:
            c.line(x, edge, lefts[-1], edge)
    elif rules == "head":
        for edge in ([edges[0], edges[1], edges[-1]] if header else [edges[0], edges[-1]]):
            c.line(x, edge, lefts[-1], edge)
    if rules == "grid":
        for left in lefts:
            c.line(left, top, left, y)
    c.restoreState()
    return y


def _truth(*, kind: str, number: str, buyer: str, order_date: dt.date | None, delivery_date: dt.date | None,
           currency: str, incoterm: str | None, payment_terms: str, items: Sequence[Item],
           printed: dict[str, Any], numbers: Sequence[str] = ()) -> Truth:
    return {
        "kind": kind,
        "number": number,
        "numbers": list(dict.fromkeys([number, *numbers])),
        "buyer": buyer,
        "order_date": order_date.isoformat() if order_date else None,
        "delivery_date": delivery_date.isoformat() if delivery_date else None,
        "currency": currency,
        "incoterm": incoterm,
        "payment_terms": payment_terms,
        "total": str(_total(items)),
        "lines": [{"item_code": item.item_code, "description": item.description,
                   "quantity": canon(item.quantity), "unit": item.unit,
                   "unit_price": canon(item.unit_price), "amount": str(item.amount)} for item in items],
        "printed": printed,
    }


def _printed_line(code: str | None, description: Sequence[str], quantity: str, unit_price: str,
                  amount: str) -> dict[str, Any]:
    return {"item_code": code, "description": list(description), "quantity": quantity,
            "unit_price": unit_price, "amount": amount}


def _footer_rule(c: Canvas, y: float, x0: float = 40, x1: float = A4[0] - 40,
                 color: Any = colors.grey) -> None:
    c.saveState()
    c.setStrokeColor(color)
    c.setLineWidth(0.5)
    c.line(x0, y, x1, y)
    c.restoreState()


# --------------------------------------------------------------------------------------------------
# 1. SAP purchase order print-out


def sap_po(path: Path) -> Truth:
    """SAP MEDRUCK-style PO: DIN letter window with the vendor, a label/value block on the right,
    positions 00010, 00020 ... with Material / Short Text / PO Quantity / OUn / Net Price / Per /
    Net Value, a "Delivery Date" line under each position, "Total net value excl. tax USD ..."."""
    number, buyer = "4500912345", "Hanseatic Hygiene Products GmbH"
    order_date, delivery = dt.date(2026, 11, 14), dt.date(2027, 1, 20)
    order_text, delivery_text = order_date.strftime("%d.%m.%Y"), delivery.strftime("%d.%m.%Y")
    payment, incoterm = "Within 60 days of B/L date due net", "FOB Ningbo"
    rng = random.Random("sap_po")
    units = {"kg": "KG", "roll": "ROL"}
    goods = _goods(27, 6, ("kg", "kg", "roll"))
    items = []
    for good in goods:
        roll = f" {good.roll_m}m/roll" if good.unit == "roll" else ""
        text = f"{good.kind.short} {good.gsm}g {good.colour[0]} {good.width}mm{roll}"
        items.append(Item(str(rng.randint(300010000, 300099999)), text, good.quantity, units[good.unit],
                          good.price))

    c = _canvas(path, f"Purchase Order {number}")
    h = A4[1]
    _put(c, 50, h - 52, buyer, HELV_B, 14)
    _put(c, 50, h - 65, "Billstraße 112 · 20539 Hamburg · Germany · Tel. +49 40 7890 1200", HELV, 7.5,
         color=colors.HexColor("#444444"))
    # DIN 5008 window: sender line, then the vendor
    _put(c, 50, h - 128, f"{buyer} · Billstraße 112 · 20539 Hamburg", HELV, 6, color=colors.grey)
    c.setLineWidth(0.3)
    c.line(50, h - 130, 250, h - 130)
    for i, line in enumerate((SELLER_EN, "Sales Department", *SELLER_ADDRESS, "CHINA")):
        _put(c, 50, h - 145 - i * 12, line, HELV_B if i == 0 else HELV, 9.5)
    _put(c, 330, h - 100, f"Purchase Order {number}", HELV_B, 13)
    block = (("PO Number/Date", f"{number} / {order_text}"), ("Document Date", order_text),
             ("Vendor", "100234"), ("Purchasing Org.", "1000  Hanseatic Hygiene"),
             ("Purchasing Group", "P12  J. Albrecht"), ("Telephone", "+49 40 7890 1234"),
             ("E-mail", "einkauf@hanseatic-hygiene.de"), ("Currency", "USD"))
    for i, (label, value) in enumerate(block):
        _put(c, 330, h - 122 - i * 12, label, HELV, 8)
        _put(c, 420, h - 122 - i * 12, value, HELV, 8)
    y = h - 250
    _put(c, 50, y, "Please deliver to:", HELV_B, 8.5)
    _put(c, 140, y, f"{buyer}, Plant 1100 / Storage Loc. 0002, Billstraße 112, 20539 Hamburg", HELV, 8.5)
    for i, (label, value) in enumerate((("Incoterms", incoterm), ("Terms of Payment", payment),
                                        ("Delivery Date", f"Day {delivery_text}"))):
        _put(c, 50, y - 14 - i * 12, label, HELV_B, 8.5)
        _put(c, 140, y - 14 - i * 12, value, HELV, 8.5)

    cols = [Col("Item", 32), Col("Material", 56), Col("Short Text", 160), Col("PO Quantity", 64, "R"),
            Col("OUn", 28), Col("Net Price", 52, "R"), Col("Per", 24, "R"), Col("Net Value", 79, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        quantity = en(item.quantity, 3 if item.unit == "KG" else 0)
        rows.append([f"{index * 10:05d}", item.item_code or "",
                     f"{item.description}\nDelivery Date: {delivery_text}",
                     quantity, item.unit, en(item.unit_price, 2), "1", money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, [item.description], quantity,
                                           en(item.unit_price, 2),
                                           money(item.amount)))
    y = _table(c, 50, y - 60, cols, rows, size=8, head_font=HELV_B, rules="head", leading=10.5, pad=4)
    total = _total(items)
    _put(c, 545, y - 18, f"Total net value excl. tax USD {money(total)}", HELV_B, 9.5, "R")
    notes = ("Please state our purchase order number and material number on all shipping documents,",
             "invoices and packages. Partial deliveries only after our written consent.",
             "This purchase order was created electronically and is valid without signature.")
    for i, line in enumerate(notes):
        _put(c, 50, y - 50 - i * 11, line, HELV, 8)
    _footer_rule(c, 62, 50, 545)
    _put(c, 50, 50, f"{buyer} · Registergericht Hamburg HRB 104512 · USt-IdNr. DE287645112", HELV, 6.5,
         color=colors.grey)
    _put(c, 545, 50, "Page 1 of 1", HELV, 6.5, "R", colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 2. ERP export, currency only in the header


def erp_eur(path: Path) -> Truth:
    """A Dutch ERP's PO: labels and values in two separate columns, "Currency: EUR" the only
    currency on the page, Pos. / Article / Description / Qty / Unit / Price / Amount with zebra
    rows and no vertical lines, "Order Total:" without currency."""
    number, buyer = "PO/2026/01187", "Lumen Hygiene B.V."
    order_date, delivery = dt.date(2026, 11, 19), dt.date(2027, 1, 22)
    order_text, delivery_text = order_date.strftime("%d/%m/%Y"), delivery.strftime("%d/%m/%Y")
    payment, incoterm = "60 days net from invoice date", "CIF Rotterdam"
    rng = random.Random("erp_eur")
    goods = _goods(22, 7, ("kg", "m"), rate="0.92")
    items = [Item(f"LH{rng.randint(10000, 99999)}", g.en(), g.quantity, g.unit, g.price) for g in goods]

    c = _canvas(path, f"Purchase order {number}")
    w, h = A4
    c.setFillColor(colors.HexColor("#1f4e79"))
    c.rect(40, h - 70, 8, 34, stroke=0, fill=1)
    _put(c, 56, h - 52, buyer, HELV_B, 16, color=colors.HexColor("#1f4e79"))
    _put(c, 56, h - 66, "Industrieweg 14 · 5281 RV Boxtel · The Netherlands", HELV, 8, color=colors.grey)
    _put(c, w - 40, h - 52, "PURCHASE ORDER", HELV_B, 15, "R")
    fields = (("Order No.:", number), ("Order Date:", order_text), ("Supplier:", SELLER_EN),
              ("Supplier No.:", "S-20417"), ("Currency:", "EUR"), ("Delivery Terms:", incoterm),
              ("Payment Terms:", payment), ("Requested Delivery:", delivery_text))
    for i, (label, value) in enumerate(fields):
        _put(c, 40, h - 110 - i * 14, label, HELV_B, 9)
        _put(c, 150, h - 110 - i * 14, value, HELV, 9)
    for i, line in enumerate(("Deliver to:", buyer, "Warehouse DC-2, Dock 4", "Ambachtsweg 9",
                              "5281 RV Boxtel, NL")):
        _put(c, 380, h - 110 - i * 13, line, HELV_B if i == 0 else HELV, 9)
    cols = [Col("Pos.", 30), Col("Article", 50), Col("Description", 215), Col("Qty", 58, "R"),
            Col("Unit", 34),
            Col("Price", 48, "R"), Col("Amount", 80, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        desc = _fit(item.description, HELV, 8.5, 215, 4)
        rows.append([str(index * 10), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, h - 245, cols, rows, size=8.5, head_font=HELV_B, rules="head",
               zebra=colors.HexColor("#eef2f7"),
               pad=4, line_width=0.8, stroke=colors.HexColor("#1f4e79"))
    total = _total(items)
    _put(c, 455, y - 20, "Order Total:", HELV_B, 10, "R")
    _put(c, 555, y - 20, money(total), HELV_B, 10, "R")
    notes = ("Prices are fixed for the duration of this order. Please confirm it within 3 working days.",
             "Certificate of analysis and packing list to accompany each shipment.",
             "Goods are imported into the EU; VAT is settled on import.")
    for i, line in enumerate(notes):
        _put(c, 40, y - 55 - i * 11, line, HELV, 8)
    _put(c, 40, y - 110, "Buyer: M. de Vries, purchasing@lumenhygiene.nl", HELV_I, 8)
    _footer_rule(c, 58)
    _put(c, w / 2, 46, f"{buyer} · KvK 58213477 · VAT NL853287461B01 · IBAN NL91ABNA0417164300", HELV, 7,
         "C", colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="EUR", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": money(total), "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 3. Simplified Chinese purchase order


def zh_po(path: Path) -> Truth:
    """A domestic Chinese 采购订单: letterhead, spaced title, two-column header (供应商 left,
    订单编号 / 下单日期 / 交货日期 / 币种 right), ERP material codes like 3.01.02.0045, 合计 with
    ￥ and the amount in capitals (大写), notes and stamp boxes. RMB, no Incoterm."""
    cjk = _cjk_font()
    number, buyer = "JM-CG-20261118-03", "苏州洁美卫生用品有限公司"
    order_date, delivery = dt.date(2026, 11, 18), dt.date(2026, 12, 25)
    order_text, delivery_text = order_date.isoformat(), "2026年12月25日"
    payment = "月结60天，银行承兑汇票"
    rng = random.Random("zh_po")
    units = {"kg": "公斤", "m": "米", "roll": "卷"}
    goods = _goods(33, 6, ("kg", "m", "roll"), rate="8.0")
    items = [Item(f"3.01.{rng.randint(1, 12):02d}.{rng.randint(1, 999):04d}", g.zh(), g.quantity,
                  units[g.unit],
                  g.price) for g in goods]

    c = _canvas(path, f"采购订单 {number}")
    w, h = A4
    _put(c, w / 2, h - 50, buyer, cjk, 15, "C", heavy=True)
    _put(c, w / 2, h - 64,
         "地址：江苏省苏州市吴中区木渎镇金山路18号  电话：0512-6652 7788  传真：0512-6652 7789",
         cjk, 7.5, "C")
    _put(c, w / 2, h - 92, "采 购 订 单", cjk, 20, "C", heavy=True)
    left = ("供应商：" + SELLER_ZH, "联系人：王经理", "电话：0574-6328 8800",
            "交货地址：苏州市吴中区金山路18号原料仓")
    right = (f"订单编号：{number}", f"下单日期：{order_text}", f"交货日期：{delivery_text}", "币种：人民币")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        _put(c, 45, h - 125 - i * 16, a, cjk, 9.5)
        _put(c, 350, h - 125 - i * 16, b, cjk, 9.5)
    _put(c, 45, h - 189, f"付款方式：{payment}", cjk, 9.5)
    _put(c, 350, h - 189, "送货方式：供方送货到厂，运费由供方承担", cjk, 9.5)
    cols = [Col("序号", 26, "C"), Col("物料编码", 62), Col("品名规格", 172), Col("数量", 56, "R"),
            Col("单位", 28, "C"),
            Col("单价", 44, "R"), Col("金额", 72, "R"), Col("备注", 45)]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        remark = "加急" if index == 2 else ("含税" if index == 1 else "")
        desc = _fit(item.description, cjk, 8.5, 172, 4)
        rows.append([str(index), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount), remark])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 45, h - 210, cols, rows, font=cjk, size=8.5, rules="grid",
               head_fill=colors.HexColor("#eeeeee"),
               head_align="C", pad=4, line_width=0.6)
    total = _total(items)
    _put(c, 50, y - 20, f"合计：￥{money(total)}", cjk, 10.5, heavy=True)
    _put(c, 230, y - 20, f"金额大写：人民币{chinese_upper(total)}", cjk, 9.5)
    notes = ("备注：1. 以上单价均含13%增值税，请开具增值税专用发票；",
             "2. 每卷须贴标签，注明物料编码、批号、重量及生产日期；",
             "3. 请随货提供出厂检验报告，来料不合格按我司来料检验规定处理；",
             "4. 供方收到订单后请于24小时内签字盖章回传。")
    for i, line in enumerate(notes):
        _put(c, 50 + (0 if i == 0 else 30), y - 48 - i * 14, line, cjk, 8.5)
    sign_y = y - 130
    _put(c, 50, sign_y, f"采购方（盖章）：{buyer}", cjk, 9)
    _put(c, 330, sign_y, "供应方确认（盖章）：", cjk, 9)
    _put(c, 50, sign_y - 22, "采购员：李娜        审核：张伟", cjk, 9)
    _put(c, 330, sign_y - 22, "签字：______________  日期：__________", cjk, 9)
    _put(c, w / 2, 40, "第1页 共1页", cjk, 8, "C")
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="CNY", incoterm=None, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"￥{money(total)}", "buyer": buyer, "incoterm": None,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 4. Traditional Chinese purchase order (Taiwan)


def tw_po(path: Path) -> Truth:
    """A Taiwanese 採購單 in USD: 料號 / 品名 / 數量 / 單位 / 單價 / 金額, 訂單編號：, 交貨日期：,
    幣別：, 總計：, dates as 2026/11/20; bordered header box, remarks and approval row."""
    cjk = _cjk_font()
    number, buyer = "TK-1151120-07", "台灣潔康實業股份有限公司"
    order_date, delivery = dt.date(2026, 11, 20), dt.date(2027, 1, 8)
    order_text, delivery_text = order_date.strftime("%Y/%m/%d"), delivery.strftime("%Y/%m/%d")
    payment, incoterm = "T/T 出貨前付清", "FOB 寧波"
    units = {"kg": "公斤", "m": "米", "roll": "捲"}
    goods = _goods(44, 5, ("kg", "m", "roll"))
    items = [Item(f"RM-{g.kind.key}{g.gsm:03d}{g.colour[3]}-{g.width}", g.tw(), g.quantity, units[g.unit],
                  g.price)
             for g in goods]

    c = _canvas(path, f"採購單 {number}")
    w, h = A4
    _put(c, w / 2, h - 48, buyer, cjk, 15, "C", heavy=True)
    _put(c, w / 2, h - 62,
         "桃園市蘆竹區南崁路一段88號  TEL: (03) 322-5566  FAX: (03) 322-5567  統一編號：24567890",
         cjk, 7.5, "C")
    _put(c, w / 2, h - 90, "採 購 單", cjk, 19, "C", heavy=True)
    _put(c, w / 2, h - 104, "PURCHASE ORDER", HELV, 8, "C")
    box_top, box_bottom = h - 115, h - 205
    c.setLineWidth(0.8)
    c.rect(40, box_bottom, w - 80, box_top - box_bottom)
    c.line(w / 2 + 20, box_top, w / 2 + 20, box_bottom)
    left = (f"廠商名稱：{SELLER_TW}", "廠商編號：V-20871", "聯絡人：王經理", f"付款條件：{payment}",
            f"交貨條件：{incoterm}")
    right = (f"訂單編號：{number}", f"訂購日期：{order_text}", f"交貨日期：{delivery_text}", "幣別：USD",
             "交貨地點：基隆港")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        _put(c, 48, box_top - 17 - i * 16, a, cjk, 9.5)
        _put(c, w / 2 + 28, box_top - 17 - i * 16, b, cjk, 9.5)
    cols = [Col("項次", 28, "C"), Col("料號", 80), Col("品名", 192), Col("數量", 58, "R"),
            Col("單位", 30, "C"),
            Col("單價", 50, "R"), Col("金額", 77, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        desc = _fit(item.description, cjk, 8.5, 192, 4.5)
        rows.append([f"{index:02d}", item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, box_bottom - 12, cols, rows, font=cjk, size=8.5, rules="grid", head_align="C",
               head_fill=colors.HexColor("#dde7f0"), pad=4.5, line_width=0.6)
    total = _total(items)
    c.rect(40, y - 22, w - 80, 22)
    _put(c, w - 48, y - 15, f"總計：USD {money(total)}", cjk, 10, "R", heavy=True)
    notes = ("備註：", "1. 外箱請標示本公司料號、訂單編號及淨重/毛重。", "2. 每批出貨須附COA及MSDS。",
             "3. 交期如有變更，請於出貨前7天通知本公司採購。")
    for i, line in enumerate(notes):
        _put(c, 45 + (0 if i == 0 else 12), y - 45 - i * 14, line, cjk, 8.5)
    sign_y = y - 130
    for i, label in enumerate(("核准：", "審核：", "採購：陳怡君", "廠商回簽：")):
        _put(c, 45 + i * 130, sign_y, label, cjk, 9)
    _put(c, w - 40, 36, "表單編號：PUR-F-003 Rev.2", cjk, 7, "R", colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 5. Unruled table, US$ amounts


def unruled_usd(path: Path) -> Truth:
    """An American PO without a single line on the page: blocks and columns aligned by position
    only, a strip of labels above values, "US$ 1,234.50" in price and amount columns,
    "TOTAL US$ 12,345.60" and no currency label."""
    number, buyer = "HMS-77412", "Harbor Medical Supply Inc."
    order_date, delivery = dt.date(2026, 11, 20), dt.date(2027, 1, 29)

    def long_date(day: dt.date) -> str:
        return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"

    order_text, delivery_text = long_date(order_date), long_date(delivery)
    payment, incoterm = "Net 60 days after B/L date", "FOB Shanghai"
    rng = random.Random("unruled_usd")
    units = {"kg": "KG", "m": "M", "roll": "RL"}
    goods = _goods(55, 7, ("kg", "m", "roll"))
    items = [Item(f"{rng.randint(10000, 99999)}-{g.kind.key}", g.compact(), g.quantity, units[g.unit],
                  g.price)
             for g in goods]

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    grey = colors.HexColor("#555555")
    _put(c, 45, h - 55, buyer.upper(), HELV_B, 15, color=colors.HexColor("#0b3d91"))
    for i, line in enumerate(("2150 Harbor Blvd, Suite 400", "Long Beach, CA 90802, USA",
                              "Phone (562) 555-0148  ·  purchasing@harbormedsupply.com")):
        _put(c, 45, h - 70 - i * 11, line, HELV, 8.5, color=grey)
    _put(c, w - 45, h - 55, "PURCHASE ORDER", HELV_B, 20, "R", colors.HexColor("#0b3d91"))
    _put(c, w - 45, h - 75, f"PO # {number}", HELV_B, 10, "R")
    _put(c, w - 45, h - 89, f"Date: {order_text}", HELV, 9, "R")
    for x, title, lines in ((45, "VENDOR", (SELLER_EN, *SELLER_ADDRESS, "Attn: Sales Dept.")),
                            (320, "SHIP TO", (buyer, "Receiving Dock B", "1840 W. Anaheim St",
                                              "Long Beach, CA 90813, USA"))):
        _put(c, x, h - 130, title, HELV_B, 9, color=colors.HexColor("#0b3d91"))
        for i, line in enumerate(lines):
            _put(c, x, h - 145 - i * 12, line, HELV, 9)
    strip = (("REQUISITIONER", "J. Carter"), ("SHIP VIA", "Ocean freight, FCL"),
             ("SHIPPING TERMS", incoterm), ("PAYMENT TERMS", payment), ("REQUIRED BY", delivery_text))
    xs = (45, 125, 225, 318, 460)
    for x, (label, value) in zip(xs, strip, strict=True):
        _put(c, x, h - 215, label, HELV_B, 7.5, color=grey)
        _put(c, x, h - 228, value, HELV, 8.5)
    cols = [Col("ITEM NO.", 62), Col("DESCRIPTION", 208), Col("QTY", 52, "R"), Col("UOM", 30, "C"),
            Col("UNIT PRICE", 75, "R"), Col("EXTENDED", 78, "R")]
    rows, printed_lines = [], []
    for item in items:
        price, amount = f"US$ {en(item.unit_price)}", f"US$ {money(item.amount)}"
        desc = _fit(item.description, HELV, 8.5, 208, 4)
        rows.append([item.item_code or "", "\n".join(desc), en(item.quantity), item.unit, price, amount])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity), price, amount))
    y = _table(c, 42, h - 262, cols, rows, size=8.5, head_font=HELV_B, head_size=8, rules="none",
               head_color=colors.HexColor("#0b3d91"), pad=4, leading=13)
    total = _total(items)
    for i, (label, value) in enumerate((("SUBTOTAL", f"US$ {money(total)}"), ("SALES TAX", "EXEMPT (RESALE)"),
                                        ("FREIGHT", "US$ 0.00"))):
        _put(c, 440, y - 20 - i * 13, label, HELV, 8.5, "R", grey)
        _put(c, w - 50, y - 20 - i * 13, value, HELV, 8.5, "R")
    _put(c, w - 50, y - 66, f"TOTAL US$ {money(total)}", HELV_B, 11, "R")
    notes = ("1. Please send two copies of your invoice.",
             "2. Enter this order in accordance with the prices, terms, delivery method and specs above.",
             "3. Please notify us immediately if you are unable to ship as specified.")
    for i, line in enumerate(notes):
        _put(c, 45, y - 100 - i * 11, line, HELV, 8)
    _put(c, 45, y - 160, "Authorized by ____________________________      Date ______________", HELV, 9)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"US$ {money(total)}", "buyer": buyer.upper(), "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 6. Landscape page, wide table


def landscape_wide(path: Path) -> Truth:
    """An Australian buyer's PO on an A4 landscape page: three header blocks side by side and an
    eleven-column table (Line, Item Code, Description, Color, Width (mm), GSM, Roll Length (m),
    Qty, Unit, Unit Price, Amount). The delivery date 10/01/2027 is day-first (Australia), which
    only the unambiguous order date 21/11/2026 on the same page tells."""
    number, buyer = "PF-PO-26-0391", "Pacific Filtration Pty Ltd"
    order_date, delivery = dt.date(2026, 11, 21), dt.date(2027, 1, 10)
    order_text, delivery_text = order_date.strftime("%d/%m/%Y"), delivery.strftime("%d/%m/%Y")
    payment, incoterm = "T/T 30% deposit, 70% before shipment", "FOB Ningbo"
    units = {"kg": "KG", "m": "M", "roll": "ROLL"}
    goods = _goods(66, 8, ("kg", "m", "roll", "roll"))
    descriptions = {"SL": "Spunlace wipes substrate, plain", "SMS": "SMS filter cover layer, hydrophobic",
                    "MB": "Meltblown filter media, electret charged",
                    "NP": "Needle punched PET felt, calendered", "SB": "PP spunbond scrim, UV stabilised"}
    items = [Item(f"PF-{g.kind.key}{g.gsm}-{g.width}", descriptions[g.kind.key], g.quantity, units[g.unit],
                  g.price)
             for g in goods]

    pagesize = landscape(A4)
    w, h = pagesize
    c = _canvas(path, f"Purchase Order {number}", pagesize)
    navy = colors.HexColor("#17365d")
    _put(c, 40, h - 48, buyer, HELV_B, 16, color=navy)
    _put(c, 40, h - 62, "Unit 7, 42 Gateway Drive, Carrum Downs VIC 3201, Australia  ·  ABN 51 824 753 556",
         HELV, 8, color=colors.grey)
    _put(c, w - 40, h - 50, "PURCHASE ORDER", HELV_B, 20, "R", navy)
    blocks = ((40, "Supplier", (SELLER_EN, *SELLER_ADDRESS, "Contact: Ms. Lily Zhou")),
              (310, "Order Details", (f"Order No.: {number}", f"Order Date: {order_text}",
                                      f"Required ETD: {delivery_text}", "Currency: USD")),
              (560, "Terms", (f"Incoterms: {incoterm}", f"Payment: {payment}", "Ship to: Melbourne, VIC",
                              "Buyer: Tom Nguyen")))
    for x, title, lines in blocks:
        c.setStrokeColor(navy)
        c.setLineWidth(0.8)
        c.rect(x, h - 160, {40: 250, 310: 230}.get(x, w - 40 - x), 80)
        _put(c, x + 6, h - 94, title, HELV_B, 9, color=navy)
        for i, line in enumerate(lines):
            _put(c, x + 6, h - 110 - i * 12, line, HELV, 8.5)
    cols = [Col("Line", 30, "C"), Col("Item Code", 78), Col("Description", 185), Col("Color", 45),
            Col("Width\n(mm)", 55, "R"),
            Col("GSM", 35, "R"), Col("Roll Length\n(m)", 72, "R"), Col("Qty", 62, "R"), Col("Unit", 35, "C"),
            Col("Unit Price", 60, "R"), Col("Amount", 105, "R")]
    rows, printed_lines = [], []
    for index, (item, good) in enumerate(zip(items, goods, strict=True), start=1):
        desc = _fit(item.description, HELV, 8.5, 185, 4.5)
        roll = str(good.roll_m) if good.unit == "roll" else "-"
        rows.append([str(index), item.item_code or "", "\n".join(desc), good.colour[0].capitalize(),
                     str(good.width), str(good.gsm), roll, en(item.quantity), item.unit, en(item.unit_price),
                     money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, h - 178, cols, rows, size=8.5, head_font=HELV_B, head_color=colors.white,
               head_fill=navy,
               rules="grid", stroke=colors.HexColor("#9aa7b8"), pad=4.5, zebra=colors.HexColor("#f1f4f8"))
    total = _total(items)
    _put(c, w - 160, y - 20, "Order Total (USD):", HELV_B, 10, "R")
    _put(c, w - 45, y - 20, money(total), HELV_B, 10, "R")
    notes = ("Notes: 1. Each roll wrapped in PE film and labelled with PO number, item code and roll number.",
             "2. Certificate of analysis (basis weight, air permeability, BFE if applicable) with each lot.",
             "3. Quantities may vary by ±5% per line; invoice actual quantities shipped.")
    for i, line in enumerate(notes):
        _put(c, 40 + (0 if i == 0 else 28), y - 48 - i * 11, line, HELV, 8)
    _put(c, 40, 30, f"{buyer} · Purchase Order {number} · Page 1 of 1", HELV, 7, color=colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": money(total), "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 7. Bilingual proforma invoice, two-column header


def bilingual_pi(path: Path) -> Truth:
    """Our own P/I in Chinese and English: labels as `中文 English:` pairs in a two-column
    header (buyer left; P/I No., date, payment, delivery, terms right), bilingual two-line column
    headers, a boxed total row, SAY TOTAL in words, bank details, both signatures."""
    cjk = _cjk_font()
    number, buyer, buyer_po = "AN-PI-26-0412", "Cascade Wipes Ltd.", "CW-PO-2611-08"
    order_date, delivery = dt.date(2026, 11, 20), dt.date(2027, 1, 15)
    order_text, delivery_text = order_date.isoformat(), delivery.isoformat()
    payment, incoterm = "30% T/T deposit, 70% balance against copy of B/L", "FOB Ningbo"
    goods = _goods(77, 6, ("kg", "roll", "m"))
    items, cells = [], []
    for good in goods:
        code = f"AN-{good.kind.key}{good.gsm}-{good.width}{good.colour[3]}"
        english = good.en()
        items.append(Item(code, f"{good.kind.zh} {english}", good.quantity, good.unit.upper(), good.price))
        cells.append((good.kind.zh, english))

    c = _canvas(path, f"Proforma Invoice {number}")
    w, h = A4
    _put(c, w / 2, h - 45, SELLER_ZH, cjk, 16, "C", heavy=True)
    _put(c, w / 2, h - 62, SELLER_EN.upper(), cjk, 12, "C")
    _put(c, w / 2, h - 76, f"{SELLER_ADDRESS[0]}, {SELLER_ADDRESS[1]}  Tel: +86 574 6328 8800  "
         "E-mail: sales@acme-nonwovens.cn", cjk, 7.5, "C")
    c.setLineWidth(1.2)
    c.line(40, h - 84, w - 40, h - 84)
    c.setLineWidth(0.4)
    c.line(40, h - 87, w - 40, h - 87)
    _put(c, w / 2, h - 112, "形式发票  PROFORMA INVOICE", cjk, 15, "C", heavy=True)
    left = (f"买方 Buyer: {buyer}", "地址 Address: Unit 5, Riverside Industrial Estate,",
            "                      Leeds LS10 1RW, United Kingdom", "联系人 Attn: Mr. Daniel Hughes",
            f"客户订单号 Buyer's PO No.: {buyer_po}")
    right = (f"形式发票号 P/I No.: {number}", f"日期 Date: {order_text}", f"付款方式 Payment: {payment}",
             f"交货期 Delivery: {delivery_text}", f"贸易条款 Terms: {incoterm}")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        _put(c, 40, h - 140 - i * 15, a, cjk, 8.5)
        _put(c, 292, h - 140 - i * 15, b, cjk, 8.5)
    cols = [Col("序号\nNo.", 26, "C"), Col("货号\nItem No.", 74), Col("品名及规格\nDescription", 178),
            Col("数量\nQuantity", 52, "R"), Col("单位\nUnit", 32, "C"),
            Col("单价\nUnit Price (USD)", 70, "R"),
            Col("金额\nAmount (USD)", 83, "R")]
    rows, printed_lines = [], []
    for index, (item, (zh, english)) in enumerate(zip(items, cells, strict=True), start=1):
        lines = [zh, *_wrap(english, cjk, 8, 178 - 8)]
        rows.append([str(index), item.item_code or "", "\n".join(lines), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, lines, en(item.quantity), en(item.unit_price),
                                           money(item.amount)))
    y = _table(c, 40, h - 225, cols, rows, font=cjk, size=8, head_size=8, rules="grid", head_align="C",
               head_fill=colors.HexColor("#e8e8e8"), pad=3.5, line_width=0.6)
    total = _total(items)
    c.setLineWidth(0.6)
    c.rect(40, y - 20, w - 80, 20)
    _put(c, 48, y - 14, "合计 TOTAL:", cjk, 9.5, heavy=True)
    _put(c, w - 43.5, y - 14, f"USD {money(total)}", cjk, 9.5, "R", heavy=True)
    say = _wrap(f"大写 {say_usd(total)}.", cjk, 8.5, w - 90)
    for i, line in enumerate(say):
        _put(c, 40, y - 38 - i * 12, line, cjk, 8.5)
    y -= 42 + 12 * len(say)
    remarks = ("备注 Remarks:", "1. 包装 Packing: rolls wrapped in PE film, on fumigation-free pallets.",
               "2. 装运港 Port of Loading: Ningbo, China.   目的港 Port of Discharge: Felixstowe, UK.",
               "3. 数量允差 Quantity tolerance: ±5%.   有效期 Validity: 15 days from the date above.")
    for i, line in enumerate(remarks):
        _put(c, 40, y - i * 12, line, cjk, 8.5)
    y -= 12 * len(remarks) + 10
    bank = ("银行信息 Bank Information:", f"受益人 Beneficiary: {SELLER_EN}",
            "开户行 Bank: Bank of China, Ningbo Branch, 139 Yaohang Street, Ningbo, China",
            "SWIFT: BKCHCNBJ92A        账号 A/C No.: 3587 2046 1190 (USD)")
    for i, line in enumerate(bank):
        _put(c, 40, y - i * 12, line, cjk, 8.5)
    y -= 12 * len(bank) + 30
    _put(c, 40, y, "买方签字 Buyer's signature:", cjk, 9)
    _put(c, 320, y, "卖方签字 Seller's signature:", cjk, 9)
    c.setLineWidth(0.5)
    c.line(40, y - 28, 240, y - 28)
    c.line(320, y - 28, 555, y - 28)
    _put(c, 320, y - 40, f"{SELLER_EN}", cjk, 8)
    c.showPage()
    c.save()
    return _truth(kind="pi", number=number, numbers=[buyer_po], buyer=buyer, order_date=order_date,
                  delivery_date=delivery, currency="USD", incoterm=incoterm, payment_terms=payment,
                  items=items,
                  printed={"numbers": [number, buyer_po], "order_date": order_text,
                           "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 8. Labels above their values


def labels_above(path: Path) -> Truth:
    """A modern template: a coloured band, then fields as a small grey label with the value on
    the line below ("PO Number" / "PO-88123", "Delivery Date" / "15 Jan 2027"), a dark header
    row, and the total as "Order Total (USD)" over the amount."""
    number, buyer = "PO-88123", "Northwind Trading GmbH"
    order_date, delivery = dt.date(2026, 11, 21), dt.date(2027, 1, 15)

    def dmy(day: dt.date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

    order_text, delivery_text = dmy(order_date), dmy(delivery)
    payment, incoterm = "T/T 30% deposit, 70% before shipment", "CIF Hamburg"
    rng = random.Random("labels_above")
    units = {"kg": "kg", "m": "m", "roll": "roll"}
    goods = _goods(88, 6, ("kg", "m", "roll"))
    items = [Item(f"NWT-{rng.randint(1000, 9999)}", g.en(), g.quantity, units[g.unit],
                  g.price) for g in goods]

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    teal, grey = colors.HexColor("#0f5257"), colors.HexColor("#7a7a7a")
    c.setFillColor(teal)
    c.rect(0, h - 80, w, 80, stroke=0, fill=1)
    _put(c, 40, h - 40, buyer, HELV_B, 17, color=colors.white)
    _put(c, 40, h - 56, "Speicherstadt, Am Sandtorkai 4 · 20457 Hamburg · Germany", HELV, 8.5,
         color=colors.white)
    _put(c, w - 40, h - 45, "PURCHASE ORDER", HELV_B, 20, "R", colors.white)

    def field(x: float, y: float, label: str, lines: Sequence[str], size: float = 10.5) -> None:
        _put(c, x, y, label, HELV, 7.5, color=grey)
        for i, line in enumerate(lines):
            _put(c, x, y - 14 - i * 12, line, HELV_B if i == 0 else HELV, size if i == 0 else 9)

    row1 = h - 112
    for x, label, value in ((40, "PO Number", number), (175, "Order Date", order_text),
                            (310, "Delivery Date", delivery_text), (445, "Currency", "USD")):
        field(x, row1, label, [value])
    row2 = h - 162
    field(40, row2, "Supplier", [SELLER_EN, *SELLER_ADDRESS], 9.5)
    field(262, row2, "Bill To", [buyer, "Am Sandtorkai 4", "20457 Hamburg, Germany"], 9.5)
    field(420, row2, "Ship To", ["Northwind Lager Waltershof", "Waltershofer Damm 12", "21129 Hamburg"], 9.5)
    row3 = h - 240
    for x, label, value in ((40, "Incoterms", incoterm), (175, "Payment Terms", payment),
                            (420, "Buyer Contact", "Anna Schmidt")):
        field(x, row3, label, [value], 9.5)
    cols = [Col("Item #", 62), Col("Description", 225), Col("Qty", 62, "R"), Col("UoM", 36, "C"),
            Col("Unit Cost", 60, "R"), Col("Line Total", 70, "R")]
    rows, printed_lines = [], []
    for item in items:
        desc = _fit(item.description, HELV, 8.5, 225, 5)
        rows.append([item.item_code or "", "\n".join(desc), en(item.quantity), item.unit, en(item.unit_price),
                     money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, h - 290, cols, rows, size=8.5, head_font=HELV_B, head_color=colors.white,
               head_fill=teal,
               rules="hlines", stroke=colors.HexColor("#d0d0d0"), pad=5)
    total = _total(items)
    c.setFillColor(colors.HexColor("#e6f0f0"))
    c.rect(w - 200, y - 62, 160, 48, stroke=0, fill=1)
    _put(c, w - 190, y - 28, "Order Total (USD)", HELV, 8, color=grey)
    _put(c, w - 50, y - 50, money(total), HELV_B, 15, "R", teal)
    _put(c, 40, y - 28, "Notes", HELV, 7.5, color=grey)
    for i, line in enumerate(("Please confirm receipt and delivery date within 48 hours.",
                              "Mark all cartons with our PO number and item numbers.")):
        _put(c, 40, y - 42 - i * 12, line, HELV, 9)
    _put(c, w / 2, 40, "Questions about this order? purchasing@northwind-trading.de · +49 40 3344 5500", HELV,
         7.5, "C", grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": money(total), "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 9. Proforma invoice with a company chop over the total


def _star(c: Canvas, cx: float, cy: float, radius: float) -> None:
    path = c.beginPath()
    for i in range(10):
        angle = math.radians(90 + i * 36)
        r = radius if i % 2 == 0 else radius * 0.382
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _chop(c: Canvas, cx: float, cy: float, radius: float, angle: float, ring: str, middle: str,
          code: str) -> None:
    """A Chinese company seal: red ring, the company name round the top, a star, the seal's use
    below it and its registration number, the whole turned by `angle` degrees; translucent."""
    cjk = _cjk_font()
    red = colors.HexColor("#d7261e")
    c.saveState()
    c.translate(cx, cy)
    c.rotate(angle)
    c.setFillColor(red)
    c.setStrokeColor(red)
    c.setFillAlpha(0.72)
    c.setStrokeAlpha(0.72)
    c.setLineWidth(2.4)
    c.circle(0, 0, radius, stroke=1, fill=0)
    span = 240.0
    size = radius * 0.24
    for i, char in enumerate(ring):
        theta = 90 + span / 2 - span * i / (len(ring) - 1)
        x = (radius - size * 0.95) * math.cos(math.radians(theta))
        y = (radius - size * 0.95) * math.sin(math.radians(theta))
        c.saveState()
        c.translate(x, y)
        c.rotate(theta - 90)
        c.setFont(cjk, size)
        c.drawCentredString(0, -size * 0.35, char)
        c.restoreState()
    _star(c, 0, radius * 0.02, radius * 0.25)
    c.setFont(cjk, radius * 0.17)
    c.drawCentredString(0, -radius * 0.45, middle)
    c.setFont(HELV, radius * 0.09)
    c.drawCentredString(0, -radius * 0.68, code)
    c.restoreState()


def _signature(c: Canvas, x: float, y: float) -> None:
    """A hand-written-looking scribble in blue ink."""
    c.saveState()
    c.setStrokeColor(colors.HexColor("#1a2f8a"))
    c.setLineWidth(1.1)
    path = c.beginPath()
    path.moveTo(x, y)
    path.curveTo(x + 10, y + 22, x + 18, y + 24, x + 20, y + 6)
    path.curveTo(x + 22, y - 8, x + 30, y + 18, x + 40, y + 10)
    path.curveTo(x + 50, y + 2, x + 56, y + 20, x + 66, y + 8)
    path.curveTo(x + 76, y - 4, x + 90, y + 14, x + 110, y + 4)
    c.drawPath(path, stroke=1, fill=0)
    c.restoreState()


def stamped_pi(path: Path) -> Truth:
    """An English P/I from us with the company chop stamped, turned and translucent, over the
    total and the signature: the seal's ring text, star and registration number sit on top of
    "TOTAL CIF PORT KLANG: USD ..." and the SAY line, which stay readable underneath."""
    cjk = _cjk_font()
    number, buyer, buyer_po = "AN-PI-26-0587", "Kestrel Hygiene Sdn. Bhd.", "KH/PO/26/552"
    order_date, delivery = dt.date(2026, 11, 24), dt.date(2027, 1, 20)
    order_text = f"{_MONTHS[order_date.month - 1]}. {order_date.day}, {order_date.year}"
    delivery_text = f"{delivery.day} {_MONTHS[delivery.month - 1]} {delivery.year}"
    payment, incoterm = "L/C at sight", "CIF Port Klang"
    goods = _goods(99, 5, ("kg", "roll"))
    units = {"kg": "KGS", "roll": "ROLLS"}
    items = [Item(f"AN-{g.kind.key}{g.gsm}{g.colour[3]}", g.en(), g.quantity, units[g.unit], g.price)
             for g in goods]

    c = _canvas(path, f"Proforma Invoice {number}")
    w, h = A4
    _put(c, 40, h - 48, SELLER_EN.upper(), HELV_B, 15)
    _put(c, 40, h - 64, SELLER_ZH, cjk, 10)
    _put(c, 40, h - 77, f"{SELLER_ADDRESS[0]}, {SELLER_ADDRESS[1]}", HELV, 8)
    _put(c, 40, h - 88, "Tel: +86 574 6328 8800   Fax: +86 574 6328 8801   www.acme-nonwovens.cn", HELV, 8)
    c.setLineWidth(1)
    c.line(40, h - 96, w - 40, h - 96)
    _put(c, w / 2, h - 122, "PROFORMA INVOICE", HELV_B, 16, "C")
    left = (f"Messrs.: {buyer}", "Lot 12, Jalan Perindustrian 3,", "41200 Klang, Selangor, Malaysia",
            "Attn: Ms. Siti Rahman")
    right = (("Invoice No.:", number), ("Date:", order_text), ("Your Ref.:", buyer_po))
    for i, line in enumerate(left):
        _put(c, 40, h - 150 - i * 12, line, HELV_B if i == 0 else HELV, 9)
    for i, (label, value) in enumerate(right):
        _put(c, 360, h - 150 - i * 13, label, HELV_B, 9)
        _put(c, 435, h - 150 - i * 13, value, HELV, 9)
    terms = (("Terms of Price:", incoterm), ("Payment:", payment), ("Latest Shipment:", delivery_text),
             ("Port of Loading:", "Ningbo, China"), ("Port of Discharge:", "Port Klang, Malaysia"))
    for i, (label, value) in enumerate(terms):
        _put(c, 40, h - 212 - i * 12, label, HELV_B, 8.5)
        _put(c, 130, h - 212 - i * 12, value, HELV, 8.5)
    cols = [Col("Item No.", 62), Col("Description of Goods", 208), Col("Quantity", 60, "R"),
            Col("Unit", 40, "C"),
            Col("Unit Price\n(USD)", 68, "R"), Col("Amount\n(USD)", 77, "R")]
    rows, printed_lines = [], []
    for item in items:
        desc = _fit(item.description, HELV, 8.5, 208, 4.5)
        rows.append([item.item_code or "", "\n".join(desc), en(item.quantity), item.unit, en(item.unit_price),
                     money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, h - 290, cols, rows, size=8.5, head_font=HELV_B, rules="grid", pad=4.5,
               head_fill=colors.HexColor("#f0f0f0"))
    total = _total(items)
    total_y = y - 22
    _put(c, 40, total_y, "TOTAL CIF PORT KLANG:", HELV_B, 10)
    _put(c, w - 40, total_y, f"USD {money(total)}", HELV_B, 10, "R")
    say = _wrap(say_usd(total) + ".", HELV, 8.5, w - 80)
    for i, line in enumerate(say):
        _put(c, 40, total_y - 16 - i * 11, line, HELV, 8.5)
    bank_y = total_y - 30 - 11 * len(say)
    for i, line in enumerate(("Beneficiary Bank: Bank of China, Ningbo Branch   SWIFT: BKCHCNBJ92A",
                              f"Beneficiary: {SELLER_EN}   A/C No.: 3587 2046 1190",
                              "This P/I is valid for 15 days. Quantity tolerance ±5%.")):
        _put(c, 40, bank_y - i * 11, line, HELV, 8)
    sign_y = bank_y - 80
    _put(c, 360, sign_y + 48, "For and on behalf of", HELV, 8.5)
    _put(c, 360, sign_y + 37, SELLER_EN.upper(), HELV_B, 8.5)
    _signature(c, 380, sign_y + 8)
    c.setLineWidth(0.5)
    c.line(360, sign_y, w - 40, sign_y)
    _put(c, 360, sign_y - 11, "Authorized Signature", HELV, 8)
    _put(c, 40, sign_y - 11, "Buyer's confirmation: ____________________", HELV, 8)
    _chop(c, w - 118, total_y - 18, 48, -14, SELLER_ZH, "合同专用章", "3302260012345")
    c.showPage()
    c.save()
    return _truth(kind="pi", number=number, numbers=[buyer_po], buyer=buyer, order_date=order_date,
                  delivery_date=delivery, currency="USD", incoterm=incoterm, payment_terms=payment,
                  items=items,
                  printed={"numbers": [number, buyer_po], "order_date": order_text,
                           "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 10. German labels, euro amounts with comma decimals


def german_eur(path: Path) -> Truth:
    """A German buyer's "Bestellung / Purchase Order": Bestellnummer / Bestelldatum / Liefertermin
    labels, English column headers, quantities "12.500" and amounts "€ 1.234,50" in German
    writing, a quotation reference with its own date, "Summe / Total € 45.678,90"."""
    number, buyer = "BE-2026-04471", "Mueller Haushaltswaren GmbH"
    order_date, delivery = dt.date(2026, 11, 23), dt.date(2027, 1, 15)
    order_text, delivery_text = order_date.strftime("%d.%m.%Y"), delivery.strftime("%d.%m.%Y")
    payment, incoterm = "60 Tage netto nach Rechnungseingang", "CIF Hamburg"
    rng = random.Random("german_eur")
    units = {"kg": "kg", "m": "lfm", "roll": "Rolle"}
    goods = _goods(1010, 6, ("kg", "m", "roll"), rate="0.92")
    items = [Item(f"MH-{rng.randint(200000, 299999)}", g.compact(), g.quantity, units[g.unit], g.price)
             for g in goods]

    c = _canvas(path, f"Bestellung {number}")
    w, h = A4
    red = colors.HexColor("#b01e23")
    _put(c, w - 45, h - 50, buyer, HELV_B, 14, "R", red)
    for i, line in enumerate(("Industriestraße 7 · 33602 Bielefeld · Deutschland",
                              "Tel. +49 521 93817-0 · einkauf@mueller-haushalt.de")):
        _put(c, w - 45, h - 63 - i * 10, line, HELV, 7.5, "R", colors.grey)
    _put(c, 45, h - 125, f"{buyer} · Industriestraße 7 · 33602 Bielefeld", HELV, 6, color=colors.grey)
    for i, line in enumerate((SELLER_EN, *SELLER_ADDRESS, "VR China")):
        _put(c, 45, h - 140 - i * 12, line, HELV, 9.5)
    _put(c, 45, h - 215, "Bestellung / Purchase Order", HELV_B, 14)
    fields = (("Bestellnummer:", number), ("Bestelldatum:", order_text),
              ("Liefertermin:", f"{delivery_text} (KW 02)"),
              ("Lieferantennr.:", "70412"), ("Ihr Angebot:", "AN-Q-26-1187 vom 12.11.2026"),
              ("Lieferbedingung:", f"{incoterm} (Incoterms 2020)"), ("Zahlungsbedingung:", payment))
    for i, (label, value) in enumerate(fields):
        _put(c, 45, h - 238 - i * 12.5, label, HELV_B, 8.5)
        _put(c, 145, h - 238 - i * 12.5, value, HELV, 8.5)
    for i, line in enumerate(("Ansprechpartner: Frau K. Weber", "Tel.: +49 521 93817-24",
                              "E-Mail: k.weber@mueller-haushalt.de")):
        _put(c, 360, h - 238 - i * 12.5, line, HELV, 8.5)
    cols = [Col("Pos.", 28), Col("Item Code", 58), Col("Description", 190), Col("Quantity", 52, "R"),
            Col("Unit", 34),
            Col("Unit Price", 58, "R"), Col("Amount", 85, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        price, amount = f"€ {de(item.unit_price)}", f"€ {de(item.amount, 2)}"
        desc = _fit(item.description, HELV, 8.5, 190, 4.5)
        rows.append([str(index), item.item_code or "", "\n".join(desc), de(item.quantity), item.unit,
                     price, amount])
        printed_lines.append(_printed_line(item.item_code, desc, de(item.quantity), price, amount))
    y = _table(c, 45, h - 345, cols, rows, size=8.5, head_font=HELV_B, rules="hlines", pad=4.5,
               line_width=0.4,
               stroke=colors.HexColor("#888888"))
    total = _total(items)
    _put(c, w - 145, y - 20, "Summe / Total", HELV_B, 10, "R")
    _put(c, w - 50, y - 20, f"€ {de(total, 2)}", HELV_B, 10, "R")
    notes = ("Bitte geben Sie unsere Bestellnummer auf allen Lieferpapieren und Rechnungen an.",
             "Please quote our order number on all shipping documents and invoices.",
             "Es gelten unsere Allgemeinen Einkaufsbedingungen (www.mueller-haushalt.de/aeb).")
    for i, line in enumerate(notes):
        _put(c, 45, y - 52 - i * 11, line, HELV, 8)
    _put(c, 45, y - 100, "Mit freundlichen Grüßen", HELV, 9)
    _put(c, 45, y - 112, buyer, HELV_B, 9)
    _footer_rule(c, 60, 45, w - 45)
    _put(c, w / 2, 48,
         "Amtsgericht Bielefeld HRB 41235 · USt-IdNr. DE814227963 · Geschäftsführer: Thomas Müller · "
         "Sparkasse Bielefeld IBAN DE12 4805 0161 0000 1234 56", HELV, 6.5, "C", colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="EUR", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"€ {de(total, 2)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 11. Two pages, no repeated header row


def two_pages(path: Path) -> Truth:
    """A 38-line PO over two pages: the table continues on page 2 without its header row; page 1
    ends with "Subtotal (carried forward)", page 2 opens with "Brought forward" and ends with
    "Grand Total"."""
    number, buyer = "OPC-PO-2026-1123", "Orchid Personal Care Co., Ltd."
    order_date, delivery = dt.date(2026, 11, 25), dt.date(2027, 1, 18)
    order_text, delivery_text = order_date.isoformat(), delivery.isoformat()
    payment, incoterm = "T/T 30% deposit, 70% against B/L copy", "CFR Laem Chabang"
    units = {"kg": "KG", "m": "M", "roll": "ROLL"}
    goods = _goods(1111, 38, ("kg", "m", "roll"))
    items = []
    for good in goods:
        roll = f"-{good.roll_m}" if good.unit == "roll" else ""
        code = f"{good.kind.key}{good.gsm}-{good.width}-{good.colour[3]}{roll}"
        items.append(Item(code, good.en(), good.quantity, units[good.unit], good.price))
    first_page = 24

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    purple = colors.HexColor("#5b2c6f")
    _put(c, 40, h - 48, buyer, HELV_B, 15, color=purple)
    _put(c, 40, h - 62, "88/9 Moo 4, Bangna-Trad Road Km. 23, Bang Phli, Samut Prakan 10540, Thailand",
         HELV, 8,
         color=colors.grey)
    _put(c, w - 40, h - 50, "PURCHASE ORDER", HELV_B, 16, "R")
    c.setStrokeColor(purple)
    c.setLineWidth(0.8)
    c.rect(40, h - 150, w - 80, 75)
    left = (("PO No.", number), ("PO Date", order_text), ("Delivery", delivery_text), ("Currency", "USD"))
    right = (("Supplier", SELLER_EN), ("Incoterms", incoterm), ("Payment", payment),
             ("Buyer", "Ms. Pimchanok S."))
    for i, ((la, va), (lb, vb)) in enumerate(zip(left, right, strict=True)):
        _put(c, 48, h - 92 - i * 15, la, HELV_B, 8.5)
        _put(c, 110, h - 92 - i * 15, va, HELV, 8.5)
        _put(c, 270, h - 92 - i * 15, lb, HELV_B, 8.5)
        _put(c, 335, h - 92 - i * 15, vb, HELV, 8.5)
    cols = [Col("No.", 24, "C"), Col("Item Code", 82), Col("Description", 205), Col("Qty", 56, "R"),
            Col("Unit", 32, "C"),
            Col("Unit Price", 52, "R"), Col("Amount", 64, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        desc = _fit(item.description, HELV, 7.5, 205, 3.5)
        rows.append([str(index), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    y = _table(c, 40, h - 165, cols, rows[:first_page], size=7.5, head_font=HELV_B, rules="grid", pad=3.5,
               head_fill=colors.HexColor("#ece4f0"))
    carried = _total(items[:first_page])
    _put(c, w - 110, y - 16, "Subtotal (carried forward):", HELV_B, 8.5, "R")
    _put(c, w - 44, y - 16, f"USD {money(carried)}", HELV_B, 8.5, "R")
    _put(c, w - 40, 34, "continued on page 2 / Page 1 of 2", HELV, 7.5, "R", colors.grey)
    c.showPage()
    _put(c, 40, h - 45, f"{buyer} · Purchase Order {number} (continued)", HELV, 8.5, color=purple)
    _put(c, w - 110, h - 70, "Brought forward:", HELV_B, 8.5, "R")
    _put(c, w - 44, h - 70, f"USD {money(carried)}", HELV_B, 8.5, "R")
    y = _table(c, 40, h - 82, cols, rows[first_page:], size=7.5, rules="grid", pad=3.5, header=False)
    total = _total(items)
    _put(c, w - 130, y - 18, "Grand Total:", HELV_B, 10, "R")
    _put(c, w - 44, y - 18, f"USD {money(total)}", HELV_B, 10, "R")
    remarks = ("Remarks: shipment in two lots accepted. Each roll labelled with PO No. and item code.",
               "Please return the signed order confirmation within 3 days.")
    for i, line in enumerate(remarks):
        _put(c, 40, y - 50 - i * 11, line, HELV, 8)
    _put(c, 40, y - 100, "Approved by: ______________________", HELV, 9)
    _put(c, w - 40, 34, "Page 2 of 2", HELV, 7.5, "R", colors.grey)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 12. Item codes with slashes, descriptions wrapping inside the cell


_WRAPPED = (  # code, description, unit, quantity, unit price
    ("MF-4040-GR",
     ("Microfibre spunlace wiping cloth 40 gsm, 80% polyester / 20% polyamide, cut to 40 x 40 cm, "
                    "green, 50 sheets per bag"), "PCS", "40000", "0.0385"),
    ("NW/SL-45/P200",
     ("Spunlace nonwoven 45 gsm, 30% viscose / 70% polyester, cross-lapped, plain, white, slit "
                       "width 200 mm, core 76 mm"), "KG", "8500", "2.86"),
    ("SMS-25/BL/1600",
     ("SMS nonwoven 25 gsm, hydrophobic, anti-static, light blue, width 1600 mm, 2000 m per roll, "
                        "for surgical gowns"), "ROLL", "120", "176.40"),
    ("MB-BFE99-25/W",
     ("Meltblown fabric 25 gsm, electret treated, BFE 99%, white, width 175 mm, for 3-ply face "
                       "masks"), "KG", "3200", "3.95"),
    ("NP/PET-200/GY",
     ("Needle punched polyester felt 200 gsm, heat-set one side, grey, width 2000 mm, rolls of "
                       "50 m"), "M", "6000", "1.12"),
    ("SB.17-1600/WH-H",
     ("PP spunbond nonwoven 17 gsm, hydrophilic, for diaper topsheet, white, width 1600 mm, "
                         "core 3 inch"), "KG", "15000", "1.68"),
)


def wrapped_codes(path: Path) -> Truth:
    """Codes like MF-4040-GR, NW/SL-45/P200, SB.17-1600/WH-H and descriptions that wrap onto
    a second (or third) line inside their cell; US dates written month first (11/26/2026)."""
    number, buyer = "NMD-4501182", "Northbridge Medical Disposables LLC"
    order_date, delivery = dt.date(2026, 11, 26), dt.date(2027, 1, 29)
    order_text, delivery_text = order_date.strftime("%m/%d/%Y"), delivery.strftime("%m/%d/%Y")
    payment, incoterm = "Net 45 days after B/L date", "FOB Ningbo"
    items = [Item(code, text, Decimal(quantity), unit, Decimal(price))
             for code, text, unit, quantity, price in _WRAPPED]

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    green = colors.HexColor("#1b5e20")
    _put(c, 40, h - 50, "NORTHBRIDGE", HELV_B, 20, color=green)
    _put(c, 40, h - 63, "MEDICAL DISPOSABLES", HELV, 8, color=green)
    _put(c, 40, h - 76, f"{buyer} · 1200 Commerce Park Dr, Charlotte, NC 28269, USA", HELV, 7.5,
         color=colors.grey)
    _put(c, w - 40, h - 52, "Purchase Order", HELV_B, 18, "R")
    fields = (("PO Number:", number), ("PO Date:", order_text), ("Need By:", delivery_text),
              ("Vendor:", SELLER_EN), ("Ship Terms:", incoterm), ("Payment:", payment))
    for i, (label, value) in enumerate(fields):
        _put(c, 40 if i < 3 else 300, h - 110 - (i % 3) * 14, label, HELV_B, 9)
        _put(c, 110 if i < 3 else 360, h - 110 - (i % 3) * 14, value, HELV, 9)
    _put(c, 40, h - 160, "All prices in USD. Quantities per line are firm; see the description for the "
         "packing required.", HELV_I, 8.5)
    cols = [Col("#", 20, "C"), Col("Item Code", 76), Col("Description", 210), Col("Qty", 50, "R"),
            Col("UOM", 34, "C"),
            Col("Unit Price", 55, "R"), Col("Ext. Price", 70, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        lines = _wrap(item.description, HELV, 8, 210 - 8)
        if _joined(lines) != item.description:
            raise AssertionError(lines)
        rows.append([str(index), item.item_code or "", "\n".join(lines), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, lines, en(item.quantity), en(item.unit_price),
                                           money(item.amount)))
    y = _table(c, 40, h - 175, cols, rows, size=8, head_font=HELV_B, rules="grid", pad=4, leading=10,
               head_fill=colors.HexColor("#e3efe4"))
    total = _total(items)
    _put(c, w - 45, y - 18, f"Total: USD {money(total)}", HELV_B, 10.5, "R")
    notes = ("Certificate of Conformance required for every lot. Lot number on every carton.",
             "Invoices without our PO number cannot be processed.")
    for i, line in enumerate(notes):
        _put(c, 40, y - 48 - i * 11, line, HELV, 8)
    _put(c, 40, y - 95, "Buyer: R. Alvarez", HELV, 9)
    _put(c, 300, y - 95, "Signature: ______________________", HELV, 9)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 13. Renminbi with ¥, no currency label


def cny_yen(path: Path) -> Truth:
    """An English PO from a Shanghai trading house in renminbi: "¥ 18.50" prices and amounts,
    "Total Amount (RMB): ¥ 123,456.00", dates as 27-Nov-2026, DAP to the buyer's warehouse."""
    number, buyer = "MK-20261127-01", "Shanghai Meikang Trading Co., Ltd."
    order_date, delivery = dt.date(2026, 11, 27), dt.date(2027, 1, 11)

    def dash(day: dt.date) -> str:
        return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"

    order_text, delivery_text = dash(order_date), dash(delivery)
    payment, incoterm = "30 days after invoice, by bank transfer", "DAP Shanghai"
    units = {"kg": "kg", "m": "m", "roll": "roll"}
    goods = _goods(1313, 6, ("kg", "m", "roll"), rate="7.6")
    items = [Item(f"MK-{g.kind.key}{g.gsm}{g.colour[4]}", g.en(), g.quantity, units[g.unit],
                  g.price) for g in goods]

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    _put(c, w / 2, h - 45, buyer, HELV_B, 14, "C")
    _put(c, w / 2, h - 58,
         "Room 1502, No. 1088 Yan'an West Road, Changning District, Shanghai 200052, P.R. China",
         HELV, 7.5, "C")
    _put(c, w / 2, h - 85, "PURCHASE ORDER", HELV_B, 15, "C")
    fields = (("P.O. No.:", number), ("Date:", order_text), ("Delivery:", delivery_text))
    for i, (label, value) in enumerate(fields):
        _put(c, 380, h - 115 - i * 13, label, HELV_B, 9)
        _put(c, 440, h - 115 - i * 13, value, HELV, 9)
    for i, line in enumerate((f"To: {SELLER_EN}", f"     {SELLER_ADDRESS[0]},", f"     {SELLER_ADDRESS[1]}",
                              "Attn: Mr. Wang, Sales Manager")):
        _put(c, 40, h - 115 - i * 13, line, HELV, 9)
    _put(c, 40, h - 180, "We are pleased to place the following order with you under the terms below:",
         HELV, 9)
    cols = [Col("No.", 26, "C"), Col("Code", 70), Col("Product", 196), Col("Qty", 55, "R"),
            Col("Unit", 30, "C"),
            Col("Unit Price", 58, "R"), Col("Total", 80, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        price, amount = f"¥ {en(item.unit_price)}", f"¥ {money(item.amount)}"
        desc = _fit(item.description, HELV, 8.5, 196, 5)
        rows.append([str(index), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     price, amount])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity), price, amount))
    y = _table(c, 40, h - 195, cols, rows, size=8.5, head_font=HELV_B, head_fill=colors.HexColor("#fde9d9"),
               rules="hlines", pad=5, stroke=colors.HexColor("#c0504d"))
    total = _total(items)
    _put(c, w - 45, y - 20, f"Total Amount (RMB): ¥ {money(total)}", HELV_B, 10.5, "R")
    terms = (f"1. Delivery terms: {incoterm} (our warehouse, Songjiang), freight prepaid by the seller.",
             f"2. Payment: {payment}.", "3. Prices include 13% VAT; please issue a special VAT invoice.",
             "4. Packing: each roll in PE bag, on pallets, max. 1,000 kg per pallet.")
    for i, line in enumerate(terms):
        _put(c, 40, y - 50 - i * 12, line, HELV, 8.5)
    _put(c, 40, y - 125, f"For and on behalf of {buyer}", HELV, 9)
    _put(c, 40, y - 155, "______________________   Purchasing Manager", HELV, 9)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="CNY", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"¥ {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 14. Taiwan dollars, ROC calendar


def ntd_tw(path: Path) -> Truth:
    """A Taiwanese 訂購單 in New Taiwan dollars: "NT$ 12,345" without decimals, dates in the
    Republic-of-China calendar (訂購日期：115年11月27日, 交貨日期：116/01/12 = 2027-01-12),
    合計（未稅） before tax, delivery to the buyer's warehouse (no Incoterm)."""
    cjk = _cjk_font()
    number, buyer = "KS-PO-115-0387", "康盛醫材股份有限公司"
    order_date, delivery = dt.date(2026, 11, 27), dt.date(2027, 1, 12)
    order_text = f"{order_date.year - 1911}年{order_date.month}月{order_date.day}日"
    delivery_text = f"{delivery.year - 1911}/{delivery.month:02d}/{delivery.day:02d}"
    payment = "月結30天 電匯"
    units = {"kg": "公斤", "m": "米", "roll": "捲"}
    goods = _goods(1414, 5, ("kg", "m", "roll"), rate="32", whole=True)
    items = [Item(f"KS{g.kind.key}-{g.gsm:03d}-{g.width}", g.tw(), g.quantity, units[g.unit],
                  g.price) for g in goods]

    c = _canvas(path, f"訂購單 {number}")
    w, h = A4
    _put(c, w / 2, h - 48, buyer, cjk, 16, "C", heavy=True)
    _put(c, w / 2, h - 78, "訂 購 單", cjk, 18, "C", heavy=True)
    _put(c, 40, h - 105, f"廠商：{SELLER_TW}", cjk, 9.5)
    _put(c, 40, h - 121, "地址：浙江省寧波市杭州灣新區濱海三路88號", cjk, 9.5)
    _put(c, 40, h - 137, f"付款條件：{payment}", cjk, 9.5)
    _put(c, 40, h - 153, "交貨地點：桃園市觀音區工業五路6號 本公司倉庫", cjk, 9.5)
    for i, line in enumerate((f"訂單號碼：{number}", f"訂購日期：{order_text}", f"交貨日期：{delivery_text}",
                              "幣別：新台幣")):
        _put(c, 370, h - 105 - i * 16, line, cjk, 9.5)
    cols = [Col("項次", 28, "C"), Col("料號", 78), Col("品名規格", 170), Col("數量", 55, "R"),
            Col("單位", 30, "C"),
            Col("單價", 60, "R"), Col("金額", 94, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        price, amount = f"NT$ {en(item.unit_price)}", f"NT$ {en(item.amount, 0)}"
        desc = _fit(item.description, cjk, 8.5, 170, 4.5)
        rows.append([str(index), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     price, amount])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity), price, amount))
    y = _table(c, 40, h - 172, cols, rows, font=cjk, size=8.5, rules="grid", head_align="C", pad=4.5,
               head_fill=colors.HexColor("#fff2cc"), line_width=0.6)
    total = _total(items)
    _put(c, w - 45, y - 20, f"合計（未稅）：NT$ {en(total, 0)}", cjk, 10.5, "R", heavy=True)
    _put(c, w - 45, y - 36, "營業稅5%另計", cjk, 8.5, "R")
    _put(c, 40, y - 20, f"新台幣{chinese_upper(total, traditional=True)}", cjk, 9)
    for i, line in enumerate(("注意事項：", "1. 請於送貨單註明訂單號碼及料號。",
                              "2. 交貨時請附出貨檢驗報告。",
                              "3. 發票請開立三聯式，統一編號：83291745。")):
        _put(c, 40 + (0 if i == 0 else 12), y - 62 - i * 14, line, cjk, 8.5)
    for i, label in enumerate(("總經理：", "主管：", "採購：林佳穎")):
        _put(c, 40 + i * 170, y - 140, label, cjk, 9)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="TWD", incoterm=None, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"NT$ {en(total, 0)}", "buyer": buyer, "incoterm": None,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 15. Purchase contract: units glued to quantities, no item codes


def contract_glued(path: Path) -> Truth:
    """A purchase contract in numbered clauses: Seller and Buyer blocks side by side, a table
    "Commodity & Specification | Quantity | Unit Price | Amount" with "12,500 kg",
    "USD 1.585/kg" and "USD 19,812.50" in the cells and no item code anywhere."""
    number, buyer = "VH-PC-26-0093", "Vilnius Hygiene UAB"
    order_date, delivery = dt.date(2026, 11, 28), dt.date(2027, 1, 20)
    order_text = f"{order_date.day} {_MONTH_NAMES[order_date.month - 1]} {order_date.year}"
    delivery_text = f"{delivery.day} {_MONTH_NAMES[delivery.month - 1]} {delivery.year}"
    payment, incoterm = "30% T/T in advance, 70% T/T against copy of B/L", "FOB Ningbo"
    goods = _goods(1515, 5, ("kg", "m", "roll"))
    plural = {"kg": "kg", "m": "m", "roll": "rolls"}
    items = [Item(None, g.en(), g.quantity, plural[g.unit], g.price) for g in goods]

    c = _canvas(path, f"Purchase Contract {number}")
    w, h = A4
    _put(c, w / 2, h - 55, "PURCHASE CONTRACT", HELV_B, 17, "C")
    _put(c, w / 2, h - 72, f"Contract No.: {number}", HELV, 9.5, "C")
    _put(c, w / 2, h - 85, f"Date: {order_text}      Signed at: Ningbo, China", HELV, 9.5, "C")
    for x, title, lines in ((40, "The Seller:", (SELLER_EN, *SELLER_ADDRESS, "Tel: +86 574 6328 8800")),
                            (310, "The Buyer:", (buyer, "Savanoriu pr. 178", "LT-03154 Vilnius, Lithuania",
                                                 "VAT code LT100004519612"))):
        _put(c, x, h - 115, title, HELV_B, 9)
        for i, line in enumerate(lines):
            _put(c, x, h - 129 - i * 11.5, line, HELV, 9)
    _put(c, 40, h - 195,
         "The Buyer agrees to buy and the Seller agrees to sell the following goods on the terms "
         "and conditions below:", HELV, 8.5)
    _put(c, 40, h - 215, "1. Commodity, Specification, Quantity and Price", HELV_B, 9.5)
    cols = [Col("Commodity & Specification", 245), Col("Quantity", 75, "R"), Col("Unit Price", 85, "R"),
            Col("Amount", 110, "R")]
    rows, printed_lines = [], []
    for item, good in zip(items, goods, strict=True):
        quantity = f"{en(item.quantity)} {item.unit}"
        price = f"USD {en(item.unit_price)}/{good.unit}"
        amount = f"USD {money(item.amount)}"
        desc = _fit(item.description, HELV, 8.5, 245, 4.5)
        rows.append(["\n".join(desc), quantity, price, amount])
        printed_lines.append(_printed_line(None, desc, quantity, price, amount))
    y = _table(c, 40, h - 225, cols, rows, size=8.5, head_font=HELV_B, rules="grid", pad=4.5, head_align="C")
    total = _total(items)
    c.rect(40, y - 20, 515, 20)
    _put(c, 48, y - 14, "Total Contract Value:", HELV_B, 9.5)
    _put(c, 551.5, y - 14, f"USD {money(total)}", HELV_B, 9.5, "R")
    _put(c, 40, y - 34, f"({say_usd(total).title().replace('Us ', 'US ').replace('Say', 'Say:')})", HELV_I, 8)
    clauses = (f"2. Price Term: {incoterm}, China (Incoterms 2020).",
               f"3. Time of Shipment: not later than {delivery_text}, partial shipments allowed.",
               f"4. Payment: {payment}.",
               "5. Packing: export standard, each roll in PE film, on pallets.",
               "6. Quality and quantity tolerance: ±5%. The Seller's inspection certificate is final.",
               "7. Insurance: to be covered by the Buyer.",
               "8. Arbitration: CIETAC Shanghai Sub-Commission; the award is final and binding.")
    for i, line in enumerate(clauses):
        _put(c, 40, y - 60 - i * 14, line, HELV, 8.5)
    sign_y = y - 60 - len(clauses) * 14 - 30
    _put(c, 40, sign_y, "THE SELLER", HELV_B, 9)
    _put(c, 310, sign_y, "THE BUYER", HELV_B, 9)
    c.setLineWidth(0.5)
    c.line(40, sign_y - 35, 250, sign_y - 35)
    c.line(310, sign_y - 35, 520, sign_y - 35)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="USD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": f"USD {money(total)}", "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------
# 16. Header as a ruled grid, total row inside the item table


def boxed_header(path: Path) -> Truth:
    """A Singapore PO in SGD whose header is itself a ruled four-column grid (label | value |
    label | value), so the page holds two tables; the item table ends with its own TOTAL row;
    prices per square metre (SQM); dates as 30-11-2026."""
    number, buyer = "SCS/PO/26/0871", "Sunrise Cleanroom Supplies Pte. Ltd."
    order_date, delivery = dt.date(2026, 11, 30), dt.date(2027, 1, 18)
    order_text, delivery_text = order_date.strftime("%d-%m-%Y"), delivery.strftime("%d-%m-%Y")
    payment, incoterm = "50% advance, 50% before shipment", "CIF Singapore"
    rng = random.Random("boxed_header")
    goods = _goods(1616, 6, ("sqm",), rate="1.34")
    items = [Item(f"SCS-NW-{rng.randint(100, 999):04d}", g.en(), g.quantity, "SQM", g.price) for g in goods]

    c = _canvas(path, f"Purchase Order {number}")
    w, h = A4
    orange = colors.HexColor("#c55a11")
    _put(c, 40, h - 50, buyer, HELV_B, 14, color=orange)
    _put(c, 40, h - 63, "21 Tampines Industrial Crescent, #04-12, Singapore 528605 · GST Reg. 201534567K",
         HELV, 8,
         color=colors.grey)
    _put(c, w - 40, h - 52, "PURCHASE ORDER", HELV_B, 16, "R")
    grid = [["PO No.", number, "Date", order_text], ["Supplier", SELLER_EN, "Delivery Date", delivery_text],
            ["Currency", "SGD", "Incoterms", incoterm], ["Payment", payment, "Ship Via", "Sea freight, LCL"],
            ["Attention", "Ms. Lily Zhou (sales)", "Our Contact", "Mr. Jason Tan"]]
    head_cols = [Col("", 70), Col("", 185), Col("", 80), Col("", 180)]
    row_height = 8.5 * 1.25 + 2 * 4.5  # as _table draws a one-line row
    c.setFillColor(colors.HexColor("#f2f2f2"))  # the label cells tinted
    for left, width in ((40, 70), (295, 80)):
        c.rect(left, h - 85 - row_height * len(grid), width, row_height * len(grid), stroke=0, fill=1)
    y = _table(c, 40, h - 85, head_cols, grid, size=8.5, rules="grid", header=False, pad=4.5, line_width=0.6)
    cols = [Col("S/N", 26, "C"), Col("Part No.", 72), Col("Description", 205), Col("Qty", 55, "R"),
            Col("UOM", 32, "C"),
            Col("Unit Price", 52, "R"), Col("Total Price", 73, "R")]
    rows, printed_lines = [], []
    for index, item in enumerate(items, start=1):
        desc = _fit(item.description, HELV, 8.5, 205, 4.5)
        rows.append([str(index), item.item_code or "", "\n".join(desc), en(item.quantity), item.unit,
                     en(item.unit_price), money(item.amount)])
        printed_lines.append(_printed_line(item.item_code, desc, en(item.quantity),
                                           en(item.unit_price), money(item.amount)))
    total = _total(items)
    rows.append(["", "", "TOTAL", "", "", "SGD", money(total)])
    y = _table(c, 40, y - 18, cols, rows, size=8.5, head_font=HELV_B, head_fill=colors.HexColor("#fbe5d6"),
               rules="grid", pad=4.5, line_width=0.6)
    conditions = ("Terms & Conditions:",
                  "1. Goods must conform to ISO 14644 class 7 packing (double bagged, vacuum sealed).",
                  "2. Supplier to provide CoA, MSDS and packing list with each shipment.",
                  "3. This PO is subject to our standard terms of purchase.")
    for i, line in enumerate(conditions):
        _put(c, 40, y - 25 - i * 12, line, HELV_B if i == 0 else HELV, 8.5)
    _put(c, 40, y - 110, "Authorised Signatory: ________________________", HELV, 9)
    c.showPage()
    c.save()
    return _truth(kind="po", number=number, buyer=buyer, order_date=order_date, delivery_date=delivery,
                  currency="SGD", incoterm=incoterm, payment_terms=payment, items=items,
                  printed={"numbers": [number], "order_date": order_text, "delivery_date": delivery_text,
                           "total": money(total), "buyer": buyer, "incoterm": incoterm,
                           "payment_terms": payment, "lines": printed_lines})


# --------------------------------------------------------------------------------------------------

LAYOUTS: dict[str, Callable[[Path], Truth]] = {
    "sap_po": sap_po,
    "erp_eur": erp_eur,
    "zh_po": zh_po,
    "tw_po": tw_po,
    "unruled_usd": unruled_usd,
    "landscape_wide": landscape_wide,
    "bilingual_pi": bilingual_pi,
    "labels_above": labels_above,
    "stamped_pi": stamped_pi,
    "german_eur": german_eur,
    "two_pages": two_pages,
    "wrapped_codes": wrapped_codes,
    "cny_yen": cny_yen,
    "ntd_tw": ntd_tw,
    "contract_glued": contract_glued,
    "boxed_header": boxed_header,
}


def missing_from_text(path: Path, truth: Truth) -> list[str]:
    """The printed values of `truth` (numbers, dates, buyer, terms, total, and each line's code,
    description lines, quantity, unit, price and amount) that pdfplumber's extract_text of the
    PDF does not contain: empty when the ground truth is really in the document."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    printed = truth["printed"]
    wanted = [*printed["numbers"], printed["order_date"], printed["delivery_date"], printed["buyer"],
              printed["incoterm"], printed["payment_terms"], printed["total"]]
    for line, true_line in zip(printed["lines"], truth["lines"], strict=True):
        wanted += [line["item_code"], *line["description"], line["quantity"], true_line["unit"],
                   line["unit_price"], line["amount"]]
    return [value for value in wanted if value and value not in text]


def write_all(folder: Path) -> dict[str, tuple[Path, Truth]]:
    """Every layout as folder/<name>.pdf: name -> (path, ground truth)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, tuple[Path, Truth]] = {}
    for name, write in LAYOUTS.items():
        path = folder / f"{name}.pdf"
        written[name] = (path, write(path))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "layouts")
    truths = {name: truth for name, (_, truth) in write_all(target).items()}
    print(json.dumps(truths, ensure_ascii=False, indent=1))

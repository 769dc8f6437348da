"""Test PDFs whose true contents are known: purchase orders and proforma invoices, plus broken files.

The extraction tests and the benchmark compare what mailflow reads out of a PDF with the `OrderDoc`
it was printed from, so every printed string is derived from the document by the helpers here
(`number_text`, `date_text`); a test can rebuild the expected text instead of hard-coding it.

    doc = sample_order(60, lang="zh", seed=3)
    write_order_pdf(doc, tmp_path / "po.pdf")      # text layer, ruled table, header row on each page
    write_scanned_pdf(doc, tmp_path / "scan.pdf")  # page images only, no text layer
    write_broken_pdfs(tmp_path)                    # truncated, random, not_pdf, encrypted, nested, bomb, zero_width

Chinese needs a TrueType CJK font (Debian: fonts-wqy-zenhei); English documents use Helvetica.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CENT = Decimal("0.01")
ENCRYPTED_PASSWORD = "mailflow"
"""User password of the "encrypted" broken PDF: opening it without this must fail."""
NESTED_DEPTH = 100_000
"""Nesting depth of the array in the "nested" broken PDF: far beyond any recursive resolver's stack."""
BOMB_INFLATED_BYTES = 300 * 1024 * 1024
"""Size of the "bomb" content stream once inflated; the file itself stays well under 1 MB."""

# TrueType-outline CJK fonts only: reportlab cannot embed CFF (PostScript-outline) fonts, which is
# what Noto Sans CJK is, so those paths are tried but skipped with a TTFError if found.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
LATIN_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
_CJK_FONT_NAME = "MailflowCJK"


@dataclass(frozen=True)
class Line:
    """One line item as it is printed; `amount` is computed so that it can never disagree."""

    item_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    buyer_code: str = ""  # the buyer's own code, printed when the document has a column for it

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OrderDoc:
    """The true contents of a generated PO ("po") or proforma invoice ("pi"), in English or Chinese."""

    kind: str
    lang: str
    number: str
    buyer: str
    order_date: dt.date
    delivery_date: dt.date
    currency: str
    incoterm: str
    payment_terms: str
    lines: tuple[Line, ...]
    # the code columns as (header, Line field): ("Buyer Item", "buyer_code"), ("Our Code", "item_code");
    # empty: one "Item Code" / 货号 column
    code_columns: tuple[tuple[str, str], ...] = ()
    dates: str = ""  # "dd/mm/yyyy" or "mm/dd/yyyy": numeric dates as a UK or a US buyer prints them

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


# --------------------------------------------------------------------------------------------------
# Sample data

# (code prefix, English name, Chinese name, gsm range)
_PRODUCTS = (
    ("SL", "Spunlace nonwoven", "水刺无纺布", (30, 80)),
    ("SB", "PP spunbond nonwoven", "PP纺粘无纺布", (15, 70)),
    ("MB", "Meltblown fabric", "熔喷布", (20, 50)),
    ("SM", "SMS nonwoven", "SMS无纺布", (25, 60)),
    ("NP", "Needle-punched felt", "针刺毡", (80, 99)),
    ("TB", "Thermal bonded nonwoven", "热风无纺布", (18, 40)),
    ("AL", "Airlaid paper", "无尘纸", (50, 90)),
)
_COLOURS = (("W", "white", "白色"), ("B", "blue", "蓝色"), ("G", "green", "绿色"),
            ("K", "black", "黑色"), ("P", "pink", "粉色"))
_UNITS = {"en": ("ROLL", "KG", "M", "PCS"), "zh": ("卷", "公斤", "米", "件")}
_PRICE_RANGES = ((Decimal(8), Decimal(120)), (Decimal("1.5"), Decimal(6)), (Decimal("0.05"), Decimal(3)),
                 (Decimal("0.02"), Decimal("2.5")))  # per unit, in _UNITS order
_BUYERS = {
    "en": ("Northwind Trading GmbH", "Mueller Haushaltswaren GmbH", "Harbor Medical Supply Inc.",
           "Lumen Hygiene B.V.", "Cascade Wipes Ltd.", "Pacific Filtration Pty Ltd"),
    "zh": ("上海华联贸易有限公司", "广州恒达实业有限公司", "苏州洁美卫生用品有限公司",
           "宁波海天进出口有限公司", "深圳康源医疗器械有限公司"),
}
_INCOTERMS = {
    "en": ("FOB Shanghai", "FOB Ningbo", "CIF Hamburg", "CFR Los Angeles", "EXW Wuxi", "DAP Rotterdam"),
    "zh": ("FOB 上海", "FOB 宁波", "CIF 汉堡", "CFR 洛杉矶", "EXW 无锡", "DAP 鹿特丹"),
}
_PAYMENT_TERMS = {
    "en": ("T/T 30% deposit, 70% before shipment", "T/T 30% deposit, 70% against B/L copy",
           "L/C at sight", "T/T 100% in advance", "O/A 60 days after B/L date"),
    "zh": ("30%定金，70%见提单副本付款", "30%定金，70%发货前付清", "即期信用证",
           "100%预付", "提单日后60天电汇"),
}


def sample_order(lines: int = 12, *, kind: str = "po", lang: str = "en", seed: int = 0,
                 number: str | None = None, currency: str = "USD") -> OrderDoc:
    """A deterministic, realistic nonwoven order.

    The lines (codes, quantities, prices) depend on `seed` and `lines` only, so the same seed in
    "en" and "zh" or as "po" and "pi" gives the same goods, translated: handy for comparisons.
    """
    if kind not in ("po", "pi"):
        raise ValueError(f"kind must be 'po' or 'pi', not {kind!r}")
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    if lines < 0:
        raise ValueError("lines must be >= 0")
    rng = random.Random(seed)
    items: list[Line] = []
    codes: set[str] = set()
    while len(items) < lines:
        prefix, name_en, name_zh, (low, high) = rng.choice(_PRODUCTS)
        gsm = rng.randint(low, high)
        code_colour, colour_en, colour_zh = rng.choice(_COLOURS)
        width = rng.choice((100, 150, 160, 180, 200, 210, 240, 320, 1600, 2400, 3200))
        code = f"{prefix}-{gsm:02d}{rng.randint(10, 99)}-{code_colour}"
        unit_index = rng.randrange(4)
        step = rng.choice((1, 10, 50, 100, 500))
        quantity = Decimal(max(100, rng.randint(100, 50_000) // step * step))
        places = rng.choice((2, 3, 4))
        low_price, high_price = _PRICE_RANGES[unit_index]
        unit_price = Decimal(rng.randint(int(low_price * 10**places), int(high_price * 10**places)))
        unit_price = unit_price.scaleb(-places)
        if code in codes:  # one code per line: tests look lines up by item code
            continue
        codes.add(code)
        description = (f"{name_en} {gsm}gsm {colour_en}, {width}mm width" if lang == "en"
                       else f"{name_zh} {gsm}克 {colour_zh} 宽{width}mm")
        items.append(Line(code, description, quantity, _UNITS[lang][unit_index], unit_price))
    head = random.Random(f"{kind}-{lang}-{seed}")
    order_date = dt.date(2026, 1, 1) + dt.timedelta(days=head.randrange(365))
    if number is None:
        number = (f"PO-{order_date.year}-{head.randint(1, 9999):04d}" if kind == "po"
                  else f"PI-{order_date.year % 100:02d}{head.randint(100, 999)}")
    return OrderDoc(
        kind=kind, lang=lang, number=number, buyer=head.choice(_BUYERS[lang]), order_date=order_date,
        delivery_date=order_date + dt.timedelta(days=head.randint(20, 75)), currency=currency,
        incoterm=head.choice(_INCOTERMS[lang]), payment_terms=head.choice(_PAYMENT_TERMS[lang]),
        lines=tuple(items))


# --------------------------------------------------------------------------------------------------
# How values are printed

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def number_text(value: Decimal) -> str:
    """Thousands separators, the Decimal's own places kept: 12,500 / 1.2350 / 15,437.50."""
    return f"{value:,}"


def date_style(doc: OrderDoc) -> str:
    """"iso" (2026-12-12) or "dmy" (12 Dec 2026, no leading zero); zh is always "iso"; the
    document's own numeric style when it has one (`OrderDoc.dates`).

    English picks per document from a CRC of its number, so a fixed document always prints the same
    way and a handful of sample seeds covers both styles.
    """
    if doc.dates:
        return doc.dates
    if doc.lang == "zh":
        return "iso"
    return "dmy" if zlib.crc32(doc.number.encode()) % 2 else "iso"


def date_text(doc: OrderDoc, day: dt.date) -> str:
    """A date exactly as `doc`'s PDF prints it."""
    if date_style(doc) == "dd/mm/yyyy":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if date_style(doc) == "mm/dd/yyyy":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if date_style(doc) == "dmy":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


def _labels(doc: OrderDoc) -> dict[str, str]:
    if doc.lang == "zh":
        return {"title": "采购订单" if doc.kind == "po" else "形式发票", "number": "订单号：",
                "date": "日期：", "buyer": "买方：", "delivery": "交货期：", "currency": "币种：",
                "incoterm": "贸易条款：", "payment": "付款方式：", "total": "合计：",
                "signature": "授权签字：", "page": "第{}页"}
    return {"title": "PURCHASE ORDER" if doc.kind == "po" else "PROFORMA INVOICE",
            "number": "PO No.:" if doc.kind == "po" else "PI No.:", "date": "Date:", "buyer": "Buyer:",
            "delivery": "Delivery Date:", "currency": "Currency:", "incoterm": "Incoterms:",
            "payment": "Payment Terms:", "total": "Total:", "signature": "Authorized signature:",
            "page": "Page {}"}


def _columns(lang: str) -> tuple[str, ...]:
    if lang == "zh":
        return ("序号", "货号", "品名", "数量", "单位", "单价", "金额")
    return ("No.", "Item Code", "Description", "Qty", "Unit", "Unit Price", "Amount")


def _header_fields(doc: OrderDoc) -> list[str]:
    """One "Label: value" string per printed header line (zh: full-width colon, no space)."""
    labels = _labels(doc)
    gap = "" if doc.lang == "zh" else " "
    pairs = (("number", doc.number), ("date", date_text(doc, doc.order_date)), ("buyer", doc.buyer),
             ("delivery", date_text(doc, doc.delivery_date)), ("currency", doc.currency),
             ("incoterm", doc.incoterm), ("payment", doc.payment_terms))
    return [f"{labels[key]}{gap}{value}" for key, value in pairs]


def _total_text(doc: OrderDoc) -> str:
    gap = "" if doc.lang == "zh" else " "
    return f"{_labels(doc)['total']}{gap}{doc.currency} {number_text(doc.total)}"


def _table_columns(doc: OrderDoc) -> list[str]:
    columns = list(_columns(doc.lang))
    if doc.code_columns:
        columns[1:2] = [header for header, _ in doc.code_columns]
    return columns


def _row(index: int, line: Line, doc: OrderDoc | None = None) -> list[str]:
    codes = [getattr(line, field) for _, field in doc.code_columns] if doc and doc.code_columns else [line.item_code]
    return [str(index), *codes, line.description, number_text(line.quantity), line.unit,
            number_text(line.unit_price), number_text(line.amount)]


# --------------------------------------------------------------------------------------------------
# Fonts


def cjk_font_path() -> Path:
    """The first installed TrueType CJK font, or a RuntimeError naming the Debian package."""
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise RuntimeError("No CJK TrueType font found (tried " + ", ".join(CJK_FONT_CANDIDATES) + "); "
                       "install one: apt-get install fonts-wqy-zenhei")


@functools.cache
def _cjk_font() -> str:
    """Registers the CJK font with reportlab once (parsing a 17 MB TTC takes a moment)."""
    errors = []
    for candidate in CJK_FONT_CANDIDATES:
        if not Path(candidate).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(_CJK_FONT_NAME, candidate, subfontIndex=0))
        except TTFError as exc:  # e.g. Noto CJK: CFF outlines, which reportlab cannot embed
            errors.append(f"{candidate}: {exc}")
            continue
        return _CJK_FONT_NAME
    cjk_font_path()  # raises the "install fonts-wqy-zenhei" error if nothing is installed at all
    raise RuntimeError("No usable TrueType CJK font (" + "; ".join(errors) + "); "
                       "install one: apt-get install fonts-wqy-zenhei")


def _fonts(lang: str) -> tuple[str, str]:
    """(regular, bold) font names; WenQuanYi has no bold, so Chinese uses one face."""
    if lang == "zh":
        name = _cjk_font()
        return name, name
    return "Helvetica", "Helvetica-Bold"


# --------------------------------------------------------------------------------------------------
# Text PDFs


def write_order_pdf(doc: OrderDoc, path: Path) -> Path:
    """A one-company order with a text layer: title, header fields, ruled item table, total.

    PO: the buyer's name as letterhead; PI: none. Header fields are one "Label: value" per line.
    The table's header row repeats on every page; reportlab's invariant mode makes equal documents
    give identical bytes.
    """
    return _build_order_pdf(doc, path)


def _build_order_pdf(doc: OrderDoc, path: Path, encrypt: StandardEncryption | None = None) -> Path:
    regular, bold = _fonts(doc.lang)
    wrap = "CJK" if doc.lang == "zh" else None
    labels = _labels(doc)
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, wordWrap=wrap)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10, wordWrap=wrap)
    title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=24, alignment=TA_CENTER)
    letterhead = ParagraphStyle("letterhead", fontName=bold, fontSize=12, leading=16, alignment=TA_CENTER)
    total = ParagraphStyle("total", fontName=bold, fontSize=10.5, leading=14, alignment=TA_RIGHT)

    story: list[object] = []
    if doc.kind == "po":
        story.append(Paragraph(escape(doc.buyer), letterhead))
    story += [Paragraph(escape(labels["title"]), title), Spacer(1, 4 * mm)]
    story += [Paragraph(escape(field), body) for field in _header_fields(doc)]
    story.append(Spacer(1, 5 * mm))

    codes = max(1, len(doc.code_columns))
    head = ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10, alignment=TA_CENTER, wordWrap=wrap)
    rows: list[list[object]] = [[Paragraph(escape(h), head) if 0 < i <= codes and doc.code_columns else h
                                 for i, h in enumerate(_table_columns(doc))]]
    for index, line in enumerate(doc.lines, start=1):
        row: list[object] = list(_row(index, line, doc))
        row[1 + codes] = Paragraph(escape(line.description), cell)  # wraps instead of overrunning its cell
        rows.append(row)
    # 186 mm: A4 less margins
    widths = [10 * mm, *[22 * mm] * codes, (84 - 22 * (codes - 1)) * mm, 16 * mm, 12 * mm, 18 * mm, 24 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, 0), bold, 8.5),
        ("FONT", (0, 1), (-1, -1), regular, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ee")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (2 + codes, 1), (2 + codes, -1), "RIGHT"),
        ("ALIGN", (4 + codes, 1), (5 + codes, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, KeepTogether([Spacer(1, 4 * mm), Paragraph(escape(_total_text(doc)), total),
                                   Spacer(1, 14 * mm),
                                   Paragraph(escape(labels["signature"]) + " ____________________", body)])]

    def footer(canvas: Canvas, template: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, labels["page"].format(canvas.getPageNumber()))
        canvas.restoreState()

    path.parent.mkdir(parents=True, exist_ok=True)
    template = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=15 * mm, bottomMargin=18 * mm, invariant=True, encrypt=encrypt,
                                 title=f"{labels['title']} {doc.number}", author="mailflow tests")
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


# --------------------------------------------------------------------------------------------------
# Scanned PDFs

_DPI = 150
_PAGE_PX = (round(A4[0] / 72 * _DPI), round(A4[1] / 72 * _DPI))  # 1240 x 1754


@functools.cache
def _image_font(lang: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    candidates = list(LATIN_FONT_CANDIDATES) if lang == "en" else []
    for candidate in [*candidates, *CJK_FONT_CANDIDATES]:
        if Path(candidate).is_file():
            try:
                return ImageFont.truetype(candidate, size, index=0)
            except OSError:
                continue
    if lang == "zh":
        cjk_font_path()  # raises with the package to install
    return ImageFont.load_default(size)


def _scan_pages(doc: OrderDoc) -> list[Image.Image]:
    """The order drawn on white greyscale pages, 150 dpi, in the same layout as write_order_pdf."""
    font = _image_font(doc.lang, 19)
    big = _image_font(doc.lang, 36)
    labels = _labels(doc)
    widths = (50, 140, 520, 100, 70, 105, 135)  # 1120 px of the 1240 px page width
    left, top, bottom, row_height = 60, 110, _PAGE_PX[1] - 140, 34
    lefts = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    rows = [_row(index, line) for index, line in enumerate(doc.lines, start=1)]
    pages: list[Image.Image] = []
    y = bottom  # forces a first page
    draw: ImageDraw.ImageDraw | None = None

    def new_page(first: bool) -> int:
        """Starts a page (the first with title and header fields); returns y below the table header."""
        nonlocal draw
        page = Image.new("L", _PAGE_PX, 255)
        pages.append(page)
        draw = ImageDraw.Draw(page)
        y = top
        if first:
            if doc.kind == "po":
                draw.text((_PAGE_PX[0] // 2, y), doc.buyer, font=font, fill=0, anchor="mt")
                y += 40
            draw.text((_PAGE_PX[0] // 2, y), labels["title"], font=big, fill=0, anchor="mt")
            y += 70
            for field in _header_fields(doc):
                draw.text((left, y), field, font=font, fill=0)
                y += 30
            y += 20
        return table_row(y, list(_columns(doc.lang)), header=True)

    def fitting(text: str, width: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        """The body font, or a smaller one where a cell's text would overrun its column."""
        for size in range(19, 10, -1):
            candidate = font if size == 19 else _image_font(doc.lang, size)
            if candidate.getlength(text) <= width:
                return candidate
        return candidate

    def table_row(y: int, cells: list[str], header: bool = False) -> int:
        assert draw is not None
        if header:
            draw.rectangle((lefts[0], y, lefts[-1], y + row_height), fill=225)
        draw.rectangle((lefts[0], y, lefts[-1], y + row_height), outline=0, width=2)
        for column, text in enumerate(cells):
            draw.line((lefts[column], y, lefts[column], y + row_height), fill=0, width=2)
            right_aligned = not header and column in (3, 5, 6)
            x = lefts[column + 1] - 8 if right_aligned else lefts[column] + 8
            draw.text((x, y + row_height // 2), text, font=fitting(text, widths[column] - 14), fill=0,
                      anchor="rm" if right_aligned else "lm")
        return y + row_height

    for cells in rows:
        if y + row_height > bottom:
            y = new_page(first=not pages)
        y = table_row(y, cells)
    if not pages or y + 160 > bottom:
        y = new_page(first=not pages)
    assert draw is not None
    draw.text((lefts[-1], y + 30), _total_text(doc), font=font, fill=0, anchor="ra")
    draw.text((left, y + 110), labels["signature"] + " ____________________", font=font, fill=0)
    return pages


def _scanner_look(page: Image.Image, rng: random.Random) -> Image.Image:
    """A slight skew, blur and speckle, as a flatbed scan of a printout would have."""
    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    draw = ImageDraw.Draw(page)
    for _ in range(1500):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        draw.point((x, y), fill=rng.randint(90, 200))
    return page


def write_scanned_pdf(doc: OrderDoc, path: Path) -> Path:
    """The order as JPEG page images only: no text layer, so pdfplumber finds no chars (OCR case)."""
    rng = random.Random(doc.number)
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for page in _scan_pages(doc):
        jpeg = io.BytesIO()
        _scanner_look(page, rng).save(jpeg, "JPEG", quality=70)
        jpeg.seek(0)
        canvas.drawImage(ImageReader(jpeg), 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return path


# --------------------------------------------------------------------------------------------------
# Broken PDFs


def hand_written_pdf(objects: list[bytes]) -> bytes:
    """Numbered objects (1 = catalog) with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _page_objects(content: bytes, extra_page_entries: bytes = b"", stream_dict: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + extra_page_entries + b">>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def _nested_pdf() -> bytes:
    """A valid one-page PDF whose page carries an array nested NESTED_DEPTH levels deep (/Annots).

    A parser that resolves objects recursively (pdfminer's resolve_all, behind pdfplumber's
    page.annots and page.hyperlinks) hits Python's recursion limit; the page text itself is fine.
    """
    nested = b"[" * NESTED_DEPTH + b"]" * NESTED_DEPTH
    content = b"BT /F1 14 Tf 72 760 Td (PURCHASE ORDER PO-2026-0001) Tj ET"
    return hand_written_pdf(_page_objects(content, extra_page_entries=b"/Annots " + nested + b" "))


def _write_bomb(path: Path) -> None:
    """A one-page PDF whose Flate content stream inflates to BOMB_INFLATED_BYTES of text operators.

    One text object of ~20 million `(BOMB 12500) Tj` shows; a 16-byte period deflates about 500:1,
    so the file is ~600 KB. Deflated in 1 MB chunks: the inflated stream never exists in memory.
    """
    head, show, tail = b"BT /F1 9 Tf 72 720 Td\n", b"(BOMB 12500) Tj\n", b"ET\n"
    per_chunk = 1024 * 1024 // len(show)
    full_chunks, rest = divmod((BOMB_INFLATED_BYTES - len(head) - len(tail)) // len(show), per_chunk)
    compressor = zlib.compressobj(9)
    chunk = show * per_chunk
    parts = [compressor.compress(head)]
    parts += [compressor.compress(chunk) for _ in range(full_chunks)]
    parts += [compressor.compress(show * rest), compressor.compress(tail), compressor.flush()]
    objects = _page_objects(b"".join(parts), stream_dict=b"/Filter /FlateDecode ")
    path.write_bytes(hand_written_pdf(objects))


def _zero_width_pdf() -> bytes:
    """A one-page PDF whose font gives every glyph zero width and has no bounding box: text a
    layout reader divides by (pdfplumber's text map raised ZeroDivisionError on it)."""
    content = b"BT /F1 12 Tf 72 760 Td (PURCHASE ORDER PO 4500871 TOTAL USD 1000.00) Tj ET"
    objects = _page_objects(content)
    objects[4] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /ZeroWidth /FirstChar 32 /LastChar 126 "
                  b"/Widths [" + b"0 " * 95 + b"] /FontDescriptor 6 0 R >>")
    objects.append(b"<< /Type /FontDescriptor /FontName /ZeroWidth /Flags 32 /ItalicAngle 0 "
                   b"/Ascent 0 /Descent 0 /CapHeight 0 /StemV 80 >>")
    return hand_written_pdf(objects)


def write_broken_pdfs(folder: Path) -> dict[str, Path]:
    """Files named .pdf that a reader must reject or survive, by name.

    truncated: the first half of a valid 12-line order; random: 64 KB of random bytes; not_pdf: an
    HTML error page; encrypted: a valid order with user password ENCRYPTED_PASSWORD (RC4 128-bit);
    nested: see _nested_pdf; bomb: see _write_bomb; zero_width: see _zero_width_pdf. The same bytes
    on every run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.pdf"
             for name in ("truncated", "random", "not_pdf", "encrypted", "nested", "bomb", "zero_width")}

    whole = write_order_pdf(sample_order(12, seed=7), folder / "_whole.pdf")
    data = whole.read_bytes()
    whole.unlink()
    paths["truncated"].write_bytes(data[: len(data) // 2])

    paths["random"].write_bytes(random.Random(1).randbytes(64 * 1024))

    paths["not_pdf"].write_text(
        "<!DOCTYPE html>\n<html><head><title>Download failed</title></head>\n<body><h1>Session expired"
        "</h1><p>The attachment PO-2026-0412.pdf could not be downloaded. Please sign in again.</p>"
        "</body></html>\n", encoding="utf-8")

    security = StandardEncryption(ENCRYPTED_PASSWORD, ownerPassword=f"{ENCRYPTED_PASSWORD}-owner",
                                  strength=128)
    _build_order_pdf(sample_order(12, seed=8), paths["encrypted"], encrypt=security)

    paths["nested"].write_bytes(_nested_pdf())
    paths["zero_width"].write_bytes(_zero_width_pdf())
    _write_bomb(paths["bomb"])
    return paths

"""The packing list: cartons, weights and measurement computed from an order's lines and the
product file, and the PDF that goes with the `packing_list` reply.

Per line: cartons = quantity / pieces per carton, rounded up; net weight = quantity x the net
weight of one piece (the last carton may be part-full); gross = net + the cartons' tare (gross
minus net of a full carton, per carton); CBM = cartons x length x width x height. An item the
product file does not know cannot be packed: the reply is held with the list of what is missing.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from mailflow.errors import ConfigError, MailflowError
from mailflow.extract.record import to_decimal

PRODUCT_COLUMNS = ("item_code", "pieces_per_carton", "net_kg", "gross_kg", "length_cm", "width_cm",
                   "height_cm")
# the optional `package` column: how the item is packed (a carton unless it says otherwise)
PACKAGES = ("carton", "roll", "bale", "pallet", "bag", "drum", "case", "crate")
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
KG = Decimal("0.01")
M3 = Decimal("0.001")


@dataclass(frozen=True)
class Product:
    item_code: str
    pieces_per_carton: Decimal
    net_kg: Decimal  # of a full carton
    gross_kg: Decimal  # of a full carton
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    package: str = "carton"  # one of PACKAGES: what "pieces_per_carton" fills


@dataclass(frozen=True)
class PackingLine:
    item_code: str
    description: str
    quantity: Decimal
    unit: str
    per_carton: Decimal
    cartons: int
    net_kg: Decimal
    gross_kg: Decimal
    cbm: Decimal


@dataclass(frozen=True)
class PackingList:
    order: str
    buyer: str
    lines: tuple[PackingLine, ...]
    missing: tuple[str, ...]  # item codes (or descriptions) without packing specifications

    @property
    def cartons(self) -> int:
        return sum(line.cartons for line in self.lines)

    @property
    def net_kg(self) -> Decimal:
        return sum((line.net_kg for line in self.lines), Decimal(0))

    @property
    def gross_kg(self) -> Decimal:
        return sum((line.gross_kg for line in self.lines), Decimal(0))

    @property
    def cbm(self) -> Decimal:
        return sum((line.cbm for line in self.lines), Decimal(0))

    @property
    def marks(self) -> list[str]:
        return [self.buyer.upper(), f"ORDER NO.: {self.order}", f"C/NO.: 1-{self.cartons}",
                "MADE IN CHINA"]


def read_csv(path: Path, columns: Sequence[str], what: str) -> csv.DictReader[str]:
    """A CSV file of the desk's (the product file, the BOM) whose header must name `columns`;
    a file that cannot be read or lacks a column is a ConfigError naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read {what}: {exc.strerror}", path) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ConfigError(f"the header needs {', '.join(columns)}; missing {', '.join(missing)}", path, 1)
    return reader


def load_products(path: Path) -> dict[str, Product]:
    """The product file: a CSV with the header PRODUCT_COLUMNS (and optionally `package`); errors
    name the file and line."""
    reader = read_csv(path, PRODUCT_COLUMNS, "the product file")
    products: dict[str, Product] = {}
    for row in reader:
        line = reader.line_num
        values: dict[str, Any] = {"item_code": (row.get("item_code") or "").strip()}
        if not values["item_code"]:
            continue
        for column in PRODUCT_COLUMNS[1:]:
            raw = (row.get(column) or "").strip()
            try:
                number = Decimal(raw)
            except InvalidOperation:
                raise ConfigError(f"{raw!r} is not a number", path, line, column) from None
            if number <= 0:
                raise ConfigError("must be more than 0", path, line, column)
            values[column] = number
        package = (row.get("package") or "").strip().lower() or "carton"
        if package not in PACKAGES:
            raise ConfigError(f"{package!r} is none of {', '.join(PACKAGES)}", path, line, "package")
        values["package"] = package
        if values["gross_kg"] < values["net_kg"]:
            raise ConfigError("gross weight is less than net weight", path, line, "gross_kg")
        products[values["item_code"].upper()] = Product(**values)
    return products


def plan(order: str, buyer: str, lines: list[dict[str, Any]],
         products: dict[str, Product]) -> PackingList:
    """The packing list of an order's lines (as kept in the order record)."""
    packed: list[PackingLine] = []
    missing: list[str] = []
    for line in lines:
        code = str(line.get("item_code") or "")
        quantity = to_decimal(line.get("quantity"))
        product = products.get(code.upper()) if code else None
        if product is None or quantity is None:
            missing.append(code or str(line.get("description") or "a line without item code"))
            continue
        cartons = int((quantity / product.pieces_per_carton).to_integral_value(ROUND_CEILING))
        net = (quantity * product.net_kg / product.pieces_per_carton).quantize(KG)
        tare = product.gross_kg - product.net_kg
        gross = (net + cartons * tare).quantize(KG)
        volume = product.length_cm * product.width_cm * product.height_cm / Decimal(1_000_000)
        packed.append(PackingLine(code, str(line.get("description") or ""), quantity,
                                  str(line.get("unit") or ""), product.pieces_per_carton, cartons,
                                  net, gross, (cartons * volume).quantize(M3)))
    return PackingList(order, buyer, tuple(packed), tuple(missing))


def font_path(configured: Path | None = None) -> Path:
    for candidate in ([configured] if configured else []) + [Path(p) for p in FONT_CANDIDATES]:
        if candidate.is_file():
            return candidate
    raise MailflowError("no CJK font for the packing list: install Debian's fonts-wqy-zenhei "
                        "(apt-get install fonts-wqy-zenhei) or set packing.font in mailflow.yaml")


@functools.cache
def _register(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("MailflowCJK", path, subfontIndex=0))
    return "MailflowCJK"


def render_pdf(packing: PackingList, company: str, font: Path) -> bytes:
    """An A4 packing list: shipping marks, one row per line, totals. Chinese text renders."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    face = _register(str(font))
    style = ParagraphStyle("body", fontName=face, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=face, fontSize=14, leading=18)
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, invariant=True,
                                 title=f"Packing list {packing.order}")
    rows: list[list[Any]] = [["Item Code", "Description", "Quantity", "Unit", "Pcs/Ctn", "Cartons",
                              "N.W. (kg)", "G.W. (kg)", "CBM"]]
    for line in packing.lines:
        rows.append([line.item_code, Paragraph(escape(line.description), style), f"{line.quantity:,}",
                     line.unit, f"{line.per_carton:,}", f"{line.cartons:,}", f"{line.net_kg:,}",
                     f"{line.gross_kg:,}", f"{line.cbm}"])
    rows.append(["TOTAL", "", "", "", "", f"{packing.cartons:,}", f"{packing.net_kg:,}",
                 f"{packing.gross_kg:,}", f"{packing.cbm}"])
    table = Table(rows, colWidths=[32 * mm, 80 * mm, 24 * mm, 14 * mm, 18 * mm, 18 * mm, 26 * mm,
                                   26 * mm, 20 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), face), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("ALIGN", (2, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [
        Paragraph(escape(f"{company} — PACKING LIST / 装箱单"), title),
        Paragraph(escape(f"Order No.: {packing.order}"), style),
        Paragraph(escape(f"Buyer: {packing.buyer}"), style),
        Paragraph(escape("Shipping marks: " + " / ".join(packing.marks)), style),
        Spacer(1, 4 * mm), table,
    ]
    document.build(story)
    return out.getvalue()

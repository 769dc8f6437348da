"""Reading PDFs: run inside a limited worker process (see worker.WorkerPool), never in the daemon.

Two speeds. pypdfium2's text costs about a millisecond a page: it tells whether the file is a
PDF at all, whether it is encrypted, whether it has a text layer, and gives rules the attachment
text. pdfplumber's layout text and tables cost 40-80 ms a page: read only when an `extract`
rule wants the order in the document, and only once per page.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mailflow.extract import generic, ocr, templates
from mailflow.extract.generic import Found

NO_TEXT = "no text layer — needs OCR"
MAX_IMAGE_PIXELS = ocr.MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class Scans:
    """How scans (PDF pages without text, image attachments) are read: through OCR when it is
    on and its engine installed, each page or image within `max_pixels`."""

    ocr: bool = True
    max_pixels: int = MAX_IMAGE_PIXELS

    def refusal(self) -> str:
        """Why scans are not read here; empty when they are."""
        if not self.ocr:
            return ocr.SWITCHED_OFF
        return "" if ocr.available() else ocr.MISSING


class Unreadable(Exception):
    """A PDF that cannot be read; `reason` is what the user sees."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Document:
    """What a worker sends back for one PDF (plain values only: it crosses a process boundary)."""

    name: str
    pages: int = 0
    text: str = ""  # pdfplumber's layout text when read for an order, else pypdfium2's
    error: str = ""  # why it could not be read; empty when it could
    template: str | None = None  # the template that matched, None: the generic reader
    keywords: tuple[str, ...] = ()  # the template's keywords that matched
    fields: dict[str, Any] = field(default_factory=dict)  # invoice2data-shaped output
    order: dict[str, Any] = field(default_factory=dict)  # OrderData's fields
    found: tuple[Found, ...] = ()  # the generic reader's fields, with confidence and source
    notes: tuple[str, ...] = ()
    ocr_confidence: float | None = None  # set when the text came from OCR: its lines' mean


def preload() -> None:
    """Import the PDF readers now. They are imported where used, so that a process that never
    reads a PDF never loads them; a worker loads them before it forks a child per document,
    which then has them (a child importing pdfplumber itself spent about 50 ms on it)."""
    import pdfplumber  # noqa: F401 - and the pdfminer modules it reads with
    import pypdfium2  # noqa: F401


def check_header(data: bytes) -> None:
    head = data[:1024]
    if b"%PDF-" not in head:
        shown = re.sub(rb"[^\x20-\x7e]", b".", data[:16]).decode("ascii")
        raise Unreadable(f"not a PDF (it starts with {shown!r})")


def cheap_text(data: bytes, max_pages: int) -> tuple[int, str]:
    """(pages, text) with pypdfium2; raises Unreadable with the reason."""
    import pypdfium2

    check_header(data)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise Unreadable("encrypted: it needs a password to open") from None
        raise Unreadable(f"damaged PDF ({message.rstrip('.')})") from None
    try:
        pages = len(pdf)
        if pages > max_pages:
            raise Unreadable(f"{pages} pages, more than the limit of {max_pages}")
        texts = []
        for index in range(pages):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\n".join(texts)
    if not text.strip():
        raise Unreadable(NO_TEXT)
    return pages, text


COLUMN_FACTOR = 0.80  # a text column is 0.8 of the median glyph width (see layout_text)


def layout_text(page: Any) -> str:
    """A page as text laid out like `pdftotext -layout`, which invoice2data's templates were
    written against: columns kept apart by spaces, one line per text line, blank lines for
    vertical gaps.

    pdfplumber renders its text map on a grid; the grid step, the left margin and the rounding
    are chosen to reproduce poppler's output: a step of 0.8 x the median glyph width (the golden
    invoices pass between 0.79 and 0.83), column 0 at the leftmost glyph, and columns truncated
    rather than rounded. Rotated glyphs and fake-bold double strikes are dropped, as poppler
    merges them.
    """
    seen: set[tuple[str, int, int]] = set()
    drop: set[int] = set()
    for char in page.chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if not char.get("upright", True) or key in seen:
            drop.add(id(char))
        seen.add(key)
    if drop:
        page = page.filter(lambda obj: id(obj) not in drop)
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars:
        return ""
    widths = sorted(c["width"] for c in chars)
    step = COLUMN_FACTOR * widths[len(widths) // 2]
    left = min(c["x0"] for c in chars)
    textmap = page.get_textmap(
        layout=True, keep_blank_chars=True, x_tolerance=3, y_tolerance=3,
        x_density=step, x_shift=step / 2,  # shift by half a step: floor() where pdfplumber rounds
        y_density=1e9,  # one newline per text line; gaps are added below from the baselines
        layout_bbox=(left, page.bbox[1], page.bbox[2], page.bbox[3]),
        layout_width_chars=1, layout_height_chars=1)
    lines: list[tuple[str, list[dict[str, Any]]]] = []
    text: list[str] = []
    glyphs: list[dict[str, Any]] = []
    for char, obj in [*textmap.tuples, ("\n", None)]:
        if char == "\n":
            if glyphs:
                lines.append(("".join(text).rstrip(), glyphs))
            text, glyphs = [], []
        else:
            text.append(char)
            if obj is not None and obj["text"].strip():
                glyphs.append(obj)
    out: list[str] = []
    for index, (line, line_glyphs) in enumerate(lines):
        out.append(line)
        if index + 1 < len(lines):  # as poppler: one newline per font size of baseline gap, 1 to 5
            gap = max(g["bottom"] for g in lines[index + 1][1]) - max(g["bottom"] for g in line_glyphs)
            out.append("\n" * min(5, max(1, int(gap / (line_glyphs[0]["size"] or 1.0)))))
    return "".join(out)


def layout_read(data: bytes, max_pages: int, tables: bool = True) -> tuple[str, list[list[list[str | None]]]]:
    """pdfplumber's layout text of every page and, when asked, its ruled tables."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise Unreadable("encrypted: it needs a password to open") from None
    except (PDFSyntaxError, Exception) as exc:  # noqa: BLE001 - pdfminer raises many kinds
        raise Unreadable(f"damaged PDF ({type(exc).__name__}: {exc})"[:300]) from None
    texts: list[str] = []
    found: list[list[list[str | None]]] = []
    with pdf:
        for page in pdf.pages[:max_pages]:
            texts.append(layout_text(page))
            if tables:
                found.extend(page.extract_tables())
            page.close()
    return _pages(texts), found


def _pages(texts: Sequence[str]) -> str:
    """Pages joined as pdftotext joins them: each ends with a form feed."""
    return "".join((text + "\n" if text else "") + "\f" for text in texts)


class PlumberInput:
    """invoice2data's input-module contract (to_text, SUPPORTS_AREA), answered by pdfplumber,
    for templates whose fields read only an area of a page: the words inside the area (given
    in pixels at `r` dpi, as for pdftotext), a line per text line."""

    SUPPORTS_AREA = True
    __name__ = "pdfplumber-layout"

    @staticmethod
    def to_text(path: str, area_details: dict[str, Any] | None = None) -> str:
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            if not area_details:
                return _pages([layout_text(p) for p in pdf.pages])
            missing = [k for k in ("f", "l", "r", "x", "y", "W", "H") if k not in area_details]
            if missing:
                raise ValueError(f"template area is missing {', '.join(missing)}")
            scale = 72.0 / float(area_details["r"])
            x0, y0 = float(area_details["x"]) * scale, float(area_details["y"]) * scale
            x1 = x0 + float(area_details["W"]) * scale
            y1 = y0 + float(area_details["H"]) * scale
            first, last = int(area_details["f"]), int(area_details["l"])
            words = [(number, w) for number, page in enumerate(pdf.pages, start=1)
                     if first <= number <= last for w in page.dedupe_chars().extract_words()]
        inside = sorted(((n, w) for n, w in words if w["x0"] < x1 and w["x1"] > x0
                         and w["top"] < y1 and w["bottom"] > y0),
                        key=lambda item: (item[0], item[1]["top"], item[1]["x0"]))
        lines: list[list[dict[str, Any]]] = []
        previous: tuple[int, float] | None = None
        for number, word in inside:  # a new line when the page changes or the top moves > 3 pt
            if previous and previous[0] == number and abs(word["top"] - previous[1]) <= 3.0:
                lines[-1].append(word)
            else:
                lines.append([word])
            previous = (number, word["top"])
        return "\n".join(" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"]))
                         for line in lines)


def read_text(data: bytes, name: str, max_pages: int) -> Document:
    """The attachment text rules can test: the cheap reader only."""
    try:
        pages, text = cheap_text(data, max_pages)
    except Unreadable as exc:
        return Document(name, error=exc.reason)
    return Document(name, pages=pages, text=text)


def read_order(data: bytes, name: str, template_dirs: Sequence[str], max_pages: int,
               scans: Scans = Scans()) -> Document:
    """The order in one PDF: a buyer's template when one matches, else the generic reader.
    Pages without a text layer are read through OCR."""
    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)  # its failures come back in error
    try:
        pages, cheap = cheap_text(data, max_pages)
    except Unreadable as exc:
        if exc.reason != NO_TEXT:
            return Document(name, error=exc.reason)
        return _read_scanned_pdf(data, name, template_dirs, max_pages, scans)
    try:
        loaded = templates.load_templates(tuple(template_dirs))
        candidate = templates.match(cheap, loaded) or (
            templates.match(" ".join(cheap.split()), loaded))
        text, tables = layout_read(data, max_pages, tables=candidate is None)
    except Unreadable as exc:
        return Document(name, error=exc.reason)
    confidence = None
    texts = text.split("\f")[:pages]
    blank = [i for i, page in enumerate(texts) if not page.strip()]
    if blank and not scans.refusal():
        blank = ocr.with_images(data, blank)
    if blank:  # some pages are scans among text pages
        read, confidence = ocr.read_images(list(ocr.pdf_pages(data, blank, scans.max_pixels)))
        for index, page_text in zip(blank, read, strict=True):
            texts[index] = page_text
        text = _pages(texts)
    if candidate is None and templates.partly_matched(text, loaded) and not scans.refusal():
        text, confidence = _with_image_text(data, texts, scans, confidence)
        candidate = templates.match(text, loaded)
    return _order_from_text(data, name, pages, text, tables, loaded, candidate, confidence)


def _with_image_text(data: bytes, texts: list[str], scans: Scans,
                     confidence: float | None) -> tuple[str, float | None]:
    """The pages' text with the text of the images placed on them after it (a letterhead or a
    company block pasted as a picture), read when a template finds only some of its keywords
    in the text layer."""
    images = ocr.pdf_images(data, len(texts), scans.max_pixels)
    if not images:
        return _pages(texts), confidence
    read: list[float] = [confidence] if confidence is not None else []
    for index, page_images in images.items():
        found, mean = ocr.read_images(page_images)
        texts[index] = "\n\n".join([texts[index].rstrip("\n"), *found]) + "\n"
        read.append(mean)
    return _pages(texts), round(sum(read) / len(read), 3)


def _read_scanned_pdf(data: bytes, name: str, template_dirs: Sequence[str], max_pages: int,
                      scans: Scans) -> Document:
    refusal = scans.refusal()
    if refusal:
        return Document(name, error=NO_TEXT if not scans.ocr else refusal)
    import pypdfium2

    with pypdfium2.PdfDocument(data) as pdf:
        pages = len(pdf)
    texts, confidence = ocr.read_images(list(ocr.pdf_pages(data, range(pages), scans.max_pixels)))
    return _order_from_ocr(data, name, pages, texts, confidence, template_dirs)


def read_image(data: bytes, name: str, template_dirs: Sequence[str], max_pages: int,
               scans: Scans = Scans()) -> Document:
    """The order in a JPEG, PNG or TIFF attachment (a photo of a bank slip, a faxed PO),
    through OCR; a broken, huge or hostile image gives the reason."""
    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)
    refusal = scans.refusal()
    if refusal:
        return Document(name, error=refusal.replace("a scan", "an image"))
    try:
        images = ocr.open_pages(data, scans.max_pixels, max_pages)
    except ocr.NotAnImage as exc:
        return Document(name, error=exc.reason)
    texts, confidence = ocr.read_images(images)
    return _order_from_ocr(data, name, len(images), texts, confidence, template_dirs)


def _order_from_ocr(data: bytes, name: str, pages: int, texts: Sequence[str], confidence: float,
                    template_dirs: Sequence[str]) -> Document:
    text = _pages(texts)
    if not text.replace("\f", "").strip():
        return Document(name, pages=pages, error="a scan, but OCR found no text on it",
                        ocr_confidence=confidence)
    loaded = templates.load_templates(tuple(template_dirs))  # what it raises is this file's error
    candidate = templates.match(text, loaded) or templates.match(" ".join(text.split()), loaded)
    return _order_from_text(data, name, pages, text, [], loaded, candidate, confidence, scanned=True)


def _order_from_text(data: bytes, name: str, pages: int, text: str, tables: Any, loaded: Any,
                     candidate: Any, confidence: float | None, scanned: bool = False) -> Document:
    template = templates.match(text, loaded) if candidate is not None else None
    if candidate is not None and template is None:  # layout spacing broke a keyword: be sure
        template = candidate
    if template is not None:
        document = _by_template(template, data, name, pages, text, scanned)
        return dataclasses.replace(document, ocr_confidence=confidence)
    found, items = generic.read_generic(text, tables)
    return Document(name, pages=pages, text=text, order=_generic_order(found, items),
                    found=tuple(found), ocr_confidence=confidence)


def _by_template(template: Any, data: bytes, name: str, pages: int, text: str,
                 scanned: bool = False) -> Document:
    fd, path = tempfile.mkstemp(suffix=".pdf")  # area fields make invoice2data read the file
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # a scan's text is OCR's: no other reader of the file would find any
        reader, text = (PlumberInput, text) if scanned else _template_reader(template, path, text)
        fields = templates.run(template, text, path, reader)
    except ValueError as exc:
        return Document(name, pages=pages, text=text, template=template["template_name"],
                        error=f"template {template['template_name']}: {exc}")
    finally:
        os.unlink(path)
    keywords = tuple(k for k in template["keywords"] if k in text)
    return Document(name, pages=pages, text=text, template=template["template_name"],
                    keywords=keywords, fields=templates.json_fields(fields),
                    order=templates.order_fields(fields))


def _template_reader(template: Any, path: str, text: str) -> tuple[Any, str]:
    """The template's own `input_module` when it names one that is installed (its regexes were
    written against that reader's text); pdfplumber's layout text otherwise."""
    name = template.get("input_module")
    if not isinstance(name, str) or name in ("", "pdfplumber"):
        return PlumberInput, text
    from invoice2data.input import INPUT_MODULES, extract_text, is_available

    module = INPUT_MODULES.get(name)
    if module is None or not is_available(module):
        return PlumberInput, text
    return module, str(extract_text(module, path))


def _generic_order(found: Sequence[Found], items: Sequence[Any]) -> dict[str, Any]:
    usable = {f.name: f.value for f in found if f.confidence >= generic.USE_CONFIDENCE}
    numbers = (str(f.value) for f in found  # the document's own number, then those it quotes
               if f.name == "number" and f.confidence >= generic.USE_CONFIDENCE)
    return {
        "numbers": tuple(dict.fromkeys(numbers)),
        "buyer": str(usable.get("buyer", "")),
        "order_date": usable.get("order_date"),
        "delivery_date": usable.get("delivery_date"),
        "currency": str(usable.get("currency", "")),
        "incoterm": str(usable.get("incoterm", "")),
        "payment_terms": str(usable.get("payment_terms", "")),
        "lines": tuple(items),
        "total": usable.get("total"),
        "confidence": tuple((f.name, f.confidence) for f in found),
        "dates_read": tuple(f.reading for f in found if f.reading is not None),
    }


def generic_document(name: str, text: str, tables: Sequence[Any] = ()) -> Document:
    """A mail body or a spreadsheet through the generic reader (no worker needed: no PDF)."""
    found, items = generic.read_generic(text, tables)
    return Document(name, text=text, order=_generic_order(found, items), found=tuple(found))

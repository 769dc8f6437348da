"""A document's template to PDF: Jinja2 (sandboxed, autoescaped, strict: the desk edits the
templates) to HTML, and WeasyPrint to an A4 PDF/A-3b with the CJK font from fontconfig.

WeasyPrint lays out HTML and CSS with Pango, so Chinese and English wrap in one table cell,
the desk changes a document by editing HTML, and the text of the PDF is real text that
pdfplumber (and so `mailflow extract`) reads back. It fetches nothing: every URL a template
names is refused, so a document is the same wherever it is written.
"""

from __future__ import annotations

import functools
import gc
import logging
import threading
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from mailflow.errors import MailflowError, ReplyTemplateError

TEMPLATE_NAMES = {"pi": "pi.html.j2", "invoice": "invoice.html.j2", "packing-list": "packing_list.html.j2",
                  "production-order": "production_order.html.j2", "purchase-order": "purchase_order.html.j2"}
PDF_VARIANT = "pdf/a-3b"
_FONTS = threading.local()  # each thread's WeasyPrint FontConfiguration (Pango's font map is not thread-safe)


@functools.cache
def _environment(folder: str) -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined,
                                autoescape=True, trim_blocks=True, lstrip_blocks=True)


def html(folder: Path, kind: str, page: dict[str, Any]) -> str:
    """The document's HTML from its template; a template error names the file and line."""
    name = TEMPLATE_NAMES[kind]
    if not (folder / name).is_file():
        raise ReplyTemplateError(f"no template for the {kind} (expected {name})", folder)
    try:
        return _environment(str(folder)).get_template(name).render(doc=page)
    except jinja2.TemplateSyntaxError as exc:
        raise ReplyTemplateError(exc.message or "syntax error", exc.filename or folder / name, exc.lineno) from None
    except (jinja2.UndefinedError, jinja2.TemplateError, TypeError, ValueError) as exc:
        raise ReplyTemplateError(f"cannot render: {exc}", folder / name) from None


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a document fetches nothing ({url[:80]})")


def _font_config() -> Any:
    """This thread's fontconfig configuration and Pango font map, made once: made for each
    document, loading the configuration and opening the fonts again cost a sixteenth of it."""
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


def pdf(markup: str) -> bytes:
    """A4 PDF/A-3b of the HTML, no external resource fetched."""
    for chatty in ("weasyprint", "fontTools"):  # their progress is no news to the desk
        logging.getLogger(chatty).setLevel(logging.WARNING)
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise MailflowError(f"cannot write PDF documents: {exc} (pip install weasyprint; apt-get install "
                            "libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-zenhei)") from None
    finally:
        # importing weasyprint lets Pillow load truncated images in the whole process: a
        # damaged photo a buyer sent would then be read (OCR) instead of refused as damaged
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    # WeasyPrint allocates hundreds of thousands of objects a document (boxes, styles, PDF
    # operators), nearly all freed by their reference counts: the cyclic collector's passes over
    # the whole process meanwhile are a tenth of the document's time. It runs again afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = weasyprint.HTML(string=markup, url_fetcher=_refuse)
        rendered: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_font_config())
    finally:
        if collecting:
            gc.enable()
    return rendered

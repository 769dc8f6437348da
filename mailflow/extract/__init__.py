"""Order data from a message's attachments and text: the pipeline's `extract` stage.

PDFs are read in a pool of limited worker processes (pdf.py), with a buyer's invoice2data
template when one matches (templates.py) and the generic reader otherwise (generic.py);
spreadsheets and mail bodies go through the generic reader; the result is cross-checked
(checks.py). A document that cannot be read is recorded with its reason on the order data,
and the message is filed all the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path
from typing import Any

from mailflow import clock
from mailflow.errors import ExtractionError, MailflowError
from mailflow.extract import checks, dates, labels, ocr, pdf, sheets, templates
from mailflow.extract.pdf import Document, Scans
from mailflow.model import Attachment, Decision, Message, OrderData
from mailflow.parse import decode_bytes
from mailflow.worker import ForkRunner, ForkTask, WorkerFailed, WorkerPool

log = logging.getLogger("mailflow.extract")

TEXT_TYPES = ("text/plain", "text/csv", "text/tab-separated-values")
MAX_TEXT_BYTES = 5_000_000
MAX_DOCUMENT_BYTES = 50_000_000
HAND_OVER_BYTES = 1_000_000  # larger documents go to a worker through a temporary file
MAX_BODY_CHARS = 200_000  # of a mail body read as an order
IMAGE_MAGIC = (b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\x89PNG", b"II*\x00", b"MM\x00*")


def is_pdf(att: Attachment) -> bool:
    return att.content_type == "application/pdf" or att.filename.lower().endswith(".pdf")


@dataclasses.dataclass(frozen=True)
class Settings:
    template_dirs: tuple[str, ...] = ()
    workers: int = 0  # 0: one per core
    cpu_seconds: int = 20
    memory_mb: int = 2048
    max_pages: int = 50
    floors: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    enabled: bool = True
    scans: Scans = dataclasses.field(default_factory=Scans)  # OCR of scans and image attachments


class Extractor:
    """Reads documents in limited processes: a pool of workers (started on the first PDF,
    closed with its owner), or, inside a single-threaded worker, a child forked per document
    (`runner`)."""

    def __init__(self, settings: Settings, runner: ForkRunner | None = None) -> None:
        self.settings = settings
        self._pool: WorkerPool | None = None
        self.runner = runner
        self._images: dict[str, Document] = {}  # the last message's images read for their text

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            size = self.settings.workers or os.cpu_count() or 1
            self._pool = WorkerPool(size, memory_mb=self.settings.memory_mb)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def preload(self) -> None:
        """In a worker, before any child is forked for a document: the readers and the
        extraction templates, loaded once here so that each child has them. A child that
        loaded them itself spent about 60 ms a document on it. A template that no longer loads
        is left to the children, which give the reason as the document's error."""
        if not self.settings.enabled:
            return
        pdf.preload()
        labels.preload()
        if self.settings.scans.ocr:
            ocr.preload()
        try:
            templates.load_templates(self.settings.template_dirs)
        except (OSError, MailflowError) as exc:
            log.warning("the extraction templates do not load: %s", exc)

    # --- documents ---------------------------------------------------------------------

    def _submit(self, func: Any, data: bytes, *args: Any) -> Future[Document] | ForkTask:
        """A document goes to a worker; a large one through a temporary file, so that the daemon
        does not hold a pickled copy of it beside the message. A forked child shares the data."""
        if self.runner is not None:
            return self.runner.submit(func, data, *args, seconds=self.settings.cpu_seconds)
        if len(data) <= HAND_OVER_BYTES:
            return self.pool.submit(func, data, *args, seconds=self.settings.cpu_seconds)
        fd, path = tempfile.mkstemp(prefix="mailflow-doc-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        future = self.pool.submit(_from_file, func, path, *args, seconds=self.settings.cpu_seconds)
        future.add_done_callback(lambda _: Path(path).unlink(missing_ok=True))
        return future

    def _result(self, future: Future[Document] | ForkTask, name: str) -> Document:
        """The document, or its reason for not being read: whatever a reader raises on a file
        is that file's error, never the message's (the mail is filed all the same)."""
        try:
            return future.result()
        except WorkerFailed as exc:
            return Document(name, error=exc.reason)
        except Exception as exc:  # noqa: BLE001 - a reader's bug on a hostile file, e.g. ZeroDivisionError
            log.debug("reading %s failed: %s: %s", name, type(exc).__name__, exc)
            return Document(name, error=f"the reader failed on this file ({type(exc).__name__}: {exc})")

    def _read_order(self, data: bytes, name: str) -> Future[Document] | ForkTask | Document:
        """One PDF's order (template or generic reader) on its way from a worker, or at once
        the reason it is not read."""
        if len(data) > MAX_DOCUMENT_BYTES:
            return Document(name, error=f"{len(data) / 1e6:.0f} MB, larger than the "
                                        f"{MAX_DOCUMENT_BYTES // 1_000_000} MB limit for a document")
        return self._submit(pdf.read_order, data, name, self.settings.template_dirs,
                            self.settings.max_pages, self.settings.scans)

    def _read_image(self, data: bytes, name: str) -> Future[Document] | ForkTask | Document:
        """An image attachment's order through OCR, on its way from a worker."""
        if len(data) > MAX_DOCUMENT_BYTES:
            return Document(name, error=f"{len(data) / 1e6:.0f} MB, larger than the "
                                        f"{MAX_DOCUMENT_BYTES // 1_000_000} MB limit for a document")
        return self._submit(pdf.read_image, data, name, self.settings.template_dirs,
                            self.settings.max_pages, self.settings.scans)

    def read_pdf(self, data: bytes, name: str) -> Document:
        return self._done(self._read_order(data, name), name)

    def read_image(self, data: bytes, name: str) -> Document:
        return self._done(self._read_image(data, name), name)

    def _done(self, pending: Future[Document] | ForkTask | Document, name: str) -> Document:
        return pending if isinstance(pending, Document) else self._result(pending, name)

    def documents(self, message: Message, kinds: set[str]) -> list[Document]:
        """Every document of the kinds asked for, PDFs read side by side in the pool; with
        PDFs, the images `attachment_texts` read because their names say they are documents."""
        pending: list[tuple[str, Future[Document] | ForkTask | Document]] = []
        for att in message.attachments:
            if "pdf" in kinds and is_pdf(att):
                pending.append((att.filename, self._read_order(att.payload, att.filename)))
            elif ocr.is_image(att.filename, att.content_type) and (
                    "image" in kinds or ("pdf" in kinds and att.sha256 in self._images)):
                # an image named as a document was read for its text already: not twice, and
                # a rule reading PDFs reads it too (a faxed PO); a logo is read only when asked
                read = self._images.get(att.sha256)
                pending.append((att.filename, read or self._read_image(att.payload, att.filename)))
            elif "spreadsheet" in kinds and sheets.is_sheet(att.filename, att.content_type):
                pending.append((att.filename, self._submit(sheets.read_sheet, att.payload,
                                                           att.filename)))
        documents = [self._done(p, name) for name, p in pending]
        if "body" in kinds and message.text.strip():
            try:
                documents.append(pdf.generic_document("mail body", message.text[:MAX_BODY_CHARS]))
            except Exception as exc:  # noqa: BLE001 - as for any document: its error, not the mail's
                documents.append(Document("mail body", error=f"the reader failed ({type(exc).__name__}: {exc})"))
        return documents

    def extract(self, message: Message, decision: Decision, *, usual_currency: str = "",
                today: dt.date | None = None) -> tuple[OrderData, list[Document]]:
        """The order data an `extract` rule action asks for, checked; empty when none."""
        data, documents = self.read(message, decision)
        return self.check(data, message, usual_currency=usual_currency, today=today), documents

    def read(self, message: Message, decision: Decision) -> tuple[OrderData, list[Document]]:
        """The order data an `extract` rule action asks for, not yet checked."""
        wanted = decision.wants("extract")
        if not wanted or not self.settings.enabled:
            return OrderData(), []
        kinds: set[str] = set()
        for action in wanted:
            kind = str(action.params.get("from", "auto"))
            kinds |= {"pdf", "image", "spreadsheet", "body"} if kind == "auto" else {kind}
        documents = self.documents(message, kinds)
        return order_data(documents), documents

    def check(self, data: OrderData, message: Message, *, usual_currency: str = "",
              today: dt.date | None = None, country: str = "") -> OrderData:
        """The merchandiser's cross-checks on what was read (sums, dates, currency, floors),
        once the dates that read both ways are settled by the mail's date or the party where
        they can be (`dates.settle_mail`; `country`: the buyer's, from the config)."""
        if data.empty and not data.errors:
            return data
        when = today or (message.date.date() if message.date else clock.today())
        sender = message.sender.addr if message.sender else ""
        data = dates.settle_mail(data, dates.Hints(mail_date=message.date.date() if message.date else None,
                                                   country=country, sender_domain=sender.rpartition("@")[2]))
        return dataclasses.replace(data, checks=checks.check_order(
            data, today=when, usual_currency=usual_currency, floors=self.settings.floors))

    def attachment_texts(self, message: Message, pdf_text: bool,
                         unnamed: Callable[[str], bool] | None = None) -> Message:
        """Fill `Attachment.text` where it can be read safely, so rules can test it: plain text
        here; PDF text (cheap reader, in a worker) when a rule looks at attachment text, or
        for a PDF whose file name does not say what it is (`unnamed`: its text does); with
        `unnamed` given, an image's text through OCR when its file name names a document (a
        bank slip, a PO): a logo or a photo in a signature is not read."""
        attachments = []
        futures: dict[int, Future[Document] | ForkTask | Document] = {}
        self._images = {}
        for index, att in enumerate(message.attachments):
            wanted = pdf_text or (unnamed is not None and unnamed(att.filename))
            if wanted and self.settings.enabled and is_pdf(att) and att.size <= MAX_DOCUMENT_BYTES:
                futures[index] = self._submit(pdf.read_text, att.payload, att.filename,
                                              self.settings.max_pages)
            elif (unnamed is not None and self.settings.enabled and ocr.is_image(att.filename, att.content_type)
                  and _names_a_document(att.filename) and not self.settings.scans.refusal()):
                futures[index] = self._read_image(att.payload, att.filename)
        for index, att in enumerate(message.attachments):
            if att.text is None and att.content_type in TEXT_TYPES and att.size <= MAX_TEXT_BYTES:
                att = dataclasses.replace(att, text=decode_bytes(att.payload, None)[0])
            elif index in futures:
                document = self._done(futures[index], att.filename)
                if ocr.is_image(att.filename, att.content_type) and not is_pdf(att):
                    self._images[att.sha256] = document
                att = dataclasses.replace(att, text=document.text if not document.error else "")
            attachments.append(att)
        return dataclasses.replace(message, attachments=tuple(attachments))


def _names_a_document(filename: str) -> bool:
    """Whether a file's name says what document it is, even only by citing one
    ("bank_slip.jpg", "水单.jpg", "PO_4500871.jpg"; not "image001.png" or "logo.png")."""
    from mailflow.documents import names_in

    return bool(names_in(filename))


def _from_file(func: Any, path: str, *args: Any) -> Document:
    """In the worker: the document read from the file the daemon wrote it to."""
    return func(Path(path).read_bytes(), *args)  # type: ignore[no-any-return]


def read_attachment_texts(message: Message) -> Message:
    """Plain-text attachments decoded (no worker needed)."""
    return Extractor(Settings(enabled=False)).attachment_texts(message, pdf_text=False)


def order_data(documents: Sequence[Document]) -> OrderData:
    """The order from the best document: a template's result first, then the one that gave
    the most (number, lines, total); what could not be read is listed in `errors`."""
    errors = tuple(f"{d.name}: {d.error}" for d in documents if d.error)
    usable = [d for d in documents if d.order and not d.error]

    def score(d: Document) -> tuple[int, int, int, int, bool]:
        o = d.order
        return (d.template is not None, bool(o.get("numbers")), len(o.get("lines", ())),
                o.get("total") is not None, d.ocr_confidence is None)  # text over a scan's OCR

    if not usable:
        return OrderData(errors=errors, source="none" if errors else "")
    best = max(usable, key=score)
    o = best.order
    if not (o.get("numbers") or o.get("lines") or o.get("total") is not None):
        return OrderData(errors=errors)
    return OrderData(
        numbers=tuple(o.get("numbers", ())), buyer=o.get("buyer", ""),
        order_date=o.get("order_date"), delivery_date=o.get("delivery_date"),
        currency=o.get("currency", ""), incoterm=o.get("incoterm", ""),
        payment_terms=o.get("payment_terms", ""), lines=tuple(o.get("lines", ())),
        total=o.get("total"),
        source=(f"template {best.template}" if best.template else "generic reader") + (
            f" (OCR, confidence {best.ocr_confidence:.2f})" if best.ocr_confidence is not None else ""),
        errors=errors, document=best.name, confidence=tuple(o.get("confidence", ())),
        dates_read=tuple(o.get("dates_read", ())))


def extract_file(path: Path, extractor: Extractor) -> Document:
    """`mailflow extract FILE`: one document, whatever its kind; raises ExtractionError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read: {exc.strerror}", str(path)) from None
    name = path.name
    if data[:1024].find(b"%PDF-") >= 0 or name.lower().endswith(".pdf"):
        document = extractor.read_pdf(data, name)
    elif ocr.is_image(name, "") or data[:4] in IMAGE_MAGIC:
        document = extractor.read_image(data, name)
    elif sheets.is_sheet(name, ""):
        document = extractor._result(extractor._submit(sheets.read_sheet, data, name), name)
    else:
        text, _warning = decode_bytes(data, None)
        document = pdf.generic_document(name, text)
    if document.error:
        raise ExtractionError(document.error, name)
    return document


def settings_from(config: Any) -> Settings:
    """Settings from the validated config: shipped templates/extract plus the configured dirs."""
    dirs = [config.templates_dir / "extract", *(config.resolve(d) for d in config.extract.template_dirs)]
    floors = checks.load_price_list(config.resolve(config.extract.price_list)) \
        if config.extract.price_list else {}
    return Settings(template_dirs=tuple(str(d) for d in dirs if d.is_dir() or d in dirs[1:]),
                    workers=config.extract.workers, cpu_seconds=config.extract.cpu_seconds,
                    memory_mb=config.extract.memory_mb, max_pages=config.extract.max_pages,
                    floors=floors, enabled=config.extract.enabled,
                    scans=Scans(ocr=config.extract.ocr, max_pixels=config.extract.max_image_pixels))

"""PDFs, spreadsheets and mail bodies whose true contents are known (tests/pdfs.py), read by the
pipeline's extractor in its limited worker pool; and files that must fail cleanly."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mailflow.extract import Extractor, Settings, order_data
from mailflow.extract.pdf import NO_TEXT, Scans, generic_document
from mailflow.model import OrderData

pdfs = pytest.importorskip("tests.pdfs")


@pytest.fixture(scope="module")
def extractor() -> Any:
    extractor = Extractor(Settings(workers=2, cpu_seconds=10, memory_mb=768,
                                   scans=Scans(ocr=False)))  # scans: see test_ocr.py
    yield extractor
    extractor.close()


def assert_matches(data: OrderData, doc: Any) -> None:
    assert data.numbers[0] == doc.number
    assert data.order_date == doc.order_date
    assert data.delivery_date == doc.delivery_date
    assert data.buyer == doc.buyer
    assert data.currency == doc.currency
    assert data.incoterm == doc.incoterm
    assert data.payment_terms == doc.payment_terms
    assert data.total == doc.total
    assert [(li.item_code, li.quantity, li.unit, li.unit_price, li.amount) for li in data.lines] == \
        [(li.item_code, li.quantity, li.unit, li.unit_price, li.amount) for li in doc.lines]
    assert all(c.ok for c in data.checks), data.checks


@pytest.mark.parametrize(("lines", "kind", "lang", "seed"), [
    (1, "po", "en", 1), (12, "po", "en", 2), (60, "po", "en", 3), (12, "pi", "en", 4),
    (1, "po", "zh", 5), (12, "pi", "zh", 6), (60, "po", "zh", 7),
])
def test_generated_orders_are_read_exactly(tmp_path: Path, extractor: Extractor, lines: int,
                                           kind: str, lang: str, seed: int) -> None:
    doc = pdfs.sample_order(lines, kind=kind, lang=lang, seed=seed)
    path = pdfs.write_order_pdf(doc, tmp_path / "order.pdf")
    document = extractor.read_pdf(path.read_bytes(), path.name)
    assert document.error == ""
    assert document.template is None  # no template for these: the generic reader
    from mailflow.extract import checks

    data = order_data([document])
    data = OrderData(**{**data.__dict__, "checks": checks.check_order(data, today=doc.order_date)})
    assert_matches(data, doc)
    if lines == 60:
        assert document.pages > 1  # the table went over pages and was read as one


def test_every_field_says_how_sure_it_is_and_where_it_came_from(tmp_path: Path,
                                                                 extractor: Extractor) -> None:
    doc = pdfs.sample_order(3, seed=11)
    document = extractor.read_pdf(pdfs.write_order_pdf(doc, tmp_path / "po.pdf").read_bytes(), "po.pdf")
    found = {f.name: f for f in document.found}
    assert found["number"].confidence >= 0.9 and doc.number in found["number"].source
    assert found["lines"].confidence >= 0.9


def test_a_scan_without_text_layer_is_reported_not_guessed(tmp_path: Path, extractor: Extractor) -> None:
    path = pdfs.write_scanned_pdf(pdfs.sample_order(3, seed=3), tmp_path / "scan.pdf")
    document = extractor.read_pdf(path.read_bytes(), "scan.pdf")
    assert document.error == NO_TEXT
    assert order_data([document]).errors == (f"scan.pdf: {NO_TEXT}",)


@pytest.mark.parametrize(("name", "reason"), [
    ("truncated", "damaged PDF"), ("random", "not a PDF"), ("not_pdf", "not a PDF"),
    ("encrypted", "encrypted"),
])
def test_broken_pdfs_fail_with_a_reason(tmp_path: Path, extractor: Extractor, name: str,
                                        reason: str) -> None:
    path = pdfs.write_broken_pdfs(tmp_path)[name]
    document = extractor.read_pdf(path.read_bytes(), path.name)
    assert document.error.startswith(reason), document.error


def test_hostile_pdfs_cost_a_worker_never_the_daemon(tmp_path: Path) -> None:
    """A deeply nested PDF is read or refused; a decompression bomb hits the worker's memory or
    CPU limit; either way a reason comes back within the limit and the pool goes on."""
    broken = pdfs.write_broken_pdfs(tmp_path)
    extractor = Extractor(Settings(workers=1, cpu_seconds=5, memory_mb=512))
    try:
        bomb = extractor.read_pdf(broken["bomb"].read_bytes(), "bomb.pdf")
        # the reason comes back from the limit, whichever of memory or CPU the reader hits first
        assert "512 MB" in bomb.error or "5 s of CPU" in bomb.error, bomb.error
        nested = extractor.read_pdf(broken["nested"].read_bytes(), "nested.pdf")
        assert nested.error == "" and "PURCHASE ORDER PO-2026-0001" in nested.text
        doc = pdfs.sample_order(2, seed=9)
        fine = extractor.read_pdf(pdfs.write_order_pdf(doc, tmp_path / "ok.pdf").read_bytes(), "ok.pdf")
        assert fine.error == "" and order_data([fine]).total == doc.total
    finally:
        extractor.close()


def test_too_many_pages_is_a_reason_not_a_wait(tmp_path: Path) -> None:
    doc = pdfs.sample_order(60, seed=4)
    path = pdfs.write_order_pdf(doc, tmp_path / "long.pdf")
    extractor = Extractor(Settings(workers=1, max_pages=1))
    try:
        document = extractor.read_pdf(path.read_bytes(), "long.pdf")
    finally:
        extractor.close()
    assert "more than the limit of 1" in document.error


def test_spreadsheet_orders_use_the_same_reader(tmp_path: Path, extractor: Extractor) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    doc = pdfs.sample_order(5, seed=8)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["PO No.:", doc.number])
    sheet.append(["Date:", doc.order_date.isoformat()])
    sheet.append(["Currency:", doc.currency])
    sheet.append([])
    sheet.append(["Item Code", "Description", "Qty", "Unit", "Unit Price", "Amount"])
    for line in doc.lines:
        sheet.append([line.item_code, line.description, float(line.quantity), line.unit,
                      float(line.unit_price), float(line.amount)])
    sheet.append(["Total", "", "", "", "", float(doc.total)])
    book.save(tmp_path / "order.xlsx")
    from mailflow.extract import sheets

    document = sheets.read_sheet((tmp_path / "order.xlsx").read_bytes(), "order.xlsx")
    data = order_data([document])
    assert data.numbers == (doc.number,)
    assert data.order_date == doc.order_date and data.currency == doc.currency
    assert [li.item_code for li in data.lines] == [li.item_code for li in doc.lines]
    assert [li.amount for li in data.lines] == [li.amount for li in doc.lines]
    assert data.total == doc.total


def test_an_order_written_in_the_mail_body() -> None:
    body = """Dear Lily,

please book the following, PO No.: 4501234, delivery date 2027-02-15, FOB Ningbo.

SX-4512-W  spunlace 45gsm white   12,000 ROLL  1.25  15,000.00
SX-5018-B  spunlace 50gsm blue     2,000 ROLL  1.40   2,800.00

Total: USD 17,800.00
Payment: T/T 30% deposit, balance against B/L copy
"""
    data = order_data([generic_document("mail body", body)])
    assert data.numbers == ("4501234",)
    assert data.delivery_date == dt.date(2027, 2, 15)
    assert data.incoterm == "FOB Ningbo"
    assert [(li.item_code, li.quantity, li.unit) for li in data.lines] == \
        [("SX-4512-W", Decimal(12000), "ROLL"), ("SX-5018-B", Decimal(2000), "ROLL")]
    assert data.total == Decimal("17800.00")


def test_prose_with_numbers_is_not_read_as_order_lines() -> None:
    body = "We met 3 times in 2026 and shipped 40 containers of 12 rolls for 300 customers.\n"
    assert order_data([generic_document("mail body", body)]).lines == ()


def test_a_large_document_goes_to_the_worker_through_a_file_that_is_removed(
        tmp_path: Path, extractor: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    import mailflow.extract

    monkeypatch.setattr(mailflow.extract, "HAND_OVER_BYTES", 0)
    doc = pdfs.sample_order(2, seed=12)
    document = extractor.read_pdf(pdfs.write_order_pdf(doc, tmp_path / "po.pdf").read_bytes(), "po.pdf")
    assert order_data([document]).total == doc.total
    deadline = time.monotonic() + 10
    while list(Path(tempfile.gettempdir()).glob("mailflow-doc-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(Path(tempfile.gettempdir()).glob("mailflow-doc-*"))


def test_a_reader_that_raises_on_a_pdf_gives_that_document_an_error(tmp_path: Path,
                                                                      extractor: Extractor) -> None:
    """Zero-width glyphs and no font box made pdfplumber's layout divide by zero: the document
    gets the error, and nothing escapes to quarantine the whole mail."""
    path = pdfs.write_broken_pdfs(tmp_path)["zero_width"]
    document = extractor.read_pdf(path.read_bytes(), path.name)
    assert "ZeroDivisionError" in document.error
    assert order_data([document]).errors == (f"zero_width.pdf: {document.error}",)

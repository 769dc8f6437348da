"""Scans through the whole pipeline, on SQLite and PostgreSQL: a buyer's PO that arrives as a
scanned PDF opens its order with the lines and total read through OCR, and a photo of the bank
slip (a JPEG) records the deposit as the same slip's text would."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from mailflow.extract import ocr
from tests.integration.test_follow_up import BOB, TT, at, deliver, desk, pdf, show
from tests.mails import mail

scans = pytest.importorskip("tests.scans")
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not ocr.available(), reason="the OCR engine is not installed")]

SLIP = ("BANK OF NINGBO  Remittance advice", "Amount: USD 6,000.00", "Value date: 2026-03-10",
        "Reference: FT26031000789", "Beneficiary: Acme Nonwovens Co., Ltd.")


def slip_photo(tmp_path: Path) -> bytes:
    """The bank slip printed, scanned and saved as a JPEG, as a buyer photographs it."""
    path = tmp_path / "slip.pdf"
    canvas = Canvas(str(path), pagesize=(A4[0], A4[1] / 3), invariant=True)
    for row, text in enumerate(SLIP):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(60, A4[1] / 3 - 60 - 24 * row, text)
    canvas.save()
    [page] = scans.scan_pages(path, seed=8)
    page.save(tmp_path / "slip.jpg", quality=80)
    return (tmp_path / "slip.jpg").read_bytes()


def test_a_scanned_po_opens_its_order_and_a_slip_photo_records_the_deposit(tmp_path: Path,
                                                                             database_url: str) -> None:
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    text_pdf = tmp_path / "po-text.pdf"
    text_pdf.write_bytes(pdf(tmp_path, "po", "KS-3001", TT))
    scanned = scans.write_image_pdf(scans.scan_pages(text_pdf, seed=4), tmp_path / "po-scan.pdf")
    from mailflow import clock

    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-3001", "Please find attached our PO KS-3001.", sender=BOB,
                                       message_id="po-scan@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-3001.pdf", scanned.read_bytes(), "application/pdf")]))
        shown = show(config, "KS-3001")
        data = shown["data"]
        assert data["total"] == "20000.00"
        assert [line["item_code"] for line in data["lines"]] == ["NW-SL45-P200", "MF-4040-GR"]
        assert "OCR, confidence" in data["document"]["source"]  # kept on the stored document
        assert shown["follow_up"]["money"]["outstanding"] == "20000.00"

        now.advance(days=8)
        deliver(config, "02.eml", mail("Payment PO KS-3001", "Please find the bank slip attached.", sender=BOB,
                                       message_id="slip-photo@kestrel.example", date=at("2026-03-10", 11),
                                       attachments=[("bank_slip_KS-3001.jpg", slip_photo(tmp_path), "image/jpeg")]))
        money = show(config, "KS-3001")["follow_up"]["money"]
        assert money["outstanding"] == "14000.00"
        assert [p["reference"] for p in money["payments"]] == ["FT26031000789"]

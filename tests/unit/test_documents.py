"""Typed documents: what a mail carries, who sent it, and how two documents of one order differ."""

from __future__ import annotations

import pytest

from mailflow.documents import detect, revision_of, sets_terms
from mailflow.extract.record import differences, line_differences
from mailflow.model import DocumentFacts, OrderData
from mailflow.parse import parse
from tests.mails import mail


def kinds(subject: str, names: list[str], category: str = "order", party: str = "buyer") -> list[str]:
    message = parse(mail(subject, "see attached", attachments=[(n, b"%PDF-1.4", "application/pdf") for n in names]))
    return [d.kind for d in detect(message, category, party)]  # type: ignore[arg-type]


@pytest.mark.parametrize("name, party, expected", [
    ("PO_4500871.pdf", "buyer", "po"),
    ("PO 4500871 Rev.1.pdf", "buyer", "po_revision"),
    ("采购订单修改 KS-1234.pdf", "buyer", "po_revision"),
    ("Proforma Invoice AN-PI-26-0412.pdf", "us", "pi"),
    ("Proforma Invoice AN-PI-26-0412.pdf", "buyer", "pi_countersigned"),
    ("形式发票.pdf", "us", "pi"),
    ("Draft BL MSKU1234567.pdf", "forwarder", "bl_draft"),
    ("Bill of Lading.pdf", "forwarder", "bl"),
    ("装箱单.xlsx", "us", "packing_list"),
    ("Certificate of Origin.pdf", "us", "co"),
    ("L/C amendment 2.pdf", "bank", "lc_amendment"),
    ("TT copy.jpg", "buyer", "bank_slip"),
    ("水单.jpg", "buyer", "bank_slip"),
    ("Inspection report SGS.pdf", "supplier", "inspection_report"),
    ("Booking confirmation.pdf", "forwarder", "booking_confirmation"),
])
def test_documents_are_recognised_by_their_names(name: str, party: str, expected: str) -> None:
    assert kinds("documents", [name], party=party) == [expected]


def test_a_mail_without_a_business_attachment_is_a_document_of_its_own() -> None:
    assert kinds("RFQ spunlace", [], category="inquiry") == ["inquiry"]
    assert kinds("RFQ spunlace", [], category="inquiry", party="us") == ["quotation"]
    assert kinds("samples please", [], category="sample") == ["sample_request"]
    assert kinds("PO KS-1234 Rev.2", [], category="order") == ["po_revision"]


def test_revisions() -> None:
    assert revision_of("PO 4500871 Rev.2") == 2 and revision_of("Amendment No. 3") == 3
    assert revision_of("第2次修改") == 2 and revision_of("PO 4500871") == 0


def test_our_pi_never_sets_the_terms_once_the_buyer_sent_a_po() -> None:
    data = OrderData(numbers=("KS-1234",), document="pi.pdf")
    ours = [DocumentFacts("pi", "us", "pi.pdf", 0, "")]
    po_terms = {"terms": {"kind": "po"}, "payment_terms": "30% T/T"}
    assert not sets_terms("us", ours, po_terms, data)
    assert sets_terms("us", ours, {}, data)  # an order our P/I opens takes its data
    buyer_po = [DocumentFacts("po_revision", "buyer", "po.pdf", 1, "")]
    assert sets_terms("buyer", buyer_po, po_terms, OrderData(numbers=("KS-1234",), document="po.pdf"))


def test_the_pi_is_compared_with_the_po_line_by_line() -> None:
    po = {"currency": "USD", "incoterm": "FOB Ningbo", "payment_terms": "30% T/T deposit",
          "lines": [{"item_code": "A-1", "quantity": "100", "unit_price": "1.00", "amount": "100.00"},
                    {"item_code": "B-2", "quantity": "10", "unit_price": "2", "amount": "20"}]}
    pi = {"currency": "USD", "incoterm": "FOB Shanghai", "payment_terms": "30% T/T deposit",
          "lines": [{"item_code": "A-1", "quantity": "100.000", "unit_price": "1.0", "amount": "100"},
                    {"item_code": "B-2", "quantity": "12", "unit_price": "2", "amount": "24"},
                    {"item_code": "C-3", "quantity": "1", "unit_price": "5", "amount": "5"}]}
    assert differences(po, pi) == [
        "incoterm FOB Ningbo (PO) vs FOB Shanghai (P/I)",
        "line 2 B-2: quantity 10 (PO) vs 12 (P/I)", "line 2 B-2: amount 20 (PO) vs 24 (P/I)",
        "line 3 C-3: only P/I"]
    assert line_differences(po["lines"], po["lines"]) == []

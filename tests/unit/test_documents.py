"""Typed documents: what a mail carries, who sent it, and how two documents of one order differ."""

from __future__ import annotations

import pytest

from mailflow.documents import detect, kind_of, revision_of, sets_terms
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
        "incoterm FOB Ningbo on the PO, FOB Shanghai on our P/I",
        "line 2 (B-2): quantity 10 on the PO, 12 on our P/I", "line 2 (B-2): amount 20 on the PO, 24 on our P/I",
        "line 3 (C-3): only on our P/I"]
    assert differences(po, pi, "zh") == [
        "贸易条款 客户订单 FOB Ningbo，我方形式发票 FOB Shanghai",
        "第2行（B-2）：数量 客户订单 10，我方形式发票 12", "第2行（B-2）：金额 客户订单 20，我方形式发票 24",
        "第3行（C-3）：仅我方形式发票有"]
    assert line_differences(po["lines"], po["lines"]) == []


def typed(name: str, text: str = "", party: str = "buyer", category: str = "order") -> tuple[str, str]:
    message = parse(mail("documents", "see attached", attachments=[(name, b"%PDF-1.4", "application/pdf")]))
    docs = detect(message, category, party, {name: text} if text else None)  # type: ignore[arg-type]
    return (docs[0].kind, docs[0].reason) if docs else ("", "")


@pytest.mark.parametrize("name, expected", [
    ("Inspection Report - PO 4500871.pdf", "inspection_report"),  # the cited PO is not its kind
    ("Packing_List_CI_123.pdf", "packing_list"),  # nor the cited invoice
    ("CI_AN-26-0412_PO4500871.pdf", "commercial_invoice"),
    ("PO_4500871.pdf", "po"),  # a PO's own name is often only its number
    ("Booking Confirmation SO 88123 PO 4500871.pdf", "booking_confirmation"),
    ("Copy BL SWLNGB1234 PO 4500871.pdf", "bl_copy"),
    ("Telex release SWLNGB1234.pdf", "bl_release"),
    ("电放提单 SWLNGB1234.pdf", "bl_release"),
    ("正本提单 PO 4500871.pdf", "bl_original"),
    ("Credit Advice 20260512 LC 1234.pdf", "bank_slip"),
    ("MT103 PO 4500871.pdf", "bank_slip"),
    ("QC Report PO-4500871.pdf", "inspection_report"),
    ("Quotation AN-Q-26-031.pdf", "quotation"),
    ("Shipping Advice PO 4500871.pdf", "shipping_advice"),
])
def test_a_cited_number_never_outranks_the_documents_own_name(name: str, expected: str) -> None:
    assert typed(name, party="other")[0] == expected


INSPECTION = """QIMA Limited
FINAL RANDOM INSPECTION REPORT
Client: Kestrel Home GmbH          PO No.: 4500871
Supplier: Ningbo Anchor Textiles Co., Ltd.
Inspection date: 2026-04-20        Result: PASS
"""
PI = """NINGBO ANCHOR TEXTILES CO., LTD.
No. 88 Jiangdong Road, Ningbo, China
PROFORMA INVOICE
PI No.: AN-PI-26-0412        Date: 2026-03-04
Buyer: Kestrel Home GmbH     PO No.: 4500871
"""
PACKING = """PACKING LIST
Invoice No.: CI-26-0412   PO: 4500871
Marks & Nos.  Description  Cartons  N.W.  G.W.
"""
BL_COPY = """SEAWAYS LOGISTICS (NINGBO) CO., LTD.
BILL OF LADING                 B/L No.: SWLNGB1234
Shipper: Ningbo Anchor Textiles Co., Ltd.
Consignee: TO ORDER          COPY - NON NEGOTIABLE
"""
BL_SURRENDERED = """BILL OF LADING   B/L No. SWLNGB1234
SURRENDERED
Shipper: Ningbo Anchor Textiles
"""
CREDIT_ADVICE = """BANK OF NINGBO
CREDIT ADVICE
Our ref: 26LC0012   Your L/C No. 1234/26
REIMBURSEMENT RECEIVED USD 48,000.00 VALUE 2026-05-12
"""
CN_INSPECTION = """宁波检验有限公司
验货报告
订单号：4500871   客户：Kestrel
结果：合格
"""
TW_PACKING = """裝箱單
訂單號：4500871  發票號：CI-26-0412
"""
CN_CREDIT = """中国银行宁波分行
贷记通知
信用证号：LC1234  金额：USD 48,000.00
"""
CN_CONTRACT_PO = """采购订单
订单号：KS-1234   日期：2026-03-01
付款方式：信用证 即期
"""
BOOKING = """Booking Confirmation
Booking No.: SWL88123      Shipper: Ningbo Anchor Textiles
Vessel: MAERSK ESSEN 612E  ETD: 2026-05-02
Ref: PO 4500871 / Invoice CI-26-0412
"""
MT700 = """MT700 ISSUE OF A DOCUMENTARY CREDIT
:20: DOCUMENTARY CREDIT NUMBER 1234/26
"""


@pytest.mark.parametrize("name, text, party, expected", [
    ("Inspection Report - PO 4500871.pdf", INSPECTION, "supplier", "inspection_report"),
    ("PO_4500871.pdf", INSPECTION, "supplier", "inspection_report"),  # the text outranks the name
    ("scan0001.pdf", PI, "us", "pi"),
    ("scan0001.pdf", PI, "buyer", "pi_countersigned"),  # our P/I coming back from the buyer
    ("Packing_List_CI_123.pdf", PACKING, "us", "packing_list"),
    ("CI_26_0412.pdf", PACKING, "us", "packing_list"),
    ("BL_SWLNGB1234.pdf", BL_COPY, "us", "bl_copy"),
    ("BL_SWLNGB1234.pdf", BL_SURRENDERED, "forwarder", "bl_release"),
    ("advice.pdf", CREDIT_ADVICE, "bank", "bank_slip"),  # not an L/C advice for citing the L/C
    ("report.pdf", CN_INSPECTION, "supplier", "inspection_report"),
    ("PL.pdf", TW_PACKING, "us", "packing_list"),
    ("notice.pdf", CN_CREDIT, "bank", "bank_slip"),
    ("KS-1234.pdf", CN_CONTRACT_PO, "buyer", "po"),  # not an L/C advice for its terms
    ("PO 4500871.pdf", BOOKING, "forwarder", "booking_confirmation"),
    ("LC.pdf", MT700, "bank", "lc_advice"),
])
def test_a_documents_own_heading_decides_its_kind(name: str, text: str, party: str, expected: str) -> None:
    assert typed(name, text, party)[0] == expected


def test_each_decision_gives_its_reason() -> None:
    kind, reason = typed("PO_4500871.pdf", INSPECTION, "supplier")
    assert kind == "inspection_report"
    assert reason == "its heading says 'FINAL RANDOM INSPECTION REPORT'; sent by supplier"
    kind, reason = typed("Packing_List_CI_123.pdf", "", "us")
    assert reason == "file name says 'Packing List'; sent by us"
    kind, reason = typed("PO_4500871.pdf", "", "buyer")
    assert kind == "po" and "a citation" in reason
    kind, reason = typed("BL_SWLNGB1234.pdf", BL_COPY, "us")
    assert reason.startswith("its heading says 'BILL OF LADING'") and "COPY - NON NEGOTIABLE" not in reason
    assert "it says" in reason


def test_a_file_name_is_a_hint_when_the_text_names_nothing_or_only_cites() -> None:
    assert typed("Packing list.pdf", "Ref: PO 4500871\nCartons 120")[0] == "packing_list"
    assert typed("scan.pdf", "Ref: PO 4500871\nCartons 120")[0] == "po"  # nothing better: the citation
    assert typed("scan.pdf", "Dear Sir\nplease find")[0] == ""


def test_a_buyers_text_about_the_pi_is_not_a_countersigned_pi() -> None:
    message = parse(mail("Re: PI AN-PI-26-0412", "PI received, L/C being applied."))
    assert detect(message, "order", "buyer") == []
    signed = parse(mail("Re: PI AN-PI-26-0412", "Signed PI attached.",
                        attachments=[("PI_AN-PI-26-0412_signed.pdf", b"%PDF-1.4", "application/pdf")]))
    assert [d.kind for d in detect(signed, "order", "buyer")] == ["pi_countersigned"]


def test_a_mail_that_is_a_telex_release_or_the_originals_sent() -> None:
    release = parse(mail("Telex release SWLNGB1234 / PO 4500871", "B/L surrendered, cargo released."))
    assert [d.kind for d in detect(release, "shipping", "forwarder")] == ["bl_release"]
    originals = parse(mail("Original B/L sent by DHL", "3/3 originals, AWB 1234567890."))
    assert [d.kind for d in detect(originals, "shipping", "us")] == ["bl_original"]


US = "Lily Chen <lily@anchor-textiles.example>"


def ours(subject: str, body: str, category: str, attachments: list[tuple[str, str]] = ()) -> list[str]:  # type: ignore[assignment]
    message = parse(mail(subject, body, sender=US, to="bob@kestrel.example",
                         attachments=[(n, b"%PDF-1.4", "application/pdf") for n, _ in attachments]))
    return [d.kind for d in detect(message, category, "us", {n: t for n, t in attachments if t})]


QUOTATION = """NINGBO ANCHOR TEXTILES CO., LTD.
QUOTATION
Quotation No.: AN-Q-26-031   Date: 2026-02-10
Item: spunlace wipes 45 gsm   FOB Ningbo USD 1.20 / pack   Samples: free of charge
"""


@pytest.mark.parametrize("subject, body, category, attachments, expected", [
    # our quotation offers samples: it is a quotation, not a sample request
    ("Quotation for spunlace wipes", "Dear Bob,\nplease find our best prices below. Free samples on request.",
     "sample", [], ["quotation"]),
    ("Re: RFQ spunlace wipes", "Dear Bob,\nattached our offer; samples can be sent next week.", "sample",
     [("AN-Q-26-031.pdf", QUOTATION)], ["quotation"]),
    ("Re: 报价 水刺无纺布", "王先生您好，\n附件是我们的报价单，样品可免费提供。", "sample", [], ["quotation"]),
    # samples sent: never a sample request or an inquiry
    ("Samples sent - DHL 1234567890", "Dear Bob,\nthe samples were sent today by DHL, AWB 1234567890.",
     "sample", [], ["samples_sent"]),
    ("Re: samples", "Dear Bob,\nsamples have been dispatched by FedEx 7788 9900.", "inquiry", [], ["samples_sent"]),
    ("样品已寄出", "王先生您好，\n样品已寄出，顺丰单号 SF1234567890。", "sample", [], ["samples_sent"]),
    ("Re: 樣品", "陳先生您好，\n樣品已寄出，請查收。", "sample", [], ["samples_sent"]),
    # our P/I is ours; the shipping documents we send are copies, not a release
    ("P/I AN-PI-26-0412 for your PO 4500871", "Please find our P/I.", "order",
     [("PI_AN-PI-26-0412.pdf", "")], ["pi"]),
    ("Signed PI AN-PI-26-0412", "Our signed P/I.", "order", [("Signed_PI_AN-PI-26-0412.pdf", "")], ["pi"]),
    ("Shipping documents PO 4500871", "Dear Bob,\nattached copy B/L, invoice and packing list.", "shipping",
     [("BL_SWLNGB1234.pdf", BL_COPY), ("CI_26_0412.pdf", "COMMERCIAL INVOICE\nInvoice No. CI-26-0412"),
      ("PL_26_0412.pdf", PACKING)], ["bl_copy", "commercial_invoice", "packing_list"]),
    ("Copy B/L PO 4500871", "Dear Bob,\nplease find the copy B/L; originals after the balance.", "shipping",
     [("Copy_BL_SWLNGB1234.pdf", "")], ["bl_copy"]),
])
def test_our_own_mail_is_typed_by_what_we_send(subject: str, body: str, category: str,
                                                attachments: list[tuple[str, str]], expected: list[str]) -> None:
    assert ours(subject, body, category, attachments) == expected


def test_our_answer_to_a_sample_request_without_samples_sent_confirms_it() -> None:
    assert ours("Re: samples please", "Dear Bob,\nwe will prepare the samples this week.", "sample") == [
        "sample_request"]
    assert ours("Re: RFQ spunlace", "Dear Bob,\nplease see our prices below.", "inquiry") == ["quotation"]


def test_a_buyer_asking_for_the_telex_release_is_no_release() -> None:
    asked = parse(mail("Telex release PO 4500871?", "Balance paid, please arrange the telex release."))
    assert "bl_release" not in [d.kind for d in detect(asked, "shipping", "buyer")]
    assert [d.kind for d in detect(asked, "shipping", "forwarder")] == ["bl_release"]


@pytest.mark.parametrize("subject, party, category, expected", [
    # a mail without attachments names what it is in its subject, in so many words
    ("Credit Advice - REIMBURSEMENT under L/C MLC26/04417", "bank", "payment", ["bank_slip"]),
    ("Advice of Documentary Credit No. MLC26/04417", "bank", "payment", ["lc_advice"]),
    ("Shipping advice PO BH-7731 - MSC ANNA V.2641W", "forwarder", "shipping", ["shipping_advice"]),
    ("Booking confirmed - LH-2609-018 - Port Klang", "forwarder", "shipping", ["booking_confirmation"]),
    ("Telex release PO BH-7731 / HBL BWLSHA2610017", "forwarder", "shipping", ["bl_release"]),
    # a shipping mail is no shipping advice unless it says so
    ("Inspection booking confirmed: PO BH-7731, 28 September", "agency", "shipping", []),
    ("October sailing schedule Shanghai - Rotterdam", "forwarder", "shipping", []),
    ("Goods arrival PO BH-7731", "buyer", "shipping", []),
    ("Booking for PO 4500871?", "buyer", "shipping", []),
])
def test_a_mail_without_attachments_is_the_document_its_subject_names(subject: str, party: str, category: str,
                                                                        expected: list[str]) -> None:
    assert kinds(subject, [], category=category, party=party) == expected


def test_our_swatches_sent_are_samples_sent() -> None:
    assert ours("Swatches sent by DHL - SSS-25-WH", "Dear Oliver,\nwe have sent the swatches today by DHL.",
                "sample") == ["samples_sent"]
    assert ours("Re: cuttings", "Dear Oliver,\nwe have couriered you the cuttings, AWB 4471.", "sample") == [
        "samples_sent"]


@pytest.mark.parametrize("name, unnamed", [
    ("KY-BK-2610-332.pdf", True), ("scan0042.pdf", True), ("PO 4500871.pdf", True),  # a citation only
    ("Booking Confirmation KY-BK-2610-332.pdf", False), ("Inspection Report - PO 4500871.pdf", False),
    ("Draft BL KYPKG2610088.pdf", False), ("装箱单.pdf", False),
])
def test_a_file_whose_name_says_nothing_is_read_for_its_heading(name: str, unnamed: bool) -> None:
    from mailflow.documents import unnamed as says_nothing

    assert says_nothing(name) is unnamed
    if unnamed:  # then its text decides
        assert kind_of(name, "BOOKING CONFIRMATION\nBooking No. KY-BK-2610-332") == (
            "booking_confirmation", "its heading says 'BOOKING CONFIRMATION'")

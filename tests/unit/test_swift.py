"""SWIFT messages and bank advices read in the layouts banks send and print (`extract/swift.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.extract import swift
from mailflow.follow import money

MT700_RAW = """{1:F01BKCHCNBJA300}{2:O7001200260310DEUTDEFFXXXX}{4:
:27:1/1
:40A:IRREVOCABLE
:20:LC2603GM118
:31C:260310
:40E:UCP LATEST VERSION
:31D:260506CHINA
:50:GREENMART TRADING GMBH
HAFENSTRASSE 12, HAMBURG
:59:HANGZHOU HUAXIN TEXTILE CO LTD
:32B:USD34440,00
:39A:05/05
:41D:ANY BANK BY NEGOTIATION
:43P:NOT ALLOWED
:44E:SHANGHAI
:44F:HAMBURG
:44C:260415
:45A:+NONWOVEN FABRIC 25GSM AS PER P/I HX-PI-2603
:46A:+SIGNED COMMERCIAL INVOICE IN 3 COPIES
+FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING MADE OUT TO ORDER
 AND BLANK ENDORSED MARKED FREIGHT PREPAID
+PACKING LIST IN 3 COPIES
+CERTIFICATE OF ORIGIN ISSUED BY CCPIT
+INSURANCE POLICY FOR 110 PCT OF INVOICE VALUE
:47A:+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
:48:21/FROM THE DATE OF SHIPMENT
:49:WITHOUT
-}"""

MT700_LABELLED = """ADVICE OF A DOCUMENTARY CREDIT
:20: DOCUMENTARY CREDIT NUMBER: LC2603GM118
:31D: DATE AND PLACE OF EXPIRY: 260506 CHINA
:32B: CURRENCY CODE, AMOUNT: USD 34,440.00
:39A: PERCENTAGE CREDIT AMOUNT TOLERANCE: 05/05
:44C: LATEST DATE OF SHIPMENT: 260415
:46A: DOCUMENTS REQUIRED:
 1. SIGNED COMMERCIAL INVOICE IN 3 COPIES
 2. PACKING LIST
:48: PERIOD FOR PRESENTATION IN DAYS: 15 DAYS AFTER SHIPMENT
"""

MT700_TAG_AND_NAME = """MT700 Issue of a Documentary Credit
20 Documentary Credit Number LC2603GM118
31D Date and Place of Expiry 260506 CHINA
32B Currency Code, Amount USD34440,00
39A Percentage Credit Amount Tolerance 10/00
44C Latest Date of Shipment 260415
"""

MT700_NAMES_ONLY = """Documentary Credit Number: LC2603GM118
Date and Place of Expiry: 06 May 2026 China
Latest Date of Shipment: 15 Apr 2026
Currency Code, Amount: USD 34,440.00
Documents Required:
- Commercial invoice
- Packing list
Additional Conditions: none
"""

MT700_CHINESE = """信用证通知书
信用证号：LC2603GM118
开证日期：2026年3月10日
有效期及地点：2026年5月6日 中国
金额：USD 34,440.00
溢短装：5%
最迟装运日期：2026年4月15日
所需单据：
1. 签字的商业发票一式三份
2. 全套清洁已装船海运提单
3. 装箱单
交单期：21天
"""


def test_a_raw_mt700_gives_every_field() -> None:
    credit = swift.read_credit(MT700_RAW)
    assert credit.number == "LC2603GM118"
    assert credit.issued == dt.date(2026, 3, 10)
    assert (credit.expiry, credit.expiry_place) == (dt.date(2026, 5, 6), "CHINA")
    assert (credit.currency, credit.amount) == ("USD", Decimal("34440.00"))  # SWIFT's comma is the decimal mark
    assert credit.tolerance == (Decimal(5), Decimal(5))
    assert credit.rules == "UCP LATEST VERSION"
    assert credit.latest_shipment == dt.date(2026, 4, 15)
    assert (credit.loading, credit.discharge) == ("SHANGHAI", "HAMBURG")
    assert credit.documents == (
        "SIGNED COMMERCIAL INVOICE IN 3 COPIES",
        "FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING MADE OUT TO ORDER AND BLANK ENDORSED MARKED FREIGHT PREPAID",
        "PACKING LIST IN 3 COPIES", "CERTIFICATE OF ORIGIN ISSUED BY CCPIT",
        "INSURANCE POLICY FOR 110 PCT OF INVOICE VALUE")
    assert credit.conditions == "+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER"
    assert credit.presentation_days == 21
    assert not credit.amendment


@pytest.mark.parametrize(("value", "amount"), [
    ("USD34440,00", "34440.00"), ("USD34440,", "34440"), ("USD34,44", "34.44"), ("USD34,440", "34440"),
    ("USD 34,440", "34440"), ("EUR1,250", "1250"), ("JPY34,440", "34440"), ("KWD34,440", "34.440"),
])
def test_three_digits_after_swift_s_comma_are_thousands_unless_the_currency_has_three_decimals(
        value: str, amount: str) -> None:
    found = swift.swift_amount(value)
    assert found is not None and found[1] == Decimal(amount) and found[0] == value[:3]


def test_an_mt700_with_a_thousands_comma_gives_the_credit_s_amount() -> None:
    credit = swift.read_credit(MT700_RAW.replace(":32B:USD34440,00", ":32B:USD34,440"))
    assert (credit.currency, credit.amount) == ("USD", Decimal(34440))


@pytest.mark.parametrize("text", [MT700_LABELLED, MT700_TAG_AND_NAME, MT700_NAMES_ONLY, MT700_CHINESE],
                         ids=["tag-and-name", "tag-without-colons", "names-only", "chinese"])
def test_a_printed_mt700_gives_the_same_credit(text: str) -> None:
    credit = swift.read_credit(text)
    assert credit.number == "LC2603GM118"
    assert credit.expiry == dt.date(2026, 5, 6)
    assert credit.latest_shipment == dt.date(2026, 4, 15)
    assert (credit.currency, credit.amount) == ("USD", Decimal("34440.00"))


MT700_PDF_COLUMNS = """                 ADVICE OF DOCUMENTARY CREDIT
   20        Documentary Credit Number               LC2603GM118
   31D       Date and Place of Expiry                260506 CHINA
   32B       Currency Code, Amount                   USD 34,440.00
Latest Date of Shipment                              260415
"""


def test_a_pdf_s_columns_wide_apart_are_read_too() -> None:
    """pdfplumber keeps a page's layout: a field's name and its value stand far apart."""
    credit = swift.read_credit(MT700_PDF_COLUMNS)
    assert (credit.number, credit.expiry, credit.amount, credit.latest_shipment) == (
        "LC2603GM118", dt.date(2026, 5, 6), Decimal("34440.00"), dt.date(2026, 4, 15))


def test_printed_layouts_keep_their_own_tolerance_documents_and_presentation() -> None:
    assert swift.read_credit(MT700_TAG_AND_NAME).tolerance == (Decimal(10), Decimal(0))
    labelled = swift.read_credit(MT700_LABELLED)
    assert labelled.documents == ("SIGNED COMMERCIAL INVOICE IN 3 COPIES", "PACKING LIST")
    assert labelled.presentation_days == 15
    chinese = swift.read_credit(MT700_CHINESE)
    assert chinese.tolerance == (Decimal(5), Decimal(5))
    assert chinese.documents == ("签字的商业发票一式三份", "全套清洁已装船海运提单", "装箱单")
    assert chinese.presentation_days == 21
    assert chinese.issued == dt.date(2026, 3, 10)
    assert swift.read_credit(MT700_NAMES_ONLY).documents == ("Commercial invoice", "Packing list")


def test_the_raw_expiry_field_without_a_space_gives_the_date_and_the_place() -> None:
    """`:31D:260506CHINA` gave no expiry before."""
    assert money.lc_dates(":31D:260506CHINA\n:44C:260415") == {"lc_expiry": "2026-05-06",
                                                              "lc_latest_shipment": "2026-04-15"}
    assert money.lc_dates(":31D: DATE AND PLACE OF EXPIRY: 260506 CHINA\n"
                          ":44C: LATEST DATE OF SHIPMENT: 260415") == {"lc_expiry": "2026-05-06",
                                                                       "lc_latest_shipment": "2026-04-15"}


def test_a_field_runs_until_the_next_tag_and_a_number_line_starts_none() -> None:
    found = swift.by_tag(swift.fields(":45A:20 ROLLS OF FABRIC\n20 ROLLS MORE\n:46A:+INVOICE"))
    assert found["45A"].value == "20 ROLLS OF FABRIC\n20 ROLLS MORE"
    assert "20" not in found


MT707_RAW = """:20:LC2603GM118
:21:NONREF
:26E:01
:30:260320
:31E:260520
:32B:USD1722,00
:44C:260501
:79:ALL OTHER TERMS AND CONDITIONS REMAIN UNCHANGED
"""

MT707_PRINTED = """MT707 AMENDMENT TO A DOCUMENTARY CREDIT
20 Sender's Reference LC2603GM118
26E Number of Amendment 2
31D Date and Place of Expiry 260520 CHINA
33B Decrease of Documentary Credit Amount USD 440,00
39A Percentage Credit Amount Tolerance 10/10
"""

MT707_CHINESE = """信用证修改通知书
信用证号：LC2603GM118
修改次数：1
最迟装运日期：2026年5月1日
修改后金额：USD 36,162.00
"""


def test_an_amendment_says_what_it_changes() -> None:
    raw = swift.read_credit(MT707_RAW, amendment=True)
    assert raw.amendment and raw.amendment_number == "01"
    assert (raw.expiry, raw.latest_shipment, raw.increase) == (dt.date(2026, 5, 20), dt.date(2026, 5, 1),
                                                               Decimal("1722.00"))
    assert raw.amount is None
    assert raw.changes() == ["amount increased by USD 1,722.00", "expiry 2026-05-20", "latest shipment 2026-05-01"]
    printed = swift.read_credit(MT707_PRINTED)  # its heading names MT707
    assert printed.amendment
    assert (printed.decrease, printed.tolerance, printed.expiry) == (Decimal("440.00"), (Decimal(10), Decimal(10)),
                                                                     dt.date(2026, 5, 20))
    chinese = swift.read_credit(MT707_CHINESE, amendment=True)
    assert (chinese.amount, chinese.latest_shipment) == (Decimal("36162.00"), dt.date(2026, 5, 1))


def test_an_amendment_applied_to_the_credit() -> None:
    credit = swift.read_credit(MT700_RAW)
    once = swift.apply(credit, swift.read_credit(MT707_RAW, amendment=True))
    assert (once.amount, once.expiry, once.latest_shipment) == (Decimal("36162.00"), dt.date(2026, 5, 20),
                                                                 dt.date(2026, 5, 1))
    assert once.documents == credit.documents and once.tolerance == credit.tolerance
    twice = swift.apply(once, swift.read_credit(MT707_PRINTED))
    assert (twice.amount, twice.tolerance) == (Decimal("35722.00"), (Decimal(10), Decimal(10)))
    assert swift.apply(credit, swift.read_credit(MT707_CHINESE, amendment=True)).amount == Decimal("36162.00")


def test_a_credit_is_kept_and_read_back_as_json() -> None:
    credit = swift.read_credit(MT700_RAW)
    assert swift.credit_from_record(credit.as_record()) == credit
    assert swift.credit_from_record({"expiry": "not a date", "amount": "many", "tolerance": ["x"]}) == swift.Credit()
    assert swift.read_credit("Dear Sirs, please find our order.").empty()
    assert swift.read_credit("L/C No. 88123 opened for order MH-2026-118.").number == "88123"


# --- transfers and advices -------------------------------------------------------------------------

MT103_RAW = """{2:O1030915260312CITIUS33XXXX}{4:
:20:FT26031200456
:23B:CRED
:32A:260312USD8867,00
:33B:USD8892,00
:50K:/DE44500105175407324931
GREENMART TRADING GMBH
:59:/6222021202004455
HANGZHOU HUAXIN TEXTILE CO LTD
:70:PI HX-PI-2603 DEPOSIT
:71A:SHA
:71F:USD25,00
-}"""

MT103_PRINTED = """SWIFT MT103 SINGLE CUSTOMER CREDIT TRANSFER
:20: SENDER'S REFERENCE: FT26031200456
:32A: VALUE DATE/CURRENCY/INTERBANK SETTLED AMOUNT: 260312 USD 8,867.00
:33B: CURRENCY/INSTRUCTED AMOUNT: USD 8,892.00
:50K: ORDERING CUSTOMER: GREENMART TRADING GMBH
:59: BENEFICIARY CUSTOMER: HANGZHOU HUAXIN TEXTILE CO LTD
:71A: DETAILS OF CHARGES: SHA
:71F: SENDER'S CHARGES: USD 25.00
"""


@pytest.mark.parametrize("text", [MT103_RAW, MT103_PRINTED], ids=["raw", "printed"])
def test_an_mt103_pays_the_instructed_amount_with_charges_and_net_apart(text: str) -> None:
    paid = swift.read_remittance(text)
    assert paid is not None
    assert (paid.amount, paid.currency, paid.value_date, paid.reference) == (
        Decimal("8892.00"), "USD", dt.date(2026, 3, 12), "FT26031200456")
    assert (paid.charges, paid.charges_currency, paid.net, paid.charges_by) == (
        Decimal("25.00"), "USD", Decimal("8867.00"), "SHA")
    assert "GREENMART" in paid.payer and "HUAXIN" in paid.payee


def test_an_mt103_without_33b_pays_what_32a_settled() -> None:
    paid = swift.read_remittance(":20:NBK260312001\n:23B:CRED\n:32A:260312USD5415,60\n:71A:OUR")
    assert paid is not None
    assert (paid.amount, paid.value_date, paid.charges_by, paid.read_from) == (
        Decimal("5415.60"), dt.date(2026, 3, 12), "OUR", "SWIFT field 32A")


@pytest.mark.parametrize(("text", "amount", "charges", "net"), [
    ("Remittance advice\nAmount: USD 8,892.00 / Bank charges: USD 25.00", "8892.00", "25.00", None),
    ("Bank charges: USD 25.00\nAmount: USD 8,892.00", "8892.00", "25.00", None),
    ("Remittance amount: USD 8,892.00\nCharges deducted: USD 43.05\nNet amount: USD 8,848.95",
     "8892.00", "43.05", "8848.95"),
    ("CREDIT ADVICE\nWe have credited your account.\nCharges: USD 43.05\nCredit amount: USD 8,848.95",
     "8892.00", "43.05", "8848.95"),
    ("Credit advice\nAmount credited: USD 8,848.95\nOur charges USD 43.05", "8892.00", "43.05", "8848.95"),
    ("汇款金额：USD 8,892.00\n手续费：USD 25.00\n入账金额：USD 8,867.00", "8892.00", "25.00", "8867.00"),
    ("貸記通知\n手續費：USD 43.05\n入賬金額：USD 8,848.95", "8892.00", "43.05", "8848.95"),
    ("Instructed amount: USD 8,892.00\nCharges: USD 25.00", "8892.00", "25.00", None),
])
def test_an_advice_pays_the_remitted_amount_never_the_charges(text: str, amount: str, charges: str,
                                                              net: str | None) -> None:
    paid = money.read_payment(text)
    assert paid is not None
    assert paid.amount == Decimal(amount)
    assert paid.charges == Decimal(charges)
    assert paid.net == (Decimal(net) if net else None)


def test_a_text_that_gives_only_charges_is_no_payment() -> None:
    assert swift.read_remittance("Bank charges: USD 25.00") is None
    assert swift.read_remittance("") is None


def test_hostile_texts_are_bounded() -> None:
    """Long runs of what the patterns look for (spaces, digits, colons, labels) are read up to
    the bounds and give nothing or a bounded answer: every pattern is linear, every loop bounded."""
    texts = [":31D:" + " " * 200_000, "1" * 200_000, ":20:" * 50_000, "Amount " * 30_000,
             "+" * 100_000 + "\n" * 100_000, "Bank charges: " * 20_000, "32B \n" * 50_000,
             ("有效期" + " " * 1000) * 200, ":46A:\n" + "+INVOICE\n" * 50_000]
    for text in texts:
        assert len(swift.fields(text)) <= swift.MAX_LINES
        credit = swift.read_credit(text)
        assert credit.expiry is None and len(credit.documents) <= swift.MAX_DOCUMENTS
        assert swift.read_remittance(text) is None


def test_a_bank_pdf_s_text_is_read_and_gives_its_fields(tmp_path: Path) -> None:
    """An L/C advice as a PDF named for what it is: its text is read before the rules run (a
    bank document's figures are in it), and the SWIFT fields come out of pdfplumber's layout."""
    from reportlab.pdfgen.canvas import Canvas

    from mailflow import documents
    from mailflow.extract import Extractor, Settings
    from mailflow.parse import parse
    from tests.mails import mail

    path = tmp_path / "MT700_LC2603GM118.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Courier", 10)
    for row, line in enumerate(MT700_LABELLED.splitlines() + MT700_PDF_COLUMNS.splitlines()[3:]):
        canvas.drawString(40, 800 - 14 * row, line)
    canvas.save()
    assert documents.text_wanted(path.name) and documents.text_wanted("LC advice.pdf")
    assert not documents.text_wanted("Packing_List_CI_123.pdf")
    message = parse(mail("L/C advice", "Please see the attached advice.", sender="lc@bank.example",
                         attachments=[(path.name, path.read_bytes(), "application/pdf")]))
    extractor = Extractor(Settings(workers=1, cpu_seconds=10, memory_mb=512))
    try:
        [read] = extractor.attachment_texts(message, pdf_text=False, unnamed=documents.text_wanted).attachments
    finally:
        extractor.close()
    credit = swift.read_credit(read.text or "")
    assert (credit.number, credit.expiry, credit.latest_shipment, credit.amount, credit.tolerance) == (
        "LC2603GM118", dt.date(2026, 5, 6), dt.date(2026, 4, 15), Decimal("34440.00"), (Decimal(5), Decimal(5)))
    assert credit.documents == ("SIGNED COMMERCIAL INVOICE IN 3 COPIES", "PACKING LIST")

"""The generic reader on sixteen order layouts it was never tuned for (tests/layouts.py: SAP
print-outs, unruled and landscape tables, bilingual and Traditional Chinese forms, German
numbers, ROC dates, two pages without a repeated header...), each against its ground truth;
and the pieces that read them: bilingual labels, labels above values, money in English and
German writing, ROC and day-first dates, column roles, unruled tables."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from mailflow.extract import order_data
from mailflow.extract.columns import join_lines, line_item, read_layout_table
from mailflow.extract.generic import Found, read_generic, read_header
from mailflow.extract.labels import labelled_values
from mailflow.extract.pdf import read_order
from mailflow.extract.values import currency_of, date_order, number_style, parse_date, parse_number
from tests import layouts

# A layout the reader cannot read fully goes here with the precise reason; it then runs as a
# strict xfail, so that it is neither skipped silently nor left marked once it is read right.
KNOWN_WRONG: dict[str, str] = {}


def _layouts() -> list[Any]:
    return [pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_WRONG[name], strict=True))
            if name in KNOWN_WRONG else name for name in layouts.LAYOUTS]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@pytest.mark.parametrize("name", _layouts())
def test_every_layout_is_read_as_its_ground_truth(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.pdf"
    truth = layouts.LAYOUTS[name](path)
    document = read_order(path.read_bytes(), path.name, (), 50)
    assert document.error == "" and document.template is None
    data = order_data([document])

    assert data.numbers == tuple(truth["numbers"])
    assert data.buyer == truth["buyer"]
    assert data.order_date == _date(truth["order_date"])
    assert data.delivery_date == _date(truth["delivery_date"])
    assert data.currency == truth["currency"]
    assert data.incoterm == (truth["incoterm"] or "")
    assert data.payment_terms == truth["payment_terms"]
    assert data.total == Decimal(truth["total"])
    read = [(line.item_code or None, line.description, line.quantity, line.unit, line.unit_price, line.amount)
            for line in data.lines]
    true = [(line["item_code"], line["description"], Decimal(line["quantity"]), line["unit"],
             Decimal(line["unit_price"]), Decimal(line["amount"])) for line in truth["lines"]]
    assert read == true

    found = {f.name: f for f in document.found}
    assert found["lines"].confidence == 0.9  # every line's quantity x unit price is its amount
    assert all(f.source for f in document.found)


# --- labels ----------------------------------------------------------------------------------


def _values(text: str) -> dict[str, object]:
    return {f.name: f.value for f in read_header(text) if f.confidence >= 0.5}


def test_a_bilingual_label_is_one_label_and_its_english_half_is_no_value() -> None:
    text = ("买方 Buyer: Cascade Wipes Ltd.                 形式发票号 P/I No.: AN-PI-26-0412\n"
            "客户订单号 Buyer's PO No.: CW-PO-2611-08         付款方式 Payment: 30% T/T deposit, 70% against B/L\n"
            "买方签字 Buyer's signature:\n")
    pairs = [(p.field, p.label, p.value) for p in labelled_values(text)]
    assert ("buyer", "买方 Buyer", "Cascade Wipes Ltd.") in pairs
    assert ("payment_terms", "付款方式 Payment", "30% T/T deposit, 70% against B/L") in pairs
    assert not any(field == "buyer" and "signature" in label for field, label, _ in pairs)
    found = [f for f in read_header(text) if f.name == "number"]
    assert [f.value for f in found] == ["AN-PI-26-0412", "CW-PO-2611-08"]  # its own number first


def test_a_value_is_never_a_label() -> None:
    assert "buyer" not in _values("Buyer:     Payment:\n")  # two empty labels
    assert "payment_terms" not in _values("Payment Terms:\n")
    strip = ("Incoterms          Payment Terms                     Buyer Contact\n"
             "CIF Hamburg        T/T 30% deposit, 70% before       Anna Schmidt\n")
    values = _values(strip)
    assert values["incoterm"] == "CIF Hamburg"  # below its label, not the next label beside it
    assert values["payment_terms"] == "T/T 30% deposit, 70% before"
    assert "buyer" not in values  # "Buyer Contact" is no buyer label, and a person no company


def test_labels_in_three_scripts_numbered_and_above_their_values() -> None:
    text = ("PO Number          Order Date          Need By\n"
            "PO-88123           21 Nov 2026         15 Jan 2027\n"
            "訂單編號：TK-1151120-07\n"
            "2. Payment: 30% T/T in advance, 70% against copy of B/L.\n"
            "Bestellnummer:     BE-2026-04471\n")
    values = _values(text)
    assert values["order_date"] == dt.date(2026, 11, 21)
    assert values["delivery_date"] == dt.date(2027, 1, 15)
    assert values["payment_terms"] == "30% T/T in advance, 70% against copy of B/L"
    assert [f.value for f in read_header(text) if f.name == "number"] == \
        ["PO-88123", "TK-1151120-07", "BE-2026-04471"]
    assert _values("合計（未稅）：NT$ 1,692,888")["total"] == Decimal(1692888)
    assert _values("Order Total:        75,023.70")["total"] == Decimal("75023.70")


def test_the_buyer_is_a_company_not_its_contact_person() -> None:
    po = "Northwind Trading GmbH            PURCHASE ORDER\nPO No.: PO-1\nBuyer: Tom Nguyen\n"
    found = {f.name: f for f in read_header(po)}
    assert (found["buyer"].value, found["buyer"].confidence) == ("Northwind Trading GmbH", 0.6)
    pi = ("ACME NONWOVENS CO., LTD.\nPROFORMA INVOICE\nMessrs.: Kestrel Hygiene Sdn. Bhd.\n"
          "Beneficiary: Acme Nonwovens Co., Ltd.\n")
    assert _values(pi)["buyer"] == "Kestrel Hygiene Sdn. Bhd."  # a P/I's letterhead is its seller
    assert _values("HARBOR MEDICAL SUPPLY INC.\nSHIP TO: Harbor Medical Supply Inc.\n")["buyer"] == \
        "Harbor Medical Supply Inc."  # as the page writes it in ordinary case


# --- money and dates -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("€ 1.234,50", None, "1234.50"), ("US$ 1,234.50", None, "1234.50"), ("€ 0,1783", None, "0.1783"),
    ("1.250", ",", "1250"), ("1,250", ",", "1.250"), ("1,250", ".", "1250"), ("1.250", ".", "1.250"),
    ("NT$ 1,505", None, "1505"), ("USD 0.1162/m", None, "0.1162"), ("7,000.000", None, "7000"),
])
def test_money_in_english_and_german_writing(text: str, decimal: str | None, value: str) -> None:
    assert parse_number(text, price=True, decimal=decimal) == Decimal(value)


def test_the_document_tells_its_decimal_mark() -> None:
    assert number_style("Amount  € 16.354,00\nTotal € 53.194,40") == ","
    assert number_style("Amount  16,354.00") == "."
    assert number_style("Qty 12 Price 1.5") is None


@pytest.mark.parametrize(("text", "code"), [
    ("US$ 1,234.50", "USD"), ("NT$ 1,505", "TWD"), ("€ 45.678,90", "EUR"), ("¥ 18.50", "CNY"),
    ("HK$ 9.90", "HKD"), ("RMB", "CNY"), ("新台幣", "TWD"), ("人民币", "CNY"), ("Currency: SGD", "SGD"),
    ("JPY 1,200", "JPY"), ("GBP 21,684.50", "GBP"), ("$ 12.00", "USD"),
])
def test_currencies_by_code_sign_and_name(text: str, code: str) -> None:
    assert currency_of(text) == code


def test_a_currency_named_only_in_amounts_is_the_orders() -> None:
    found = {f.name: f for f in read_header("Price  US$ 0.0240    Amount  US$ 1,032.00\n")}
    assert (found["currency"].value, found["currency"].confidence) == ("USD", 0.6)


@pytest.mark.parametrize(("text", "date"), [
    ("115年11月27日", dt.date(2026, 11, 27)), ("116/01/12", dt.date(2027, 1, 12)),
    ("2026年11月27日", dt.date(2026, 11, 27)), ("14.11.2026", dt.date(2026, 11, 14)),
    ("27-Nov-2026", dt.date(2026, 11, 27)), ("Nov. 24, 2026", dt.date(2026, 11, 24)),
    ("15.01.2027 (KW 02)", dt.date(2027, 1, 15)), ("not later than 20 January 2027", dt.date(2027, 1, 20)),
])
def test_dates_including_the_roc_calendar(text: str, date: dt.date) -> None:
    assert parse_date(text)[:2] == (date, 0.9)


def test_a_date_that_reads_both_ways_follows_the_documents_other_dates() -> None:
    assert parse_date("10/01/2027")[1] == 0.4  # alone: shown, not used
    day_first = date_order("Order Date: 21/11/2026\nRequired ETD: 10/01/2027")
    assert day_first is True
    assert parse_date("10/01/2027", day_first)[:2] == (dt.date(2027, 1, 10), 0.9)
    month_first = date_order("PO Date: 11/26/2026\nNeed By: 01/02/2027")
    assert month_first is False
    assert parse_date("01/02/2027", month_first)[0] == dt.date(2027, 1, 2)


# --- item tables -----------------------------------------------------------------------------


def test_an_sap_table_item_is_the_position_and_per_divides_the_price() -> None:
    text = (" Item   Material     Short Text                 PO Quantity  OUn    Net Price   Per     Net Value\n"
            "\n"
            " 00010  300094918    Needle felt 340g grey          7,000.000  KG        189.00   100     13,230.00\n"
            "                     Delivery Date: 20.01.2027\n")
    [item] = read_layout_table(text)
    assert (item.item_code, item.description, item.quantity, item.unit, item.unit_price, item.amount) == \
        ("300094918", "Needle felt 340g grey", Decimal(7000), "KG", Decimal("1.89"), Decimal("13230.00"))


def test_an_unruled_table_goes_on_over_a_page_without_its_header() -> None:
    header = " No.  Item Code      Description                     Qty   Unit   Unit Price      Amount\n"
    row = " {n}    SL-{n}0-W        Spunlace nonwoven {n}0 gsm          1,000   KG         2.50    2,500.00\n"
    text = (header + "\n" + row.format(n=1) + "\n" + row.format(n=2) + "\n"
            "                                                Subtotal (carried forward):   USD 5,000.00\n\f"
            "Orchid Personal Care Co., Ltd. · Purchase Order OPC-1 (continued)\n"
            "                                                Brought forward:   USD 5,000.00\n\n"
            + row.format(n=3) + "\n                                               Grand Total:   USD 7,500.00\n"
            "Notes: 4 pallets, 2 per 20' container, 1,000 kg each\n")
    items = read_layout_table(text)
    assert [(i.item_code, i.quantity, i.amount) for i in items] == \
        [(f"SL-{n}0-W", Decimal(1000), Decimal("2500.00")) for n in (1, 2, 3)]


def test_units_glued_to_quantities_and_wrapped_chinese_descriptions() -> None:
    item = line_item({"description": "Meltblown fabric", "quantity": "69,000 m", "unit_price": "USD 0.1162/m",
                      "amount": "USD 8,017.80"})
    assert item is not None and (item.quantity, item.unit, item.unit_price) == (Decimal(69000), "m",
                                                                                Decimal("0.1162"))
    assert join_lines(["熔喷布", "Meltblown fabric 30 gsm,", "white"]) == "熔喷布 Meltblown fabric 30 gsm, white"
    assert join_lines(["针刺毡 幅宽3200mm 100米/", "卷"]) == "针刺毡 幅宽3200mm 100米/卷"


def test_long_strips_of_labels_and_wide_headers_stay_linear() -> None:
    """Labels above values look at the line below; an unruled table cuts rows into its header's
    columns: neither may cost a step per pair of segments on a hostile page."""
    def page(n: int) -> str:
        text = ("PO Number  Order Date  " * n + "\n\n") * 2
        text += "Item Code  Description  Qty  Unit Price  Amount  " + "Qty  " * n + "\n"
        return text + "A1  b  1  2  2  " * n + "\n"

    # the work is counted as Python lines run (the same on any machine, busy or not): twice the
    # page may cost about twice the lines, never four times
    small, found_small = lines_run(read_generic, page(1000))
    large, found_large = lines_run(read_generic, page(2000))
    assert large < 2.5 * small, (small, large)
    assert all(isinstance(f, Found) for f in found_small[0] + found_large[0])


def lines_run(func: Callable[[str], Any], text: str) -> tuple[int, Any]:
    """How many lines of Python `func(text)` runs, and what it returns."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Callable[..., Any]:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        result = func(text)
    finally:
        sys.settrace(None)
    return count, result

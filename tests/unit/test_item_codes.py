"""Item codes under every header buyers and we give them, in English and Chinese: the code our
cost and product lists use ("Our Code", "Supplier Code", 品号 ...) and the buyer's own ("Buyer
Item", "Customer Code", 客户货号), both kept on the line when a document gives both, and carried
into the stored record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.extract import order_data
from mailflow.extract.columns import header_roles, read_layout_table, read_tables
from mailflow.extract.labels import match_label
from mailflow.extract.pdf import read_order
from mailflow.extract.record import from_record, order_record
from mailflow.extract.sheets import read_sheet
from mailflow.model import LineItem, OrderData

pdfs = pytest.importorskip("tests.pdfs")

OURS = ["Item Code", "Item No.", "Our Code", "Our Item No.", "Supplier Code", "Supplier's Item", "Vendor Item",
        "Vendor Code", "Factory Code", "Art. No.", "Article", "Article No.", "Ref.", "Ref. No.", "Reference",
        "Model", "Model No.", "Style", "Style No.", "SKU", "Part No.", "Part Number", "Material", "Product Code",
        "货号", "貨號", "品号", "品號", "料号", "料號", "款号", "款號", "型号", "型號", "编号", "編號", "产品编号",
        "物料编码"]
THEIRS = ["Buyer Item", "Buyer's Item Code", "Buyer Code", "Customer Item", "Customer Item No.", "Customer Code",
          "Cust. Code", "Client Ref", "Your Ref.", "Your Item", "客户货号", "客戶貨號", "客户料号", "客户编号", "客户款号",
          "客号"]
ROW = ["1", "BW-3020", "Spunlace nonwoven 45gsm", "5,000", "ROLL", "2.40", "12,000.00"]


def table(code_header: str) -> list[list[str | None]]:
    return [["No.", code_header, "Description", "Qty", "Unit", "Unit Price", "Amount"], list(ROW)]


@pytest.mark.parametrize("header", OURS)
def test_every_name_of_our_code_reads_as_the_item_code(header: str) -> None:
    [line] = read_tables([table(header)])
    assert (line.item_code, line.buyer_code) == ("BW-3020", "")
    assert line.quantity == Decimal(5000) and line.amount == Decimal("12000.00")


@pytest.mark.parametrize("header", THEIRS)
def test_every_name_of_the_buyers_code_reads_as_the_buyers_code(header: str) -> None:
    [line] = read_tables([table(header)])
    assert (line.item_code, line.buyer_code) == ("", "BW-3020")


@pytest.mark.parametrize(("buyer", "ours"), [("Buyer Item", "Our Code"), ("Customer Code", "Supplier Code"),
                                             ("客户货号", "品号"), ("Your Ref.", "Vendor Item")])
def test_a_table_with_both_codes_keeps_both_whichever_comes_first(buyer: str, ours: str) -> None:
    header = ["No.", buyer, ours, "Description", "Qty", "Unit", "Unit Price", "Amount"]
    row = ["1", "K-100", "BW-3020", "Spunlace", "5,000", "ROLL", "2.40", "12,000.00"]
    [line] = read_tables([[header, row]])
    assert (line.item_code, line.buyer_code) == ("BW-3020", "K-100")
    swapped = [header[0], header[2], header[1], *header[3:]]
    [line] = read_tables([[swapped, [row[0], row[2], row[1], *row[3:]]]])
    assert (line.item_code, line.buyer_code) == ("BW-3020", "K-100")


def test_an_item_column_beside_a_code_column_is_the_position() -> None:
    roles = header_roles(["Item", "Our Code", "Description", "Qty", "Unit Price", "Amount"])
    assert roles[0] == "position" and roles[1] == "item_code"


def test_words_that_are_not_codes_are_not_taken_for_one() -> None:
    roles = header_roles(["No.", "Customer", "Style Description", "Qty", "Unit Price", "Amount"])
    assert "item_code" not in roles.values() and "buyer_code" not in roles.values()
    assert roles[2] == "description"


def order_pdf(tmp_path: Path, lang: str, code_columns: tuple[tuple[str, str], ...]) -> tuple[object, bytes]:
    lines = (pdfs.Line("BW-3020", "Spunlace nonwoven 45gsm white" if lang == "en" else "水刺无纺布 45克 白色",
                       Decimal(5000), "ROLL" if lang == "en" else "卷", Decimal("2.40"), buyer_code="KS-77001"),
             pdfs.Line("MF-4040-GR", "Meltblown fabric 40gsm green" if lang == "en" else "熔喷布 40克 绿色",
                       Decimal(1200), "KG" if lang == "en" else "公斤", Decimal("4.15"), buyer_code="KS-77002"))
    doc = pdfs.OrderDoc(kind="po", lang=lang, number="KS-7700", buyer="Kestrel Supplies Ltd.",
                        order_date=dt.date(2026, 3, 2), delivery_date=dt.date(2026, 4, 30), currency="USD",
                        incoterm="CFR PORT KLANG", payment_terms="30% T/T deposit, 70% balance against copy of B/L",
                        lines=lines, code_columns=code_columns)
    return doc, pdfs.write_order_pdf(doc, tmp_path / f"po-{lang}.pdf").read_bytes()


@pytest.mark.parametrize(("lang", "code_columns"), [
    ("en", (("Buyer Item", "buyer_code"), ("Our Code", "item_code"))),
    ("en", (("Customer Item No.", "buyer_code"), ("Supplier Code", "item_code"))),
    ("zh", (("客户货号", "buyer_code"), ("品号", "item_code"))),
])
def test_a_po_pdf_with_both_codes_gives_lines_with_both(tmp_path: Path, lang: str,
                                                        code_columns: tuple[tuple[str, str], ...]) -> None:
    doc, data = order_pdf(tmp_path, lang, code_columns)
    document = read_order(data, "po.pdf", (), 50)
    assert document.error == ""
    read = order_data([document])
    assert [(li.item_code, li.buyer_code, li.quantity) for li in read.lines] == [
        (li.item_code, li.buyer_code, li.quantity) for li in doc.lines]  # type: ignore[attr-defined]
    assert read.buyer == doc.buyer  # type: ignore[attr-defined]  # the header words are no labels


def test_a_po_pdf_headed_our_code_alone_gives_the_item_code(tmp_path: Path) -> None:
    _, data = order_pdf(tmp_path, "en", (("Our Code", "item_code"),))
    read = order_data([read_order(data, "po.pdf", (), 50)])
    assert [li.item_code for li in read.lines] == ["BW-3020", "MF-4040-GR"]
    assert all(li.buyer_code == "" for li in read.lines)


def test_the_buyers_code_is_kept_in_the_record_and_read_back() -> None:
    both = OrderData(numbers=("KS-7700",), lines=(LineItem("BW-3020", "Spunlace", Decimal(5000), "ROLL",
                                                           Decimal("2.40"), Decimal("12000.00"), "KS-77001"),
                                                  LineItem("MF-4040-GR", "Meltblown", Decimal(1200), "KG")))
    record = order_record(both)
    assert record["lines"][0]["buyer_code"] == "KS-77001" and record["lines"][0]["item_code"] == "BW-3020"
    assert "buyer_code" not in record["lines"][1]  # a record without the buyer's code stays as it was
    assert from_record(record).lines == both.lines
    assert record == order_record(from_record(record))  # stored, read back and stored again: the same JSON


def test_an_unruled_table_with_both_codes_keeps_both() -> None:
    text = ("No.   Buyer Item   Our Code       Description                  Qty     Unit   Unit Price      Amount\n"
            "1     KS-77001     NW-SL45-P200   Spunlace nonwoven 45gsm    8,000     ROLL         2.00   16,000.00\n"
            "2     KS-77002     MF-4040-GR     Meltblown fabric 40gsm     1,000     KG           4.00    4,000.00\n")
    read = read_layout_table(text)
    assert [(li.item_code, li.buyer_code, li.quantity) for li in read] == [
        ("NW-SL45-P200", "KS-77001", Decimal(8000)), ("MF-4040-GR", "KS-77002", Decimal(1000))]


@pytest.mark.parametrize("words", ["Supplier Code BW-3020", "Supplier's Item BW-3020", "Vendor Item BW-3020",
                                   "Customer Item KS-77001", "Buyer Item KS-77001"])
def test_a_code_column_outside_its_table_names_no_party(words: str) -> None:
    assert match_label(words) is None  # "Supplier Code" is no seller called "Code"
    assert match_label(words.split(" ")[0] + ": Acme Nonwovens") is not None


def test_a_spreadsheet_with_both_codes_keeps_both() -> None:
    sheet = (b"PO No.,KS-7700\n\nNo.,Customer Code,Supplier Code,Description,Qty,Unit,Unit Price,Amount\n"
             b"1,KS-77001,BW-3020,Spunlace,\"5,000\",ROLL,2.40,\"12,000.00\"\n")
    read = order_data([read_sheet(sheet, "po.csv")])
    assert [(li.item_code, li.buyer_code, li.quantity) for li in read.lines] == [("BW-3020", "KS-77001", Decimal(5000))]

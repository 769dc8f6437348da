"""The generic reader's number and date reading, the cross-checks, the price list, and how a
revised document changes an order's record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.errors import ConfigError
from mailflow.extract.checks import check_order, load_price_list
from mailflow.extract.generic import parse_date, parse_number, read_header
from mailflow.extract.record import merge
from mailflow.model import LineItem, OrderData


@pytest.mark.parametrize(("text", "value"), [
    ("12,500", "12500"), ("15,437.50", "15437.50"), ("1.234,56", "1234.56"), ("1 234,5", "1234.5"),
    ("0.125", "0.125"), ("USD 123,456.78", "123456.78"), ("1,5", "1.5"), ("-3", "-3"),
])
def test_numbers_as_documents_write_them(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


def test_a_dot_with_three_digits_is_a_thousands_mark_except_in_a_price() -> None:
    assert parse_number("57.809") == Decimal(57809)
    assert parse_number("57.809", price=True) == Decimal("57.809")
    assert parse_number("no number") is None


def test_dates_and_their_confidence() -> None:
    assert parse_date("12 Dec 2026")[:2] == (dt.date(2026, 12, 12), 0.9)
    assert parse_date("2026年3月4日")[:2] == (dt.date(2026, 3, 4), 0.9)
    assert parse_date("Dec 5, 2026")[:2] == (dt.date(2026, 12, 5), 0.9)
    assert parse_date("25/03/2026")[:2] == (dt.date(2026, 3, 25), 0.9)
    _, confidence, note = parse_date("03/04/2026")
    assert confidence < 0.5 and "day/month" in note  # shown, never used


def test_labels_in_layout_columns_and_chinese() -> None:
    text = ("PO No.       4500871            Currency      USD\n"
            "买方：上海华联贸易有限公司  付款方式：30%定金，70%见提单副本付款\n"
            "交货期：2027-01-15\n")
    found = {f.name: f.value for f in read_header(text)}
    assert found["number"] == "4500871" and found["currency"] == "USD"
    assert found["buyer"] == "上海华联贸易有限公司"
    assert found["payment_terms"] == "30%定金，70%见提单副本付款"
    assert found["delivery_date"] == dt.date(2027, 1, 15)


def test_long_runs_of_spaces_do_not_make_the_label_search_slow() -> None:
    text = ("x" + " " * 5000 + "y\n") * 200  # a worst case for a backtracking pattern
    assert read_header(text) == []  # and it returns (a pattern like \s{2,}\s* would not, soon)


def order(**kw: object) -> OrderData:
    lines = (LineItem("A-1", "", Decimal(100), "PCS", Decimal("1.50"), Decimal("150.00")),
             LineItem("B-2", "", Decimal(10), "PCS", Decimal("2.00"), Decimal("21.00")))
    base = {"lines": lines, "total": Decimal("171.00"), "currency": "EUR",
            "delivery_date": dt.date(2026, 1, 5)}
    return OrderData(**{**base, **kw})  # type: ignore[arg-type]


def test_checks_name_the_line_and_the_numbers() -> None:
    checks = check_order(order(), today=dt.date(2026, 2, 1), usual_currency="USD",
                         floors={"A-1": Decimal("1.60")})
    failed = {c.name: c.detail for c in checks if not c.ok}
    assert failed["line_amount"] == "line 2 B-2: 10 x 2.00 = 20.00, but the document says 21.00"
    assert "delivery date 2026-01-05 is before 2026-02-01" == failed["delivery_past"]
    assert "usually pays in USD" in failed["currency"]
    assert "unit price 1.50 is under the floor price 1.60" in failed["price_floor"]
    assert next(c for c in checks if c.name == "total").ok  # 171 is what the lines say


def test_checks_that_cannot_run_are_not_reported_as_passed() -> None:
    assert check_order(OrderData(numbers=("1",)), today=dt.date(2026, 1, 1)) == ()


def test_price_list_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "floors.csv"
    path.write_text("item code,floor price\nA-1,1.60\nB-2,cheap\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_price_list(path)
    assert f"{path}:3" in str(error.value) and "cheap" in str(error.value)


def test_a_revision_records_what_changed_and_keeps_what_it_did_not_say() -> None:
    first, _ = merge({}, order(numbers=("PO-1",), incoterm="FOB Ningbo"), message_id="a", sha256="1",
                     at="2026-11-01")
    assert first["history"][0]["changes"] == {}
    revised = OrderData(numbers=("PI-9",), total=Decimal(171), currency="USD")
    second, changes = merge(first, revised, message_id="b", sha256="2", at="2026-11-02")
    assert changes == {"numbers": [["PO-1"], ["PO-1", "PI-9"]], "currency": ["EUR", "USD"]}
    assert second["incoterm"] == "FOB Ningbo" and second["total"] == "171.00"  # 171 = 171.00
    assert second["history"][-1]["message_id"] == "b"

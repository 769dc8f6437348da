"""Numeric dates that read both ways (12/03/2026): settled by the page, the pair of order and
delivery date, the mail's date, the buyer's country or the sender's domain; a failed check when
nothing settles them."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from mailflow.config import Buyer
from mailflow.extract import Extractor, Settings, order_data
from mailflow.extract.pdf import generic_document
from mailflow.model import OrderData
from mailflow.parse import parse
from tests.mails import mail


def po(order_date: str, delivery: str, *extra: str) -> str:
    return "\n".join(["PURCHASE ORDER", "PO No.: UK-4471", f"PO Date: {order_date}",
                      f"Delivery Date: {delivery}", *extra, "Total: USD 1,000.00", ""])


def read(text: str) -> OrderData:
    return order_data([generic_document("po.txt", text)])


def checked(text: str, *, sender: str = "Ann <ann@buyer.example>", sent: dt.date = dt.date(2026, 1, 20),
            country: str = "") -> OrderData:
    message = parse(mail("PO UK-4471", "see the PO", sender=sender,
                         date=dt.datetime(sent.year, sent.month, sent.day, 9, 0, tzinfo=dt.UTC)))
    return Extractor(Settings(enabled=False)).check(read(text), message, today=dt.date(2026, 1, 1),
                                                    country=country)


def checks(data: OrderData) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for check in data.checks:
        found.setdefault(check.name, []).append(check.detail)
    return found


def test_a_day_first_date_on_the_page_fixes_the_page() -> None:
    data = read(po("03/04/2026", "05/06/2026", "Printed: 25/03/2026"))
    assert (data.order_date, data.delivery_date) == (dt.date(2026, 4, 3), dt.date(2026, 6, 5))
    assert data.dates_read[1].reason == "read as 5 June 2026: the page's 25/03/2026 is day-first"


def test_a_month_first_date_on_the_page_fixes_the_page() -> None:
    data = read(po("03/04/2026", "05/06/2026", "Printed: 03/25/2026"))
    assert (data.order_date, data.delivery_date) == (dt.date(2026, 3, 4), dt.date(2026, 5, 6))
    assert "the page's 03/25/2026 is month-first" in data.dates_read[0].reason


def test_a_date_that_reads_one_way_is_not_a_reading() -> None:
    data = read(po("25/03/2026", "10/04/2026"))
    assert (data.order_date, data.delivery_date) == (dt.date(2026, 3, 25), dt.date(2026, 4, 10))
    assert [r.field for r in data.dates_read] == ["delivery_date"]


def test_the_delivery_after_the_order_date_settles_both() -> None:
    data = read(po("12/03/2026", "10/04/2026"))  # month first: ordered 3 Dec, delivery 4 Oct, before it
    assert (data.order_date, data.delivery_date) == (dt.date(2026, 3, 12), dt.date(2026, 4, 10))
    assert data.dates_read[0].reason.startswith("read as 12 March 2026: only day-first puts the delivery")


def test_a_page_with_both_conventions_settles_nothing_by_itself() -> None:
    data = read(po("03/04/2026", "05/06/2026", "Printed: 25/03/2026", "Revised: 03/26/2026"))
    assert data.order_date is None and data.delivery_date is None
    assert [r.chosen for r in data.dates_read] == [None, None]


def test_only_ambiguous_dates_without_hints_are_a_failed_check() -> None:
    data = checked(po("03/04/2026", "05/06/2026"))
    assert data.order_date is None and data.delivery_date is None
    failed = [c for c in data.checks if not c.ok]
    assert [c.name for c in failed] == ["date_ambiguous", "date_ambiguous"]
    assert failed[1].detail.startswith("delivery date 05/06/2026 may be 5 June 2026 or 6 May 2026")


def test_the_mail_date_near_one_reading_settles_the_page() -> None:
    data = checked(po("03/04/2026", "05/06/2026"), sent=dt.date(2026, 4, 3))
    assert (data.order_date, data.delivery_date) == (dt.date(2026, 4, 3), dt.date(2026, 6, 5))
    assert checks(data)["date_order"][1] == (
        "delivery date 05/06/2026 read as 5 June 2026: the order date 03/04/2026 is 3 April 2026 only "
        "read day-first, near the mail's date 3 April 2026")
    us = checked(po("03/04/2026", "05/06/2026"), sent=dt.date(2026, 3, 5))
    assert (us.order_date, us.delivery_date) == (dt.date(2026, 3, 4), dt.date(2026, 5, 6))


def test_a_mail_date_near_neither_or_both_readings_settles_nothing() -> None:
    assert checked(po("03/04/2026", "05/06/2026"), sent=dt.date(2026, 8, 1)).order_date is None
    assert checked(po("03/04/2026", "05/06/2026"), sent=dt.date(2026, 3, 20)).order_date is None  # 16 and 14 days


def test_the_sender_domain_gives_the_convention() -> None:
    uk = checked(po("03/04/2026", "05/06/2026"), sender="Ann <ann@buyer.co.uk>")
    assert uk.delivery_date == dt.date(2026, 6, 5)
    assert "the sender's domain buyer.co.uk (.uk) writes dates day-first" in checks(uk)["date_order"][1]
    us = checked(po("03/04/2026", "05/06/2026"), sender="Bob <bob@buyer.us>")
    assert us.delivery_date == dt.date(2026, 5, 6)
    assert "date_ambiguous" in checks(checked(po("03/04/2026", "05/06/2026"), sender="c@buyer.com"))


def test_the_buyer_country_from_the_config_wins_over_the_domain() -> None:
    data = checked(po("03/04/2026", "05/06/2026"), sender="Ann <ann@buyer.co.uk>", country="US")
    assert data.delivery_date == dt.date(2026, 5, 6)
    assert "the buyer is in the United States, which writes dates month-first" in checks(data)["date_order"][0]


def test_chinese_text_implies_no_convention() -> None:
    text = "采购订单\n订单号：CN-8812\n订单日期：03/04/2026\n交货期：05/06/2026\n合计：USD 1,000.00\n"
    data = checked(text, sender="王经理 <wang@buyer.cn>")
    assert data.delivery_date is None and "date_ambiguous" in checks(data)
    assert checked("订单号：CN-8812\n交货期：2026-06-05\n合计：USD 1,000.00\n").delivery_date == dt.date(2026, 6, 5)


def test_the_page_settles_before_the_mail_and_the_party() -> None:
    data = checked(po("03/04/2026", "05/06/2026", "Printed: 03/25/2026"), sender="Ann <ann@buyer.co.uk>",
                   sent=dt.date(2026, 4, 3))
    assert data.delivery_date == dt.date(2026, 5, 6)
    assert "03/25/2026 is month-first" in checks(data)["date_order"][1]


def test_a_date_whose_day_and_month_are_the_same_is_no_ambiguity() -> None:
    data = read(po("03/04/2026", "06/06/2026", "Printed: 25/03/2026"))
    assert data.delivery_date == dt.date(2026, 6, 6) and [r.field for r in data.dates_read] == ["order_date"]
    same = checked(po("06/06/2026", "09/08/2026"))  # 9 August or 8 September: both after 6 June
    assert same.order_date == dt.date(2026, 6, 6) and same.delivery_date is None
    assert [c.name for c in same.checks if not c.ok] == ["date_ambiguous"]


def test_a_buyer_s_country_is_a_two_letter_code() -> None:
    assert Buyer(name="Cascade Wipes", country="GB").country == "GB"
    with pytest.raises(ValidationError, match="country"):
        Buyer(name="Cascade Wipes", country="Britain")

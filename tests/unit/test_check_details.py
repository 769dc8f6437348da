"""The catalogue of check details (`extract/details.py`): each check's sentence in English and
Chinese from the values it kept; the English is the detail the CLI and order.json show."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

from mailflow.extract.checks import check_order
from mailflow.extract.details import DETAILS, TERM_PARAMS, TERMS, detail_in, detail_markup
from mailflow.model import LineItem, OrderData


def fields(sentence: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", sentence))


def test_every_sentence_has_both_languages_and_chinese_uses_only_kept_values() -> None:
    for key, sentences in DETAILS.items():
        assert set(sentences) == {"en", "zh"}, key
        # Chinese may leave out an English-only value (a date spelled out), never name another
        extra = fields(sentences["zh"]) - fields(sentences["en"]) - {"chosen", "day_first", "month_first"}
        assert not extra, (key, extra)
        assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|L/C", "", sentences["zh"])), key


def test_an_order_documents_checks_in_both_languages() -> None:
    data = OrderData(numbers=("KS-1",), currency="EUR", delivery_date=dt.date(2026, 1, 5), total=Decimal(999),
                     lines=(LineItem(item_code="NW-1", quantity=Decimal(1000), unit_price=Decimal("1.50"),
                                     amount=Decimal(1600)),))
    checks = {c.name: c for c in check_order(data, today=dt.date(2026, 2, 1), usual_currency="USD",
                                                floors={"NW-1": Decimal("1.60")})}
    line = dataclasses.asdict(checks["line_amount"])
    assert line["detail"] == "line 1 NW-1: 1,000 x 1.50 = 1,500.00, but the document says 1,600.00"
    assert detail_in(line, "en") == line["detail"]
    assert detail_in(line, "zh") == "第 1 行 NW-1：1,000 × 1.50 = 1,500.00，但单据写的是 1,600.00"
    assert detail_in(dataclasses.asdict(checks["total"]), "zh") == "1 行合计 1,600.00，但单据的总额是 999.00"
    assert detail_in(dataclasses.asdict(checks["delivery_past"]), "zh") == "交货日期 2026-01-05 早于 2026-02-01"
    assert detail_in(dataclasses.asdict(checks["currency"]), "zh") == "币种 EUR，客户通常以 USD 付款"
    assert detail_in(dataclasses.asdict(checks["price_floor"]), "zh") == "第 1 行 NW-1：单价 1.50 低于底价 1.60"


def test_on_a_page_the_documents_values_are_data_and_our_words_are_translated() -> None:
    kept = {"name": "lc_shipment", "ok": False, "detail": "…",
            "params": {"latest": "2026-04-15", "agreed_what": "P/I's delivery date", "agreed": "<b>2026-04-30</b>"}}
    shown = str(detail_markup(kept, "zh"))
    assert shown == ('信用证最迟装运日 <span class="data">2026-04-15</span> 早于形式发票的交货日期 '
                     '<span class="data">&lt;b&gt;2026-04-30&lt;/b&gt;</span>')
    assert all(term in TERMS for term in ("our P/I", "the buyer's PO")) and "agreed_what" in TERM_PARAMS


def test_a_check_kept_before_the_catalogue_shows_its_english_detail_as_data() -> None:
    old = {"name": "line_amount", "ok": True, "detail": "line 1 X: 2 x 3 = 6.00"}
    assert detail_in(old, "zh") == "line 1 X: 2 x 3 = 6.00"
    assert str(detail_markup(old, "zh")) == '<span class="data">line 1 X: 2 x 3 = 6.00</span>'
    other_version = {"name": "total", "ok": True, "detail": "sum", "params": {"count": "2"}}  # a value missing
    assert detail_in(other_version, "zh") == "sum"

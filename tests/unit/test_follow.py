"""The follow-up's pure parts: plans as they load (and the errors they give), payment terms,
bank slips, L/C dates, the margin, and an order's calendar on any given day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.errors import ConfigError, RuleError
from mailflow.follow import calendar as cal
from mailflow.follow import money
from mailflow.follow.plans import load_plan, load_plans
from tests.conftest import ROOT

UTC = dt.UTC


def plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "10-plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_plans_load_with_english_and_chinese_names() -> None:
    plans = load_plans(ROOT / "rules" / "followup")
    assert [p.name for p in plans] == ["purchase-order", "lc-order", "sample-order", "tt-order"]
    assert [p.kind for p in plans] == ["purchase", "sale", "sale", "sale"]
    tt = plans[-1]
    assert tt.when is None  # the plan for any order no earlier plan takes
    assert all(m.names.get("zh") and m.names.get("en") for p in plans for m in p.milestones)
    production = tt.milestone("production")
    assert production is not None and set(production.requires) == {"signoff", "deposit"} and production.hand
    balance = tt.milestone("balance")
    assert balance is not None and balance.chaser is not None and balance.chaser.attach == "packing_list"


@pytest.mark.parametrize(("text", "line", "said"), [
    ("name: p\nmilestones:\n  - key: a\n    colour: red\n", 4, "unknown milestone key 'colour'"),
    ("name: p\nmilestones:\n  - key: a\n    requires: [b]\n", 3, "requires 'b', which is not a milestone"),
    ("name: p\nmilestones:\n  - key: a\n    due: {after: b, days: 2}\n", 3, "due anchor 'b'"),
    ("name: p\nmilestones:\n  - key: a\n    done_by: {documents: [telex]}\n", 4, "unknown document type 'telex'"),
    ("name: p\nmilestones:\n  - key: a\n    owner: boss\n", 4, "owner is one of"),
    ("name: p\nmilestones:\n  - key: a\n    requires: [b]\n  - key: b\n    requires: [a]\n", 3,
     "in a circle: a -> b -> a"),
    ("name: p\nwhen: 'order.total >'\nmilestones:\n  - key: a\n", 2, "invalid expression"),
    ("name: p\nmilestones:\n  - key: a\n    chaser: {template: t, to: cousin}\n", 4, "chaser.to is one of"),
    ("name: p\nmilestones:\n  - key: a\n  - key: a\n", 4, "listed twice"),
])
def test_a_plan_error_names_the_file_the_line_and_the_field(tmp_path: Path, text: str, line: int, said: str) -> None:
    path = plan_file(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_plan(path)
    assert caught.value.file == str(path) and caught.value.line == line, str(caught.value)
    assert said in str(caught.value)


@pytest.mark.parametrize(("terms", "deposit", "by_lc"), [
    ("30% T/T deposit, 70% balance against copy of B/L", Decimal("0.30"), False),
    ("T/T 30% deposit, 70% before shipment", Decimal("0.30"), False),
    ("30%定金，70%见提单副本付款", Decimal("0.30"), False),
    ("100% T/T in advance", Decimal(1), False),
    ("100% irrevocable L/C at sight", Decimal(0), True),
    ("即期信用证", Decimal(0), True),
    ("O/A 60 days after B/L date", Decimal(0), False),
    ("", Decimal(0), False),
])
def test_payment_terms_split_into_deposit_and_balance(terms: str, deposit: Decimal, by_lc: bool) -> None:
    shares = money.split(terms)
    assert shares.deposit == deposit and shares.balance == 1 - deposit and shares.by_lc == by_lc
    expected = money.expected(terms, Decimal("20000.00"), "USD", "our P/I")
    assert expected.deposit == (Decimal("20000.00") * deposit).quantize(money.CENT)
    assert expected.deposit is not None and expected.balance is not None
    assert expected.deposit + expected.balance == Decimal("20000.00")


@pytest.mark.parametrize(("text", "amount", "currency", "day", "reference"), [
    ("Remittance advice\nAmount: USD 4,000.00\nValue date: 2026-03-10\nReference: FT26031000123",
     Decimal("4000.00"), "USD", dt.date(2026, 3, 10), "FT26031000123"),
    ("境外汇款申请书\n汇款金额：USD 6,000.00\n起息日：2026年3月11日\n业务编号：TT2603110045",
     Decimal("6000.00"), "USD", dt.date(2026, 3, 11), "TT2603110045"),
    (":20:NBK260312001\n:23B:CRED\n:32A:260312USD5415,60\n:50K:/123 KESTREL SUPPLIES",
     Decimal("5415.60"), "USD", dt.date(2026, 3, 12), "NBK260312001"),
    ("We have remitted the 30% deposit, USD 5,415.60.", Decimal("5415.60"), "USD", None, ""),
    ("Payment copy: EUR 12.345,00 is not how this bank writes; amount 1,250.50 EUR", Decimal("1250.50"), "EUR",
     None, ""),
])
def test_a_bank_slip_gives_amount_currency_value_date_and_reference(
        text: str, amount: Decimal, currency: str, day: dt.date | None, reference: str) -> None:
    paid = money.read_payment(text)
    assert paid is not None
    assert (paid.amount, paid.currency, paid.value_date, paid.reference) == (amount, currency, day, reference)


def test_a_mail_without_a_sum_is_no_payment() -> None:
    assert money.read_payment("We will pay the deposit next week.") is None


def test_lc_dates_from_swift_fields_and_words() -> None:
    assert money.lc_dates(":31D: 260515 CHINA\n:44C: 260430") == {"lc_expiry": "2026-05-15",
                                                                  "lc_latest_shipment": "2026-04-30"}
    assert money.lc_dates("Expiry date: 15 May 2026\nLatest shipment date: 30 Apr 2026") == {
        "lc_expiry": "2026-05-15", "lc_latest_shipment": "2026-04-30"}


def test_the_margin_per_line_and_in_total(tmp_path: Path) -> None:
    costs_file = tmp_path / "costs.csv"
    costs_file.write_text("item_code,unit_cost,currency\nA-1,13.16,CNY\nB-2,1.88,USD\n", encoding="utf-8")
    costs = money.load_costs(costs_file)
    rates = {"USD": Decimal(7), "CNY": Decimal(1)}
    lines = [{"item_code": "A-1", "quantity": "8000", "unit_price": "2.00"},
             {"item_code": "B-2", "quantity": "1000", "unit_price": "2.00"}]
    margin = money.margin(lines, "USD", costs, rates)
    # sales 112,000 + 14,000 CNY; costs 105,280 + 13,160: (126,000 - 118,440) / 126,000 = 6 %
    assert margin.percent == Decimal("6.00") and [r["margin"] for r in margin.lines] == ["6.0", "6.0"]
    unknown = money.margin([*lines, {"item_code": "C-3", "quantity": "1", "unit_price": "1"}], "USD", costs, rates)
    assert unknown.percent is None and "no cost for C-3" in unknown.describe()
    no_rate = money.margin(lines, "EUR", costs, rates)
    assert no_rate.percent is None and "no exchange rate for EUR" in no_rate.describe()


def test_a_cost_file_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "costs.csv"
    bad.write_text("item_code,unit_cost,currency\nA-1,cheap,CNY\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"costs.csv:2: unit_cost: unit_cost 'cheap' is not an amount"):
        money.load_costs(bad)


def _tt() -> object:
    return load_plans(ROOT / "rules" / "followup")[-1]


def test_a_milestone_is_overdue_the_day_after_it_is_due_and_not_before() -> None:
    plan = _tt()
    pi = cal.Evidence("pi", "us", dt.datetime(2026, 3, 3, 9, tzinfo=UTC), 7, "PI.pdf")
    facts = cal.Facts(anchors={"po_date": dt.date(2026, 3, 2)}, documents=[pi],
                      expected=money.expected("30% deposit", Decimal(1000), "USD", ""))
    on_the_day = {s.key: s for s in cal.evaluate(plan, facts, dt.date(2026, 3, 8))}  # type: ignore[arg-type]
    after = {s.key: s for s in cal.evaluate(plan, facts, dt.date(2026, 3, 9))}  # type: ignore[arg-type]
    assert on_the_day["pi_sent"].done and on_the_day["pi_sent"].message_row_id == 7
    assert on_the_day["pi_countersigned"].status == "due_today"
    assert after["pi_countersigned"].status == "overdue" and after["pi_countersigned"].days_overdue(
        dt.date(2026, 3, 9)) == 1
    assert on_the_day["inspection"].due is None and "delivery date is not known" in on_the_day["inspection"].due_why
    assert after["production"].waiting_for == ("signoff", "deposit")


def test_payments_add_up_and_a_short_one_within_the_bank_charges_covers() -> None:
    plan = _tt()
    expected = money.expected("30% deposit, 70% against B/L copy", Decimal("20000.00"), "USD", "")
    pays = [cal.PaymentFact(Decimal(4000), "USD", dt.date(2026, 3, 10)),
            cal.PaymentFact(Decimal(1000), "EUR", dt.date(2026, 3, 10)),  # another currency: not added
            cal.PaymentFact(Decimal("1975.00"), "USD", dt.date(2026, 3, 11))]
    facts = cal.Facts(anchors={}, payments=pays, expected=expected, tolerance=money.Tolerance(None, Decimal(50)))
    states = {s.key: s for s in cal.evaluate(plan, facts, dt.date(2026, 3, 12))}  # type: ignore[arg-type]
    assert states["deposit"].done and states["deposit"].done_at is not None
    assert states["deposit"].done_at.date() == dt.date(2026, 3, 11)
    assert not states["balance"].done
    strict = cal.Facts(anchors={}, payments=pays, expected=expected, tolerance=money.NO_TOLERANCE)
    assert not {s.key: s for s in cal.evaluate(plan, strict, dt.date(2026, 3, 12))}["deposit"].done  # type: ignore[arg-type]


def test_the_status_is_derived_from_milestones_and_documents() -> None:
    plan = _tt()
    facts = cal.Facts(anchors={}, documents=[cal.Evidence("po", "buyer", dt.datetime(2026, 3, 2, tzinfo=UTC), 1)])
    states = cal.evaluate(plan, facts, dt.date(2026, 3, 2))  # type: ignore[arg-type]
    assert cal.derive_status(states, {"po"}) == "confirmed"
    assert cal.derive_status(states, set()) == "quoted"
    assert cal.derive_status(states, {"po", "bl"}) == "shipped"
    assert cal.derive_status(states, {"po"}, by_hand="on hold") == "on hold"


def test_the_summarys_day_is_the_desks_calendar_day_in_its_zone() -> None:
    """Midnight to midnight where the desk is: in Shanghai the day begins at 16:00 UTC the day
    before; in New York the day the clocks go forward has 23 hours."""
    from zoneinfo import ZoneInfo

    from mailflow.follow.summary import day_window

    start, end = day_window(dt.date(2026, 10, 13), ZoneInfo("Asia/Shanghai"))
    assert (start, end) == (dt.datetime(2026, 10, 12, 16, tzinfo=dt.UTC), dt.datetime(2026, 10, 13, 16, tzinfo=dt.UTC))
    start, end = day_window(dt.date(2026, 3, 8), ZoneInfo("America/New_York"))
    assert end - start == dt.timedelta(hours=23) and start == dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC)

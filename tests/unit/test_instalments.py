"""Money per instalment: payments allocated to the deposit, then the balance (or the L/C
drawing); a shortfall within the tolerance (bank charges) settles an instalment; the tolerance
is a rule of the desk, overridden per buyer, and a bad rule is an error naming file, line and
field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.config import load_config
from mailflow.errors import ConfigError
from mailflow.follow import Follower, follower_from, money
from mailflow.follow import calendar as cal
from mailflow.follow import order as fo
from mailflow.follow.plans import load_plans
from tests.conftest import ROOT

TT = "30% T/T deposit, 70% balance against copy of B/L"
LC = "100% irrevocable L/C at sight"
NONE = money.NO_TOLERANCE


def paid(amount: str, day: int, charges: str = "0", reference: str = "") -> cal.PaymentFact:
    return cal.PaymentFact(Decimal(amount), "USD", dt.date(2026, 3, day), reference, None, Decimal(charges))


def test_payments_fill_the_deposit_first_and_carry_the_rest_to_the_balance() -> None:
    exp = money.expected(TT, Decimal("20000.00"), "USD", "")
    parts, beyond = money.allocate(exp, [paid("4000.00", 10), paid("5000.00", 12)], NONE)
    deposit, balance = parts
    assert (deposit.key, deposit.amount, deposit.paid, deposit.short) == ("deposit", Decimal("6000.00"),
                                                                          Decimal("6000.00"), Decimal(0))
    assert deposit.settled_on == dt.date(2026, 3, 12)  # the second payment completed it
    assert (balance.name, balance.amount, balance.paid, balance.short) == ("balance", Decimal("14000.00"),
                                                                           Decimal("3000.00"), Decimal("11000.00"))
    assert not balance.settled and beyond == 0
    assert money.due_now(parts) is balance


def test_a_part_deposit_leaves_the_rest_of_the_deposit_due_now() -> None:
    exp = money.expected(TT, Decimal("20000.00"), "USD", "")
    parts, _ = money.allocate(exp, [paid("2500.00", 10)], money.DEFAULT_TOLERANCE)
    now = money.due_now(parts)
    assert now is not None and now.key == "deposit" and now.short == Decimal("3500.00")
    assert parts[1].paid == 0 and parts[1].short == Decimal("14000.00")


def test_an_instalment_short_by_bank_charges_within_the_tolerance_is_settled_and_nothing_carried() -> None:
    exp = money.expected(TT, Decimal("20000.00"), "USD", "")
    # the deposit arrives 35.00 short (an intermediary's fee), the balance 60.00 short
    parts, _ = money.allocate(exp, [paid("5965.00", 10), paid("13940.00", 20)], money.DEFAULT_TOLERANCE)
    deposit, balance = parts
    assert deposit.settled and deposit.short == Decimal("35.00") and deposit.allowed == Decimal("50.00")
    assert balance.settled and balance.short == Decimal("60.00") and balance.allowed == Decimal("70.00")  # 0.5 %
    assert money.due_now(parts) is None
    # without a tolerance both stay open, and the second payment first completes the deposit
    strict, _ = money.allocate(exp, [paid("5965.00", 10), paid("13940.00", 20)], NONE)
    assert strict[0].settled and strict[0].settled_on == dt.date(2026, 3, 20)
    assert not strict[1].settled and strict[1].short == Decimal("95.00")


def test_a_payment_s_charges_are_inside_its_amount_and_never_counted_twice() -> None:
    exp = money.expected(TT, Decimal("20000.00"), "USD", "")
    # the payer sent 6,000.00; the banks took 120.00 of it on the way
    parts, _ = money.allocate(exp, [paid("6000.00", 10, charges="120.00")], NONE)
    assert parts[0].settled and parts[0].paid == Decimal("6000.00") and parts[0].charges == Decimal("120.00")
    assert parts[1].paid == 0  # nothing of the charges spills over to the balance


def test_lc_proceeds_net_of_charges_settle_the_drawing() -> None:
    exp = money.expected(LC, Decimal("34440.00"), "USD", "")
    [drawing], _ = money.allocate(exp, [paid("34318.50", 28)], money.DEFAULT_TOLERANCE)
    assert drawing.name == "L/C drawing" and drawing.short == Decimal("121.50")
    assert drawing.allowed == Decimal("172.20") and drawing.settled  # 0.5 % of 34,440.00
    [fixed], _ = money.allocate(exp, [paid("34318.50", 28)], money.Tolerance(None, Decimal(50)))
    assert not fixed.settled  # a fixed 50 did not cover it


@pytest.mark.parametrize("rule, due, allowed", [
    (money.Tolerance(Decimal("0.5"), Decimal(50)), Decimal("6000.00"), Decimal("50.00")),
    (money.Tolerance(Decimal("0.5"), Decimal(50)), Decimal("34440.00"), Decimal("172.20")),
    (money.Tolerance(Decimal(1), None), Decimal("6000.00"), Decimal("60.00")),
    (money.Tolerance(None, Decimal(25)), Decimal("34440.00"), Decimal("25.00")),
    (money.NO_TOLERANCE, Decimal("6000.00"), Decimal("0.00")),
])
def test_the_tolerance_is_the_larger_of_its_percent_and_amount(rule: money.Tolerance, due: Decimal,
                                                                allowed: Decimal) -> None:
    assert rule.allows(due) == allowed


@pytest.mark.parametrize("rule, due, allowed", [
    (money.DEFAULT_TOLERANCE, Decimal("60.00"), Decimal("3.00")),  # 5 % of a small deposit, not 50
    (money.DEFAULT_TOLERANCE, Decimal("1000.00"), Decimal("50.00")),  # a flat fee in full from 1,000 on
    (money.DEFAULT_TOLERANCE, Decimal("200000.00"), Decimal("1000.00")),  # 0.5 % up to 1,000
    (money.DEFAULT_TOLERANCE, Decimal("1000000.00"), Decimal("1000.00")),  # not 5,000
    (money.Tolerance(Decimal("0.5"), Decimal(50), None), Decimal("1000000.00"), Decimal("5000.00")),  # no cap
    (money.Tolerance(Decimal("0.5"), Decimal(50), Decimal(2000)), Decimal("1000000.00"), Decimal("2000.00")),
    (money.Tolerance(None, Decimal(80)), Decimal("300.00"), Decimal("15.00")),  # an amount is capped too
    (money.Tolerance(Decimal(10), None, None), Decimal("6000.00"), Decimal("300.00")),  # a percent too
    (money.DEFAULT_TOLERANCE, Decimal("0.00"), Decimal("0.00")),
])
def test_the_tolerance_never_passes_a_twentieth_of_the_instalment_nor_1000_by_its_percent(
        rule: money.Tolerance, due: Decimal, allowed: Decimal) -> None:
    assert rule.allows(due) == allowed


def test_a_small_deposit_far_short_is_not_settled_as_bank_charges() -> None:
    exp = money.expected(TT, Decimal("200.00"), "USD", "")  # a deposit of 60.00
    parts, _ = money.allocate(exp, [paid("10.01", 10)], money.DEFAULT_TOLERANCE)
    assert parts[0].amount == Decimal("60.00") and not parts[0].settled and parts[0].short == Decimal("49.99")
    assert money.due_now(parts) is parts[0]
    parts, _ = money.allocate(exp, [paid("57.00", 10)], money.DEFAULT_TOLERANCE)
    assert parts[0].settled and parts[0].as_dict()["written_off"] == "3.00"  # a fee of 3.00 is charges


def test_a_large_balance_short_by_thousands_is_not_settled() -> None:
    exp = money.expected(TT, Decimal("1428571.43"), "USD", "")  # a balance of 1,000,000.00
    balance = money.instalments_due(exp)[1]
    assert balance.amount == Decimal("1000000.00")
    parts, _ = money.allocate(exp, [paid("428571.43", 10), paid("995000.00", 20)], money.DEFAULT_TOLERANCE)
    assert parts[0].settled and not parts[1].settled and parts[1].short == Decimal("5000.00")
    parts, _ = money.allocate(exp, [paid("428571.43", 10), paid("999200.00", 20)], money.DEFAULT_TOLERANCE)
    assert parts[1].settled  # 800.00 of an L/C's commissions


def test_overpaid_money_is_beyond_every_instalment() -> None:
    exp = money.expected(TT, Decimal("1000.00"), "USD", "")
    parts, beyond = money.allocate(exp, [paid("1200.00", 10)], NONE)
    assert all(p.settled for p in parts) and beyond == Decimal("200.00")


def test_no_total_means_no_instalments() -> None:
    assert money.allocate(money.expected(TT, None, "USD", ""), [paid("100.00", 1)], NONE) == ([], Decimal(100))


def test_the_plan_dates_each_instalment_by_its_milestone_and_outstanding_is_what_is_short() -> None:
    follower = follower_from_text(None)
    order = fo.OrderFacts(id=1, number="KS-1", data={"payment_terms": TT, "total": "20000.00", "currency": "USD",
                                                      "order_date": "2026-03-02"}, buyer="Kestrel Supplies")
    docs = [fo.Doc("pi", "us", "PI.pdf", {}, 2, dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
                   dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC))]
    payments = [fo.Paid("2500.00", "USD", dt.date(2026, 3, 11), "FT1", None, dt.datetime(2026, 3, 11, tzinfo=dt.UTC))]
    result = fo.follow(fo.Inputs(order, docs, payments, now=dt.datetime(2026, 3, 12, tzinfo=dt.UTC),
                                 today=dt.date(2026, 3, 12)), follower)
    deposit, balance = result.followed.instalments
    assert deposit.due == dt.date(2026, 3, 10) and deposit.short == Decimal("3500.00")  # 7 days after the P/I
    assert balance.due is None  # counts from the packing list, not sent yet
    assert result.order.outstanding == "17500.00"
    assert result.order.instalments[0]["short"] == "3500.00" and result.order.instalments[0]["due"] == "2026-03-10"
    shown = money.stored_due_now(result.order.instalments)
    assert shown is not None and (shown["name"], shown["received"], shown["remaining"], shown["due"]) == (
        "deposit", "2500.00", "3500.00", "2026-03-10") and shown["part_paid"]


# --- the rule in the configuration ---------------------------------------------------------------

CONFIG = """\
identity: {company: Acme, address: orders@acme.example}
archive: {path: var/archive}
"""


def follower_from_text(extra: str | None, tmp: Path | None = None) -> Follower:
    if extra is None:
        return Follower(load_plans(ROOT / "rules" / "followup"))
    assert tmp is not None
    path = tmp / "mailflow.yaml"
    path.write_text(CONFIG + f"rules: {ROOT / 'rules'}\n" + extra, encoding="utf-8")
    follower = follower_from(load_config(path))
    assert follower is not None
    return follower


def test_the_default_rule_is_the_larger_of_half_a_percent_and_50(tmp_path: Path) -> None:
    follower = follower_from_text("", tmp_path)
    assert follower.tolerance_for("anyone") == money.Tolerance(Decimal("0.5"), Decimal(50))


def test_a_rule_may_set_the_cap_of_its_percent(tmp_path: Path) -> None:
    follower = follower_from_text("followup: {tolerance: {percent: 1, most: 300}}\n", tmp_path)
    assert follower.tolerance_for("anyone") == money.Tolerance(Decimal(1), None, Decimal(300))
    assert follower.tolerance_for("anyone").allows(Decimal("100000.00")) == Decimal("300.00")


def test_a_desk_rule_and_a_buyer_s_own_rule(tmp_path: Path) -> None:
    follower = follower_from_text(
        "followup: {tolerance: {percent: 1}}\n"
        "buyers:\n"
        "  - {name: Kestrel Supplies, domains: [kestrel.example], tolerance: {amount: 80}}\n"
        "  - {name: Northwind, domains: [northwind.example], tolerance: 30}\n"
        "  - {name: Plain Buyer, domains: [plain.example]}\n", tmp_path)
    assert follower.tolerance_for("Plain Buyer") == money.Tolerance(Decimal(1), None)
    assert follower.tolerance_for("kestrel supplies") == money.Tolerance(None, Decimal(80))
    assert follower.tolerance_for("kestrel.example") == money.Tolerance(None, Decimal(80))  # by its domain
    assert follower.tolerance_for("Northwind") == money.Tolerance(None, Decimal(30))  # a number is an amount
    # the buyer's rule is the one the order's payments are settled by
    order = fo.OrderFacts(id=1, number="KS-1", data={"payment_terms": TT, "total": "20000.00", "currency": "USD"},
                          buyer="kestrel.example")
    payments = [fo.Paid("5930.00", "USD", dt.date(2026, 3, 11), "FT1", None, dt.datetime(2026, 3, 11, tzinfo=dt.UTC))]
    followed = fo.follow(fo.Inputs(order, (), payments), follower).followed
    assert followed.instalments[0].settled  # 70.00 short: within 80, not within 1 % (60.00)
    other = fo.follow(fo.Inputs(dataclasses.replace(order, buyer="Plain Buyer"), (), payments),
                      follower).followed
    assert not other.instalments[0].settled


@pytest.mark.parametrize("extra, line, field, fragment", [
    ("followup:\n  tolerance: {percent: 20}\n", 4, "followup.tolerance.percent", "less than or equal to 10"),
    ("followup:\n  tolerance: {amount: -5}\n", 4, "followup.tolerance.amount", "greater than or equal to 0"),
    ("followup:\n  tolerance: {}\n", 4, "followup.tolerance", "names a percent, an amount or both"),
    ("followup:\n  tolerance: {percent: 0.5, flat: 20}\n", 4, "followup.tolerance.flat", "unknown setting"),
    ("buyers:\n  - name: Kestrel\n    tolerance: {amount: lots}\n", 5, "buyers[0].tolerance.amount",
     "valid decimal"),
])
def test_a_bad_tolerance_names_file_line_and_field(tmp_path: Path, extra: str, line: int, field: str,
                                                   fragment: str) -> None:
    path = tmp_path / "mailflow.yaml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.file == str(path) and caught.value.line == line, str(caught.value)
    assert caught.value.field == field and fragment in str(caught.value), str(caught.value)


def test_the_charges_a_bank_slip_gives_are_kept_on_its_payment_and_shown_on_its_instalment() -> None:
    order = fo.OrderFacts(id=1, number="KS-1", data={"payment_terms": TT, "total": "20000.00", "currency": "USD"})
    mailed = dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC)
    # an advice of 5,880.00 credited and 120.00 charges: the reader says 6,000.00 was paid
    slip = fo.Doc("bank_slip", "buyer", "slip.pdf", {"payment": {
        "amount": "6000.00", "currency": "USD", "value_date": "2026-03-11", "reference": "FT9",
        "charges": "120.00", "charges_currency": "USD", "net": "5880.00"}}, 5, mailed, mailed)
    strict = Follower(load_plans(ROOT / "rules" / "followup"), money.NO_TOLERANCE)
    result = fo.follow(fo.Inputs(order, (slip,), now=mailed, today=dt.date(2026, 3, 11)), strict)
    [payment] = result.new_payments
    assert payment.charges == "120.00" and payment.amount == "6000.00"
    deposit = result.followed.instalments[0]
    assert deposit.settled and deposit.paid == Decimal("6000.00") and deposit.charges == Decimal("120.00")
    assert result.order.instalments[0]["charges"] == "120.00"
    assert next(m for m in result.milestones if m.key == "deposit").state == "done"
    # charges in another currency, or no sum, are not shown as this payment's
    for other in ({"charges": "15.00", "charges_currency": "EUR"}, {"charges": "n/a"}):
        bare = dataclasses.replace(slip, record={"payment": {"amount": "6000.00", "currency": "USD", **other}})
        result = fo.follow(fo.Inputs(order, (bare,), now=mailed, today=dt.date(2026, 3, 11)), strict)
        assert result.new_payments[0].charges == "" and result.followed.instalments[0].settled

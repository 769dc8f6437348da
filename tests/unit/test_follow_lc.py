"""The L/C checked against the P/I and the order, and its milestones in the plan (`follow/lc.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mailflow.extract import swift
from mailflow.follow import Follower, lc, money
from mailflow.follow import order as fo
from mailflow.follow.plans import load_plans
from tests.conftest import ROOT

UTC = dt.UTC
PI = {"total": "20000.00", "currency": "USD", "delivery_date": "2026-04-30", "payment_terms": "100% L/C at sight"}
ADVICE = """:20:LC2605KS
:31D:260506CHINA
:32B:USD18000,00
:39A:05/05
:44C:260415
:46A:+SIGNED COMMERCIAL INVOICE IN 3 COPIES
+FULL SET OF CLEAN ON BOARD BILLS OF LADING
+PACKING LIST
+CERTIFICATE OF ORIGIN
+INSURANCE POLICY FOR 110 PCT
+BENEFICIARY'S CERTIFICATE
:48:21 DAYS AFTER SHIPMENT
"""
AMENDMENT = ":20:LC2605KS\n:26E:01\n:32B:USD2000,00\n:44C:260505\n:31E:260531\n"


def doc(kind: str, text: str, day: int, row: int, party: str = "bank") -> fo.Doc:
    credit = swift.read_credit(text, amendment=kind == "lc_amendment")
    record: dict[str, Any] = {"lc": {**money.lc_facts(credit), "credit": credit.as_record()}}
    if kind == "pi":
        record = dict(PI)
    at = dt.datetime(2026, 3, day, 9, tzinfo=UTC)
    return fo.Doc(kind, party, "mail body", record, row, at, at)


def expected() -> money.Expected:
    return money.expected(PI["payment_terms"], Decimal(PI["total"]), "USD", "our P/I")


def test_the_credit_is_checked_against_the_pi_total_currency_and_dates() -> None:
    checks = {c.name: c for c in lc.check(swift.read_credit(ADVICE), expected(), dt.date(2026, 4, 30))}
    assert not checks["lc_amount"].ok
    assert "USD 18,000.00 (tolerance +5%/-5%: 17,100.00 to 18,900.00), our P/I total 20,000.00: outside" \
        in checks["lc_amount"].detail
    assert checks["lc_currency"].ok
    assert not checks["lc_shipment"].ok
    assert checks["lc_shipment"].detail == "L/C latest shipment 2026-04-15 is before the delivery date 2026-04-30"
    assert checks["lc_expiry"].ok  # 04-15 + 21 days = 05-06, the expiry


def test_within_the_tolerance_and_an_expiry_that_leaves_no_time_to_present() -> None:
    credit = swift.read_credit(":32B:EUR19100,00\n:39A:05/05\n:44C:260430\n:31D:260510CHINA")
    checks = {c.name: c for c in lc.check(credit, expected(), dt.date(2026, 4, 30))}
    assert not checks["lc_currency"].ok and "lc_amount" not in checks  # no sums compared across currencies
    assert checks["lc_shipment"].ok
    assert not checks["lc_expiry"].ok
    assert "before the latest shipment 2026-04-30 + 21 days to present (2026-05-21)" in checks["lc_expiry"].detail
    same = swift.read_credit(":32B:USD19100,00\n:39A:05/05")  # 19,100 + 5 % = 20,055 covers 20,000
    assert [c.ok for c in lc.check(same, expected(), None)] == [True, True]
    assert lc.check(swift.Credit(), expected(), None) == ()  # nothing read: nothing reported


def test_an_amendment_that_fixes_a_discrepancy_clears_it() -> None:
    documents = [doc("pi", "", 3, 1, "us"), doc("lc_advice", ADVICE, 9, 2)]
    before = lc.standing(documents, expected(), dt.date(2026, 4, 30))
    assert set(before.found) == {"lc_amount", "lc_shipment"} and not before.cleared
    after = lc.standing([*documents, doc("lc_amendment", AMENDMENT, 14, 3)], expected(), dt.date(2026, 4, 30))
    assert all(c.ok for c in after.checks)
    assert set(after.found) == {"lc_amount", "lc_shipment"}  # found once, kept as history
    assert {name: d.message_row_id for name, d in after.cleared.items()} == {"lc_amount": 3, "lc_shipment": 3}
    assert after.credit is not None and after.credit.amount == Decimal("20000.00")


def test_the_plan_gains_the_amendment_requests_and_the_documents_the_credit_requires() -> None:
    plans = load_plans(ROOT / "rules" / "followup")
    follower = Follower(plans)
    order = fo.OrderFacts(id=1, number="KS-5001", data=PI, plan="lc-order")
    documents = (doc("pi", "", 3, 1, "us"), doc("lc_advice", ADVICE, 9, 2))
    inputs = fo.Inputs(order=order, documents=documents, now=dt.datetime(2026, 3, 11, tzinfo=UTC),
                       today=dt.date(2026, 3, 11))
    result = fo.follow(inputs, follower)
    marks = {m.key: m for m in result.milestones}
    assert marks["lc_amend_amount"].name.startswith("Ask the buyer to amend the L/C: L/C amount USD 18,000.00")
    assert marks["lc_amend_shipment"].owner == "accounts" and marks["lc_amend_shipment"].state == "overdue"
    assert marks["lc_amend_shipment"].due == dt.date(2026, 3, 10)  # a day after the L/C came
    documents_required = [k for k in marks if k.startswith("lc_doc_")]
    # the packing list and the B/L are milestones of the plan already
    assert documents_required == ["lc_doc_commercial_invoice", "lc_doc_co", "lc_doc_insurance_policy",
                                  "lc_doc_beneficiary_certificate"]
    assert marks["lc_doc_co"].due == dt.date(2026, 4, 29)  # a week before the expiry
    assert set(documents_required) <= set(marks["presentation"].waiting_for)
    assert [e.detail["check"] for e in result.events if e.kind == "lc-discrepancy"] == ["lc_amount", "lc_shipment"]

    amended = fo.Inputs(order=order, documents=(*documents, doc("lc_amendment", AMENDMENT, 14, 3)),
                        milestones=tuple(fo.Kept(m.key, m.name, m.state) for m in result.milestones),
                        now=dt.datetime(2026, 3, 14, 10, tzinfo=UTC), today=dt.date(2026, 3, 14))
    again = fo.follow(amended, follower)
    marks = {m.key: m for m in again.milestones}
    for key in ("lc_amend_amount", "lc_amend_shipment"):
        assert (marks[key].state, marks[key].how, marks[key].message_row_id) == ("done", "evidence", 3)
        assert marks[key].done_by == ("L/C amendment of 2026-03-14 amended it (amount increased by USD 2,000.00; "
                                      "expiry 2026-05-31; latest shipment 2026-05-05)")
    assert not [e for e in again.events if e.kind == "lc-discrepancy"]
    assert marks["lc_doc_co"].due == dt.date(2026, 5, 24)  # the amended expiry


def test_a_commercial_invoice_on_file_completes_its_document_milestone() -> None:
    plans = load_plans(ROOT / "rules" / "followup")
    order = fo.OrderFacts(id=1, number="KS-5001", data=PI)
    invoice = fo.Doc("commercial_invoice", "us", "CI_KS-5001.pdf", {}, 4, dt.datetime(2026, 4, 20, tzinfo=UTC),
                     dt.datetime(2026, 4, 20, tzinfo=UTC))
    documents = (doc("pi", "", 3, 1, "us"), doc("lc_advice", ADVICE, 9, 2), invoice)
    result = fo.follow(fo.Inputs(order=order, documents=documents, today=dt.date(2026, 4, 21)), Follower(plans))
    marks = {m.key: m for m in result.milestones}
    assert marks["lc_doc_commercial_invoice"].state == "done"
    assert marks["lc_doc_insurance_policy"].state == "open"  # no document kind: done by hand


def test_a_required_document_s_kind_by_its_words() -> None:
    assert lc.required_kinds("SIGNED COMMERCIAL INVOICE IN 3 COPIES") == ("commercial_invoice",)
    assert lc.required_kinds("商业发票一式三份") == ("commercial_invoice",)
    assert lc.required_kinds("全套清洁已装船海运提单") == ("bl", "bl_original")
    assert lc.required_kinds("GSP CERTIFICATE OF ORIGIN FORM A") == ("co",)
    assert lc.required_kinds("INSURANCE POLICY FOR 110 PCT OF INVOICE VALUE") == ()


@pytest.mark.parametrize(("item", "kinds"), [
    ("BENEFICIARY'S CERTIFICATE CERTIFYING THAT ONE NON-NEGOTIABLE COPY OF B/L HAS BEEN SENT TO THE APPLICANT", ()),
    ("SHIPPING ADVICE TO THE APPLICANT WITHIN 3 DAYS AFTER SHIPMENT QUOTING B/L NO. AND VESSEL NAME",
     ("shipping_advice",)),
    ("INSPECTION CERTIFICATE ISSUED BY SGS INDICATING B/L NUMBER", ("inspection_report",)),
    ("PACKING LIST IN 3 COPIES SHOWING THE B/L NUMBER AND INVOICE NUMBER", ("packing_list",)),
    ("FULL SET OF CLEAN ON BOARD BILLS OF LADING MARKED FREIGHT PREPAID NOTIFY APPLICANT", ("bl", "bl_original")),
])
def test_a_required_document_is_the_document_it_names_first(item: str, kinds: tuple[str, ...]) -> None:
    assert lc.required_kinds(item) == kinds


def test_the_l_c_milestones_read_in_chinese_on_the_desk() -> None:
    stored = "Ask the buyer to amend the L/C: L/C latest shipment 2026-04-15 is before the delivery date 2026-04-30"
    assert lc.name_in("lc_amend_shipment", stored, "zh") == "请客户修改信用证：最迟装运日早于约定的装运/交货日期"
    assert lc.name_in("lc_amend_shipment", stored, "en") == stored
    assert lc.name_in("lc_doc_co", "L/C document: CERTIFICATE OF ORIGIN", "zh") == "信用证单据：CERTIFICATE OF ORIGIN"
    assert lc.name_in("deposit", "Deposit received", "zh") is None


def test_what_cannot_be_read_on_file_is_no_credit() -> None:
    at = dt.datetime(2026, 3, 9, tzinfo=UTC)
    odd = [fo.Doc("lc_advice", "bank", "x", {"lc": ["not", "a", "mapping"]}, 1, at, at),
           fo.Doc("lc_advice", "bank", "y", {"lc": {"credit": "text"}}, 2, at, at),
           fo.Doc("lc_amendment", "bank", "z", {"lc": {"credit": {"amount": "many", "expiry": "soon"}}}, 3, at, at)]
    found = lc.standing(odd, expected(), dt.date(2026, 4, 30))
    assert found.credit == swift.Credit() and found.checks == () and not found.found
    assert lc.amended(odd[0]) == [] and lc.amended(odd[2]) == []

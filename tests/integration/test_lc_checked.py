"""An L/C order's credit checked against our P/I, on SQLite and PostgreSQL, with the desk's one
clock frozen and moved day by day: the bank's advice (a raw MT700 in the mail) ships earlier
than the P/I's delivery date and is short of its total beyond the tolerance, so both are checks
the order shows and milestones the plan lists ("ask the buyer to amend the L/C"), its required
documents become milestones, and the bank's MT707 fixing both completes them. The proceeds'
credit advice records the remitted amount, not its charges line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailflow import clock
from tests.integration.test_follow_up import BOB, LC, US, at, cli, deliver, desk, milestones, pdf, plan, show
from tests.mails import mail

pytestmark = pytest.mark.integration

BANK = "Trade Services <lc@bank-of-ningbo.example>"
MT700 = """We advise the documentary credit below for PO KS-6001.

:27:1/1
:40A:IRREVOCABLE
:20:LC2603KS6001
:31C:260308
:40E:UCP LATEST VERSION
:31D:260515CHINA
:50:KESTREL SUPPLIES LTD
:59:ACME NONWOVENS CO., LTD.
:32B:USD18000,00
:39A:05/05
:44E:NINGBO
:44F:FELIXSTOWE
:44C:260415
:46A:+SIGNED COMMERCIAL INVOICE IN 3 COPIES
+FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING
 MADE OUT TO ORDER AND BLANK ENDORSED
+PACKING LIST IN 3 COPIES
+CERTIFICATE OF ORIGIN
+INSURANCE POLICY FOR 110 PCT OF INVOICE VALUE
:47A:+ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER
:48:21 DAYS AFTER THE DATE OF SHIPMENT
"""
MT707 = """Amendment to documentary credit LC2603KS6001 (MT707).

:20: SENDER'S REFERENCE: LC2603KS6001
:26E: NUMBER OF AMENDMENT: 01
:32B: INCREASE OF DOCUMENTARY CREDIT AMOUNT: USD2000,00
:44C: LATEST DATE OF SHIPMENT: 260505
:31E: NEW DATE OF EXPIRY: 260531
"""


def checks(config: Path, number: str) -> dict[str, dict[str, object]]:
    return {c["name"]: c for c in show(config, number)["data"]["checks"] if str(c["name"]).startswith("lc_")}


def test_an_lc_short_and_early_is_checked_planned_for_amendment_and_cleared_by_the_mt707(
        tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.00", "MF-4040-GR": "26.00"})
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-6001", "Please find attached our PO KS-6001.", sender=BOB,
                                       message_id="po6@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-6001.pdf", pdf(tmp_path, "po", "KS-6001", LC),
                                                     "application/pdf")]))
        now.advance(days=1)
        # our P/I: USD 20,000.00, delivery 2026-04-30
        deliver(config, "02.eml", mail("P/I AN-PI-6001 for your PO KS-6001", "Our P/I.", sender=US, to=BOB,
                                       message_id="pi6@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-6001.pdf", pdf(tmp_path, "pi", "AN-PI-6001", LC),
                                                     "application/pdf")]))
        assert checks(config, "KS-6001") == {}  # no L/C yet: nothing checked, nothing reported
        now.advance(days=6)
        deliver(config, "03.eml", mail("L/C advice for PO KS-6001", MT700, sender=BANK,
                                       message_id="lc6@bank.example", date=at("2026-03-09")))
        shown = show(config, "KS-6001")
        assert shown["follow_up"]["lc"]["number"] == "LC2603KS6001"
        found = checks(config, "KS-6001")
        assert not found["lc_amount"]["ok"] and "outside the tolerance" in str(found["lc_amount"]["detail"])
        assert not found["lc_shipment"]["ok"]
        assert found["lc_shipment"]["detail"] == \
            "L/C latest shipment 2026-04-15 is before the P/I's delivery date 2026-04-30"
        assert found["lc_currency"]["ok"] and found["lc_expiry"]["ok"]
        assert "check lc_amount: FAILED: L/C amount USD 18,000.00" in cli(config, "order", "show", "KS-6001")

        steps = milestones(config, "KS-6001")
        assert steps["lc_received"]["state"] == "done"
        assert steps["shipped"]["due"] == "2026-04-15"  # the L/C's own latest shipment, until amended
        amend = {k: s for k, s in steps.items() if k.startswith("lc_amend_")}
        assert set(amend) == {"lc_amend_amount", "lc_amend_shipment"}
        assert all(s["name"].startswith("Ask the buyer to amend the L/C: ") and s["state"] == "open"
                   and s["owner"] == "accounts" and s["due"] == "2026-03-10" for s in amend.values())
        required = [k for k in steps if k.startswith("lc_doc_")]
        assert required == ["lc_doc_commercial_invoice", "lc_doc_co", "lc_doc_insurance_policy"]
        assert steps["lc_doc_co"]["name"] == "L/C document: CERTIFICATE OF ORIGIN"
        assert steps["lc_doc_co"]["due"] == "2026-05-08"  # a week before the expiry
        events = [e for e in shown["events"] if e["kind"] == "lc-discrepancy"]
        assert sorted(e["check"] for e in events) == ["lc_amount", "lc_shipment"]

        now.advance(days=1)  # 03-10: the requests are due today on the accounts' plan
        today = plan(config)
        due = {i["milestone"]: i for i in today["due_today"] if i["order"] == "KS-6001"}
        assert {"lc_amend_amount", "lc_amend_shipment"} <= set(due)
        assert due["lc_amend_shipment"]["name"].startswith("Ask the buyer to amend the L/C: L/C latest shipment")

        now.advance(days=4)
        deliver(config, "04.eml", mail("L/C amendment for PO KS-6001", MT707, sender=BANK,
                                       message_id="lc6a@bank.example", date=at("2026-03-14")))
        assert all(c["ok"] for c in checks(config, "KS-6001").values())
        steps = milestones(config, "KS-6001")
        for key in ("lc_amend_amount", "lc_amend_shipment"):
            assert steps[key]["state"] == "done" and steps[key]["how"] == "evidence"
            assert steps[key]["message_id"] == "lc6a@bank.example"
            assert steps[key]["by"].endswith("amended it (amount increased by USD 2,000.00; expiry 2026-05-31; "
                                             "latest shipment 2026-05-05)")
        assert steps["shipped"]["due"] == "2026-05-05"  # the amended latest shipment
        assert steps["lc_doc_co"]["due"] == "2026-05-24"  # a week before the amended expiry
        assert show(config, "KS-6001")["follow_up"]["lc"]["amount"] == "20000.00"

        # the proceeds: the bank's credit advice, its charges apart
        now.advance(days=60)
        deliver(config, "05.eml", mail("Credit advice PO KS-6001",
                                       "CREDIT ADVICE\nL/C No. LC2603KS6001\n"
                                       "Amount: USD 20,000.00 / Bank charges: USD 43.05\n"
                                       "Net amount credited: USD 19,956.95\n"
                                       "Value date: 2026-05-13\nReference: BN26051300017",
                                       sender=BANK, message_id="ca6@bank.example", date=at("2026-05-13")))
        money = show(config, "KS-6001")["follow_up"]["money"]
        assert [(p["amount"], p["currency"], p["value_date"]) for p in money["payments"]] == [
            ("20000.00", "USD", "2026-05-13")]
        assert money["outstanding"] == "0.00"
        listed = json.loads(cli(config, "payments", "--json"))
        assert next(o for o in listed["orders"] if o["order"] == "KS-6001")["paid"] == "20000.00"

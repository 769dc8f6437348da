"""Two kinds of order, on SQLite and PostgreSQL: a buyer's PO opens a sales order; our P/O to a
carton supplier opens a purchase order linked to the sales order it serves, never a sales order
of the supplier; the supplier's mail joins the purchase order, typed by what it is, and gets no
reply; the purchase plan's "supplier confirmed" is chased from the supplier (and only from it)
and done by the supplier's own confirmation; a forwarder that cites the customer's PO still
finds the sales order, also when our P/O bears the customer's number."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mailflow import clock
from tests.integration.test_follow_up import (
    BOB,
    TT,
    US,
    at,
    cli,
    deliver,
    desk,
    follow,
    milestones,
    outbox,
    pdf,
    raw_of,
    show,
)
from tests.integration.test_parties import messages
from tests.mails import mail

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

SUPPLIER = "Li Wei <sales@hengli-pack.example>"
FORWARDER = "Amy Zhou <amy@swiftline-log.example>"
CARTONS = (pdfs.Line("CTN-62x42x38", "Export carton 5-ply, 62x42x38 cm, printed", Decimal(1600), "PCS",
                     Decimal("0.85")),)
BOOKING = b"%PDF-1.4\n%%EOF\n"  # no text: the file name says what it is


def our_po(tmp_path: Path, number: str) -> bytes:
    """Our P/O to the supplier, as the desk prints it: headed PURCHASE ORDER, we are its buyer."""
    doc = pdfs.OrderDoc(kind="po", lang="en", number=number, buyer="Acme Nonwovens Co., Ltd.",
                        order_date=dt.date(2026, 3, 3), delivery_date=dt.date(2026, 3, 25), currency="CNY",
                        incoterm="EXW Ningbo", payment_terms="30 days after delivery", lines=CARTONS)
    return pdfs.write_order_pdf(doc, tmp_path / f"our-po-{number}.pdf").read_bytes()


def supplier_pi(tmp_path: Path, number: str) -> bytes:
    doc = pdfs.OrderDoc(kind="pi", lang="en", number=number, buyer="Acme Nonwovens Co., Ltd.",
                        order_date=dt.date(2026, 3, 10), delivery_date=dt.date(2026, 3, 25), currency="CNY",
                        incoterm="EXW Ningbo", payment_terms="30 days after delivery", lines=CARTONS)
    return pdfs.write_order_pdf(doc, tmp_path / f"supplier-pi-{number}.pdf").read_bytes()


def warnings_of(config: Path, message_id: str) -> list[str]:
    from sqlalchemy import select

    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import MessageRow

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            return list(session.scalar(select(MessageRow.warnings).where(MessageRow.message_id == message_id)) or [])
    finally:
        store.close()


def buyer_po(config: Path, tmp_path: Path, number: str) -> None:
    """The buyer's PO, on the day the clock stands at: it opens the sales order."""
    deliver(config, "01.eml", mail(f"PO {number}", f"Please find attached our PO {number}.", sender=BOB,
                                   message_id=f"po{number}@kestrel.example", date=clock.now(),
                                   attachments=[(f"PO_{number}.pdf", pdf(tmp_path, "po", number, TT),
                                                 "application/pdf")]))


def send_our_po(config: Path, tmp_path: Path, number: str, subject: str) -> None:
    """Our P/O to the carton supplier, as the desk's own outgoing mail."""
    deliver(config, "02.eml", mail(subject, f"Dear Mr Li, please find attached our purchase order {number} for "
                                   "1,600 export cartons. Please confirm it with your delivery date.",
                                   sender=US, to=SUPPLIER, message_id=f"po{number}@acme.example", date=clock.now(),
                                   attachments=[(f"PO_{number}.pdf", our_po(tmp_path, number), "application/pdf")]))


def orders(config: Path) -> dict[str, dict[str, Any]]:
    return {o["folder"]: o for o in json.loads(cli(config, "order", "list", "--json"))}


def test_our_po_to_a_supplier_opens_a_purchase_order_for_the_sales_order(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)  # 03-03: our P/O for the cartons, citing the customer's order
        send_our_po(config, tmp_path, "HL-2603", "Purchase Order HL-2603 - export cartons for order KS-6001")
        listed = orders(config)
        assert set(listed) == {"KS-6001", "HL-2603"}  # no sales order of the carton maker
        sale, purchase = listed["KS-6001"], listed["HL-2603"]
        assert (sale["kind"], sale["buyer"], sale["supplier"], sale["for_order"]) == (
            "sale", "Kestrel Supplies", None, None)
        assert (purchase["kind"], purchase["supplier"], purchase["for_order"], purchase["buyer"]) == (
            "purchase", "hengli-pack.example", "KS-6001", "Kestrel Supplies")
        assert purchase["aliases"] == ["HL-2603"]  # the customer's PO stays the sales order's number
        assert sale["aliases"] == ["KS-6001"]

        now.advance(days=4)  # 03-07: the supplier has not written: its chaser has nobody to answer
        ticked = follow(config)
        skipped = [s for s in ticked["not_written"] if "supplier_confirmed" in s]
        assert skipped and "no mail from the supplier on this order to answer" in skipped[0], ticked
        assert not any("chase_supplier_confirmation" in c for c in ticked["chasers"])

        deliver(config, "03.eml", mail("Re: Purchase Order HL-2603 - export cartons for order KS-6001",
                                       "Dear Lily, received with thanks. We will revert with the delivery date.",
                                       sender=SUPPLIER, to=US, message_id="ack2603@hengli-pack.example",
                                       date=at("2026-03-07", 10), headers={"In-Reply-To": "<poHL-2603@acme.example>",
                                                                           "References": "<poHL-2603@acme.example>"}))
        now.advance(days=2)  # 03-09: still no confirmation: the chaser answers the supplier's own mail
        ticked = follow(config)
        [chased] = [c for c in ticked["chasers"] if "supplier_confirmed" in c]
        assert "chase_supplier_confirmation to sales@hengli-pack.example" in chased
        [chaser] = [r for r in outbox(config) if r["template"] == "chase_supplier_confirmation"]
        assert chaser["to"] == ["sales@hengli-pack.example"]
        assert raw_of(config, chaser["id"])["In-Reply-To"] == "<ack2603@hengli-pack.example>"

        now.advance(days=1)  # 03-10: the supplier confirms, with its P/I
        deliver(config, "04.eml", mail("Re: Purchase Order HL-2603 - export cartons for order KS-6001",
                                       "Dear Lily, we confirm your order HL-2603, delivery on 25 March. "
                                       "Our proforma invoice is attached.",
                                       sender=SUPPLIER, to=US, message_id="conf2603@hengli-pack.example",
                                       date=at("2026-03-10"), headers={"In-Reply-To": "<poHL-2603@acme.example>",
                                                                       "References": "<poHL-2603@acme.example>"},
                                       attachments=[("PI_HL-PI-0310.pdf", supplier_pi(tmp_path, "HL-PI-0310"),
                                                     "application/pdf")]))
        now.advance(days=2)  # 03-12: the forwarder's booking cites the customer's PO
        deliver(config, "05.eml", mail("Booking confirmed - PO KS-6001", "Please see the attached booking for "
                                       "PO KS-6001.", sender=FORWARDER, message_id="bk6001@swiftline.example",
                                       date=at("2026-03-12"),
                                       attachments=[("Booking Confirmation KS-6001.pdf", BOOKING, "application/pdf")]))

        filed = messages(config)
        assert filed["poKS-6001@kestrel.example"][:2] == ("KS-6001", "buyer")
        assert filed["poHL-2603@acme.example"][:2] == ("HL-2603", "us")
        for supplier_mail in ("ack2603@hengli-pack.example", "conf2603@hengli-pack.example"):
            assert filed[supplier_mail][:2] == ("HL-2603", "supplier"), filed[supplier_mail]
        assert filed["bk6001@swiftline.example"][:2] == ("KS-6001", "forwarder")

        shown = show(config, "HL-2603")
        assert (shown["kind"], shown["for_order"], shown["supplier"]) == ("purchase", "KS-6001", "hengli-pack.example")
        kinds = {(d["kind"], d["party"]) for d in shown["documents"]}
        assert ("purchase_order", "us") in kinds and ("pi", "supplier") in kinds
        assert not {k for k, p in kinds if k in ("po", "po_revision")}  # never "PO from buyer"
        assert shown["follow_up"]["plan"] == "purchase-order"
        marks = milestones(config, "HL-2603")
        assert marks["po_sent"]["state"] == "done"
        assert marks["supplier_confirmed"]["state"] == "done"
        assert marks["delivered"]["state"] != "done"
        assert show(config, "KS-6001")["follow_up"]["plan"] == "tt-order"  # a sales plan for the sales order
        # what we owe the supplier is not money owed to us
        assert orders(config)["HL-2603"]["outstanding"] is None
        assert [o["order"] for o in json.loads(cli(config, "payments", "--json"))["orders"]] == ["KS-6001"]
        shown_text = cli(config, "order", "show", "HL-2603")
        assert "purchase order HL-2603" in shown_text and "supplier hengli-pack.example, for order KS-6001" in shown_text
        assert milestones(config, "KS-6001")["booking"]["state"] == "done"

        # nothing but the chaser went to the supplier; no acknowledgement or confirmation at all
        to_supplier = [r for r in outbox(config) if any(a.endswith("@hengli-pack.example") for a in r["to"])]
        assert [r["template"] for r in to_supplier] == ["chase_supplier_confirmation"]
        assert not any(r["template"].endswith("_ack") for r in outbox(config) if r["to"] != ["bob@kestrel.example"])


def test_a_po_number_that_is_also_the_customers_names_both_orders_plainly(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6002")
        now.advance(days=1)  # our P/O bears the customer's number, as many desks number theirs
        send_our_po(config, tmp_path, "KS-6002", "Purchase Order KS-6002 - export cartons")
        listed = list(orders(config).values())
        assert sorted((o["kind"], o["order"]) for o in listed) == [("purchase", "KS-6002"), ("sale", "KS-6002")]
        purchase = next(o for o in listed if o["kind"] == "purchase")
        assert purchase["for_order"] == "KS-6002" and purchase["supplier"] == "hengli-pack.example"
        ours = next(m for m in show(config, purchase["folder"])["messages"] if m["message_id"] == "poKS-6002@acme.example")
        assert "for order KS-6002" in ours["why_here"]
        [warning] = warnings_of(config, "poKS-6002@acme.example")  # one number, two orders: said, not silent
        assert "also names order KS-6002 of Kestrel Supplies" in warning and "purchase order to" in warning
        now.advance(days=2)  # the supplier cites the number outside the thread; so does the forwarder
        deliver(config, "03.eml", mail("Cartons for KS-6002 confirmed", "We confirm purchase order KS-6002, "
                                       "delivery on 25 March.", sender=SUPPLIER, to=US,
                                       message_id="conf6002@hengli-pack.example", date=at("2026-03-05")))
        deliver(config, "04.eml", mail("Booking confirmed - PO KS-6002", "Please see the attached booking for "
                                       "PO KS-6002.", sender=FORWARDER, message_id="bk6002@swiftline.example",
                                       date=at("2026-03-05", 11),
                                       attachments=[("Booking Confirmation KS-6002.pdf", BOOKING, "application/pdf")]))
        filed = messages(config)
        by_folder = {o["folder"]: o for o in listed}
        sale_folder = next(f for f, o in by_folder.items() if o["kind"] == "sale")
        assert filed["conf6002@hengli-pack.example"][:2] == ("KS-6002", "supplier")
        assert filed["bk6002@swiftline.example"][:2] == ("KS-6002", "forwarder")
        assert show(config, purchase["folder"])["follow_up"]["plan"] == "purchase-order"
        assert milestones(config, purchase["folder"])["supplier_confirmed"]["state"] == "done"
        assert any(m["message_id"] == "bk6002@swiftline.example" for m in show(config, sale_folder)["messages"])
        assert not any(m["message_id"] == "bk6002@swiftline.example"
                       for m in show(config, purchase["folder"])["messages"])
        assert any(m["message_id"] == "conf6002@hengli-pack.example"
                   for m in show(config, purchase["folder"])["messages"])

        # our P/O that gives no number of its own stays unfiled with the reason; filed by hand under
        # a number, it opens a purchase order of the label printer, not a sales order
        deliver(config, "05.eml", mail("Purchase order: printed labels for order KS-6002",
                                       "Dear Sir, please supply 1,600 printed labels for our order KS-6002.",
                                       sender=US, to="Printco <labels@printco-label.example>",
                                       message_id="labels@acme.example", date=at("2026-03-05", 14)))
        number, party, _, unfiled = messages(config)["labels@acme.example"]
        assert (number, party) == (None, "us") and "gives no number of its own (it cites order KS-6002)" in unfiled
        cli(config, "order", "assign", "labels@acme.example", "PL-0305")
        labels = orders(config)["PL-0305"]
        assert (labels["kind"], labels["supplier"]) == ("purchase", "printco-label.example")

    # the browser shows the kind, and links a purchase order to the very sales order it serves
    from tests.integration.test_web_http import client_for, log_in
    from tests.webdesk import PASSWORDS
    from tests.webdesk import cli as web_cli

    web_cli(config, "user", "add", "Wang Fang", "--role", "manager", "--password-stdin",
            stdin=PASSWORDS["Wang Fang"] + "\n")
    client, store = client_for(config)
    try:
        log_in(client, "Wang Fang")
        listed_page = client.get("/orders").text
        assert "purchase" in listed_page and "hengli-pack.example" in listed_page
        page = client.get(f"/orders/{purchase['folder']}").text
        assert f'href="/orders/{sale_folder}"' in page and "hengli-pack.example" in page
        assert purchase["for_folder"] == sale_folder != purchase["folder"]
    finally:
        store.close()

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
    show,
)
from tests.integration.test_parties import messages
from tests.mails import mail
from tests.replies import reply_message

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

        now.advance(days=4)  # 03-07: the supplier has not written: its chaser answers our P/O to it
        ticked = follow(config)
        [chased] = [c for c in ticked["chasers"] if "supplier_confirmed" in c]
        assert "chase_supplier_confirmation to sales@hengli-pack.example" in chased, ticked
        [first] = [r for r in outbox(config) if r["template"] == "chase_supplier_confirmation"]
        assert first["to"] == ["sales@hengli-pack.example"]  # never the buyer, never ourselves
        assert reply_message(config, first["id"])["In-Reply-To"] == "<poHL-2603@acme.example>"

        deliver(config, "03.eml", mail("Re: Purchase Order HL-2603 - export cartons for order KS-6001",
                                       "Dear Lily, received with thanks. We will revert with the delivery date.",
                                       sender=SUPPLIER, to=US, message_id="ack2603@hengli-pack.example",
                                       date=at("2026-03-07", 10), headers={"In-Reply-To": "<poHL-2603@acme.example>",
                                                                           "References": "<poHL-2603@acme.example>"}))
        now.advance(days=2)  # 03-09: still no confirmation: the chaser answers the supplier's own mail
        ticked = follow(config)
        [chased] = [c for c in ticked["chasers"] if "supplier_confirmed" in c]
        assert "chase_supplier_confirmation to sales@hengli-pack.example" in chased
        [_, chaser] = [r for r in outbox(config) if r["template"] == "chase_supplier_confirmation"]
        assert chaser["to"] == ["sales@hengli-pack.example"]
        assert reply_message(config, chaser["id"])["In-Reply-To"] == "<ack2603@hengli-pack.example>"

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
        assert [r["template"] for r in to_supplier] == ["chase_supplier_confirmation"] * 2
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


# --- the review of the purchase orders: no phantom orders, the supplier's side, chasers ------------

AGENCY = "Tang <book@meridian-qa.example>"  # an inspection agency nothing names as such
NAMED_AGENCY = "QC desk <qc@inspectasia.example>"  # one its domain names
OC_0306 = b"ORDER CONFIRMATION\nYour purchase order HL-2603\nCartons 1600 PCS\n"  # the supplier's, to our P/O
UNNUMBERED_PO = b"PURCHASE ORDER\nCartons for order KS-6001\n"  # ours, without a number of its own


def unfiled_of(config: Path) -> dict[str, str]:
    """Every filed message's `decision.unfiled` (why it is not filed), by its Message-ID."""
    from sqlalchemy import select

    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import MessageRow

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            return {m.message_id: (m.decision or {}).get("unfiled") or "" for m in session.scalars(select(MessageRow))}
    finally:
        store.close()


def test_our_mail_passing_the_customers_po_on_opens_no_purchase_order(tmp_path: Path, database_url: str) -> None:
    """To an agency (named or not) or a forwarder, the customer's PO (attached or cited in the
    subject) is our mail about the sales order: it joins it, and no purchase order is opened."""
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=3)
        for n, (to, subject) in enumerate(((AGENCY, "PO KS-6001 for your inspection"),
                                           (NAMED_AGENCY, "Purchase order KS-6001 for the final inspection"))):
            deliver(config, f"1{n}.eml", mail(subject, "Dear Tang, attached the buyer's PO KS-6001 for the inspection.",
                                              sender=US, to=to, message_id=f"insp{n}@acme.example", date=clock.now(),
                                              attachments=[("PO_KS-6001.pdf", pdf(tmp_path, "po", "KS-6001", TT),
                                                            "application/pdf")]))
        deliver(config, "12.eml", mail("PO KS-6001 - shipping marks for the cartons",
                                       "Dear Amy, the marks for PO KS-6001 are as below.", sender=US, to=FORWARDER,
                                       message_id="marks@acme.example", date=clock.now()))
        assert [(o["folder"], o["kind"]) for o in orders(config).values()] == [("KS-6001", "sale")]
        filed = messages(config)
        for mid in ("insp0@acme.example", "insp1@acme.example", "marks@acme.example"):
            assert filed[mid][:2] == ("KS-6001", "us"), (mid, filed[mid])
        kinds = {d["kind"] for d in show(config, "KS-6001")["documents"]}
        assert "purchase_order" not in kinds


def test_our_order_confirmation_to_a_new_buyer_opens_no_purchase_order(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-03")) as now:
        deliver(config, "01.eml", mail("Order Confirmation for your PO NB-5501",
                                       "Dear Mr Tan, attached our order confirmation OC-2611-07, please sign and return.",
                                       sender=US, to="Tan <tan@newbuyer.example>", message_id="oc@acme.example",
                                       date=clock.now(), attachments=[(
                                           "OC-2611-07.txt", b"ORDER CONFIRMATION\nNo. OC-2611-07\nBuyer: Newbuyer\n",
                                           "text/plain")]))
        now.advance(days=1)
        deliver(config, "02.eml", mail("PO NB-5501", "Dear Sir, please find attached our PO NB-5501 as agreed.",
                                       sender="Tan <tan@newbuyer.example>", message_id="po@newbuyer.example",
                                       date=clock.now(), attachments=[("PO_NB-5501.pdf", pdf(tmp_path, "po", "NB-5501", TT),
                                                                       "application/pdf")]))
        listed = orders(config)
        assert {(o["kind"], o["buyer"], o["supplier"]) for o in listed.values()} == {("sale", "newbuyer.example", None)}
        filed = messages(config)
        assert filed["oc@acme.example"][0] == filed["po@newbuyer.example"][0] == "NB-5501"


def test_the_suppliers_factory_citing_our_po_joins_the_purchase_order(tmp_path: Path, database_url: str) -> None:
    """Our P/O's number never opens a sales order: the supplier's factory writing from its own
    domain joins the purchase order as the supplier's side, and gets no order confirmation."""
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)
        send_our_po(config, tmp_path, "HL-2603", "Purchase order HL-2603")
        now.advance(days=3)
        deliver(config, "05.eml", mail("Order confirmation for your purchase order HL-2603",
                                       "Dear Sir, please find attached our order confirmation for your purchase order "
                                       "HL-2603.", sender="Wu <wu@hengli-factory.example>",
                                       message_id="oc@hengli-factory.example", date=clock.now(),
                                       attachments=[("OC-0306.txt", OC_0306, "text/plain")]))
        assert {(o["folder"], o["kind"]) for o in orders(config).values()} == {("KS-6001", "sale"), ("HL-2603", "purchase")}
        assert messages(config)["oc@hengli-factory.example"][:2] == ("HL-2603", "supplier")
        assert not [r for r in outbox(config) if "wu@hengli-factory.example" in r["to"]]
        assert milestones(config, "HL-2603")["supplier_confirmed"]["state"] == "done"


def test_a_new_po_in_an_old_pos_thread_opens_its_own_purchase_order(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)
        send_our_po(config, tmp_path, "HL-2603", "Purchase Order HL-2603 - export cartons for order KS-6001")
        before = show(config, "HL-2603")
        now.advance(days=2)
        deliver(config, "03.eml", mail("Re: Purchase Order HL-2603 - export cartons for order KS-6001",
                                       "Dear Mr Li, please find attached our new purchase order HL-2650 for more cartons.",
                                       sender=US, to=SUPPLIER, message_id="poHL-2650@acme.example", date=clock.now(),
                                       headers={"In-Reply-To": "<poHL-2603@acme.example>",
                                                "References": "<poHL-2603@acme.example>"},
                                       attachments=[("PO_HL-2650.pdf", our_po(tmp_path, "HL-2650"), "application/pdf")]))
        listed = orders(config)
        assert (listed["HL-2650"]["kind"], listed["HL-2650"]["for_order"]) == ("purchase", "KS-6001")
        assert messages(config)["poHL-2650@acme.example"][0] == "HL-2650"
        after = show(config, "HL-2603")
        assert after["data"] == before["data"] and after["version"] == before["version"]
        assert [m["message_id"] for m in after["messages"]] == ["poHL-2603@acme.example"]


def test_a_suppliers_pi_citing_only_the_customers_po_is_the_purchase_orders(tmp_path: Path, database_url: str) -> None:
    """The supplier cites the customer's PO: its mail belongs to our purchase order for that
    sales order, and its P/I is never the sales order's confirmation."""
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)
        send_our_po(config, tmp_path, "HL-2603", "Purchase Order HL-2603 - export cartons for order KS-6001")
        sale = show(config, "KS-6001")
        now.advance(days=3)
        deliver(config, "04.eml", mail("Cartons for your customer's order KS-6001",
                                       "Dear Lily, our proforma invoice for the cartons of order KS-6001 is attached.",
                                       sender=SUPPLIER, message_id="pi@hengli-pack.example", date=clock.now(),
                                       attachments=[("PI_HL-PI-0306.pdf", supplier_pi(tmp_path, "HL-PI-0306"),
                                                     "application/pdf")]))
        assert messages(config)["pi@hengli-pack.example"][:2] == ("HL-2603", "supplier")
        after = show(config, "KS-6001")
        assert after["version"] == sale["version"] and after["confirmation_differences"] == sale["confirmation_differences"]
        assert not [d for d in after["documents"] if d["party"] == "supplier"]
        assert milestones(config, "HL-2603")["supplier_confirmed"]["state"] == "done"
        # another supplier's P/I on the sales order itself (no P/O of ours to it) confirms nothing there
        deliver(config, "05.eml", mail("Proforma invoice for order KS-6001", "Dear Lily, our proforma invoice for "
                                       "order KS-6001 is attached.", sender="Chen <chen@other-carton.example>",
                                       message_id="pi@other-carton.example", date=clock.now(),
                                       attachments=[("PI_OC-0306.pdf", supplier_pi(tmp_path, "OC-PI-0306"),
                                                     "application/pdf")]))
        assert messages(config)["pi@other-carton.example"][:2] == ("KS-6001", "supplier")
        after = show(config, "KS-6001")
        assert after["version"] == sale["version"] and after["confirmation_differences"] == sale["confirmation_differences"]


def test_our_po_filed_by_hand_goes_to_a_purchase_order_for_the_sales_order(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)
        for mid in ("pox", "poy"):
            deliver(config, f"{mid}.eml", mail("Cartons for order KS-6001", "Dear Mr Li, please find attached our "
                                               "purchase order for 1,600 cartons for order KS-6001.", sender=US,
                                               to=SUPPLIER, message_id=f"{mid}@acme.example", date=clock.now(),
                                               attachments=[("Purchase_Order.txt", UNNUMBERED_PO, "text/plain")]))
        assert "gives no number of its own" in unfiled_of(config)["pox@acme.example"]
        cli(config, "order", "assign", "pox@acme.example", "KS-6001")  # the sales order's number: a purchase order for it
        cli(config, "order", "assign", "poy@acme.example", "HL-2700")  # a number of its own: linked to the order it cites
        listed = {(o["order"], o["kind"]): o for o in orders(config).values()}
        assert listed[("KS-6001", "sale")]["messages"] == 1
        assert (listed[("KS-6001", "purchase")]["for_order"], listed[("KS-6001", "purchase")]["messages"]) == ("KS-6001", 1)
        assert (listed[("HL-2700", "purchase")]["for_order"], listed[("HL-2700", "purchase")]["supplier"]) == (
            "KS-6001", "hengli-pack.example")
        unfiled = unfiled_of(config)
        assert unfiled["pox@acme.example"] == unfiled["poy@acme.example"] == ""


def test_a_supplier_at_a_free_mail_domain_makes_no_stranger_there_a_supplier(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        buyer_po(config, tmp_path, "KS-6001")
        now.advance(days=1)
        deliver(config, "02.eml", mail("Purchase Order HL-2603 - cartons for order KS-6001",
                                       "Dear Mr Li, please find attached our purchase order HL-2603.", sender=US,
                                       to="Li <li.hengli@qq.com>", message_id="po@acme.example", date=clock.now(),
                                       attachments=[("PO_HL-2603.pdf", our_po(tmp_path, "HL-2603"), "application/pdf")]))
        assert orders(config)["HL-2603"]["kind"] == "purchase"
        now.advance(days=1)
        deliver(config, "03.eml", mail("Inquiry: spunbond nonwoven 40 gsm", "Dear Sir, please quote 5 tons of "
                                       "spunbond nonwoven, 40 gsm, white.", sender="Zhang <zhang.wei@qq.com>",
                                       message_id="inq@qq.example", date=clock.now()))
        deliver(config, "04.eml", mail("Delivery of cartons", "Dear Lily, the cartons were delivered today.",
                                       sender="Li <li.hengli@qq.com>", message_id="dn@qq.example", date=clock.now()))
        filed = messages(config)
        assert filed["inq@qq.example"][1] == "buyer", filed["inq@qq.example"]
        assert filed["dn@qq.example"][1] == "supplier", filed["dn@qq.example"]

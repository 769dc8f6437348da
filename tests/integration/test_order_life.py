"""One order's life, as a merchandiser lives it, end to end on SQLite and PostgreSQL:

an inquiry and a sample request; our quotation; the buyer's PO sent as a reply to it; our
bilingual P/I (sent from our address, with one price that differs); the bank's advice; the
forwarder asking for the packing list; the shipping advice; a complaint and a reply in its
thread that names no order; then the buyer's PO Rev.1 with a new quantity.

What the order record must say afterwards: the buyer's terms (our P/I never overwrote them),
how our P/I differs from the PO, the P/I as outgoing mail, Rev.1 superseding the confirmation
nobody sent and getting its own, the held packing list written again for the new quantity,
the inquiry acknowledged without the margin rule holding it, the approver on record, the
pre-order mail in the order and in its export, the case number searchable, and the contact's
own language winning over the buyer's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import ROOT
from tests.mails import mail
from tests.replies import reply_text

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

BUYER = "Kestrel Supplies"
D = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
LINES = (pdfs.Line("NW-SL45-P200", "Spunlace nonwoven 45gsm white, 200mm", Decimal(8200), "ROLL", Decimal("1.85")),
         pdfs.Line("MF-4040-GR", "Meltblown fabric 40gsm green, 1600mm", Decimal(1200), "KG", Decimal("2.40")))
TERMS = "30% T/T deposit, 70% balance against copy of B/L"


def order_doc(kind: str, number: str, lines: tuple[Any, ...], lang: str = "en") -> Any:
    return pdfs.OrderDoc(kind=kind, lang=lang, number=number, buyer="Kestrel Supplies Ltd.",
                         order_date=dt.date(2026, 11, 5), delivery_date=dt.date(2027, 1, 20),
                         currency="USD", incoterm="FOB Ningbo", payment_terms=TERMS if lang == "en" else
                         "30%定金，70%见提单副本付款", lines=lines)


def config_for(tmp_path: Path, database_url: str) -> Path:
    products = tmp_path / "products.csv"
    products.write_text("item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n"
                        "NW-SL45-P200,50,50,52.5,62,42,38\nMF-4040-GR,25,25,26.5,60,40,40\n", encoding="utf-8")
    desk = tmp_path / "desk"
    (desk / "inbox").mkdir(parents=True)
    config = desk / "mailflow.yaml"
    config.write_text(
        'identity: {company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example}\n'
        "sources: [{path: inbox/}]\n"
        f"database: {{url: '{database_url}'}}\narchive: {{path: var/archive}}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "reply:\n  hold_if: \"order.total > 50000 or 'price_floor' in order.checks_failed\"\n"
        "  languages: {lily@kestrel.example: zh}\n"
        f"buyers: [{{name: {BUYER}, domains: [kestrel.example], language: en, currency: USD}}]\n"
        f"packing: {{products: {products}}}\noperator: Lily Chen\n"
        "users: [{name: Lily Chen, role: merchandiser}, {name: Manager Wang, role: manager}]\n", encoding="utf-8")
    return config


def cli(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def deliver(config: Path, name: str, data: bytes) -> None:
    (config.parent / "inbox" / name).write_bytes(data)
    cli(config, "run", "--once")


def pdf_of(tmp_path: Path, doc: Any, name: str) -> bytes:
    return pdfs.write_order_pdf(doc, tmp_path / name).read_bytes()


def show(config: Path) -> dict[str, Any]:
    return json.loads(cli(config, "order", "show", "KS-1234", "--json"))  # type: ignore[no-any-return]


def outbox(config: Path) -> list[dict[str, Any]]:
    return json.loads(cli(config, "outbox", "list", "--json"))  # type: ignore[no-any-return]


def test_one_order_from_first_inquiry_to_its_revision(tmp_path: Path, database_url: str) -> None:
    config = config_for(tmp_path, database_url)
    bob = "Bob Tan <bob@kestrel.example>"
    deliver(config, "01.eml", mail("RFQ spunlace 45gsm and meltblown 40gsm",
                                   "Please quote NW-SL45-P200 (8,000 rolls) and MF-4040-GR (1,200 kg), FOB Ningbo.",
                                   sender=bob, message_id="rfq@kestrel.example", date=D))
    deliver(config, "02.eml", mail("寄样 NW-SL45-P200", "请寄两卷 NW-SL45-P200 样品，谢谢。",
                                   sender="Lily <lily@kestrel.example>", message_id="sample@kestrel.example",
                                   date=D + dt.timedelta(days=1)))
    deliver(config, "03.eml", mail("Re: RFQ spunlace 45gsm and meltblown 40gsm",
                                   "Dear Bob, our quotation QT-2611-05: NW-SL45-P200 USD 1.85/roll, "
                                   "MF-4040-GR USD 2.40/kg, FOB Ningbo.",
                                   sender="Acme Order Desk <orders@acme.example>", to=bob,
                                   message_id="quote@acme.example", date=D + dt.timedelta(days=2),
                                   headers={"In-Reply-To": "<rfq@kestrel.example>",
                                            "References": "<rfq@kestrel.example>"}))
    replies = outbox(config)
    ack = next(r for r in replies if r["template"] == "inquiry_ack")
    assert ack["state"] == "queued", ack  # the margin rule (reply.hold_if) is about orders, not inquiries
    sample_ack = next(r for r in replies if r["template"] == "sample_ack")
    assert "样品" in reply_text(config, sample_ack["id"])  # Lily's own language wins over the buyer's English
    readable = cli(config, "outbox", "show", str(sample_ack["id"]))  # as the buyer reads it, not MIME
    assert "样品" in readable and "the HTML part, as text" in readable and "Content-Transfer-Encoding" not in readable

    po = order_doc("po", "KS-1234", LINES)
    deliver(config, "04.eml", mail("Re: RFQ spunlace 45gsm and meltblown 40gsm - our PO KS-1234",
                                   "Please find attached our PO KS-1234 against your quotation QT-2611-05.",
                                   sender=bob, message_id="po@kestrel.example", date=D + dt.timedelta(days=3),
                                   headers={"In-Reply-To": "<quote@acme.example>",
                                            "References": "<rfq@kestrel.example> <quote@acme.example>"},
                                   attachments=[("PO_KS-1234.pdf", pdf_of(tmp_path, po, "po.pdf"), "application/pdf")]))
    shown = show(config)
    first_confirmation = next(r for r in shown["replies"] if r["template"] == "order_confirmation")
    assert first_confirmation["state"] == "held"  # a PO in a quotation thread opens its order
    pre_order = {m["message_id"] for m in shown["messages"]}
    assert {"rfq@kestrel.example", "sample@kestrel.example", "quote@acme.example"} <= pre_order

    pi_lines = (LINES[0], dataclasses.replace(LINES[1], unit_price=Decimal("2.55")))  # line 2 priced higher
    pi = order_doc("pi", "AN-PI-26-0412", pi_lines, lang="zh")
    deliver(config, "05.eml", mail("形式发票 P/I AN-PI-26-0412 for your PO KS-1234",
                                   "Dear Bob, please find our P/I for your PO KS-1234; please countersign.",
                                   sender="Acme Order Desk <orders@acme.example>", to=bob,
                                   message_id="pi@acme.example", date=D + dt.timedelta(days=4),
                                   attachments=[("PI_AN-PI-26-0412.pdf", pdf_of(tmp_path, pi, "pi.pdf"),
                                                 "application/pdf")]))
    shown = show(config)
    assert shown["data"]["payment_terms"] == TERMS and shown["data"]["buyer"] != "Buyer:"
    assert any("MF-4040-GR" in d and "unit price 2.40 on the PO, 2.55 on our P/I" in d
               for d in shown["confirmation_differences"]), shown["confirmation_differences"]
    outgoing = next(m for m in shown["messages"] if m["message_id"] == "pi@acme.example")
    assert outgoing["direction"] == "out" and "_out_" in outgoing["path"]
    assert {"po", "pi"} <= {d["kind"] for d in shown["documents"]}
    held = next(r for r in shown["replies"] if r["id"] == first_confirmation["id"])
    assert "our P/I differs from the buyer's PO" in held["reason"] and "MF-4040-GR" in held["reason"]

    deliver(config, "06.eml", mail("Remittance advice PO KS-1234", "We have remitted the 30% deposit, USD 5,415.60.",
                                   sender="Payments <advice@bank.example>", message_id="bank@bank.example",
                                   date=D + dt.timedelta(days=6)))
    deliver(config, "07.eml", mail("Booking for PO KS-1234: please send the packing list",
                                   "Please send us the packing list for PO KS-1234 so we can book the space.",
                                   sender="Ops <ops@seaways-forwarding.example>", message_id="pl@seaways.example",
                                   date=D + dt.timedelta(days=20)))
    packing = next(r for r in outbox(config) if r["template"] == "packing_list")
    assert "212 cartons" in reply_text(config, packing["id"])  # 8,200 rolls at 50 a carton, 1,200 kg at 25
    assert "attached: packing-list-KS-1234.pdf (application/pdf," in cli(config, "outbox", "show", str(packing["id"]))
    deliver(config, "08.eml", mail("Shipping advice [Order KS-1234]", "ETD 2027-01-18, vessel EVER GIVEN V.123.",
                                   sender="Ops <ops@seaways-forwarding.example>", message_id="ship@seaways.example",
                                   date=D + dt.timedelta(days=25)))
    deliver(config, "09.eml", mail("Damaged rolls on PO KS-1234", "Several rolls arrived wet and torn; we ask for "
                                   "compensation.", sender=bob, message_id="complaint@kestrel.example",
                                   date=D + dt.timedelta(days=30)))
    deliver(config, "10.eml", mail("Re: Damaged rolls", "Please put the remaining deliveries on hold until this is "
                                   "sorted.", sender=bob, message_id="hold@kestrel.example",
                                   date=D + dt.timedelta(days=31),
                                   headers={"In-Reply-To": "<complaint@kestrel.example>",
                                            "References": "<complaint@kestrel.example>"}))
    shown = show(config)
    [case] = shown["cases"]
    follow_up = next(m for m in shown["messages"] if m["message_id"] == "hold@kestrel.example")
    assert follow_up["category"] == "complaint"
    cases = json.loads(cli(config, "case", "list", "--json"))
    assert cases[0]["case"] == case["case"] and cases[0]["messages"] == 2
    found = json.loads(cli(config, "search", case["case"], "--json"))
    assert {"complaint@kestrel.example", "hold@kestrel.example"} <= {h["message_id"] for h in found}
    assert {h["message_id"] for h in json.loads(cli(config, "search", "KS1234", "--json"))} >= {"po@kestrel.example"}

    revised = (dataclasses.replace(LINES[0], quantity=Decimal(8700)), LINES[1])
    rev = order_doc("po", "KS-1234", revised)
    deliver(config, "11.eml", mail("PO KS-1234 Rev.1 - quantity change", "Please find our PO KS-1234 Rev.1: "
                                   "NW-SL45-P200 now 8,700 rolls.", sender=bob, message_id="rev1@kestrel.example",
                                   date=D + dt.timedelta(days=32),
                                   attachments=[("PO_KS-1234_Rev1.pdf", pdf_of(tmp_path, rev, "rev1.pdf"),
                                                 "application/pdf")]))
    shown = show(config)
    confirmations = [r for r in shown["replies"] if r["template"] == "order_confirmation"]
    old = next(r for r in confirmations if r["id"] == first_confirmation["id"])
    new = next(r for r in confirmations if r["id"] != first_confirmation["id"])
    assert old["state"] == "superseded" and old["superseded_by"] == new["id"] and new["state"] == "held"
    assert any("(NW-SL45-P200): quantity 8,200 ROLL before, 8,700 ROLL now" in line
               for e in shown["data"]["history"] for line in e.get("lines", []))
    assert "8700" in reply_text(config, new["id"]).replace(",", "")
    packing = next(r for r in outbox(config) if r["template"] == "packing_list")
    assert "222 cartons" in reply_text(config, packing["id"])  # written again: 8,700 rolls are 174 cartons
    refused = CliRunner().invoke(main, ["--config", str(config), "outbox", "approve", str(old["id"]),
                                        "--as", "Manager Wang"])
    assert refused.exit_code == 1 and "superseded" in refused.output
    refused = CliRunner().invoke(main, ["--config", str(config), "outbox", "approve", str(new["id"])])
    assert refused.exit_code == 6 and "is for a manager or the general manager" in refused.output  # the operator
    cli(config, "outbox", "approve", str(new["id"]), "--as", "Manager Wang")
    shown = show(config)
    approved = next(r for r in shown["replies"] if r["id"] == new["id"])
    assert approved["decided_by"] == "Manager Wang" and approved["decided_at"]
    assert any(e["kind"] == "reply-approved" and e["by"] == "Manager Wang" for e in shown["events"])

    bundle = tmp_path / "bundle.zip"
    cli(config, "order", "export", "KS-1234", "-o", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        mail_files = [n for n in archive.namelist() if n.startswith("mail/")]
        timeline = archive.read("timeline.html").decode()
    assert len([n for n in mail_files if "_in_" in n]) >= 2 and any("_out_" in n for n in mail_files)
    assert "RFQ spunlace" in timeline and "Manager Wang" in timeline

"""Our P/O to a supplier sent from the desk (`mailflow document ORDER purchase-order --supplier
NAME --send`), on SQLite and PostgreSQL, over the real SMTP test server: it goes to the
supplier's configured address only (never to the buyer), held for the manager while the sales
order is not signed off (the reason in English and Chinese), queued once it is; sent, it opens
the purchase order, numbered as the PDF says and as `mailflow extract` reads it, linked to the
sales order; the supplier's answer citing that number joins it. A supplier the configuration
does not know is refused, saying so, and nothing is written to the outbox."""

from __future__ import annotations

import email
import email.policy
import importlib.util
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import _postgres_database
from tests.documents_desk import TODAY, DocumentsDesk, build
from tests.mails import mail
from tests.smtpd import SmtpServer

pdfplumber = pytest.importorskip("pdfplumber")
# looked for, not imported: importing WeasyPrint at collection would let Pillow load truncated
# images in the whole test worker (the writer puts that back when it renders; see writer/render.py)
if importlib.util.find_spec("weasyprint") is None:
    pytest.skip("WeasyPrint is not installed", allow_module_level=True)
pytestmark = pytest.mark.integration

CARTONS = "sales@wuxi-cartons.example"
SUPPLIERS = f"""\
suppliers:
  - {{name: Wuxi Cartons, addresses: ["{CARTONS}"], domains: [wuxi-cartons.example]}}
  - {{name: Jiangyin Cores, domains: [jiangyin-cores.example]}}
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentsDesk]:
    root = tmp_path_factory.mktemp(f"posend-{request.param}")
    urls = iter([f"sqlite:///{root / 'mailflow.db'}"]) if request.param == "sqlite" else _postgres_database()
    built = build(root, next(urls))
    with built.config.open("a", encoding="utf-8") as config:
        config.write(SUPPLIERS)
    yield built
    next(urls, None)  # the PostgreSQL database is dropped


def outbox(desk: DocumentsDesk) -> list[dict[str, Any]]:
    """Our P/Os in the outbox (the buyers' order confirmations wait there too, held)."""
    rows: list[dict[str, Any]] = json.loads(desk.cli("outbox", "list", "--json").stdout)
    return [r for r in rows if r["template"] == "purchase_order"]


def orders(desk: DocumentsDesk) -> dict[str, dict[str, Any]]:
    return {o["order"]: o for o in json.loads(desk.cli("order", "list", "--json").stdout)}


def test_our_po_sent_to_the_supplier_opens_the_purchase_order_of_the_sales_order(
        desk: DocumentsDesk, smtp_server: SmtpServer) -> None:
    en, zh = desk.en.number, desk.zh.number
    # a supplier we have no address for, or none at all: refused, nothing queued
    for name, why in (("Nobody Ltd", "no supplier 'Nobody Ltd' in mailflow.yaml"),
                      ("Jiangyin Cores", "supplier 'Jiangyin Cores' has no address")):
        said = desk.cli("document", en, "purchase-order", "--supplier", name, "--send", code=1).output
        assert why in said and "nothing was sent" in said
    assert outbox(desk) == []
    # the English order is not signed off: its P/O waits for the manager, saying why in both languages
    said = desk.cli("document", en, "purchase-order", "--supplier", "Wuxi Cartons", "--send").output
    number = re.search(r"purchase-order (\S+) to ", said)
    assert number, said
    [held] = outbox(desk)
    assert (held["state"], held["approver"], held["to"], held["template"]) == (
        "held", "manager", [CARTONS], "purchase_order")
    assert f"order {en} is not signed off" in held["reason"] and f"订单 {en} 尚未经经理签批" in held["reason_zh"]
    # the Chinese order, signed off: its P/O (in Chinese) is queued
    desk.cli("order", "done", zh, "pi_sent", "--note", "mailed by hand")
    desk.cli("order", "approve", zh, "--as", "Zhao Min")
    said = desk.cli("document", zh, "purchase-order", "--supplier", "wuxi cartons", "--lang", "zh", "--send").output
    zh_number = re.search(r"purchase-order (\S+) to ", said)
    assert zh_number and "is queued" in said, said
    desk.cli("outbox", "approve", str(held["id"]), "--as", "Wang Fang")
    with desk.config.open("a", encoding="utf-8") as config:
        config.write(f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, tls: none}}\n")
    desk.cli("outbox", "send")
    # both went to the supplier and to nobody else
    assert [m.rcpt_tos for m in smtp_server.received] == [[CARTONS], [CARTONS]]
    sent = {}
    for got in smtp_server.received:
        message = email.message_from_bytes(got.data, policy=email.policy.default)
        [pdf] = [p for p in message.iter_attachments()]
        body = message.get_body(("plain",))
        assert body is not None and "northwind" not in str(message).lower()  # nothing of the buyer's mail
        with pdfplumber.open(io.BytesIO(pdf.get_content())) as doc:
            text = "\n".join(page.extract_text() or "" for page in doc.pages)
        sent[str(pdf.get_filename())] = (body.get_content(), text)
    for po, lang, order in ((number.group(1), "en", en), (zh_number.group(1), "zh", zh)):
        body, text = sent[f"purchase-order_{po}.pdf"]
        assert po in text and po in body
        assert ("Please confirm it" if lang == "en" else "请确认") in body
        # the purchase order is open, numbered as the PDF, linked to the sales order
        opened = orders(desk)[po]
        assert (opened["kind"], opened["supplier"], opened["for_order"]) == ("purchase", "wuxi-cartons.example", order)
    # what `mailflow extract` reads from our P/O is its number
    po = number.group(1)
    pdf_path = desk.config.parent / "po.pdf"
    desk.cli("document", en, "purchase-order", "--supplier", "Wuxi Cartons", "-o", str(pdf_path))
    assert json.loads(desk.cli("extract", "--json", str(pdf_path)).stdout)["order"]["numbers"] == [po]
    # and what correlate_purchase reads: the same P/O mailed by hand from our address (a copy the
    # pipeline reads) joins the purchase order; the supplier's confirmation citing it joins it too
    inbox = desk.config.parent / "inbox"
    (inbox / "zz-by-hand.eml").write_bytes(mail(
        f"PO {po}", "Our purchase order again, as discussed.", sender="Acme Order Desk <orders@acme.example>",
        to=f"Wuxi Cartons <{CARTONS}>", message_id="by-hand@acme.example", date=TODAY,
        attachments=[(f"PO_{po}.pdf", pdf_path.read_bytes(), "application/pdf")]))
    (inbox / "zz-confirm.eml").write_bytes(mail(
        f"Re: Purchase Order {po}", f"We confirm your P/O {po}, delivery in 10 days.",
        sender=f"Wuxi Cartons <{CARTONS}>", message_id="confirm@wuxi-cartons.example", date=TODAY))
    desk.cli("run", "--once")
    assert len([o for o in orders(desk).values() if o["kind"] == "purchase"]) == 2  # none opened besides ours
    record = json.loads(desk.cli("order", "show", po, "--json").stdout)
    shown = json.dumps(record)
    assert "confirm@wuxi-cartons.example" in shown and "by-hand@acme.example" in shown
    # the purchase order's plan: our P/O went, and the supplier's confirmation is done
    states = {m["key"]: m["state"] for m in record["follow_up"]["milestones"]}
    assert (states["po_sent"], states["supplier_confirmed"]) == ("done", "done")

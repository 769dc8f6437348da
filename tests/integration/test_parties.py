"""Who is who on one order, on SQLite and PostgreSQL: the buyer's PO opens the order and gets
its held confirmation; an inspection agency's report and a forwarder's booking that cite the
PO join that order, typed by what they are, and no reply is drafted to them; a bank's credit
advice that cites a number no order has stays unfiled with the reason, and no acknowledgement
goes to the bank; the agency's failed re-inspection reads as a complaint, and its acknowledgement
is not drafted either. The desk lists only its buyer, as real desks do: the others are recognised
from their mail."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.test_order_life import LINES, cli, config_for, deliver, order_doc, pdf_of
from tests.mails import mail

pytestmark = pytest.mark.integration

D = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


def messages(config: Path) -> dict[str, Any]:
    """Every filed message by its Message-ID: (order number, party, why, correlation)."""
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import MessageRow, OrderRow

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            rows = session.execute(select(MessageRow, OrderRow.number).outerjoin(
                OrderRow, MessageRow.order_id == OrderRow.id)).all()
            return {m.message_id: (number, (m.decision or {}).get("party"), (m.decision or {}).get("party_why"),
                                   m.correlation) for m, number in rows}
    finally:
        store.close()


def test_third_parties_join_the_buyers_order_and_get_no_reply(tmp_path: Path, database_url: str) -> None:
    config = config_for(tmp_path, database_url)
    po = order_doc("po", "KS-1234", LINES)
    deliver(config, "01.eml", mail("Our PO KS-1234", "Please find attached our PO KS-1234.",
                                   sender="Bob Tan <bob@kestrel.example>", message_id="po@kestrel.example", date=D,
                                   attachments=[("PO_KS-1234.pdf", pdf_of(tmp_path, po, "po.pdf"), "application/pdf")]))
    deliver(config, "02.eml", mail("Report for PO KS-1234", "Dear sirs, the final inspection of PO KS-1234 passed.",
                                   sender="Reports <reports@checkpoint-asia.example>", message_id="qc@checkpoint.example",
                                   date=D + dt.timedelta(days=20),
                                   attachments=[("Inspection Report KS-1234.pdf", PDF, "application/pdf")]))
    deliver(config, "03.eml", mail("PO KS-1234 space confirmed", "Please see the attached for PO KS-1234.",
                                   sender="Amy <amy@nbco.example>", message_id="booking@nbco.example",
                                   date=D + dt.timedelta(days=21),
                                   attachments=[("Booking Confirmation KS-1234.pdf", PDF, "application/pdf")]))
    deliver(config, "04.eml", mail("Credit advice: REIMBURSEMENT PO KS-9999",
                                   "We have credited your account with USD 23,000.00, reimbursement under our "
                                   "L/C 88123 for PO KS-9999.",
                                   sender="Trade Services <ts@harbourfin.example>", message_id="advice@harbourfin.example",
                                   date=D + dt.timedelta(days=30)))

    # the agency's failed re-inspection reads as a complaint: its acknowledgement is not drafted
    deliver(config, "05.eml", mail("Re-inspection FAILED - PO KS-1234",
                                   "Dear sirs, the re-inspection of PO KS-1234 failed again: 14 rolls with holes and "
                                   "oil stains. We are holding the shipment until the defective rolls are replaced "
                                   "and we hold you responsible for the re-inspection fee.",
                                   sender="Reports <reports@checkpoint-asia.example>", message_id="qc2@checkpoint.example",
                                   date=D + dt.timedelta(days=25),
                                   attachments=[("Inspection Report KS-1234 rev2.pdf", PDF, "application/pdf")]))

    orders = json.loads(cli(config, "order", "list", "--json"))
    assert [o["order"] for o in orders] == ["KS-1234"]  # no phantom order, one per number
    filed = messages(config)
    assert filed["po@kestrel.example"][:2] == ("KS-1234", "buyer")
    number, party, why, _ = filed["qc@checkpoint.example"]
    assert (number, party) == ("KS-1234", "agency") and "inspection report" in why
    number, party, why, _ = filed["booking@nbco.example"]
    assert (number, party) == ("KS-1234", "forwarder") and "booking confirmation" in why
    number, party, why, unfiled = filed["advice@harbourfin.example"]
    assert (number, party) == (None, "bank") and "credit advice" in why.lower()
    assert unfiled.startswith("not filed: a bank") and "KS-9999" in unfiled

    replies = json.loads(cli(config, "outbox", "list", "--json"))
    assert [(r["template"], r["state"]) for r in replies] == [("order_confirmation", "held")]
    assert all(to.endswith("@kestrel.example") for r in replies for to in r["to"])

    shown = json.loads(cli(config, "order", "show", "KS-1234", "--json"))
    by_id = {m["message_id"]: m for m in shown["messages"]}
    assert by_id["qc@checkpoint.example"]["party"] == "agency" and by_id["qc@checkpoint.example"]["party_why"]
    assert by_id["booking@nbco.example"]["party"] == "forwarder"
    kinds = {(d["kind"], d["party"]) for d in shown["documents"]}
    assert {("inspection_report", "agency"), ("booking_confirmation", "forwarder")} <= kinds
    suppressed = [e for e in shown["events"] if e["kind"] == "reply-suppressed"]
    assert "complaint_ack" in {e["template"] for e in suppressed}  # the agency's failed re-inspection
    assert all("acknowledgements and confirmations go to buyers only" in e["reason"] for e in suppressed)
    explained = cli(config, "order", "show", "KS-1234", "--explain")
    assert "agency" in explained and "forwarder" in explained

    # filed by hand: another party's mail goes to the one order with that number, never a new one
    from click.testing import CliRunner

    from mailflow.cli import main

    refused = CliRunner().invoke(main, ["--config", str(config), "order", "assign", "advice@harbourfin.example",
                                        "KS-9999"])
    assert refused.exit_code == 1 and "a bank's mail opens no order" in refused.output
    cli(config, "order", "assign", "advice@harbourfin.example", "KS-1234")
    assert messages(config)["advice@harbourfin.example"][0] == "KS-1234"
    assert [o["order"] for o in json.loads(cli(config, "order", "list", "--json"))] == ["KS-1234"]

    # the evidence bundle says who each mail is from, and why
    import zipfile

    bundle = tmp_path / "KS-1234.zip"
    cli(config, "order", "export", "KS-1234", "-o", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        timeline = archive.read("timeline.html").decode()
    assert "<th>Party</th>" in timeline
    assert timeline.count("<td>agency<br>") == 2 and "<td>forwarder<br>" in timeline

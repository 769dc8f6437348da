"""The packing list reply: computed from the order's extracted lines and the product file,
attached as a PDF whose numbers read back equal, held when an item has no specifications, and
sent over SMTP like any reply."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from mailflow.reply.packing import load_products, plan
from tests.conftest import write_desk
from tests.mails import mail
from tests.smtpd import SmtpServer

pdfs = pytest.importorskip("tests.pdfs")
pdfplumber = pytest.importorskip("pdfplumber")
pytestmark = pytest.mark.integration


def cli(config: Path, *args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == code, result.output
    return result


def desk_with_order(tmp_path: Path, database_url: str, port: int, known: int) -> tuple[Path, Any]:
    """A desk whose product file knows the first `known` items of a filed 12-line PO."""
    doc = pdfs.sample_order(12, seed=41, number="PO-2026-1200")
    products = tmp_path / "products.csv"
    products.write_text("item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n" +
                        "".join(f"{line.item_code},{20 + i},{10 + i},{11.5 + i},60,40,{30 + i}\n"
                                for i, line in enumerate(doc.lines[:known])), encoding="utf-8")
    config = write_desk(tmp_path / "desk", database_url)
    config.write_text(config.read_text() + f"packing: {{products: {products}}}\n"
                      f"smtp: {{host: 127.0.0.1, port: {port}, tls: none}}\n", encoding="utf-8")
    pdf = pdfs.write_order_pdf(doc, tmp_path / "po.pdf")
    (config.parent / "inbox" / "po.eml").write_bytes(mail(
        f"PO {doc.number}", "Please find attached our purchase order.", message_id="po@northwind.example",
        date=dt.datetime.combine(doc.order_date, dt.time(9), tzinfo=dt.UTC),
        attachments=[("po.pdf", pdf.read_bytes(), "application/pdf")]))
    cli(config, "run", "--once")
    return config, doc


def numbers_in(pdf: bytes) -> dict[str, list[str]]:
    """Each table row of the packing list PDF, read back by pdfplumber: item code -> cells."""
    rows: dict[str, list[str]] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for table in page.extract_tables():
                for row in table:
                    if row and row[0] and row[0] != "Item Code":
                        rows[row[0]] = [c or "" for c in row]
    return rows


def test_the_packing_list_pdf_reads_back_the_order_s_numbers(tmp_path: Path, database_url: str,
                                                             smtp_server: SmtpServer) -> None:
    config, doc = desk_with_order(tmp_path, database_url, smtp_server.port, known=12)
    assert "is queued" in cli(config, "outbox", "compose", doc.number, "packing_list").output
    cli(config, "outbox", "send")
    [got] = smtp_server.received
    sent = email.message_from_bytes(got.data, policy=email.policy.default)
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == f"packing-list-{doc.number}.pdf"
    rows = numbers_in(attachment.get_content())
    products = load_products(tmp_path / "products.csv")
    expected = plan(doc.number, "", [{"item_code": li.item_code, "quantity": str(li.quantity)}
                                     for li in doc.lines], products)
    for line in expected.lines:
        cells = rows[line.item_code]
        assert Decimal(cells[5].replace(",", "")) == line.cartons
        assert Decimal(cells[6].replace(",", "")) == line.net_kg
        assert Decimal(cells[7].replace(",", "")) == line.gross_kg
        assert Decimal(cells[8]) == line.cbm
    assert Decimal(rows["TOTAL"][5].replace(",", "")) == expected.cartons
    assert Decimal(rows["TOTAL"][7].replace(",", "")) == expected.gross_kg
    body = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{expected.cartons} cartons" in body and str(expected.gross_kg) in body
    # the order's timeline holds both sides, in date order, and the reply as sent
    shown = json.loads(cli(config, "order", "show", doc.number, "--json").stdout)
    assert [m["direction"] for m in shown["messages"]] == ["in", "out"]
    assert [m["date"] for m in shown["messages"]] == sorted(m["date"] for m in shown["messages"])
    assert [(r["template"], r["state"]) for r in shown["replies"]] == [("order_confirmation", "held"),
                                                                        ("packing_list", "sent")]
    # the day's summary of the day it went (the desk's day: its zone is the machine's here) says so
    sent_on = dt.datetime.fromisoformat(shown["messages"][1]["date"]).astimezone(clock.local_zone()).date()
    day = json.loads(cli(config, "summary", "--date", sent_on.isoformat(), "--json").stdout)["sent"]
    assert (day["count"], day["replies"], day["documents"]) == (1, 1, {"packing_list": 1})
    assert [(m["reply"], m["order"]) for m in day["mail"]] == [("packing_list", doc.number)]
    # the packing list document (`document ORDER packing-list`), as the desk prints it: same totals
    out = tmp_path / "pl.pdf"
    assert f"{expected.cartons} cartons" in cli(config, "packing-list", doc.number, "-o", str(out)).output
    with pdfplumber.open(out) as printed:
        text = "\n".join(page.extract_text() or "" for page in printed.pages)
    assert (f"{expected.cartons} cartons; N.W. {expected.net_kg:,} kg; G.W. {expected.gross_kg:,} kg; "
            f"{expected.cbm} CBM") in text


def test_items_without_specifications_hold_the_reply_and_say_which(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    config, doc = desk_with_order(tmp_path, database_url, smtp_server.port, known=10)
    result = cli(config, "outbox", "compose", doc.number, "packing_list")
    assert "is held" in result.output
    missing = re.findall(r"[A-Z]{2}-\d{4}-[A-Z]", result.output)
    assert missing == [line.item_code for line in doc.lines[10:]]
    cli(config, "outbox", "send")
    assert smtp_server.received == []
    code = cli(config, "packing-list", doc.number, "-o", str(tmp_path / "x.pdf"), code=1)
    assert doc.lines[11].item_code in code.output
    rows = json.loads(cli(config, "outbox", "list", "--json").stdout)
    assert [r["state"] for r in rows if r["template"] == "packing_list"] == ["held"]

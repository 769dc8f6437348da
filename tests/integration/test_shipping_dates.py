"""Dates that drive the plan, end to end on SQLite and PostgreSQL, the desk's clock frozen on each
day: a UK buyer's PO whose numeric dates read both ways lands its delivery date in the plan (and
`mailflow extract --json` reads the same PDF); a booking confirmation with an ETD, then a
shipping advice that changes it, move the B/L draft's due date, each with the mail that did."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from tests import life_mails as life
from tests.integration.test_order_life import cli
from tests.integration.test_order_life_parties import desk
from tests.mails import mail

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

NUMBER = "BH-8812"
OLIVER = "Oliver Reyes <oliver@bellmont-hygiene.example>"


def uk_po(order_date: dt.date, delivery: dt.date) -> pdfs.OrderDoc:
    return pdfs.OrderDoc(kind="po", lang="en", number=NUMBER, buyer="Bellmont Hygiene Ltd", order_date=order_date,
                         delivery_date=delivery, currency="USD", incoterm="FOB Shanghai", payment_terms=life.TT,
                         lines=life.LINES_A, dates="dd/mm/yyyy")


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    with clock.frozen(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)):
        yield


def file_mail(config: Path, name: str, data: bytes, day: dt.date) -> None:
    """The day's mail filed and the follow-up job run, as the daemon would on that day."""
    with on(day):
        (config.parent / "inbox" / f"{name}.eml").write_bytes(data)
        cli(config, "run", "--once")
        (config.parent / "inbox" / f"{name}.eml").unlink()
        cli(config, "follow", "--json")


def show(config: Path) -> dict[str, Any]:
    return json.loads(cli(config, "order", "show", NUMBER, "--json"))  # type: ignore[no-any-return]


def milestones(config: Path) -> dict[str, dict[str, Any]]:
    return {m["key"]: m for m in show(config)["follow_up"]["milestones"]}


def send_po(config: Path, tmp_path: Path, sent: dt.date) -> None:
    """The PO, dated 03/04/2026 with delivery 05/06/2026: both read both ways, and only the
    mail's date (3 April) tells that they are day first."""
    pdf = pdfs.write_order_pdf(uk_po(dt.date(2026, 4, 3), dt.date(2026, 6, 5)), tmp_path / f"PO_{NUMBER}.pdf")
    file_mail(config, "po", mail(f"PO {NUMBER}", "Dear Grace,\n\nPlease find attached our purchase order.\n\nOliver",
                                 sender=OLIVER, to=life.GRACE, message_id="po-8812@bellmont-hygiene.example",
                                 date=dt.datetime.combine(sent, dt.time(9), tzinfo=dt.UTC),
                                 attachments=[(pdf.name, pdf.read_bytes(), "application/pdf")]), sent)


def test_an_ambiguous_po_date_settled_by_the_mail_lands_in_the_plan(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url)
    send_po(config, tmp_path, dt.date(2026, 4, 3))
    shown = show(config)
    assert shown["data"]["order_date"] == "2026-04-03" and shown["data"]["delivery_date"] == "2026-06-05"
    checks = {c["name"]: c for c in shown["data"]["checks"]}
    assert checks["date_order"]["ok"] and "near the mail's date 3 April 2026" in checks["date_order"]["detail"]
    assert shown["data"]["checks_failed"] == []
    inspection = milestones(config)["inspection"]
    assert inspection["due"] == "2026-05-26"  # 10 days before the delivery date, 5 June
    assert inspection["due_why"] == "10 days before delivery date (2026-06-05)"


def test_an_ambiguous_po_nothing_settles_is_a_failed_check_on_the_order(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url)
    send_po(config, tmp_path, dt.date(2026, 4, 20))  # 17 days after one reading, 47 after the other
    shown = show(config)
    assert shown["data"].get("delivery_date") is None
    assert shown["data"]["checks_failed"] == ["date_ambiguous", "date_ambiguous"]
    assert milestones(config)["inspection"]["due_why"] == "the delivery date is not known"
    text = cli(config, "order", "show", NUMBER)
    assert "check date_ambiguous: FAILED: delivery date 05/06/2026 may be 5 June 2026 or 6 May 2026" in text


def test_the_buyer_s_country_in_the_config_settles_what_the_mail_does_not(tmp_path: Path,
                                                                          database_url: str) -> None:
    config = desk(tmp_path, database_url)
    text = config.read_text(encoding="utf-8")
    told = text.replace("language: en, currency: USD, ", "language: en, currency: USD, country: GB, ", 1)
    assert told != text  # the English buyer's entry now says where it is
    config.write_text(told, encoding="utf-8")
    send_po(config, tmp_path, dt.date(2026, 4, 20))
    shown = show(config)
    assert shown["data"]["delivery_date"] == "2026-06-05" and shown["data"]["checks_failed"] == []
    assert "the buyer is in the United Kingdom, which writes dates day-first" in \
        next(c["detail"] for c in shown["data"]["checks"] if c["name"] == "date_order")
    assert milestones(config)["inspection"]["due"] == "2026-05-26"


def test_extract_json_reads_a_uk_po_by_its_own_dates(tmp_path: Path) -> None:
    """12/03/2026 and 10/04/2026: only day first puts the delivery after the order date."""
    path = pdfs.write_order_pdf(uk_po(dt.date(2026, 3, 12), dt.date(2026, 4, 10)), tmp_path / "po.pdf")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    order = json.loads(result.stdout)["order"]
    assert (order["order_date"], order["delivery_date"]) == ("2026-03-12", "2026-04-10")
    reasons = [c["detail"] for c in order["checks"] if c["name"] == "date_order"]
    assert reasons[1] == ("delivery date 10/04/2026 read as 10 April 2026: only day-first puts the delivery on "
                          "or after the order date (order date 12/03/2026, delivery 10/04/2026)")
    ambiguous = pdfs.write_order_pdf(uk_po(dt.date(2026, 4, 3), dt.date(2026, 6, 5)), tmp_path / "po2.pdf")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "extract", str(ambiguous), "--json"])
    order = json.loads(result.stdout)["order"]
    assert order.get("delivery_date") is None
    assert [c["name"] for c in order["checks"] if not c["ok"]] == ["date_ambiguous", "date_ambiguous"]


def test_the_etd_of_a_booking_then_of_a_shipping_advice_moves_the_bl_draft(tmp_path: Path,
                                                                          database_url: str) -> None:
    config = desk(tmp_path, database_url)
    send_po(config, tmp_path, dt.date(2026, 4, 3))
    attachments = tmp_path / "attachments"
    attachments.mkdir()
    booking = life.Mail("b", "05-20", life.BLUEWAVE, life.GRACE, f"Booking Confirmation BWL-SHA-61002 / PO {NUMBER}",
                        f"Dear Grace,\n\nPlease find the booking confirmation for PO {NUMBER} attached.\n\nBluewave",
                        "bkg-61002@bluewave-log.example",
                        docs=(life.Doc("Booking Confirmation BWL-SHA-61002.pdf", "paper", lines=(
                            "BOOKING CONFIRMATION", "Booking No. BWL-SHA-61002", f"Shipper ref: PO {NUMBER}",
                            "Vessel/Voy.: MSC ANNA V.2641W", "ETD: 02-JUN-2026    ETA: 2026/07/10",
                            "CY cut-off: MAY.30    SI cut-off: 29 May", "Containers: 1x40HQ")),))
    file_mail(config, "booking", life.eml(booking, attachments), dt.date(2026, 5, 20))
    shown = show(config)
    assert {k: v["value"] for k, v in shown["shipping"].items()} == {
        "vessel": "MSC ANNA", "voyage": "2641W", "etd": "2026-06-02", "eta": "2026-07-10",
        "cy_cutoff": "2026-05-30", "si_cutoff": "2026-05-29", "containers": "1x40HQ"}
    assert shown["shipping"]["etd"]["message_id"] == "bkg-61002@bluewave-log.example"
    draft = milestones(config)["bl_draft"]
    assert (draft["due"], draft["due_why"]) == ("2026-06-04", "2 days after ETD (2026-06-02)")
    text = cli(config, "order", "show", NUMBER)
    assert "shipping: ETD 2026-06-02, ETA 2026-07-10, vessel MSC ANNA, voyage 2641W, containers 1x40HQ" in text

    advice = life.Mail("s", "06-01", life.BLUEWAVE, life.GRACE, f"Shipping advice PO {NUMBER} - MSC ANNA V.2641W",
                       f"Dear Grace,\n\nThe vessel is delayed: PO {NUMBER} now sails with ETD 9 June, "
                       "ETA Rotterdam 14 July.\n\nBluewave", "ship-adv-8812@bluewave-log.example")
    file_mail(config, "advice", life.eml(advice, attachments), dt.date(2026, 6, 1))
    draft = milestones(config)["bl_draft"]
    assert (draft["due"], draft["due_why"]) == ("2026-06-11", "2 days after ETD (2026-06-09)")
    shown = show(config)
    assert shown["shipping"]["etd"] == {"value": "2026-06-09", "document": "mail body", "kind": "shipping_advice",
                                        "message_id": "ship-adv-8812@bluewave-log.example"}
    moved = [(e["kind"], e.get("etd"), e.get("before"), e["message_id"]) for e in shown["events"]
             if e["kind"].startswith("etd-")]
    assert moved == [("etd-given", "2026-06-02", None, "bkg-61002@bluewave-log.example"),
                     ("etd-moved", "2026-06-09", "2026-06-02", "ship-adv-8812@bluewave-log.example")]
    assert "ETD 2026-06-09 (was 2026-06-02) from mail body <ship-adv-8812@bluewave-log.example>" in \
        cli(config, "order", "show", NUMBER)
    page = order_page(config)
    assert "开航日: 2026-06-09" in page and "原为 2026-06-02" in page


def order_page(config: Path) -> str:
    """The order's page in the browser desk, as a merchandiser who reads Chinese sees it."""
    from tests.integration.test_web_http import client_for, log_in

    added = CliRunner().invoke(main, ["--config", str(config), "user", "add", "Grace Zhou", "--role", "merchandiser",
                                      "--language", "zh", "--password-stdin"], input="grace-password-1\n")
    assert added.exit_code == 0, added.output
    client, store = client_for(config)
    try:
        log_in(client, "Grace Zhou", "grace-password-1")
        page = client.get(f"/orders/{NUMBER}")
        assert page.status_code == 200
        return str(page.text)
    finally:
        client.close()
        store.close()

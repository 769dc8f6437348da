"""Extraction inside the pipeline, on SQLite and PostgreSQL: a PO's PDF becomes the order's data,
a revised PO updates it with history, cross-checks hold the confirmation, and a PDF that cannot
be read still gets its message filed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from mailflow.config import load_config
from mailflow.desk import Desk, load_desk
from mailflow.model import Origin, RawMail
from mailflow.pipeline import handle
from mailflow.store import Store
from tests.conftest import ROOT, write_desk
from tests.mails import mail

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

HOLD_RULES = """
- name: big-order
  when: {order: "order.total > 1000000"}
  then: [{tag: general-manager}, continue]
- name: purchase-order
  category: order
  when: {subject: {regex: '\\bPO\\b'}}
  then:
    - extract: pdf
    - file: order
    - reply: {template: order_confirmation, hold_if: "order.checks_failed or order.total > 50000"}
"""


def po_mail(doc: Any, path: Path, message_id: str, subject: str | None = None) -> bytes:
    pdf = pdfs.write_order_pdf(doc, path)
    return mail(subject or f"PO {doc.number}", "Please find attached our purchase order.",
                message_id=message_id,
                date=dt.datetime.combine(doc.order_date, dt.time(9), tzinfo=dt.UTC),
                attachments=[(path.name, pdf.read_bytes(), "application/pdf")])


@pytest.fixture
def desk_store(tmp_path: Path, database_url: str) -> Any:
    config = load_config(write_desk(tmp_path / "desk", database_url))
    desk, store = load_desk(config), Store(config.database_url, config.archive_root)
    yield desk, store
    desk.close()
    store.close()


def order_of(store: Store, number: str) -> dict[str, Any]:
    row = store.find_order(number)
    assert row is not None, f"no order {number}"
    return dict(row.data)


def test_a_po_pdf_becomes_the_order_s_data_and_the_confirmation_lists_it(
        tmp_path: Path, desk_store: tuple[Desk, Store]) -> None:
    desk, store = desk_store
    doc = pdfs.sample_order(12, seed=21, number="PO-2026-0412")
    handled = handle(RawMail(po_mail(doc, tmp_path / "PO-2026-0412.pdf", "po1@northwind.example"),
                             Origin("file", path="po1.eml")), desk, store)
    assert handled.status == "filed"
    data = order_of(store, "PO-2026-0412")
    assert Decimal(data["total"]) == doc.total
    assert [li["item_code"] for li in data["lines"]] == [li.item_code for li in doc.lines]
    assert data["currency"] == doc.currency and data["delivery_date"] == doc.delivery_date.isoformat()
    assert data["checks_failed"] == []
    reply = handled.outcome.replies[0]  # type: ignore[union-attr]
    assert reply.template == "order_confirmation"
    for line in doc.lines[:3]:
        assert line.item_code in reply.text
    assert str(doc.total) in reply.text


def test_a_revised_po_updates_the_order_and_keeps_the_history(
        tmp_path: Path, desk_store: tuple[Desk, Store]) -> None:
    desk, store = desk_store
    first = pdfs.sample_order(3, seed=22, number="PO-2026-0500")
    handle(RawMail(po_mail(first, tmp_path / "a" / "po.pdf", "po-a@northwind.example"),
                   Origin("file", path="a.eml")), desk, store)
    lines = (*first.lines[:2], pdfs.Line(first.lines[2].item_code, first.lines[2].description,
                                         first.lines[2].quantity * 2, first.lines[2].unit,
                                         first.lines[2].unit_price))
    revised = pdfs.OrderDoc(**{**first.__dict__, "lines": lines})
    handle(RawMail(po_mail(revised, tmp_path / "b" / "po.pdf", "po-b@northwind.example",
                           f"Revised PO {first.number}"), Origin("file", path="b.eml")), desk, store)
    data = order_of(store, first.number)
    assert Decimal(data["total"]) == revised.total != first.total
    assert len(data["history"]) == 2
    change = data["history"][1]
    assert change["message_id"] == "po-b@northwind.example"
    assert change["changes"]["total"] == [str(first.total), str(revised.total)]
    assert "lines" in change["changes"]


def test_a_pdf_that_cannot_be_read_still_files_the_message(
        tmp_path: Path, desk_store: tuple[Desk, Store]) -> None:
    desk, store = desk_store
    broken = pdfs.write_broken_pdfs(tmp_path)["truncated"]
    data = mail("PO 4509999 attached", "Our PO 4509999 is attached.", message_id="scan@northwind.example",
                attachments=[("PO_4509999.pdf", broken.read_bytes(), "application/pdf")])
    handled = handle(RawMail(data, Origin("file", path="scan.eml")), desk, store)
    assert handled.status == "filed" and handled.applied and handled.applied.order_folder == "4509999"
    record = order_of(store, "4509999")
    assert [e.split(" (")[0] for e in record["document"]["errors"]] == ["PO_4509999.pdf: damaged PDF"]


@pytest.fixture
def hold_desk(tmp_path: Path, database_url: str) -> Any:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "orders.yaml").write_text(HOLD_RULES, encoding="utf-8")
    config_file = write_desk(tmp_path / "desk", database_url)
    text = config_file.read_text().replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}")
    floors = tmp_path / "floors.csv"
    config_file.write_text(text + f"extract: {{price_list: {floors}}}\n", encoding="utf-8")
    return config_file, floors


def test_a_price_under_the_floor_holds_the_confirmation(tmp_path: Path, hold_desk: Any) -> None:
    config_file, floors = hold_desk
    doc = pdfs.sample_order(2, seed=24, number="PO-2026-0600")
    cheap = doc.lines[0]
    floors.write_text(f"item code,floor price\n{cheap.item_code},{cheap.unit_price + 1}\n"
                      f"{doc.lines[1].item_code},{doc.lines[1].unit_price}\n", encoding="utf-8")
    config = load_config(config_file)
    desk, store = load_desk(config), Store(config.database_url, config.archive_root)
    try:
        handled = handle(RawMail(po_mail(doc, tmp_path / "po.pdf", "floor@northwind.example"),
                                 Origin("file", path="f.eml")), desk, store)
    finally:
        desk.close()
    reply = handled.outcome.replies[0]  # type: ignore[union-attr]
    assert reply.state == "held" and "hold_if" not in reply.reason and "checks_failed" in reply.reason
    # the concrete reason, not only the rule: which line, which price, which floor
    assert f"price floor: line 1 {cheap.item_code}: unit price {cheap.unit_price} is under" in reply.reason
    data = order_of(store, "PO-2026-0600")
    store.close()
    assert data["checks_failed"] == ["price_floor"]
    result = CliRunner().invoke(main, ["--config", str(config_file), "order", "show", "PO-2026-0600"])
    assert result.exit_code == 0
    assert f"check price_floor: FAILED: line 1 {cheap.item_code}: unit price {cheap.unit_price} is under" \
        in " ".join(result.output.split())


def test_rules_can_read_the_order_once_it_is_extracted(tmp_path: Path, hold_desk: Any) -> None:
    config_file, floors = hold_desk
    floors.write_text("item code,floor price\n", encoding="utf-8")
    config = load_config(config_file)
    desk, store = load_desk(config), Store(config.database_url, config.archive_root)
    try:
        small = pdfs.sample_order(1, seed=25, number="PO-2026-0701")
        big = pdfs.sample_order(30, seed=26, number="PO-2026-0702")
        assert small.total < 50000 and big.total > 1000000
        results = [handle(RawMail(po_mail(doc, tmp_path / f"{doc.number}.pdf", f"{doc.number}@n.example"),
                                  Origin("file", path=f"{doc.number}.eml")), desk, store)
                   for doc in (small, big)]
    finally:
        desk.close()
        store.close()
    small_out, big_out = (r.outcome for r in results)
    assert small_out.replies[0].state == "queued"  # type: ignore[union-attr]
    assert big_out.replies[0].state == "held"  # type: ignore[union-attr]
    assert "general-manager" in big_out.decision.tags  # type: ignore[union-attr]
    assert "general-manager" not in small_out.decision.tags  # type: ignore[union-attr]


def test_extract_command_prints_invoice2data_shaped_json(tmp_path: Path) -> None:
    doc = pdfs.sample_order(2, seed=27, number="PO-2026-0800")
    path = pdfs.write_order_pdf(doc, tmp_path / "po.pdf")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "extract", str(path),
                                       "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["template"] is None
    assert shown["fields"]["invoice_number"] == doc.number
    assert shown["fields"]["date"] == doc.order_date.isoformat()
    assert shown["fields"]["amount"] == float(doc.total)
    assert shown["order"]["numbers"] == [doc.number]
    broken = tmp_path / "x.pdf"
    broken.write_bytes(b"<html>session expired</html>")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "extract", str(broken)])
    assert result.exit_code != 0 and "not a PDF" in result.output


def test_waiting_replies_are_held_when_they_cannot_be_written_again(
        tmp_path: Path, desk_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: an order changed, and its waiting replies could not be written again from
    the new data (an unexpected error): they wait for a person, with why; the mail is filed."""
    from mailflow import pipeline
    from mailflow.store.db import OrderRow

    desk, store = desk_store
    first = pdfs.sample_order(3, seed=23, number="PO-2026-0600")
    filed = handle(RawMail(po_mail(first, tmp_path / "a" / "po.pdf", "po-c@northwind.example"),
                           Origin("file", path="a.eml")), desk, store)
    assert filed.applied is not None and len(store.outbox()) == 1  # its confirmation waits
    with store.sessions() as session, session.begin():  # the order changed since the reply was written
        session.get(OrderRow, filed.applied.order_id).version += 1
    pipeline.hold_stale_replies(filed.applied.order_id, store, "could not be written again: test")
    [held] = store.outbox()
    assert held.state == "held" and held.reason == "could not be written again: test"

    calls: list[str] = []
    real = pipeline.hold_stale_replies

    def broken(order_id: int, desk: Desk, store: Store) -> int:
        raise RuntimeError("template engine down")

    def spy(order_id: int, store: Store, reason: str) -> None:
        calls.append(reason)
        real(order_id, store, reason)

    monkeypatch.setattr(pipeline, "refresh_replies", broken)
    monkeypatch.setattr(pipeline, "hold_stale_replies", spy)
    revised = pdfs.OrderDoc(**{**first.__dict__, "lines": first.lines[:2]})
    again = handle(RawMail(po_mail(revised, tmp_path / "b" / "po.pdf", "po-d@northwind.example",
                                   f"Revised PO {first.number}"), Origin("file", path="b.eml")), desk, store)
    assert again.status == "filed" and again.applied is not None and again.applied.order_changed
    assert calls == [("the order changed and this reply could not be written again: "
                      "RuntimeError: template engine down")]


def test_a_rewritten_complaint_acknowledgement_keeps_the_case_number(
        tmp_path: Path, desk_store: tuple[Desk, Store]) -> None:
    """The complaint joined a case opened earlier in its thread; its order changes, and the
    acknowledgement written again cites that case, not a number made up from the mail."""
    from sqlalchemy import update

    from mailflow import pipeline
    from mailflow.store.db import CaseRow, MessageRow, OrderRow
    from tests.conftest import EXAMPLES

    desk, store = desk_store
    for name in ("08-po-northwind-new-order.eml", "12-complaint-northwind-4500655.eml"):
        handle(RawMail((EXAMPLES / "inbox" / name).read_bytes(), Origin("file", path=name)), desk, store)
    [ack] = [r for r in store.outbox() if r.template == "complaint_ack"]
    assert ack.answers_id is not None and ack.order_id is not None
    with store.sessions() as session, session.begin():
        case = CaseRow(number="C261110-0A0A", order_id=ack.order_id, buyer="northwind", subject="GSM")
        session.add(case)
        session.flush()
        session.execute(update(MessageRow).where(MessageRow.id == ack.answers_id).values(case_id=case.id))
        session.get(OrderRow, ack.order_id).version += 1  # the order changed since the ack was written
    assert pipeline.refresh_replies(ack.order_id, desk, store) == 1
    rewritten = store.reply(ack.id)
    assert rewritten.order_version == ack.order_version + 1
    assert b"C261110-0A0A" in rewritten.raw and b"C261117-" not in rewritten.raw

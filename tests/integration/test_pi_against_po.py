"""Our P/I against the buyer's PO by meaning, on SQLite and PostgreSQL: the buyer's PO prints its
own code ("Buyer Item") beside ours ("Our Code"); our P/I is in Chinese (货号, 卷, 公斤, CFR 巴生港,
30%定金，70%见提单副本付款) and ships 200 rolls fewer. The order's lines carry both codes, the
margin is computed from the cost list, the same terms in other words are no difference, and the
short quantity is reported, in English and in Chinese. The buyer's enquiry that named its own
code joins the order the PO opens."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow import clock
from tests.integration.test_follow_up import BOB, US, at, deliver, desk, show
from tests.integration.test_web_http import client_for, log_in
from tests.mails import mail
from tests.webdesk import cli

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

PO_LINES = (pdfs.Line("NW-SL45-P200", "Spunlace nonwoven 45gsm white, 200mm", Decimal(8000), "ROLL", Decimal("2.00"),
                      buyer_code="KS-77001"),
            pdfs.Line("MF-4040-GR", "Meltblown fabric 40gsm green, 1600mm", Decimal(1000), "KG", Decimal("4.00"),
                      buyer_code="KS-77002"))
PI_LINES = (pdfs.Line("NW-SL45-P200", "水刺无纺布 45克 白色 宽200mm", Decimal(7800), "卷", Decimal("2.00")),
            pdfs.Line("MF-4040-GR", "熔喷布 40克 绿色 宽1600mm", Decimal(1000), "公斤", Decimal("4.00")))


def document(tmp_path: Path, kind: str, lang: str, number: str, incoterm: str, terms: str,
             lines: tuple[pdfs.Line, ...], code_columns: tuple[tuple[str, str], ...] = ()) -> bytes:
    doc = pdfs.OrderDoc(kind=kind, lang=lang, number=number, buyer="Kestrel Supplies Ltd.",
                        order_date=dt.date(2026, 3, 2), delivery_date=dt.date(2026, 4, 30), currency="USD",
                        incoterm=incoterm, payment_terms=terms, lines=lines, code_columns=code_columns)
    return pdfs.write_order_pdf(doc, tmp_path / f"{kind}-{number}.pdf").read_bytes()


def test_a_chinese_pi_is_held_only_for_the_quantity_it_really_changes(tmp_path: Path, database_url: str) -> None:
    # a margin of 6 %: 20,000 USD at 7.0 = 140,000 CNY of sales, costs 131,600 CNY
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    po = document(tmp_path, "po", "en", "KS-3001", "CFR PORT KLANG", "30% T/T deposit, 70% balance against copy of B/L",
                  PO_LINES, (("Buyer Item", "buyer_code"), ("Our Code", "item_code")))
    pi = document(tmp_path, "pi", "zh", "AN-PI-3001", "CFR 巴生港", "30%定金，70%见提单副本付款", PI_LINES)
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "00.eml", mail("Price enquiry", "Hello, could you quote 1,000 kg of your meltblown fabric, "
                                       "our item KS-77002, for shipment in April? Thanks, Bob", sender=BOB,
                                       message_id="rfq@kestrel.example", date=at("2026-02-20", 8)))
        deliver(config, "01.eml", mail("PO KS-3001", "Please find attached our PO KS-3001.", sender=BOB,
                                       message_id="po@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-3001.pdf", po, "application/pdf")]))
        opened = show(config, "KS-3001")
        assert [(li["item_code"], li["buyer_code"]) for li in opened["data"]["lines"]] == [
            (li.item_code, li.buyer_code) for li in PO_LINES]
        enquiry = next(m for m in opened["messages"] if m["message_id"] == "rfq@kestrel.example")
        assert "KS-77002" in enquiry["why_here"]  # the enquiry joins by the buyer's code

        now.advance(days=1)
        deliver(config, "02.eml", mail("形式发票 P/I AN-PI-3001 for your PO KS-3001", "请查收形式发票。", sender=US,
                                       to=BOB, message_id="pi@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-3001.pdf", pi, "application/pdf")]))
        shown = show(config, "KS-3001")
        assert shown["confirmation_differences"] == [
            "total 20,000.00 on the PO, 19,600.00 on our P/I",
            "line 1 (NW-SL45-P200): quantity 8,000 ROLL on the PO, 7,800 ROLL on our P/I",
            "line 1 (NW-SL45-P200): amount 16,000.00 on the PO, 15,600.00 on our P/I"]
        assert shown["confirmation_differences_zh"][1] == \
            "第1行（NW-SL45-P200）：数量 客户订单 8,000 卷，我方形式发票 7,800 卷"
        [held] = [r for r in shown["replies"] if r["template"] == "order_confirmation"]
        assert "our P/I differs from the buyer's PO" in held["reason"] and "7,800 ROLL on our P/I" in held["reason"]
        assert "incoterm" not in held["reason"] and "payment terms" not in held["reason"]
        printed = cli(config, "order", "show", "KS-3001")
        assert "P/I vs PO: line 1 (NW-SL45-P200): quantity 8,000 ROLL on the PO, 7,800 ROLL on our P/I" in printed
        assert "KS-77001" in printed  # the buyer's code beside ours

        signed = cli(config, "order", "approve", "KS-3001", "--as", "Wang Fang")  # the codes find the costs
        assert "margin 6.00 %" in signed
    # the command line speaks its operator's language
    config.write_text(config.read_text(encoding="utf-8").replace(
        "{name: Lily Chen, role: merchandiser}", "{name: Lily Chen, role: merchandiser, language: zh}"), encoding="utf-8")
    assert "形式发票与订单: 第1行（NW-SL45-P200）：数量 客户订单 8,000 卷，我方形式发票 7,800 卷" in \
        cli(config, "order", "show", "KS-3001")
    seen_by(config, "Wang Fang", "en", "line 1 (NW-SL45-P200): quantity 8,000 ROLL on the PO, 7,800 ROLL on our P/I")
    seen_by(config, "Lily Chen", "zh", "第1行（NW-SL45-P200）：数量 客户订单 8,000 卷，我方形式发票 7,800 卷")


def seen_by(config: Path, name: str, language: str, difference: str) -> None:
    """The order page in the reader's language shows the difference in it."""
    cli(config, "user", "add", name, "--role", "manager", "--language", language, "--password-stdin",
        stdin=f"{name}-password-1\n")
    client, store = client_for(config)
    try:
        log_in(client, name, f"{name}-password-1")
        page = client.get("/orders/KS-3001")
        assert page.status_code == 200 and f"<li>{difference}</li>" in page.text
        assert "KS-77001" in page.text  # the buyer's code beside ours
    finally:
        client.close()
        store.close()


def test_the_same_pi_in_chinese_words_is_no_difference(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    po = document(tmp_path, "po", "en", "KS-3002", "FOB Shanghai", "T/T 30% deposit, 70% before shipment",
                  PO_LINES, (("Customer Item No.", "buyer_code"), ("Supplier Code", "item_code")))
    same = tuple(dataclasses.replace(li, quantity=po_line.quantity) for li, po_line in zip(PI_LINES, PO_LINES,
                                                                                            strict=True))
    pi = document(tmp_path, "pi", "zh", "AN-PI-3002", "FOB 上海港", "30%定金，70%发货前付清", same)
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-3002", "Our PO KS-3002 attached.", sender=BOB,
                                       message_id="po2@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-3002.pdf", po, "application/pdf")]))
        now.advance(days=1)
        deliver(config, "02.eml", mail("形式发票 P/I AN-PI-3002 for your PO KS-3002", "请查收形式发票。", sender=US,
                                       to=BOB, message_id="pi2@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-3002.pdf", pi, "application/pdf")]))
        shown = show(config, "KS-3002")
        assert {d["kind"] for d in shown["documents"]} >= {"po", "pi"}
        assert shown["confirmation_differences"] == [] and shown["confirmation_differences_zh"] == []
        assert not any("differs" in (r["reason"] or "") for r in shown["replies"])

"""A desk with two orders for the documents the desk writes: Northwind's PO in English (cartons,
the buyer's shipping marks, consignee and notify party in the mail) and a Chinese buyer's PO
in Chinese (rolls and bales, no marks: the configured ones), with company block, bank details,
sequences, product file, BOM and price list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from tests.conftest import write_desk
from tests.mails import mail
from tests.pdfs import OrderDoc, sample_order, write_order_pdf

EN_MARKS = ["NORTHWIND / HAMBURG", "PO 4500-2211", "C/NO. 1-UP", "MADE IN CHINA"]
PACKAGES = ("roll", "bale")
LC = "MLC26/04417"
VESSEL, VOYAGE, CONTAINERS = "MSC ANNA", "245W", "1x40HQ"
TODAY = dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC)  # the documents' date: numbers ANW-PI-2612-..
LC_ADVICE = (
    "ADVICE OF DOCUMENTARY CREDIT\nWe advise you, without engagement on our part, of the following MT700 received:\n"
    ":20: DOCUMENTARY CREDIT NUMBER: {lc}\n:31C: DATE OF ISSUE: 260918\n:31D: DATE AND PLACE OF EXPIRY: 271120 IN CHINA\n"
    ":50: APPLICANT: NORTHWIND TRADING GMBH\n:59: BENEFICIARY: ACME NONWOVENS CO., LTD.\n"
    ":32B: CURRENCY CODE, AMOUNT: USD6730751,05\n:44C: LATEST DATE OF SHIPMENT: 271015\n"
    ":45A: DESCRIPTION OF GOODS: NONWOVENS AS PER PO {po}\n"
    ":46A: DOCUMENTS REQUIRED:\n+SIGNED COMMERCIAL INVOICE IN 3 COPIES INDICATING L/C NO. {lc}\n"
    "+PACKING LIST IN 3 COPIES\n+FULL SET OF CLEAN ON BOARD OCEAN BILLS OF LADING\n"
    ":47A: ADDITIONAL CONDITIONS:\nALL DOCUMENTS MUST SHOW THE L/C NUMBER AND PO NUMBER {po}.\n"
    ":48: PERIOD FOR PRESENTATION: 21 DAYS\n:42C: DRAFTS AT: AT SIGHT\n")


@dataclass(frozen=True)
class DocumentsDesk:
    config: Path
    en: OrderDoc  # cartons, marks from the PO
    zh: OrderDoc  # rolls and bales; as revised (Rev.1: twice the first line)

    def cli(self, *args: str, code: int = 0) -> Any:
        with clock.frozen(TODAY):
            result = CliRunner().invoke(main, ["--config", str(self.config), *args])
        assert result.exit_code == code, result.output
        return result


def build(root: Path, database_url: str) -> DocumentsDesk:
    en = sample_order(8, seed=7, number="4500-2211")  # the buyer's own codes beside ours
    en = replace(en, code_columns=(("Buyer Item", "buyer_code"), ("Our Code", "item_code")),
                 lines=tuple(replace(line, buyer_code=f"NW-{77001 + i}") for i, line in enumerate(en.lines)))
    zh = sample_order(6, seed=9, lang="zh", number="HL-2026-031")
    products = root / "products.csv"
    rows = ["item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm,package"]
    rows += [f"{li.item_code},{25 + 5 * i},{12 + i},{13.5 + i},60,40,{30 + i},carton" for i, li in enumerate(en.lines)]
    rows += [f"{li.item_code},{100 + 50 * i},{20 + i},{21 + i},{110 + i},25,25,{PACKAGES[i % 2]}"
             for i, li in enumerate(zh.lines)]
    products.write_text("\n".join(rows) + "\n", encoding="utf-8")
    bom = root / "bom.csv"
    bom_rows = ["item_code,material,description,quantity,unit,supplier,price"]
    for li in (*en.lines, *zh.lines):
        bom_rows += [f"{li.item_code},CORE-76,Paper core 76mm,0.01,pc,Jiangyin Cores,1.80",
                     f"{li.item_code},CTN-5PLY,5-ply export carton,0.04,pc,Wuxi Cartons,6.50"]
    bom.write_text("\n".join(bom_rows) + "\n", encoding="utf-8")
    prices = root / "prices.csv"
    prices.write_text("item_code,floor_price\n" + f"{en.lines[0].item_code},{en.lines[0].unit_price * 2}\n",
                      encoding="utf-8")
    config = write_desk(root / "desk", database_url)
    text = config.read_text(encoding="utf-8").replace(
        "buyers:\n", "buyers:\n  - {name: Hualian Trading, domains: [hualian.example], language: zh}\n")
    config.write_text(text + f"""\
packing: {{products: {products}}}
extract: {{price_list: {prices}}}
documents:
  company: {{name: "Acme Nonwovens Co., Ltd.", name_zh: 艾克美无纺布有限公司, address: "88 Xinhua Road, Wuxi, Jiangsu, China",
            address_zh: 中国江苏省无锡市新华路88号, phone: "+86 510 8888 0000"}}
  bank: {{beneficiary: "Acme Nonwovens Co., Ltd.", bank: "Bank of China Wuxi Branch", account: "4632 0101 8888",
         swift: BKCHCNBJ95E}}
  sequences: {{pi: "ANW-PI-{{yymm}}-{{n:02d}}", invoice: "ANW-CI-{{yymm}}-{{n:02d}}"}}
  marks: ["{{buyer}}", "ORDER {{order}}", "C/NO. 1-{{packages}}", "MADE IN CHINA"]
  bom: {bom}
  inspection: "AQL 2.5 final random inspection; roll width ±2 mm"
forwarders:
  - {{name: Bluewave Logistics, domains: [bluewave-log.example]}}
banks:
  - {{name: Pearl River Commercial Bank, domains: [prcb.example]}}
""", encoding="utf-8")
    inbox = config.parent / "inbox"
    body = ("Please find attached our purchase order.\n\nShipping marks:\n" + "\n".join(EN_MARKS) +
            "\n\nConsignee: Northwind Trading GmbH, Hafenstrasse 12, 20457 Hamburg\n"
            "Notify party: Hanse Logistics GmbH, Hamburg\n\nBest regards\nBob")
    for doc, sender, name, message_id, text in (
            (en, "Bob Buyer <bob@northwind.example>", "po.pdf", "po-en@northwind.example", body),
            (zh, "李明 <liming@hualian.example>", "订单.pdf", "po-zh@hualian.example", "附件是我司订单，请确认。")):
        pdf = write_order_pdf(doc, root / f"{message_id}.pdf")
        (inbox / f"{message_id}.eml").write_bytes(mail(
            f"PO {doc.number}", text, sender=sender, message_id=message_id,
            date=dt.datetime.combine(doc.order_date, dt.time(9), tzinfo=dt.UTC),
            attachments=[(name, pdf.read_bytes(), "application/pdf")]))
    later = dt.datetime.combine(en.order_date, dt.time(9), tzinfo=dt.UTC)
    (inbox / "zz-lc.eml").write_bytes(mail(
        f"Advice of Documentary Credit No. {LC} - PO {en.number}", LC_ADVICE.format(lc=LC, po=en.number),
        sender="Pearl River Commercial Bank <trade.services@prcb.example>", message_id="lc@prcb.example",
        date=later + dt.timedelta(days=5)))
    (inbox / "zz-booking.eml").write_bytes(mail(
        f"Booking confirmed - PO {en.number} - Hamburg",
        f"Dear Lily,\n\nBOOKING CONFIRMATION for your PO {en.number}: booking no. BWL-SHA-55120.\n"
        f"Vessel: {VESSEL} V.{VOYAGE}\nEquipment: {CONTAINERS}\n\nBluewave Logistics",
        sender="Bluewave Logistics <export@bluewave-log.example>", message_id="bkg@bluewave-log.example",
        date=later + dt.timedelta(days=20)))
    # the Chinese buyer revises its PO: twice the first line
    revised = replace(zh, lines=(replace(zh.lines[0], quantity=zh.lines[0].quantity * 2), *zh.lines[1:]))
    pdf = write_order_pdf(revised, root / "revised.pdf")
    (inbox / "zz-revision.eml").write_bytes(mail(
        f"PO {zh.number} Rev.1", "订单修改：第一项数量加倍，请按修改版确认。", sender="李明 <liming@hualian.example>",
        message_id="po-zh-rev1@hualian.example", date=later + dt.timedelta(days=7),
        attachments=[("订单_Rev1.pdf", pdf.read_bytes(), "application/pdf")]))
    desk = DocumentsDesk(config, en, revised)
    desk.cli("run", "--once")
    return desk

"""The desk in Chinese: every page a Chinese merchandiser opens shows its interface in Chinese.
Data (subjects, names, files, the mail's own text) is marked `class="data"` on the pages and
left out; what remains must hold none of the desk's English interface words."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.integration.test_web_http import ORIGIN, client_for, held_confirmation, log_in, post_login
from tests.mails import mail
from tests.webdesk import build, cli

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

ENGLISH = ("Item", "Description", "Qty", "Unit", "Price", "Amount", "done", "open", "overdue", "merchandiser",
           "manager", "accounts", "days after", "days before", "order date", "delivery date", "payment terms",
           "incoterm", "currency", "total", "inquiry", "order", "sample", "payment", "shipping", "complaint", "in",
           "out", "held", "queued", "sent", "failed", "rejected", "Approve", "Reject", "Search", "Back", "ok",
           "FAILED", "no subject", "wrong name or password", "confirmed", "quoted", "before", "after", "by hand",
           "signed off", "order confirmation", "packing list", "sample acknowledgement", "Log in", "Name",
           "Password", "Plan", "Orders", "Outbox", "Quarantine", "Rules", "Save", "Status", "Something went wrong",
           "when", "is done", "P/I sent", "deposit", "balance", "production", "ready", "shipped", "paid", "closed",
           "cancelled", "uncertain", "superseded", "withdrawn", "other", "any", "is", "the", "a", "to", "of")
_ENGLISH = re.compile(r"(?<![\w/-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w/-])", re.IGNORECASE)
LC_SHORT = """We advise the documentary credit below for PO KS-7001.

:27:1/1
:40A:IRREVOCABLE
:20:LC2603KS7001
:31C:260308
:31D:260515CHINA
:50:KESTREL SUPPLIES LTD
:59:ACME NONWOVENS CO., LTD.
:32B:USD15000,00
:39A:05/05
:44C:260415
:48:21 DAYS AFTER THE DATE OF SHIPMENT
"""
_SKIPPED = {"script", "style", "pre", "textarea", "title"}  # not interface text, or the mail's own
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class InterfaceText(HTMLParser):
    """The text nodes of a page outside any element marked `class="data"` (and outside the
    elements that hold the mail's own text), with the placeholders of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[bool] = []  # per open element: whether it or one around it is data
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        data = (bool(self.open and self.open[-1]) or tag in _SKIPPED
                or "data" in (found.get("class") or "").split())
        if not data and found.get("placeholder"):
            self.texts.append(found["placeholder"] or "")
        if tag not in _VOID:
            self.open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]) and data.strip():
            self.texts.append(data.strip())


def english_in(html: str) -> list[tuple[str, str]]:
    """The English interface words a page shows outside its data, each with the text it is in."""
    parser = InterfaceText()
    parser.feed(html)
    return [(found.group(1), text) for text in parser.texts for found in _ENGLISH.finditer(text)]


def test_the_checker_sees_english_interface_text_and_not_data() -> None:
    assert english_in('<p>Item <span class="data">order</span></p>') == [("Item", "Item")]
    assert english_in('<td class="data"><a>PO order</a></td><td>订单</td><pre>sent</pre>') == []
    assert english_in('<input placeholder="Search"><br><b>已完成</b>') == [("Search", "Search")]


def test_every_page_in_chinese(tmp_path: Path, database_url: str) -> None:
    from mailflow.model import Origin, Quarantined, RawMail

    desk = build(tmp_path, database_url)
    # the bank's L/C for the order: short of the PO's total beyond its tolerance, shipping before
    # its delivery date: two failed checks, each an L/C problem the order page words in Chinese
    (desk.config.parent / "inbox" / "06.eml").write_bytes(mail(
        "L/C advice PO KS-7001", LC_SHORT, sender="Trade Services <lc@bank-of-ningbo.example>",
        message_id="lc@bank-of-ningbo.example", date=dt.datetime(2026, 3, 8, 9, tzinfo=dt.UTC)))
    cli(desk.config, "run", "--once")
    client, store = client_for(desk.config)
    try:
        store.quarantine(Quarantined(RawMail(b"From: <x@kestrel.example>\r\n\r\n\xff\xfe",
                                             Origin("maildir", "inbox/", "09.eml")), "ab" * 32, "cannot be parsed"))
        anonymous, _ = client_for(desk.config)
        anonymous.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        failed = post_login(anonymous, "Lily Chen", "not her password")
        assert failed.status_code == 401 and "用户名或密码错误" in failed.text
        pages = {"login after a failed login": failed.text}

        csrf = log_in(client, "Lily Chen")
        reply = held_confirmation(store)
        message = store.message_by_ref(desk.po_message_id)
        [quarantined] = store.quarantined()
        [unreadable] = store.attachments_of(store.message_by_ref("pl@acme.example").id)
        for name, path in (("plan", "/"), ("orders", "/orders"), ("order", "/orders/KS-7001"),
                           ("message", f"/messages/{message.id}"), ("outbox", "/outbox"),
                           ("reply", f"/outbox/{reply.id}"), ("search", "/search?q=KS-7001"),
                           ("quarantine", "/quarantine"), ("quarantined mail", f"/quarantine/{quarantined.id}"),
                           ("rules", "/rules"),
                           ("preview", f"/attachments/{store.attachments_of(message.id)[0].id}/preview"),
                           ("a file with no preview", f"/attachments/{unreadable.id}/preview")):
            answer = client.get(path)
            assert answer.status_code == 200, path
            pages[name] = answer.text
        refused = client.post(f"/outbox/{reply.id}/approve", data={"csrf_token": csrf}, headers=ORIGIN)
        assert refused.status_code == 403
        pages["refusal"] = refused.text
        unfiled = client.post(f"/messages/{message.id}/refile", data={"csrf_token": csrf, "order": " "}, headers=ORIGIN)
        assert "请填写要归入的订单号" in unfiled.text
        pages["a form sent back"] = unfiled.text
        zone = client.post("/preferences", data={"csrf_token": csrf, "language": "zh", "timezone": "Mars/Olympus"},
                           headers=ORIGIN)
        assert "无法识别的时区 &#39;Mars/Olympus&#39;" in zone.text

        # the reply's hold reason, from the rule file's `reason: {en, zh}`, in Chinese on the
        # outbox and the reply, not as data; the L/C's failed checks worded by the catalogue
        for name in ("outbox", "reply"):
            assert "经理先确认价格和交期再发出" in pages[name], name
            assert "a manager confirms" not in pages[name], name
        # and on the command line, for a reader whose language it knows
        assert "why: 规则 purchase-order：经理先确认价格和交期再发出" in cli(
            desk.config, "outbox", "show", str(reply.id), "--as", "Lily Chen")
        assert "why: rule purchase-order: a manager confirms price and delivery" in cli(
            desk.config, "outbox", "show", str(reply.id))
        order = re.sub(r"<[^>]+>", "", pages["order"])
        for shown in ("信用证金额 USD 15,000.00（溢短装 +5%/-5%：14,250.00 至 15,750.00），客户订单总额 16,000.00：超出溢短装范围",
                      "信用证最迟装运日 2026-04-15 早于订单的交货日期 2026-04-30", "第 1 行 NW-SL45-P200：8,000 × 2.00"):
            assert shown in order, shown
        assert "outside the tolerance" not in order and "L/C amount" not in order
        assert '<span class="data">15,000.00</span>' in pages["order"]  # the L/C's own values stay data
        # the checker sees an English hold reason or check detail where the page would show one
        assert english_in('<p>原因: rule order-confirmation: a manager confirms price</p>')
        assert english_in('<li>信用证金额 <span class="data">USD 15,000.00</span>: outside the tolerance</li>')

        # what the pages must show, in Chinese: the order's terms, lines, milestones and timeline
        for shown in ("订单日期", "交货日期", "付款方式", "货号", "品名", "数量", "单价", "金额", "跟单员", "经理", "财务",
                      "进行中", "形式发票已发出", "收", "发", "订单", "订单日期后 2 天", "形式发票已发出未完成", "电汇订单", "明细金额: 通过", "定金", "尾款"):
            assert shown in order, shown
        assert "找到 " in pages["search"] and "待审批" in pages["outbox"] and "订单确认" in pages["reply"]
        assert "跟单员" in pages["plan"] and "等待经理审批" in pages["plan"] and "跳到正文" in pages["plan"]
        assert "第 1 页" in pages["preview"] and "此 PDF 无法显示" in pages["a file with no preview"]
        assert "待经理审批" in pages["rules"] and re.search(r"等待(不到 1 分钟| \d+ (分钟|小时|天))", pages["outbox"])
        for name, html in pages.items():
            assert english_in(html) == [], (name, english_in(html))
    finally:
        store.close()

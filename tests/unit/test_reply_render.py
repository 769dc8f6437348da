"""Reply templates: both languages, clear template errors, a sandbox, threaded composition."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from mailflow.errors import ReplyTemplateError
from mailflow.model import Address
from mailflow.parse import parse
from mailflow.reply.compose import compose, reply_message_id, reply_subject
from mailflow.reply.render import ReplyTemplates
from tests.conftest import ROOT

SHIPPED = ReplyTemplates(ROOT / "templates" / "reply")

CONTEXT = {
    "company": "Acme Nonwovens Co., Ltd.", "signature": "Lily Chen", "our_address": "orders@acme.example",
    "sender_name": "Bob", "sender_address": "bob@northwind.example", "buyer": "Northwind Trading",
    "subject": "New order <spring>", "received": "2026-11-10", "case_number": "C261110-AB12",
    "attachments": ["PO_4500871.pdf"],
    "order": {"number": "4500871", "buyer": "Northwind", "order_date": "2026-11-10",
              "delivery_date": "2027-01-15", "currency": "USD", "incoterm": "FOB Shanghai",
              "payment_terms": "T/T 30% deposit", "total": "12500.00",
              "lines": [{"item_code": "SL-40", "description": "Spunlace 40gsm", "quantity": "10000",
                         "unit": "m", "unit_price": "0.25", "amount": "2500.00"}]},
    "packing": None,
}


def test_shipped_templates_compile() -> None:
    SHIPPED.check()
    assert {"inquiry_ack", "order_confirmation", "complaint_ack", "packing_list"} <= SHIPPED.names()


@pytest.mark.parametrize("name", ["inquiry_ack", "order_confirmation", "complaint_ack", "packing_list"])
def test_each_template_renders_in_english_and_chinese(name: str) -> None:
    en_text, _, en = SHIPPED.render(name, "en", CONTEXT)
    zh_text, _, zh = SHIPPED.render(name, "zh", CONTEXT)
    assert (en, zh) == ("en", "zh")
    assert "Dear Bob" in en_text and "Lily Chen" in en_text
    assert "Bob好" in zh_text and "此致" in zh_text


def test_order_confirmation_lists_items_and_terms() -> None:
    text, html, _ = SHIPPED.render("order_confirmation", "en", CONTEXT)
    assert "SL-40 Spunlace 40gsm: 10000 m x USD 0.25 = USD 2500.00" in text
    assert "Total: USD 12500.00" in text
    assert "Delivery date: 2027-01-15" in text and "Payment terms: T/T 30% deposit" in text
    assert "<td>SL-40</td>" in html


def test_order_confirmation_without_extracted_lines_says_details_follow() -> None:
    context = {**CONTEXT, "order": {**CONTEXT["order"], "lines": [], "total": "", "delivery_date": "",
                                    "incoterm": "", "payment_terms": ""}}
    text, _, _ = SHIPPED.render("order_confirmation", "zh", context)
    assert "订单 4500871" in text and "稍后发送完整的订单确认" in text


def test_complaint_ack_carries_the_case_number() -> None:
    text, _, _ = SHIPPED.render("complaint_ack", "en", CONTEXT)
    assert "case C261110-AB12" in text and "order 4500871" in text


def test_html_version_escapes_mail_content() -> None:
    _, html, _ = SHIPPED.render("inquiry_ack", "en", CONTEXT)
    assert "New order &lt;spring&gt;" in html


def test_missing_language_falls_back_to_english(tmp_path: Path) -> None:
    (tmp_path / "hello.en.txt.j2").write_text("Hello {{ sender_name }}")
    text, html, lang = ReplyTemplates(tmp_path).render("hello", "zh", {"sender_name": "Bob"})
    assert (text, html, lang) == ("Hello Bob", "", "en")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.en.txt.j2").write_text("line one\n{% if x %}\nno end\n")
    with pytest.raises(ReplyTemplateError) as caught:
        ReplyTemplates(tmp_path).check()
    assert caught.value.file is not None and caught.value.file.endswith("bad.en.txt.j2")
    assert caught.value.line is not None and caught.value.line >= 2


def test_undefined_variable_is_an_error_not_a_blank(tmp_path: Path) -> None:
    (tmp_path / "t.en.txt.j2").write_text("Dear {{ sender_name }},\nyour {{ ordr.number }}\n")
    with pytest.raises(ReplyTemplateError) as caught:
        ReplyTemplates(tmp_path).render("t", "en", {"sender_name": "Bob"})
    assert "ordr" in str(caught.value) and caught.value.line == 2


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ sender_name.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
])
def test_a_template_cannot_reach_python_internals(tmp_path: Path, source: str) -> None:
    (tmp_path / "evil.en.txt.j2").write_text(source)
    with pytest.raises(ReplyTemplateError):
        text = ReplyTemplates(tmp_path).render("evil", "en", {"sender_name": "Bob"})[0]
        assert "subclasses" not in text and "os" not in text  # pragma: no cover


def test_reply_subject_adds_re_and_token_once() -> None:
    assert reply_subject("New order", "[Order 1]") == "Re: New order [Order 1]"
    assert reply_subject("RE: New order [Order 1]", "[Order 1]") == "RE: New order [Order 1]"
    assert reply_subject("回复：询价", None) == "回复：询价"


def test_composed_reply_is_threaded_marked_automatic_and_has_no_injected_headers() -> None:
    original = parse(b"From: Bob Buyer <bob@northwind.example>\r\nTo: orders@acme.example\r\n"
                     b"Subject: =?utf-8?q?Hi=0D=0ABcc:_x@evil.example?=\r\nReferences: <r0@x>\r\n"
                     b"Message-ID: <msg-1@northwind.example>\r\n\r\nhello\r\n")
    subject = reply_subject(original.subject, "[Order 1]")
    message_id = reply_message_id(original.sha256, "inquiry_ack", "acme.example")
    raw = compose(message=original, sender=Address("Acme", "orders@acme.example"), to=original.from_,
                  subject=subject, text="Thanks 谢谢", html="<p>Thanks</p>", message_id=message_id)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Re: Hi Bcc: x@evil.example [Order 1]"
    assert parsed["In-Reply-To"] == "<msg-1@northwind.example>"
    assert parsed["References"] == "<r0@x> <msg-1@northwind.example>"
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert parsed["Message-ID"] == f"<{message_id}>"
    assert parsed["To"] == "Bob Buyer <bob@northwind.example>"
    assert parsed.get_body(("plain",)).get_content().strip() == "Thanks 谢谢"
    assert reply_message_id(original.sha256, "inquiry_ack", "acme.example") == message_id


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_packing_list_reply_gives_the_attached_pdf_s_totals(language: str) -> None:
    packing = {"cartons": 203, "net_kg": "9500.00", "gross_kg": "9982.60", "cbm": "20.072",
               "file": "packing-list-4500871.pdf"}
    text, html, _ = SHIPPED.render("packing_list", language, {**CONTEXT, "packing": packing})
    for shown in ("203", "9982.60", "20.072", "packing-list-4500871.pdf"):
        assert shown in text and shown in html

"""Parsing: Chinese and Japanese charsets, encoded names, hostile names, headers, broken mail."""

from __future__ import annotations

import base64
import hashlib

import pytest

from mailflow.errors import QuarantinedMail
from mailflow.parse import decode_bytes, decode_header_value, parse, safe_filename
from tests.mails import mail


def b64word(text: str, charset: str, codec: str | None = None) -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(codec or charset)).decode()}?="


def raw_mail(headers: str, body: bytes, content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (f"From: Buyer <buyer@example.com>\r\nTo: orders@acme.example\r\n"
            f"Message-ID: <t1@example.com>\r\n{headers}Content-Type: {content_type}\r\n"
            "MIME-Version: 1.0\r\n\r\n")
    return head.encode("ascii") + body


def test_gbk_body_and_subject_labelled_gb2312_keep_every_character() -> None:
    # 堃, 喆 and 「」 exist in GBK but not in GB2312: the classic mislabel.
    subject = "堃询价「急」"
    body = "王喆您好，请报价。「样品」".encode("gbk")
    message = parse(raw_mail(f"Subject: {b64word(subject, 'gb2312', 'gbk')}\r\n", body,
                             "text/plain; charset=gb2312"))
    assert message.subject == subject
    assert message.text == "王喆您好，请报价。「样品」"
    assert message.warnings == ()


def test_gb18030_four_byte_characters_survive() -> None:
    text = "订单𠀀号"  # U+20000 is four bytes in GB18030
    message = parse(raw_mail("Subject: x\r\n", text.encode("gb18030"), "text/plain; charset=gb18030"))
    assert message.text == text


def test_big5_body_decodes_to_traditional_chinese() -> None:
    body = "您好，請寄樣品，謝謝。".encode("big5")
    message = parse(raw_mail(f"Subject: {b64word('樣品請求', 'big5')}\r\n", body,
                             "text/plain; charset=big5"))
    assert message.subject == "樣品請求"
    assert message.text == "您好，請寄樣品，謝謝。"


def test_iso_2022_jp_body_is_decoded() -> None:
    text = "お見積りをお願いします。不織布 1000m"
    message = parse(raw_mail(f"Subject: {b64word('見積依頼', 'iso-2022-jp')}\r\n",
                             text.encode("iso2022_jp"), "text/plain; charset=iso-2022-jp"))
    assert message.subject == "見積依頼"
    assert message.text == text


def test_encoded_word_with_crlf_becomes_one_line_subject() -> None:
    encoded = "=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?="
    message = parse(raw_mail(f"Subject: {encoded}\r\n", b"hello"))
    assert "\r" not in message.subject and "\n" not in message.subject
    assert message.subject == "Hi Bcc: x@evil.example"


def test_undeclared_8bit_utf8_header_and_body() -> None:
    data = ("From: 张三 <zhang@example.cn>\r\nSubject: 询价 nonwoven\r\nMessage-ID: <u@x>\r\n\r\n"
            "请报价").encode()
    message = parse(data)
    assert message.subject == "询价 nonwoven"
    assert message.sender is not None and message.sender.name == "张三"
    assert message.text == "请报价"


def test_wrong_charset_is_detected_and_reported_not_dropped() -> None:
    body = "Bitte um Angebot für Vlies, Größe 30 g/m²".encode()
    message = parse(raw_mail("Subject: x\r\n", body, "text/plain; charset=x-unknown-charset"))
    assert message.text == "Bitte um Angebot für Vlies, Größe 30 g/m²"


def test_bytes_invalid_in_declared_charset_give_a_warning() -> None:
    body = b"price \xff\xfe\xfa list"
    message = parse(raw_mail("Subject: x\r\n", body, "text/plain; charset=utf-8"))
    assert "price" in message.text
    assert any("charset" in w for w in message.warnings)


def test_html_only_mail_gets_a_text_body() -> None:
    html = "<html><head><style>p{}</style></head><body><p>Order <b>now</b></p><script>x()</script></body></html>"
    message = parse(raw_mail("Subject: news\r\n", html.encode(), "text/html; charset=utf-8"))
    assert message.text == "Order\nnow" or message.text == "Order now"
    assert "x()" not in message.text
    assert message.html.startswith("<html>")


def test_headers_for_threading_and_loop_prevention() -> None:
    data = mail("Re: PO 1", "ok", headers={
        "In-Reply-To": "<a@x.example>", "References": "<r1@x.example> <a@x.example>",
        "Auto-Submitted": "Auto-Replied", "Precedence": "Bulk", "List-Id": "Fair news <news.fair.example>",
        "Return-Path": "<>", "Reply-To": "Sales <sales@northwind.example>", "Cc": "a@b.example, 李 <li@c.example>"})
    message = parse(data)
    assert message.message_id == "msg-1@northwind.example"
    assert message.in_reply_to == "a@x.example"
    assert message.references == ("r1@x.example", "a@x.example")
    assert message.auto_submitted == "auto-replied"
    assert message.precedence == "bulk"
    assert message.list_id == "Fair news <news.fair.example>"
    assert message.return_path == ""
    assert [a.addr for a in message.reply_to] == ["sales@northwind.example"]
    assert [(a.name, a.addr) for a in message.cc] == [("", "a@b.example"), ("李", "li@c.example")]
    assert message.date is not None and message.date.tzinfo is not None


def test_attachments_have_type_size_sha256_and_rfc2231_chinese_name() -> None:
    pdf = b"%PDF-1.4\n% test\n"
    message = parse(mail("PO", "see attached", attachments=[
        ("订单明细 4500871.pdf", pdf, "application/pdf"), ("notes.txt", b"hello", "text/plain")]))
    first, second = message.attachments
    assert first.filename == "订单明细 4500871.pdf"
    assert first.content_type == "application/pdf"
    assert first.size == len(pdf) and first.payload == pdf
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert second.filename == "notes.txt" and second.payload == b"hello"
    assert message.text.strip() == "see attached"


def test_rfc2047_gbk_filename_labelled_gb2312() -> None:
    name_word = b64word("喆的订单.pdf", "gb2312", "gbk")
    data = (b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <f@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
            b"--BB\r\nContent-Type: application/pdf; name=\"" + name_word.encode() + b"\"\r\n"
            b"Content-Disposition: attachment; filename=\"" + name_word.encode() + b"\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--BB--\r\n")
    message = parse(data)
    assert message.attachments[0].filename == "喆的订单.pdf"
    assert message.attachments[0].payload == b"%PDF-1.4"


@pytest.mark.parametrize("hostile, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\evil.exe", "evil.exe"),
    ("CON.pdf", "_CON.pdf"),
    ("nul", "_nul"),
    ("LPT1.txt", "_LPT1.txt"),
    ("/absolute/path.pdf", "path.pdf"),
    ("..", "attachment"),
    ("", "attachment"),
    ("a\x00b\r\nc.pdf", "abc.pdf"),
    ("invoice.pdf   ", "invoice.pdf"),
    ("report<script>.pdf", "report_script_.pdf"),
    ("订单 明细.pdf", "订单 明细.pdf"),
])
def test_hostile_filenames_become_safe_names(hostile: str, expected: str) -> None:
    assert safe_filename(hostile) == expected


def test_very_long_filename_is_cut_keeping_the_extension() -> None:
    name = safe_filename("订" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 90


def test_hostile_attachment_name_in_mail_is_kept_for_display_only() -> None:
    message = parse(mail("x", "y", attachments=[("../../etc/passwd", b"root:x", "application/octet-stream")]))
    att = message.attachments[0]
    assert att.filename == "../../etc/passwd"
    assert att.safe_name == "passwd"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \r\n\r\n", "white space"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage\x00\x00\xff", "not an email"),
    (b"just some words\nwithout any header\n", "not an email"),
    (b"X-Foo: bar\r\n\r\nbody", "not an email"),
])
def test_broken_input_is_quarantined_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(QuarantinedMail) as caught:
        parse(data)
    assert reason in caught.value.reason


def test_truncated_multipart_still_parses_what_is_there() -> None:
    data = (b"From: a@example.com\r\nSubject: cut\r\nMessage-ID: <c@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=ZZ\r\n\r\n--ZZ\r\nContent-Type: text/plain\r\n\r\n"
            b"first part\r\n--ZZ\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBER")
    message = parse(data)
    assert message.text.strip() == "first part"
    assert any("defect" in w.lower() for w in message.warnings)


def test_decode_header_value_mixes_encoded_and_plain_words() -> None:
    value = f"Order {b64word('订单', 'utf-8')} 4500871"
    assert decode_header_value(value) == "Order 订单 4500871"


def test_decode_bytes_maps_labels_to_supersets() -> None:
    assert decode_bytes("喆".encode("gbk"), "GB2312") == ("喆", None)
    assert decode_bytes("€".encode("cp1252"), "iso-8859-1") == ("€", None)


@pytest.mark.parametrize("text, charset", [("询价 订单 喆", "gbk"), ("報價詢問 訂單", "big5"),
                                           ("見積依頼 注文", "shift_jis")])
def test_raw_8bit_subject_and_filename_use_the_messages_own_charset(text: str, charset: str) -> None:
    raw = text.encode(charset)
    data = (b"From: a@example.com\r\nSubject: " + raw + b"\r\nMessage-ID: <r8@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain; charset="
            + charset.encode() + b"\r\n\r\n" + raw + b"\r\n--BB\r\nContent-Type: application/pdf\r\n"
            b"Content-Disposition: attachment; filename=\"" + raw + b".pdf\"\r\n\r\n%PDF\r\n--BB--\r\n")
    message = parse(data)
    assert message.subject == text
    assert message.attachments[0].filename == text + ".pdf"
    assert message.text.strip() == text


def test_a_broken_encoded_word_is_marked_not_turned_into_another_script() -> None:
    message = parse(raw_mail("Subject: =?utf-8?B?6K+i5Lu3?= =?utf-8?B?5L2g5aW?=\r\n", b"x"))
    assert message.subject.startswith("询价")
    assert any("invalid in charset utf-8" in w for w in message.warnings)


def test_forwarded_mail_is_kept_as_an_eml_attachment() -> None:
    inner = mail("Original PO 4500871", "inner body", message_id="inner@x")
    data = (b"From: a@example.com\r\nSubject: Fwd: PO\r\nMessage-ID: <fw@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\n"
            b"see below\r\n--BB\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; "
            b"filename=\"buyer.eml\"\r\n\r\n" + inner + b"\r\n--BB--\r\n")
    message = parse(data)
    assert message.text.strip() == "see below"
    [att] = message.attachments
    assert att.filename == "buyer.eml" and att.content_type == "message/rfc822"
    assert b"Original PO 4500871" in att.payload


@pytest.mark.parametrize("date", ["Fri, 31 Dec 9999 23:59:59 -2359", "Mon, 1 Jan 1900 00:00:00 +0000",
                                  "yesterday at noon"])
def test_impossible_dates_are_ignored_with_a_warning(date: str) -> None:
    message = parse(raw_mail(f"Date: {date}\r\nSubject: x\r\n", b"x"))
    assert message.date is None
    assert any("Date" in w for w in message.warnings)


def test_a_header_mail_parser_cannot_read_falls_back_to_the_standard_library() -> None:
    data = b"From: =?utf-8?B?!!!notbase64?= <a@example.com>\r\nSubject: hi\r\nMessage-ID: <b@x>\r\n\r\nbody"
    message = parse(data)
    assert message.sender is not None and message.sender.addr == "a@example.com"
    assert message.subject == "hi"

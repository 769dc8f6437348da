"""Loop prevention: each RFC 3834 case, and our own addresses, suppress automatic replies."""

from __future__ import annotations

import pytest

from mailflow.parse import parse
from mailflow.reply.guard import reasons_not_to_reply
from tests.mails import mail

OWN = ["orders@acme.example"]
DOMAINS = ["acme.example"]


def reasons(data: bytes) -> list[str]:
    return reasons_not_to_reply(parse(data), OWN, DOMAINS)


def test_an_ordinary_buyer_mail_may_be_answered() -> None:
    assert reasons(mail("Inquiry for spunlace")) == []


@pytest.mark.parametrize("headers, sender, subject, fragment", [
    ({"Auto-Submitted": "auto-replied"}, None, "Re: PO", "Auto-Submitted"),
    ({"Auto-Submitted": "auto-generated"}, None, "Notice", "Auto-Submitted"),
    ({"Precedence": "bulk"}, None, "News", "Precedence"),
    ({"Precedence": "list"}, None, "News", "Precedence"),
    ({"Precedence": "junk"}, None, "News", "Precedence"),
    ({"List-Id": "<news.fair.example>"}, None, "News", "mailing list"),
    ({"List-Unsubscribe": "<mailto:u@fair.example>"}, None, "News", "mailing list"),
    ({"Return-Path": "<>"}, None, "Hi", "null Return-Path"),
    ({}, "MAILER-DAEMON@mx.acme.example", "Hi", "does not take replies"),
    ({}, "postmaster@northwind.example", "Hi", "does not take replies"),
    ({}, "noreply@northwind.example", "Hi", "does not take replies"),
    ({}, "no-reply@northwind.example", "Hi", "does not take replies"),
    ({}, "do-not-reply@northwind.example", "Hi", "does not take replies"),
    ({"X-Autoreply": "yes"}, None, "Hi", "X-Autoreply"),
    ({"X-Auto-Response-Suppress": "All"}, None, "Hi", "X-Auto-Response-Suppress"),
    ({}, "orders@acme.example", "Hi", "our own addresses"),
    ({}, "lily@acme.example", "Hi", "our own addresses"),
    ({}, None, "Automatic reply: PO 4500871", "looks automatic"),
    ({}, None, "Out of Office", "looks automatic"),
    ({}, None, "自动回复: 询价", "looks automatic"),
])
def test_automatic_mail_gets_no_reply(headers: dict[str, str], sender: str | None, subject: str,
                                      fragment: str) -> None:
    data = mail(subject, headers=headers, **({"sender": sender} if sender else {}))
    found = reasons(data)
    assert any(fragment in r for r in found), found


def test_reply_to_our_own_address_is_refused_even_when_from_is_a_buyer() -> None:
    data = mail("Hi", headers={"Reply-To": "orders@acme.example"})
    assert any("our own" in r for r in reasons(data))


def test_delivery_report_content_type_is_a_bounce() -> None:
    data = (b"From: Mail System <mailer@mx.example>\r\nTo: orders@acme.example\r\nSubject: failure\r\n"
            b"Message-ID: <b@x>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
            b"--R\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--R--\r\n")
    assert any("multipart/report" in r for r in reasons(data))

"""A reply's MIME: written directly for text with an HTML alternative, by the `email` package
when it carries files. The direct writing must give the bytes the `email` package gives (but
the boundary, random in both), and what a recipient's mail program reads must be the reply."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import random
import re
from collections.abc import Callable

import pytest

from mailflow.model import Address
from mailflow.parse import parse
from mailflow.reply.compose import _email_package, _written, compose, compose_new, reply_subject
from tests.mails import mail

BOUNDARY = re.compile(rb'boundary="([^"]+)"')


def same_boundary(raw: bytes) -> bytes:
    found = BOUNDARY.search(raw)
    return raw.replace(found.group(1), b"=" * 15 + b"B" * 19 + b"==") if found else raw


def written(how: Callable[[list[tuple[str, str]], str, str], bytes], headers: list[tuple[str, str]], text: str,
            html: str) -> bytes | str:
    try:
        return same_boundary(how(headers, text, html))
    except Exception as exc:  # noqa: BLE001 - a value refused must be refused by both
        return type(exc).__name__


def assert_same(headers: list[tuple[str, str]], text: str, html: str) -> None:
    for header in headers:
        assert written(_written, [header], text, html) == written(_email_package, [header], text, html), header


NAMES = ["", "Bob", "Bob Buyer", "O'Neil", "Acme Co., Ltd.", 'Bob "the buyer"', "Back\\slash", "王小明",
         "Müller GmbH", "Bob (sales)", "=?utf-8?q?x?=", "a" * 80, "Northwind Trading Company Limited Sales Dept"]
ADDRESSES = ["bob@northwind.example", "b.o-b+x@mail.buyer.example", "x@localhost", "bob@[10.0.0.1]",
             "a..b@x.example", "bob@x.example."]
SUBJECTS = ["Re: PO 4500871", "Re: Inquiry: spunlace 45 gsm, 20 tons [Order KS-1]", "Re:", "回复：询价",
            "Re: 您发给Acme Nonwovens的邮件", "Re: a  b", " Re: x", "Re: x ", "Re: (PO) \"x\" <y> a@b; c, d.",
            "Re: =?utf-8?q?Hi?=", "Re: " + "long words " * 30, "Re: " + "x" * 120, "Re: tab\tinside",
            "Re: Straße", "Re: 😀"]
TEXTS = ["", "Thanks.", "Thanks 谢谢\n", "a\r\nb\rc\n", "x" * 78, "x" * 79, "é" * 39 + "\n" + "é" * 40,
         "Dear sir, please quote spunlace 45gsm and let us know the lead time by next week.\n" * 12,
         "您好，我们已收到您的询价，销售部门正在准备报价，将在一个工作日内回复您价格、起订量和交货期。\n" * 3,
         "From the start\n.\n..\nFrom\n", "=3D= trailing space \nand tab\t\n", "line\x0bvt\x0cff\u2028ls\n"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("html", ["", "<p>Thanks &amp; 谢谢</p>", "<p>" + "word " * 40 + "</p>\n"])
def test_the_bodies_are_written_as_the_email_package_writes_them(text: str, html: str) -> None:
    headers = [("From", "Acme <orders@acme.example>"), ("Subject", "Re: x"), ("X-Mailer", "mailflow")]
    assert_same(headers, text, html)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("addr", ADDRESSES)
def test_addresses_are_written_as_the_email_package_writes_them(name: str, addr: str) -> None:
    value = email.utils.formataddr((name, addr))
    assert_same([("From", value), ("To", f"{value}, {value}")], "x", "")


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subjects_and_threading_are_written_as_the_email_package_writes_them(subject: str) -> None:
    refs = " ".join(f"<r{i}.{'x' * i}@buyer.example>" for i in range(20))
    headers = [("Subject", reply_subject(subject, None)), ("Subject", subject.strip()),
               ("Message-ID", "<mailflow.02669ae12130f66a1e56c973@acme.example>"),
               ("Message-ID", "<odd id@x>"), ("In-Reply-To", "<msg-1@northwind.example>"),
               ("References", "<msg-1@northwind.example>"), ("References", refs)]
    assert_same(headers, "x", "<p>x</p>")


@pytest.mark.parametrize("when", [
    dt.datetime(2026, 12, 6, 20, 14, 40, 123, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 5, 9, 0),  # noqa: DTZ001 - a naive time is written with -0000
    dt.datetime(2026, 7, 1, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))])
def test_dates_are_written_as_the_email_package_writes_them(when: dt.datetime) -> None:
    assert_same([("Date", email.utils.format_datetime(when))], "x", "")


def test_random_headers_and_bodies_are_written_as_the_email_package_writes_them() -> None:
    rng = random.Random(26)
    alphabet = "abc XYZ 019 .,;:<>@\"'()[]\\=?-_+/ 王é\t"
    for _ in range(300):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90))).strip()
        name = rng.choice(["Subject", "X-Mailer", "From", "To", "In-Reply-To"])
        body = "".join(rng.choice(alphabet + "\n\n\r") for _ in range(rng.randint(0, 400)))
        assert_same([(name, value)], body, rng.choice(["", body, "<p>" + body]))


@pytest.mark.parametrize("name", ["Bob Buyer", "王小明", ""])
@pytest.mark.parametrize("subject", ["Re: PO 4500871 [Order KS-1]", "Re: 您发给Acme Nonwovens的邮件"])
def test_a_whole_reply_is_written_as_the_email_package_writes_it(name: str, subject: str) -> None:
    headers = [("From", "Acme Sales <orders@acme.example>"),
               ("To", email.utils.formataddr((name, "bob@northwind.example"))), ("Subject", subject),
               ("Date", "Sun, 06 Dec 2026 20:14:40 +0000"),
               ("Message-ID", "<mailflow.02669ae12130f66a1e56c973@acme.example>"),
               ("In-Reply-To", "<msg-1@northwind.example>"), ("References", "<r0@x> <msg-1@northwind.example>"),
               ("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All"), ("X-Mailer", "mailflow")]
    for text, html in (("Dear Bob,\nthank you.\n", "<p>Dear Bob,</p>"), ("王先生您好，\n" * 20, "")):
        assert written(_written, headers, text, html) == written(_email_package, headers, text, html)


def test_a_header_that_would_break_a_line_is_refused_as_before() -> None:
    for value in ("Hi\r\nBcc: x@evil.example", "Hi\u2028Bcc: x@evil.example"):
        assert written(_written, [("Subject", value)], "x", "") == "ValueError"
        assert written(_email_package, [("Subject", value)], "x", "") == "ValueError"


@pytest.mark.parametrize("attached", [False, True])
def test_a_reply_read_by_a_recipient(attached: bool) -> None:
    original = parse(mail("询价：水刺无纺布 45 gsm", "请报价。", sender="王小明 <wang@buyer.example>",
                          headers={"References": "<r0@buyer.example>"}))
    when = dt.datetime(2026, 12, 6, 20, 14, 40, tzinfo=dt.UTC)
    files = [("packing-list-KS-1.pdf", "application/pdf", b"%PDF-1.7 ...")] if attached else []
    raw = compose(message=original, sender=Address("艾克美销售部", "orders@acme.example"), to=original.from_,
                  subject=reply_subject(original.subject, "[Order KS-1]"), text="王先生您好，\n谢谢您的询价。\n",
                  html="<p>王先生您好，</p><p>谢谢您的询价。</p>", message_id="mailflow.abc@acme.example",
                  when=when, attachments=files)
    assert all(len(line) <= 78 for line in raw.split(b"\r\n")) and raw.isascii() is False  # 8bit text
    read = email.message_from_bytes(raw, policy=email.policy.default)
    assert read["From"] == "艾克美销售部 <orders@acme.example>"
    assert read["To"] == "王小明 <wang@buyer.example>" and read["To"].addresses[0].display_name == "王小明"
    assert read["Subject"] == "Re: 询价：水刺无纺布 45 gsm [Order KS-1]"
    assert read["Date"].datetime == when
    assert read["Message-ID"] == "<mailflow.abc@acme.example>"
    assert read["In-Reply-To"] == "<msg-1@northwind.example>"
    assert read["References"] == "<r0@buyer.example> <msg-1@northwind.example>"
    assert read["Auto-Submitted"] == "auto-replied" and read["X-Auto-Response-Suppress"] == "All"
    assert read["X-Mailer"] == "mailflow" and read["MIME-Version"] == "1.0"
    assert read.get_content_type() == ("multipart/mixed" if attached else "multipart/alternative")
    assert read.get_body(("plain",)).get_content() == "王先生您好，\r\n谢谢您的询价。\r\n"  # 8bit: as sent
    assert read.get_body(("html",)).get_content() == "<p>王先生您好，</p><p>谢谢您的询价。</p>\r\n"
    assert [(p.get_filename(), p.get_content_type(), p.get_content()) for p in read.iter_attachments()] == \
        ([("packing-list-KS-1.pdf", "application/pdf", b"%PDF-1.7 ...")] if attached else [])
    assert not read.defects and not any(part.defects for part in read.walk())
    head = re.sub(r"\r\n[ \t]", " ", raw.split(b"\r\n\r\n")[0].decode("ascii"))  # headers: 7-bit, RFC 2047
    assert all("=?utf-8?" in line for line in head.split("\r\n") if line.startswith(("From:", "To:", "Subject:")))


def test_the_digest_has_one_text_part_when_it_has_no_html() -> None:
    raw = compose_new(sender=Address("Acme", "orders@acme.example"), to=(Address("", "lily@acme.example"),),
                      subject="今日计划", text="今天没有到期事项。\n", html="", message_id="mailflow.digest.1@acme.example")
    read = email.message_from_bytes(raw, policy=email.policy.default)
    assert read.get_content_type() == "text/plain" and read["Auto-Submitted"] == "auto-generated"
    assert read.get_content() == "今天没有到期事项。\r\n" and read["Subject"] == "今日计划"


def test_a_boundary_found_in_the_text_is_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import mailflow.reply.compose as composing

    monkeypatch.setattr(composing.random, "randrange", lambda _: 42)
    text = f"quoted:\n--{'=' * 15}{42:019d}==\n"
    raw = _written([("Subject", "Re: x")], text, "<p>x</p>")
    assert f'boundary="{"=" * 15}{42:019d}==.0"'.encode() in raw
    read = email.message_from_bytes(raw, policy=email.policy.default)
    assert [part.get_content_type() for part in read.iter_parts()] == ["text/plain", "text/html"]
    assert read.get_body(("plain",)).get_content().replace("\r\n", "\n") == text

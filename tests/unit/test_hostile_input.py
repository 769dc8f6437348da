"""Hostile and odd input, piece by piece: charsets, bidi controls, order numbers that are not,
hold_if that cannot be evaluated, templates that fail on every mail, jobs that raise."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mailflow import linear
from mailflow.config import DEFAULT_ORDER_PATTERNS, load_config
from mailflow.correlate import find_numbers
from mailflow.errors import ReplyTemplateError
from mailflow.model import OrderData
from mailflow.parse import decode_bytes, parse
from mailflow.reply.render import ReplyTemplates
from tests.conftest import ROOT
from tests.mails import mail

PATTERNS = [linear.compile(p) for p in DEFAULT_ORDER_PATTERNS]


def numbers(subject: str, body: str = "") -> list[str]:
    return [f.number for f in find_numbers(parse(mail(subject, body or "x")), OrderData(), PATTERNS)]


@pytest.mark.parametrize("subject", ["POWER7+ server quotation", "IBM POWER7+ and PIPE123 fittings",
                                     "Re: Pipeline PIE2 offer", "photo PO 12"])
def test_words_that_begin_like_a_label_are_no_order_number(subject: str) -> None:
    assert numbers(subject) == []


@pytest.mark.parametrize("subject, expected", [
    ("PO 4500871", "4500871"), ("PO4500871 attached", "4500871"), ("P.O. No.: MH-2026-118", "MH-2026-118"),
    ("Order No. 4500871", "4500871"), ("order MH-2026-118 shipped", "MH-2026-118"),
    ("P/I No. AN-PI-26-0311", "AN-PI-26-0311"), ("PI2611-07 signed", "2611-07"),
    ("订单号：4500871", "4500871"), ("訂單編號\u3000SC2611", "SC2611"),
])
def test_real_order_numbers_are_still_found(subject: str, expected: str) -> None:
    assert numbers(subject)[:1] == [expected]


def test_iso_2022_jp_with_nec_characters_decodes_without_escapes() -> None:
    data = b"\x1b$B-!-j%F%9%H\x1b(B"  # (1) and (kabu) from NEC row 13, then katakana
    assert decode_bytes(data, "iso-2022-jp") == ("①㈱テスト", None)


def test_an_unknown_charset_is_never_read_as_utf16() -> None:
    text = "订单确认，请查收附件中的形式发票和装箱单。"
    decoded, warning = decode_bytes(text.encode("gbk"), "x-mac-chinesesimp-unknown")
    assert decoded == text and warning and "detected" in warning


def test_a_utf16_body_without_a_charset_loses_its_nuls_and_says_so() -> None:
    raw = (b"From: a@b.example\r\nSubject: x\r\nMessage-ID: <u16@b>\r\nContent-Type: text/plain\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n")
    import base64

    raw += base64.encodebytes("Please quote 20 tons.".encode("utf-16-le"))
    message = parse(raw)
    assert message.text.strip() == "Please quote 20 tons." and "\x00" not in message.text
    assert any("NUL" in w for w in message.warnings)


def test_a_raw_gbk_file_name_beside_a_utf8_body_is_chinese_not_hangul() -> None:
    name = "采购订单 PO-4500871.pdf".encode("gbk")
    raw = (b"From: a@b.example\r\nSubject: po\r\nMessage-ID: <gbk@b>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xe8\xae\xa2\xe5\x8d\x95\r\n--XX\r\n"
           b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + name +
           b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--XX--\r\n")
    message = parse(raw)
    assert message.attachments[0].filename == "采购订单 PO-4500871.pdf"
    assert any("guessed" in w for w in message.warnings)


def test_bidi_controls_are_removed_from_what_is_shown_and_kept_in_the_bytes() -> None:
    rlo = "\u202e"
    raw = mail(f"Invoice {rlo}fdp.exe", "see attached",
               attachments=[(f"invoice_{rlo}fdp.exe", b"MZ", "application/octet-stream")])
    message = parse(raw)
    assert rlo not in message.subject and rlo not in message.attachments[0].filename
    assert rlo not in message.attachments[0].safe_name
    assert rlo.encode("utf-8") in raw or b"=E2=80=AE" in raw or b"4oCu" in raw  # still in the raw mail


def test_a_template_that_fails_on_every_mail_stops_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "reply"
    folder.mkdir()
    (folder / "broken.en.txt.j2").write_text("Dear {{ sender_name }},\n\n{{ order.lines | join(1, 2) }}\n",
                                             encoding="utf-8")
    templates = ReplyTemplates(folder)
    templates.check()  # it compiles
    from mailflow.reply.plan import sample_contexts

    config = load_config(_config(tmp_path))
    with pytest.raises(ReplyTemplateError) as caught:
        templates.check_render(sample_contexts(config))
    assert caught.value.file and caught.value.file.endswith("broken.en.txt.j2") and caught.value.line == 3


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "mailflow.yaml"
    path.write_text(f"identity: {{company: Acme, address: orders@acme.example}}\nrules: {ROOT / 'rules'}\n"
                    f"templates: {ROOT / 'templates'}\n", encoding="utf-8")
    return path


def test_a_hold_if_that_cannot_be_evaluated_holds_with_the_reason(tmp_path: Path) -> None:
    """README's own margin rule on an order without a total: `order.total > 50000` raises on
    None; the reply is held and the reason says why."""
    from mailflow.model import LineItem
    from mailflow.reply.plan import _hold_if

    data = OrderData(numbers=("4500871",), lines=(LineItem("A", "x"),))  # read, but no total
    [(english, chinese)] = _hold_if("order.checks_failed or order.total > 50000", data, "reply.hold_if")
    assert "cannot be evaluated" in english and "TypeError" in english
    assert chinese == ""  # the evaluator's own words have no Chinese: the desk shows the English
    assert _hold_if("order.total > 50000", dataclasses.replace(data, total=__import__("decimal").Decimal(10)),
                    "reply.hold_if") == []
    [(english, chinese)] = _hold_if("order.total > 1", OrderData(), "rule r", "规则 r")
    assert "no order data was read" in english and chinese == "规则 r 'order.total > 1' 无法判断：未读到订单数据"


def test_a_failing_job_is_retried_after_a_pause_and_never_raises() -> None:
    from mailflow.daemon import Guarded

    calls: list[int] = []

    def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the disk is full")

    guarded = Guarded("test job", job)
    guarded()  # raises inside: logged and counted, not raised
    assert guarded.failures == 1 and guarded.not_before > 0
    guarded()  # within the pause: skipped
    assert len(calls) == 1
    guarded.not_before = 0.0  # the pause is over
    guarded()
    assert len(calls) == 2 and guarded.failures == 0 and guarded.total_failures == 1


def test_globs_are_linear_and_match_like_the_shell() -> None:
    assert linear.glob("*a*a*a*a*b").search("a" * 50_000) is None
    assert linear.glob("PO_??.xls[xm]").search("po_12.XLSX") is not None
    assert linear.glob("[!~]*.pdf").search("~tmp.pdf") is None

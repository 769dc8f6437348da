"""What filing faster must not change: a reply's bytes, a decision's answers, the ETA a first
sync shows."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import logging

import pytest

from mailflow.correlate import KnownOrder
from mailflow.decide import Remembered
from mailflow.model import Address, Origin, RawMail
from mailflow.parse import parse
from mailflow.reply import compose as composing
from mailflow.sources.imap import _Progress, time_left
from tests.mails import mail

ASKED = mail("询价 水刺无纺布 PO 4500871", "请报40克水刺无纺布的最优价格。", sender="李 <li@buyer.example>",
             message_id="ask@buyer.example")


def test_a_reply_composed_with_the_remembered_header_classes_is_byte_for_byte_the_standard_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Text only (no random MIME boundary), a Chinese name and subject that need encoding."""
    answered = parse(ASKED)
    reply = {"message": answered, "sender": Address("Acme 纺织", "orders@acme.example"),
             "to": (Address("李 经理", "li@buyer.example"),), "subject": "Re: " + answered.subject,
             "text": "李经理，您好：\n\n谢谢询价。\n", "html": "", "message_id": "mailflow.1@acme.example",
             "when": dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)}
    fast = composing.compose(**reply)
    fast_again = composing.compose(**reply)  # the classes remembered by the first
    monkeypatch.setattr(composing, "POLICY", email.policy.SMTP)
    assert fast == fast_again == composing.compose(**reply)
    assert b"In-Reply-To: <ask@buyer.example>" in fast


class Counting:
    """A store's lookups, answering from fixed data and counting each question."""

    def __init__(self) -> None:
        self.asked: list[tuple[object, ...]] = []

    def orders_with_aliases(self, keys):
        self.asked.append(("orders_with_aliases", tuple(keys)))
        return {"4500871": [KnownOrder(7, "4500871", "buyer.example", "sale")]} if "4500871" in keys else {}

    def order_of_messages(self, message_ids):
        self.asked.append(("order_of_messages", tuple(message_ids)))

    def order_data(self, order_id):
        self.asked.append(("order_data", order_id))
        return {"currency": "USD"}

    def recent_reply(self, *args):
        self.asked.append(("recent_reply", *args))
        return False


def test_one_decision_asks_the_store_each_question_once_and_gets_the_same_answers() -> None:
    store = Counting()
    remembered = Remembered(store)
    for _ in range(3):
        assert remembered.orders_with_aliases(["4500871"])["4500871"][0].id == 7
        assert remembered.orders_with_aliases(["9999"]) == {}
        assert remembered.order_data(7) == {"currency": "USD"}
        assert remembered.order_of_messages(["a@b"]) is None
        assert remembered.recent_reply("t", "a@b") is False  # a question of time: asked each time
    assert sorted(set(store.asked), key=str) == sorted(store.asked[:4] + [("recent_reply", "t", "a@b")], key=str)
    assert len(store.asked) == 4 + 3
    assert getattr(remembered, "case_by_number", None) is None  # what the store cannot answer stays so
    Remembered(store).order_data(7)  # the next decision asks anew
    assert store.asked.count(("order_data", 7)) == 2


def test_a_raw_mail_is_named_by_the_sha256_of_its_bytes_computed_once() -> None:
    raw = RawMail(ASKED, Origin("file", path="m.eml"))
    assert raw.sha256 == hashlib.sha256(ASKED).hexdigest()
    assert raw.sha256 is raw.sha256


@pytest.mark.parametrize(("done", "total", "seconds", "left"), [
    (0, 2000, 0.0, "unknown"), (500, 2000, 10.0, "about 30 s"), (100, 2000, 10.0, "about 3 min"),
    (10, 100_000, 10.0, "about 27.8 h"), (2000, 2000, 40.0, "done")])
def test_the_time_left_of_a_first_sync_is_the_rest_at_the_rate_so_far(done: int, total: int, seconds: float,
                                                                     left: str) -> None:
    assert time_left(done, total, seconds) == left


def test_a_first_sync_without_a_terminal_logs_its_eta(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mailflow")
    with _Progress("desk@imap/INBOX", 2000, bar=False) as advance:
        advance(500, 10.0)
        advance(2000, 40.0)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["desk@imap/INBOX: 500/2000 messages (50 msg/s, ETA about 30 s)",
                     "desk@imap/INBOX: 2000/2000 messages (50 msg/s)"]


@pytest.mark.parametrize(("system", "release", "trusted"), [
    ("Linux", "6.1.0-27-amd64", True), ("Linux", "5.8.0", True), ("Linux", "5.4.0-150-generic", False),
    ("Linux", "3.10.0-1160.el7.x86_64", False), ("Linux", "not-a-version", False), ("Darwin", "23.0.0", False)])
def test_syncfs_is_trusted_only_where_it_reports_a_failed_writeback(system: str, release: str, trusted: bool) -> None:
    """Before Linux 5.8 syncfs returned 0 after a failed writeback: a batch would commit rows
    pointing at files not on the disk. There each file is fsynced instead."""
    from mailflow.store.archive import _reports_write_errors

    assert _reports_write_errors(system, release) is trusted


def test_money_is_shown_with_separators_and_never_rounded() -> None:
    from mailflow.web.render import money

    assert money("43020", "USD") == "USD 43,020.00"
    assert money("0.485", "USD") == "USD 0.485"
    assert money("0.12345678", "USD") == "USD 0.12345678"
    assert money("12345.123456789", "USD") == "USD 12345.123456789"  # more places than money has: as written
    assert money("n/a", "USD") == "USD n/a" and money(None) == ""


def test_the_archive_refuses_words_that_leave_it_and_writes_through_a_temporary_file(tmp_path) -> None:
    """The check is on the words of the path (ours: dates, hashes, safe names); a file is
    written under a temporary name and renamed, readable by us alone, and the same bytes again
    are not written again."""
    import os
    import stat
    from pathlib import PurePosixPath

    from mailflow.store.archive import LocalArchive

    archive = LocalArchive(tmp_path / "archive")
    for rel in ("../outside.eml", "orders/../../outside.eml", "/etc/passwd", "", "."):
        with pytest.raises(ValueError, match="outside the archive"):
            archive.put(PurePosixPath(rel), b"x")
    rel = PurePosixPath("orders/4500871/mail/2026-11-10T090000Z_in_0123abcd.eml")
    path, created = archive.put(rel, b"mail")
    assert created and path == tmp_path / "archive" / rel and path.read_bytes() == b"mail"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert archive.put(rel, b"mail") == (path, False)
    assert archive.put(rel, b"mail, corrected") == (path, True) and archive.read(rel) == b"mail, corrected"
    archive.write(PurePosixPath("orders/4500871/order.json"), b"{}\n")
    assert sorted(p.name for p in path.parent.parent.rglob("*")) == [
        "2026-11-10T090000Z_in_0123abcd.eml", "mail", "order.json"]

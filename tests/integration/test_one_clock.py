"""Business time has one clock (mailflow.clock): frozen at a day far from today, a reply's Date
header, a new complaint's case number, the rate limit's window, the CLI's default day and the
store's timestamps all follow it, and days are the desk's (its time zone), not the machine's."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from mailflow.config import load_config
from mailflow.model import Address
from mailflow.parse import parse
from mailflow.reply.compose import compose_new
from mailflow.reply.plan import case_number
from mailflow.store import Store
from mailflow.store.db import utcnow
from tests.conftest import write_desk

pytestmark = pytest.mark.integration

FAR = dt.datetime(2031, 3, 4, 20, 30, tzinfo=dt.UTC)  # 04:30 on 5 March in Shanghai


def _undated_complaint() -> bytes:
    message = EmailMessage()
    message["From"] = "bob@northwind.example"
    message["To"] = "orders@acme.example"
    message["Subject"] = "Quality claim: wrong GSM"
    message["Message-ID"] = "<undated@northwind.example>"
    message.set_content("The rolls are 40gsm, not 45gsm.")
    return message.as_bytes()


def test_a_reply_date_and_a_new_case_number_follow_the_frozen_clock_in_the_desk_s_zone() -> None:
    with clock.frozen(FAR):
        raw = compose_new(sender=Address("Acme", "orders@acme.example"), to=(Address("", "bob@n.example"),),
                          subject="plan", text="hello", html="", message_id="d@acme.example")
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        assert sent["Date"].datetime == FAR
        message = parse(_undated_complaint())
        assert message.date is None
        assert case_number(message, dt.UTC).startswith("C310304-")
        assert case_number(message, ZoneInfo("Asia/Shanghai")).startswith("C310305-")  # the desk's day
        assert utcnow() == FAR  # what a row says happened


def test_the_rate_limit_window_follows_the_frozen_clock() -> None:
    from mailflow.decide import _replied_recently

    asked: list[dt.datetime] = []

    class Lookup:
        def recent_reply(self, template: str, address: str, since: dt.datetime, order_id: Any,
                         revision: str) -> bool:
            asked.append(since)
            return False

    with clock.frozen(FAR):
        recently = _replied_recently(Lookup(), 24)  # type: ignore[arg-type]
        recently("inquiry_ack", "bob@n.example", None, "")
    assert asked == [FAR - dt.timedelta(hours=24)]


def test_the_cli_s_default_day_and_the_store_s_rows_follow_the_frozen_clock(
        tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "followup: {enabled: false, timezone: Asia/Shanghai}\n",
                      encoding="utf-8")
    (config.parent / "inbox" / "complaint.eml").write_bytes(_undated_complaint())
    with clock.frozen(FAR):
        result = CliRunner().invoke(main, ["--config", str(config), "plan", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["date"] == "2031-03-05"  # the desk's day in Shanghai
        result = CliRunner().invoke(main, ["--config", str(config), "run", "--once"])
        assert result.exit_code == 0, result.output
    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        [case] = store.cases()
        assert case.number.startswith("C310305-") and case.opened_at == FAR
        [reply] = store.outbox()
        assert email.message_from_bytes(reply.raw, policy=email.policy.default)["Date"].datetime == FAR
    finally:
        store.close()

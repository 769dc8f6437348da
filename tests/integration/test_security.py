"""Nobody hijacks an order or makes the desk a relay: a subject token counts only from the
order's parties, a first-time sender's words are never echoed, a Reply-To elsewhere is held,
and our own server's DMARC fail silences the acknowledgement."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from mailflow.store import Store
from tests.conftest import write_desk
from tests.mails import mail

pytestmark = pytest.mark.integration

PO = mail("PO 4501234 - spunlace rolls", "Please find our PO 4501234 for 20 tons.",
          sender="Bob <bob@northwind.example>", message_id="po@northwind.example")


def run(config: Path, *files: tuple[str, bytes]) -> None:
    for name, data in files:
        (config.parent / "inbox" / name).write_bytes(data)
    result = CliRunner().invoke(main, ["--config", str(config), "run", "--once"])
    assert result.exit_code == 0, result.output


def show(config: Path, number: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["--config", str(config), "order", "show", number, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def message(config: Path, url: str, message_id: str) -> Any:
    store = Store(url, config.parent / "var" / "archive")
    try:
        return next(m for m in store.messages() if m.message_id == message_id)
    finally:
        store.close()


def outbox(config: Path) -> list[dict[str, Any]]:
    return json.loads(CliRunner().invoke(main, ["--config", str(config), "outbox", "list", "--json"]).stdout)  # type: ignore[no-any-return]


def test_a_subject_token_from_a_stranger_does_not_join_the_order(tmp_path: Path, database_url: str) -> None:
    config = write_desk(tmp_path / "desk", database_url)
    run(config, ("1.eml", PO))
    run(config, ("2.eml", mail("NEW bank details [Order 4501234]", "Please pay to our new account.",
                               sender="Accounts <accounts@attacker.example>", message_id="evil@attacker.example")),
        ("3.eml", mail("Re: marking [Order 4501234]", "Please add our logo to the cartons.",
                       sender="Bob <bob@northwind.example>", message_id="marks@northwind.example")))
    shown = show(config, "4501234")
    ids = {m["message_id"] for m in shown["messages"]}
    assert ids == {"po@northwind.example", "marks@northwind.example"}  # the buyer's own token counts
    evil = message(config, database_url, "evil@attacker.example")
    assert evil.order_id is None and evil.path.startswith("unfiled/")
    assert "suspicious" in evil.decision["tags"]
    assert any("not one of that order's parties" in w for w in evil.warnings)


def test_a_first_time_sender_gets_an_acknowledgement_that_quotes_nothing_of_theirs(
        tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    run(config, ("1.eml", mail("Quotation http://win-a-prize.example/offer", "Please quote 20 tons.",
                               sender="Click http://win-a-prize.example <victim@elsewhere.example>",
                               message_id="spam@elsewhere.example",
                               attachments=[("visit-win-a-prize.example.txt", b"x", "text/plain")])))
    [reply] = outbox(config)
    store = Store(sqlite_url, config.parent / "var" / "archive")
    try:
        raw = store.reply(reply["id"]).raw
    finally:
        store.close()
    text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()
    assert "win-a-prize" not in raw.decode("utf-8", "replace") and "win-a-prize" not in text
    assert reply["subject"].startswith("Re: Your message to Acme Nonwovens")


def test_a_reply_to_in_another_domain_is_held(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    run(config, ("1.eml", mail("Inquiry for spunlace", "Please quote 20 tons.",
                               sender="Bob <bob@northwind.example>", message_id="rt@northwind.example",
                               headers={"Reply-To": "payments@look-alike-northwind.example"})))
    [reply] = outbox(config)
    assert reply["state"] == "held" and "Reply-To payments@look-alike-northwind.example" in reply["reason"]


def test_our_servers_dmarc_fail_suppresses_the_reply(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text().replace("address: orders@acme.example}",
                                                 "address: orders@acme.example, authserv_ids: [mx.acme.example]}"),
                      encoding="utf-8")
    run(config, ("1.eml", mail("Inquiry for spunlace", "Please quote 20 tons.",
                               sender="Bob <bob@northwind.example>", message_id="forged@northwind.example",
                               headers={"Authentication-Results": "mx.acme.example; spf=fail; dmarc=fail"})))
    assert outbox(config) == []
    store = Store(sqlite_url, config.parent / "var" / "archive")
    try:
        from sqlalchemy import select

        from mailflow.store.db import EventRow

        with store.sessions() as session:
            events = session.scalars(select(EventRow).where(EventRow.kind == "reply-suppressed")).all()
    finally:
        store.close()
    assert [e.detail["reason"] for e in events] == ["our mail server found DMARC fail: the sender is forged"]

"""Replies over real SMTP (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL: exactly once,
threaded, held until approved, retried on 4xx, failed on 5xx, never resent when uncertain, rate
limited, header injection inert, and a copy in the IMAP Sent folder (Dovecot)."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from mailflow.cli import main
from mailflow.config import load_config
from mailflow.store import Store
from mailflow.store.db import OutboxRow
from tests.conftest import EXAMPLES, write_desk
from tests.mails import mail
from tests.smtpd import SmtpServer

pytestmark = pytest.mark.integration

INQUIRY = mail("Inquiry for spunlace 45gsm", "Please quote 45gsm spunlace, 20 tons, FOB Shanghai.",
               sender="Tom Harris <tom@northwind.example>", message_id="inq-1@northwind.example")


def desk(tmp_path: Path, database_url: str, port: int, extra: str = "", inbox: Path | None = None) -> Path:
    config = write_desk(tmp_path / "desk", database_url, inbox)
    config.write_text(config.read_text() + f"smtp: {{host: 127.0.0.1, port: {port}, tls: none, "
                      "timeout: 10, retry_base_seconds: 600}\n" + extra, encoding="utf-8")
    return config


def cli(config: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result


def drop(config: Path, name: str, data: bytes) -> None:
    (config.parent / "inbox" / name).write_bytes(data)


def outbox(config: Path) -> list[dict[str, Any]]:
    import json

    # stdout only: the SMTP test server's thread may still be logging a session's end to stderr
    return json.loads(cli(config, "outbox", "list", "--json").stdout)  # type: ignore[no-any-return]


def test_an_inquiry_gets_exactly_one_threaded_acknowledgement(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    cli(config, "outbox", "send")  # nothing left to send
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.mail_from == "orders@acme.example" and got.rcpt_tos == ["tom@northwind.example"]
    sent = email.message_from_bytes(got.data, policy=email.policy.default)
    assert sent["In-Reply-To"] == "<inq-1@northwind.example>"
    assert "<inq-1@northwind.example>" in sent["References"]
    assert sent["Auto-Submitted"] == "auto-replied" and sent["X-Auto-Response-Suppress"] == "All"
    [row] = outbox(config)
    assert row["state"] == "sent" and sent["Message-ID"] == f"<{row['message_id']}>"
    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        out = [m for m in store.messages() if m.direction == "out"]
        assert len(out) == 1 and "_out_" in out[0].path and out[0].message_id == row["message_id"]
        archived = store.archive.read(out[0].path)
        assert archived.rstrip(b"\r\n") == got.data.rstrip(b"\r\n")  # what the server got
    finally:
        store.close()


def test_a_held_confirmation_waits_for_approval_then_goes_once(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "po.eml", (EXAMPLES / "inbox" / "08-po-northwind-new-order.eml").read_bytes())
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    assert smtp_server.received == []
    [held] = [r for r in outbox(config) if r["template"] == "order_confirmation"]
    assert held["state"] == "held"
    cli(config, "outbox", "approve", str(held["id"]))
    cli(config, "outbox", "send")
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1
    assert b"NW-SL45-P200" in smtp_server.received[0].data  # the confirmation lists the real items


def test_451_then_success_sends_once(tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    smtp_server.handler.mode = "451-once"
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    assert "retrying 1" in cli(config, "outbox", "send").output
    [row] = outbox(config)
    assert row["state"] == "queued" and "451" in row["reason"]
    assert "sent 0" in cli(config, "outbox", "send").output  # waiting out its pause: not due yet
    assert cli(config, "outbox", "retry", str(row["id"])).exit_code == 0  # no clock involved
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1 and outbox(config)[0]["state"] == "sent"


def test_550_fails_with_the_server_s_reason(tmp_path: Path, database_url: str,
                                            smtp_server: SmtpServer) -> None:
    smtp_server.handler.mode = "550"
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    cli(config, "outbox", "send")
    [row] = outbox(config)
    assert row["state"] == "failed" and "550 5.7.1 recipient refuses" in row["reason"]


def test_a_connection_lost_after_the_data_is_uncertain_and_not_resent(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    smtp_server.handler.mode = "drop"
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1
    [row] = outbox(config)
    assert row["state"] == "uncertain" and "after the message was sent" in row["reason"]


def test_killed_while_the_server_takes_the_data_then_restarted_sends_no_duplicate(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    smtp_server.handler.mode = "hold"
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    sender = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "outbox", "send"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert smtp_server.handler.arrived.wait(30), "the reply never reached the server"
        os.kill(sender.pid, signal.SIGKILL)
    finally:
        sender.wait(30)
    smtp_server.handler.release.set()
    smtp_server.handler.mode = "accept"
    cli(config, "outbox", "send")  # the restart
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1
    [row] = outbox(config)
    assert row["state"] == "uncertain" and "may have been delivered" in row["reason"]


def test_no_reply_to_auto_replies_bounces_and_lists(tmp_path: Path, database_url: str,
                                                    smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, database_url, smtp_server.port)
    for name in ("07-bounce-undelivered.eml", "15-auto-reply-out-of-office.eml",
                 "18-newsletter-trade-fair.eml"):
        drop(config, name, (EXAMPLES / "inbox" / name).read_bytes())
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    assert smtp_server.received == [] and outbox(config) == []


def test_one_reply_per_template_and_address_and_an_hourly_cap(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    """The same template to the same address about the same order within 24 h is suppressed
    once one was sent or queued (a held one went nowhere, so it does not count); the hourly cap
    stops the rest."""
    config = desk(tmp_path, database_url, smtp_server.port, "reply: {max_per_hour: 1}\n")
    drop(config, "a.eml", INQUIRY)
    cli(config, "run", "--once")
    assert "sent 1" in cli(config, "outbox", "send").output
    drop(config, "b.eml", mail("Another inquiry", "Please quote 50gsm as well.",
                               sender="tom@northwind.example", message_id="inq-2@northwind.example"))
    drop(config, "c.eml", mail("Inquiry", "Please quote wipes.", sender="ann@harbor.example",
                               message_id="inq-3@harbor.example"))
    result = cli(config, "run", "--once", "--json")
    assert '"suppressed": 1' in result.output
    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        from sqlalchemy import select

        from mailflow.store.db import EventRow
        with store.sessions() as session:
            reasons = [e.detail["reason"] for e in session.scalars(
                select(EventRow).where(EventRow.kind == "reply-suppressed"))]
    finally:
        store.close()
    assert reasons == ["a inquiry_ack reply went to tom@northwind.example within 24 h"]
    assert "hourly cap reached" in cli(config, "outbox", "send").output
    assert len(smtp_server.received) == 1
    assert sorted(r["state"] for r in outbox(config)) == ["queued", "sent"]


@pytest.mark.parametrize("subject", [
    "Hi\r\nBcc: victim@evil.example",  # a raw header line would break
    "=?utf-8?q?Inquiry=0D=0ABcc:_victim@evil.example?=",  # an encoded word hiding CR/LF
])
def test_header_injection_stays_inert(tmp_path: Path, database_url: str, smtp_server: SmtpServer,
                                      subject: str) -> None:
    config = desk(tmp_path, database_url, smtp_server.port)
    raw = (f"From: Tom <tom@northwind.example>\r\nTo: orders@acme.example\r\nSubject: {subject}\r\n"
           "Message-ID: <inj@northwind.example>\r\nDate: Tue, 10 Nov 2026 09:00:00 +0000\r\n"
           "Content-Type: text/plain\r\n\r\nPlease quote spunlace, inquiry.\r\n").encode()
    drop(config, "inj.eml", raw)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.rcpt_tos == ["tom@northwind.example"]
    sent = email.message_from_bytes(got.data, policy=email.policy.default)
    assert sent.get_all("Bcc") is None and len(sent.get_all("Subject")) == 1
    assert b"\nBcc:" not in got.data


def test_dry_run_sends_nothing(tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    assert "would send" in cli(config, "outbox", "send", "--dry-run").output
    assert smtp_server.received == [] and outbox(config)[0]["state"] == "queued"


def test_a_sent_reply_is_copied_to_the_imap_sent_folder(
        tmp_path: Path, sqlite_url: str, smtp_server: SmtpServer, dovecot: Any, imap_folder: str) -> None:
    extra = (f"  - imap: {{host: 127.0.0.1, port: {dovecot.port}, tls: none, username: desk, "
             f"password: desk-pass, folders: ['{imap_folder}']}}\n")
    config = desk(tmp_path, sqlite_url, smtp_server.port)
    text = config.read_text().replace("  - path: inbox/\n", "  - path: inbox/\n" + extra)
    config.write_text(text.replace("tls: none, timeout", f"sent_folder: Sent-{imap_folder}, tls: none, "
                                                          "timeout"), encoding="utf-8")
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    [row] = outbox(config)
    client = dovecot.client("desk")
    try:
        client.select_folder(f"Sent-{imap_folder}", readonly=True)
        found = client.search(["HEADER", "Message-ID", row["message_id"]])
        assert len(found) == 1
        assert b"\\Seen" in client.get_flags(found)[found[0]]
    finally:
        client.logout()
    # a sender that stopped after appending, before it could say so, copies again: never twice
    store = Store(sqlite_url, config.parent / "var" / "archive")
    try:
        with store.sessions() as session, session.begin():
            session.execute(update(OutboxRow).where(OutboxRow.id == row["id"]).values(sent_copy="failed"))
    finally:
        store.close()
    cli(config, "outbox", "send")
    client = dovecot.client("desk")
    try:
        client.select_folder(f"Sent-{imap_folder}", readonly=True)
        assert len(client.search(["HEADER", "Message-ID", row["message_id"]])) == 1
    finally:
        client.logout()


@pytest.mark.smtp_token("token-4711")
def test_xoauth2_login_with_a_token_from_a_command(tmp_path: Path, sqlite_url: str,
                                                   smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, sqlite_url, smtp_server.port)
    config.write_text(config.read_text().replace(
        "tls: none, timeout", "tls: none, username: orders@acme.example, "
        "oauth2_token_command: 'echo token-4711', timeout"), encoding="utf-8")
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    assert len(smtp_server.received) == 1


@pytest.mark.smtp_token("token-4711")
def test_a_refused_login_sends_nothing_and_spends_no_attempt(tmp_path: Path, sqlite_url: str,
                                                             smtp_server: SmtpServer) -> None:
    config = desk(tmp_path, sqlite_url, smtp_server.port)
    config.write_text(config.read_text().replace(
        "tls: none, timeout", "tls: none, username: orders@acme.example, "
        "oauth2_token_command: 'echo expired', timeout"), encoding="utf-8")
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    for _ in range(3):
        cli(config, "outbox", "send")
    assert smtp_server.received == []
    [row] = outbox(config)
    assert row["state"] == "queued" and "refused the login: 535" in row["reason"]


@pytest.mark.parametrize("mode", [pytest.param("starttls", marks=pytest.mark.smtp_tls("starttls")),
                                  pytest.param("implicit", marks=pytest.mark.smtp_tls("implicit"))])
def test_replies_go_over_tls_with_a_checked_certificate(tmp_path: Path, sqlite_url: str,
                                                        smtp_server: SmtpServer, mode: str) -> None:
    assert smtp_server.tls == mode
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, "
                      f"tls: {mode}, tls_ca_file: {smtp_server.ca_file}, timeout: 10}}\n", encoding="utf-8")
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    assert "sent 1" in cli(config, "outbox", "send").output
    assert len(smtp_server.received) == 1 and outbox(config)[0]["state"] == "sent"


@pytest.mark.smtp_tls("starttls")
def test_an_untrusted_certificate_sends_nothing(tmp_path: Path, sqlite_url: str,
                                                smtp_server: SmtpServer) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)  # no tls_ca_file: the test authority is unknown
    config.write_text(config.read_text() + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, "
                      "tls: starttls, timeout: 10, retry_base_seconds: 600}\n", encoding="utf-8")
    drop(config, "inq.eml", INQUIRY)
    cli(config, "run", "--once")
    cli(config, "outbox", "send")
    [row] = outbox(config)
    assert not smtp_server.received and row["state"] == "queued" and "CERTIFICATE_VERIFY_FAILED" in row["reason"]


def test_a_partly_refused_reply_is_held_and_then_goes_to_the_accepted_recipient(
        tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> None:
    """Reply-To names two people; the server refuses one for good. Nothing is sent silently
    to half the people: the reply is held with both answers, and once approved it goes to the
    one the server accepts."""
    smtp_server.handler.refuse = {"gone@northwind.example"}
    config = desk(tmp_path, database_url, smtp_server.port)
    drop(config, "inq.eml", mail("Inquiry for spunlace 45gsm", "Please quote 20 tons.",
                                 sender="Tom Harris <tom@northwind.example>", message_id="two@northwind.example",
                                 headers={"Reply-To": "tom@northwind.example, gone@northwind.example"}))
    cli(config, "run", "--once")
    assert "held 1" in cli(config, "outbox", "send").output
    [row] = outbox(config)
    assert not smtp_server.received and row["state"] == "held"
    assert "gone@northwind.example: 550 5.1.1" in row["reason"] and "accepted tom@northwind.example" in row["reason"]
    cli(config, "outbox", "approve", str(row["id"]))
    assert "sent 1" in cli(config, "outbox", "send").output
    [received] = smtp_server.received
    assert received.rcpt_tos == ["tom@northwind.example"]
    assert outbox(config)[0]["state"] == "sent"

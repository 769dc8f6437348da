"""Self-test of the private Dovecot IMAP server in tests/dovecot.py."""
# ruff: noqa: F811  (the fixtures are imported by name, so their parameters shadow the imports)

from __future__ import annotations

import socket

import imapclient
import pytest
from imapclient.exceptions import IMAPClientError, LoginError

from tests.dovecot import Dovecot, dovecot, imap_folder  # noqa: F401

pytestmark = pytest.mark.integration

MESSAGES = [
    (b"From: Northwind Trading <buyer@northwind.example>\r\n"
     b"To: orders@acme.example\r\n"
     b"Subject: PO 4711\r\n"
     b"Message-ID: <po-4711@northwind.example>\r\n"
     b"\r\n"
     b"Please confirm 2,000 m of spunlace.\r\n"),
    (b"From: =?utf-8?q?M=C3=BCller?= <einkauf@mueller-hw.example>\r\n"
     b"To: orders@acme.example\r\n"
     b"Subject: Bestellung\r\n"
     b"Content-Type: text/plain; charset=utf-8\r\n"
     b"Content-Transfer-Encoding: 8bit\r\n"
     b"\r\n"
     b"Gr\xc3\xbc\xc3\x9fe, 500 St\xc3\xbcck.\r\n"
     b"\r\n"),
]


def test_login_and_capabilities(dovecot: Dovecot) -> None:
    assert dovecot.host == "127.0.0.1"
    with dovecot.client("desk") as client:
        capabilities = set(client.capabilities())
        assert {b"IDLE", b"MOVE", b"UIDPLUS", b"CONDSTORE"} <= capabilities
        folders = {name: flags for flags, _, name in client.list_folders()}
        assert "INBOX" in folders
        assert b"\\Sent" in folders["Sent"]
    with dovecot.client("other") as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_wrong_password_is_refused(dovecot: Dovecot) -> None:
    client = imapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    try:
        with pytest.raises(LoginError):
            client.login("desk", "wrong-pass")
    finally:
        client.shutdown()


def test_append_and_fetch_back_unread(dovecot: Dovecot, imap_folder: str) -> None:
    uids = [dovecot.append("desk", imap_folder, message) for message in MESSAGES]
    assert uids[1] > uids[0]
    with dovecot.client("desk") as client:
        client.select_folder(imap_folder, readonly=True)
        assert client.search(["ALL"]) == uids
        fetched = client.fetch(uids, [b"BODY.PEEK[]", b"FLAGS"])
        for uid, message in zip(uids, MESSAGES):
            assert fetched[uid][b"BODY[]"] == message
            assert b"\\Seen" not in fetched[uid][b"FLAGS"]


def test_append_creates_folder_and_keeps_flags(dovecot: Dovecot, imap_folder: str) -> None:
    child = f"{imap_folder}/Sub.folder"
    uid = dovecot.append("desk", child, MESSAGES[0], flags=[b"\\Flagged"])
    with dovecot.client("desk") as client:
        assert client.folder_exists(child)
        client.select_folder(child)
        assert b"\\Flagged" in client.get_flags([uid])[uid]


def test_restart_keeps_data_and_port(dovecot: Dovecot, imap_folder: str) -> None:
    uid = dovecot.append("desk", imap_folder, MESSAGES[0])
    port = dovecot.port
    stale = dovecot.client("desk")
    stale.select_folder(imap_folder)

    dovecot.stop()
    with pytest.raises(OSError):
        socket.create_connection((dovecot.host, port), timeout=1).close()
    dovecot.start()

    assert dovecot.port == port
    with dovecot.client("desk") as client:
        client.select_folder(imap_folder, readonly=True)
        assert client.fetch([uid], [b"BODY.PEEK[]"])[uid][b"BODY[]"] == MESSAGES[0]
    with pytest.raises((IMAPClientError, OSError)):  # the old connection did not survive the restart
        stale.noop()
    stale.shutdown()

    dovecot.restart()
    assert dovecot.port == port
    with dovecot.client("desk") as client:
        assert client.select_folder(imap_folder)[b"EXISTS"] == 1


def test_second_connection_sees_flags(dovecot: Dovecot, imap_folder: str) -> None:
    uid = dovecot.append("desk", imap_folder, MESSAGES[1])
    with dovecot.client("desk") as first, dovecot.client("desk") as second:
        first.select_folder(imap_folder)
        second.select_folder(imap_folder, readonly=True)
        first.add_flags([uid], [b"\\Seen", b"$Ordered"])
        flags = second.get_flags([uid])[uid]
        assert b"\\Seen" in flags and b"$Ordered" in flags


def test_recreated_folder_gets_new_uidvalidity(dovecot: Dovecot, imap_folder: str) -> None:
    dovecot.append("desk", imap_folder, MESSAGES[0])
    with dovecot.client("desk") as client:
        before = client.folder_status(imap_folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
        client.delete_folder(imap_folder)
        client.create_folder(imap_folder)
        status = client.folder_status(imap_folder, [b"UIDVALIDITY", b"MESSAGES"])
    assert status[b"MESSAGES"] == 0
    assert status[b"UIDVALIDITY"] != before

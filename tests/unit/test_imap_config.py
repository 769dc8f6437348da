"""IMAP settings and URLs: checked before any connection is made."""

from __future__ import annotations

import pytest

from mailflow.config import ImapAccount
from mailflow.errors import ConfigError
from mailflow.sources.imap import account_from_url, explain


def test_imaps_url_gives_an_implicit_tls_account() -> None:
    account, folder = account_from_url("imaps://orders%40acme.example@imap.acme.example:993/Orders/PO", "pw")
    assert (account.username, account.host, account.effective_port, account.tls) == (
        "orders@acme.example", "imap.acme.example", 993, "implicit")
    assert folder == "Orders/PO" and account.folders == ["Orders/PO"]


def test_user_with_an_at_sign_need_not_be_escaped() -> None:
    account, folder = account_from_url("imap://desk@acme.example@127.0.0.1:1143/INBOX", "pw")
    assert account.username == "desk@acme.example" and account.tls == "none" and folder == "INBOX"


@pytest.mark.parametrize("url, password, fragment", [
    ("imap://desk@mail.example.com/INBOX", "pw", "only for a loopback host"),
    ("imaps://imap.example.com/INBOX", "pw", "names no user"),
    ("pop3://a@b/INBOX", "pw", "not an IMAP URL"),
    ("imaps://a@imap.example.com/INBOX", None, "MAILFLOW_IMAP_PASSWORD"),
    ("imap://desk:s3cret@127.0.0.1:1143/INBOX", "pw", "not in the URL"),
    ("imaps://a@imap.example.com:99999/INBOX", "pw", "out of range"),
])
def test_bad_source_urls_are_refused(url: str, password: str | None, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        account_from_url(url, password)


def test_exactly_one_secret_source() -> None:
    with pytest.raises(ValueError, match="exactly one of password"):
        ImapAccount(host="h", username="u")
    with pytest.raises(ValueError, match="exactly one of password"):
        ImapAccount(host="h", username="u", password="p", password_command="pass show x")
    assert ImapAccount(host="h", username="u", oauth2_token_command="tok").effective_port == 993
    assert ImapAccount(host="h", username="u", password="p", tls="starttls").effective_port == 143


def test_faults_are_explained_in_one_line() -> None:
    account = ImapAccount(host="imap.acme.example", username="u", password="p")
    assert "connection refused" in explain(ConnectionRefusedError(), account)
    assert "did not answer within 60 s" in explain(TimeoutError(), account)
    import socket
    assert "unknown host imap.acme.example" in explain(socket.gaierror(-2, "Name or service not known"), account)


def test_ipv6_loopback_is_accepted_for_plain_imap() -> None:
    account, _ = account_from_url("imap://desk@[::1]:1430/INBOX", "pw")
    assert (account.host, account.effective_port, account.tls) == ("::1", 1430, "none")

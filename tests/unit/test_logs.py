"""Secrets are redacted by the one logging filter, whatever the call site logs."""

from __future__ import annotations

import logging

import pytest

from mailflow.logs import setup_logging


def test_passwords_never_reach_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(secrets=["hunter2-imap", "smtp-S3cret"])
    log = logging.getLogger("mailflow.test")
    log.info("login %s with %s failed", "orders@acme.example", "hunter2-imap")
    log.warning("url smtp://orders:smtp-S3cret@mail.acme.example")
    err = capsys.readouterr().err
    assert "hunter2-imap" not in err and "smtp-S3cret" not in err
    assert err.count("***") == 2 and "orders@acme.example" in err
    setup_logging()


def test_tracebacks_and_secrets_fetched_at_run_time_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    from mailflow.sources.imap import run_secret_command

    setup_logging(secrets=["config-Pa55word"])
    token = run_secret_command("printf oauth-T0ken-from-a-command", "oauth2_token_command")
    log = logging.getLogger("mailflow.test")
    try:
        raise ConnectionError(f"login failed for token {token} (password config-Pa55word)")
    except ConnectionError:
        log.exception("%s: unexpected error", "imap://orders@mail.acme.example/INBOX")
    err = capsys.readouterr().err
    assert "Traceback" in err and "ConnectionError" in err
    assert "oauth-T0ken-from-a-command" not in err and "config-Pa55word" not in err
    assert err.count("***") >= 2
    setup_logging()

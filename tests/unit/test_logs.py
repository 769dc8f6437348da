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

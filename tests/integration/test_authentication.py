"""Sender authentication recorded at intake and shown on the order's timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import write_desk
from tests.mails import mail

pytestmark = pytest.mark.integration


def test_our_server_s_verdict_is_kept_and_a_forged_one_is_not(tmp_path: Path, database_url: str) -> None:
    config = write_desk(tmp_path / "desk", database_url)
    config.write_text(config.read_text().replace(
        "address: orders@acme.example}", "address: orders@acme.example, authserv_ids: [mx.acme.example]}"),
        encoding="utf-8")
    (config.parent / "inbox" / "po.eml").write_bytes(mail(
        "PO 4500871 - new order", "Please find our PO 4500871.", message_id="po@northwind.example",
        headers={"Authentication-Results": "mx.acme.example; spf=pass smtp.mailfrom=northwind.example; "
                                           "dkim=fail header.d=northwind.example; dmarc=fail"}))
    (config.parent / "inbox" / "fake.eml").write_bytes(mail(
        "Re: PO 4500871 - bank details changed", "Please pay to our new account.",
        message_id="fake@northwind.example",
        headers={"Authentication-Results": "mx.acme.example.attacker; spf=pass; dkim=pass; dmarc=pass"}))
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    shown = runner.invoke(main, ["--config", str(config), "order", "show", "4500871", "--json"])
    import json

    messages = {m["message_id"]: m for m in json.loads(shown.stdout)["messages"]}
    assert messages["po@northwind.example"]["authentication"] == {
        "authserv_id": "mx.acme.example", "spf": "pass", "spf.smtp.mailfrom": "northwind.example",
        "dkim": "fail", "dkim.header.d": "northwind.example", "dmarc": "fail"}
    assert messages["fake@northwind.example"]["authentication"] == {}  # a claim, not our server's
    table = runner.invoke(main, ["--config", str(config), "order", "show", "4500871"]).output
    for shown in ("spf=pass", "dkim=fail", "dmarc=fail"):  # the table may wrap the column
        assert shown in table
    assert table.count("dmarc=") == 1  # the forged claim is not shown

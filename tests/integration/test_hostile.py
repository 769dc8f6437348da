"""Hostile mail never stops the desk: pathological text for the order-number patterns and the
shipped rules, a mail over its budget, an operator's catastrophic regex, and SIGTERM while a
worker is busy. Each is followed by a normal mail that must be filed.

The bounds below are liveness limits, generous on a loaded machine: before linear-time
matching, one of these inputs kept the desk busy for minutes or for ever."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from mailflow.store import Store
from tests.conftest import write_desk
from tests.mails import mail, wait_for

pytestmark = pytest.mark.integration

NORMAL = mail("Inquiry for spunlace", "Please quote 45gsm spunlace, 20 tons.",
              sender="Tom <tom@northwind.example>", message_id="normal@northwind.example")


def pathological() -> dict[str, bytes]:
    """The inputs the issue names, written here: runs of white space after PO/PI, a run of 请,
    a long run of one letter, a text attachment with no end of spaces."""
    return {
        "01-po-spaces.eml": mail("PO" + " " * 3000 + "x", "PO" + " " * 8000 + "x\nPI" + " " * 8000,
                                 message_id="h1@attacker.example"),
        "02-qing.eml": mail("请提供装箱单", "请" * 40_000, sender="x@forwarder.example",
                            message_id="h2@attacker.example"),
        "03-aaaa.eml": mail("Order", "a" * 100_000 + "!", message_id="h3@attacker.example"),
        "04-attachment.eml": mail("See attached", "attached", message_id="h4@attacker.example",
                                  attachments=[("po.txt", b"PO" + b" " * 200_000 + b"x", "text/plain")]),
        "05-order-spaces.eml": mail("Order" + " " * 5000 + "No" + " " * 5000, "purchase" + " \t" * 20_000
                                    + "order", message_id="h5@attacker.example"),
    }


def filed_ids(config: Path, url: str) -> list[str]:
    store = Store(url, config.parent / "var" / "archive")
    try:
        return [m.message_id for m in store.messages()]
    finally:
        store.close()


def test_pathological_text_is_filed_and_the_next_mail_follows(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    inbox = config.parent / "inbox"
    for name, data in pathological().items():
        (inbox / name).write_bytes(data)
    (inbox / "99-normal.eml").write_bytes(NORMAL)
    process = subprocess.run([sys.executable, "-m", "mailflow", "--config", str(config), "run", "--once",
                              "--json"], capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stderr[-2000:]
    summary = json.loads(process.stdout)
    assert summary["read"] == 6 and summary["quarantined"] == 0
    filed = filed_ids(config, sqlite_url)
    assert "normal@northwind.example" in filed and len(filed) == 6


def test_a_mail_over_its_budget_is_quarantined_with_the_reason(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "intake: {cpu_seconds: 2, workers: 1}\n", encoding="utf-8")
    html = "<div><p>hello <b>world</b> x</p></div>" * 120_000  # about 20 s of parsing
    heavy = mail("Newsletter", "see the HTML", message_id="heavy@bulk.example")
    heavy = heavy.replace(b"Content-Type: text/plain", b"Content-Type: text/html", 1).replace(
        b"see the HTML", html.encode(), 1)
    (config.parent / "inbox" / "01-heavy.eml").write_bytes(heavy)
    (config.parent / "inbox" / "02-normal.eml").write_bytes(NORMAL)
    result = CliRunner().invoke(main, ["--config", str(config), "run", "--once", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["quarantined"] == 1
    listed = json.loads(CliRunner().invoke(main, ["--config", str(config), "quarantine", "list",
                                                  "--json"]).stdout)
    assert len(listed) == 1 and "per-message budget" in listed[0]["reason"]
    assert "more than 2 s of CPU" in listed[0]["reason"]
    assert filed_ids(config, sqlite_url) == ["normal@northwind.example"]


def test_an_operators_catastrophic_regex_is_refused_with_file_and_line(tmp_path: Path, sqlite_url: str) -> None:
    """(a+)+$ is fine for RE2: it runs in linear time, so it loads and cannot hang; a pattern
    RE2 cannot run (a look-ahead) is refused at load with the file, the line and the reason."""
    import shutil

    from tests.conftest import ROOT

    config = write_desk(tmp_path / "desk", sqlite_url)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    config.write_text(config.read_text().replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}"),
                      encoding="utf-8")
    (rules / "70-operator.yaml").write_text(
        "- name: operator\n  category: other\n  when:\n    body: {regex: '(a+)+$'}\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "rules", "check"]).exit_code == 0
    (config.parent / "inbox" / "a.eml").write_bytes(mail("hello", "a" * 100_000 + "!",
                                                         message_id="aaa@x.example"))
    (config.parent / "inbox" / "b.eml").write_bytes(NORMAL)
    result = runner.invoke(main, ["--config", str(config), "run", "--once", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["read"] == 2
    (rules / "70-operator.yaml").write_text(
        "- name: operator\n  category: other\n  when:\n    body: {regex: 'invoice(?!s)'}\n", encoding="utf-8")
    refused = runner.invoke(main, ["--config", str(config), "rules", "check"])
    assert refused.exit_code == 2
    assert "70-operator.yaml:4: when.body.regex: uses negative look-ahead" in refused.stderr


def test_sigterm_is_honoured_while_a_worker_is_busy_with_a_mail(tmp_path: Path, sqlite_url: str) -> None:
    """The mail in hand needs far more CPU than the wait below allows: the daemon stops
    without it (nothing written for it), and it is read again on the next start."""
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "poll_interval: 600\nintake: {cpu_seconds: 600, workers: 1}\n",
                      encoding="utf-8")
    html = "<div><p>hello <b>world</b> x</p></div>" * 500_000  # over a minute of parsing
    heavy = mail("Newsletter", "see the HTML", message_id="slow@bulk.example")
    heavy = heavy.replace(b"Content-Type: text/plain", b"Content-Type: text/html", 1).replace(
        b"see the HTML", html.encode(), 1)
    (config.parent / "inbox" / "01-slow.eml").write_bytes(heavy)
    process = subprocess.Popen([sys.executable, "-m", "mailflow", "-v", "--config", str(config), "run"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        assert wait_for(lambda: any("01-slow.eml" in line and "in a worker" in line for line in lines), 60)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)  # liveness: the mail alone needs a minute or more
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    reader.join(5)
    assert process.returncode == 0, "".join(lines[-20:])
    assert any("received SIGTERM" in line for line in lines) and any("stopped" in line for line in lines)
    assert filed_ids(config, sqlite_url) == []
    store = Store(sqlite_url, config.parent / "var" / "archive")
    try:
        assert store.quarantined() == []  # not the mail's fault: read again on the next start
    finally:
        store.close()

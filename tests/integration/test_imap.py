"""IMAP against a real Dovecot: sync, IDLE, server actions, UIDVALIDITY, faults, crashes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import SEEN

from mailflow.cli import main
from mailflow.store import Store
from tests.conftest import EXAMPLES, ROOT
from tests.dovecot import Dovecot
from tests.mails import mail, wait_for

pytestmark = pytest.mark.integration

EXAMPLE_FILES = sorted((EXAMPLES / "inbox").glob("*.eml"))


def write_config(directory: Path, dovecot: Dovecot, folder: str, *, password: str = "desk-pass",
                 extra_account: str = "", extra: str = "", database_url: str = "") -> Path:
    """A desk on one IMAP folder of the test Dovecot (its own SQLite file unless `database_url`)."""
    directory.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{directory / 'mailflow.db'}"
    config = directory / "mailflow.yaml"
    config.write_text(
        "identity: {company: Acme, address: orders@acme.example}\n"
        "sources:\n"
        f"  - imap: {{host: 127.0.0.1, port: {dovecot.port}, tls: none, username: desk,\n"
        f"           password: {password}, folders: ['{folder}']{extra_account}}}\n"
        f"database: {{url: '{url}'}}\n"
        "archive: {path: var/archive}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n" + extra, encoding="utf-8")
    return config


def cli(config: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner(env=env).invoke(main, ["--config", str(config), *args])


def store_of(config: Path) -> Store:
    return Store(f"sqlite:///{config.parent / 'mailflow.db'}", config.parent / "var" / "archive")


def filed_ids(config: Path) -> list[str]:
    store = store_of(config)
    try:
        return [m.message_id for m in store.messages()]
    finally:
        store.close()


def server_ids(dovecot: Dovecot, folder: str) -> dict[int, str]:
    client = dovecot.client("desk")
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        result = {}
        for uid, item in data.items():
            header = next(v for k, v in item.items() if k.startswith(b"BODY"))
            result[uid] = header.decode().split(":", 1)[1].strip().strip("<>") if b":" in header else ""
        return result
    finally:
        client.logout()


@pytest.fixture
def orders_folder_cleanup(dovecot: Dovecot) -> Iterator[None]:
    yield
    client = dovecot.client("desk")
    try:
        for name in ("Orders",):
            if client.folder_exists(name):
                client.delete_folder(name)
    finally:
        client.logout()


@pytest.fixture
def daemon() -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []

    def start(config: Path, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run", *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_initial_sync_files_a_mixed_folder_without_touching_seen(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str, orders_folder_cleanup: None) -> None:
    for file in EXAMPLE_FILES:
        dovecot.append("desk", imap_folder, file.read_bytes())
    config = write_config(tmp_path, dovecot, imap_folder)
    result = cli(config, "run", "--once", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["read"] == len(EXAMPLE_FILES) and summary["quarantined"] == 1
    assert summary["categories"]["order"] == 4 and summary["categories"]["complaint"] == 2
    client = dovecot.client("desk")
    try:
        for folder in (imap_folder, "Orders"):
            client.select_folder(folder, readonly=True)
            flags = client.get_flags(client.search(["ALL"]))
            assert all(SEEN not in f for f in flags.values()), folder
    finally:
        client.logout()
    # everything on the server (in the watched folder, or moved by a rule) is filed exactly once
    filed = filed_ids(config)
    on_server = [i for i in server_ids(dovecot, imap_folder).values() if i]
    on_server += list(server_ids(dovecot, "Orders").values())
    assert sorted(filed) == sorted(on_server)
    again = cli(config, "run", "--once", "--json")
    assert json.loads(again.stdout)["read"] == 0  # incremental: nothing above the last UID


def test_move_and_flag_actions_are_seen_from_a_second_connection(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str, orders_folder_cleanup: None) -> None:
    po = (EXAMPLES / "inbox" / "08-po-northwind-new-order.eml").read_bytes()
    complaint = (EXAMPLES / "inbox" / "12-complaint-northwind-4500655.eml").read_bytes()
    inquiry = (EXAMPLES / "inbox" / "01-rfq-northwind-spunlace.eml").read_bytes()
    for data in (po, complaint, inquiry):
        dovecot.append("desk", imap_folder, data)
    config = write_config(tmp_path, dovecot, imap_folder)
    assert cli(config, "run", "--once").exit_code == 0
    other = dovecot.client("desk")
    try:
        assert other.folder_exists("Orders")  # created by the rule's move
        other.select_folder("Orders", readonly=True)
        [moved] = other.search(["HEADER", "Message-ID", "SJ0PR17MB5432B7E1F09A4C2D8E3F5A6B7C8D9E0F1A2"])
        assert b"$Filed" in other.get_flags([moved])[moved]
        other.select_folder(imap_folder, readonly=True)
        remaining = other.search(["ALL"])
        assert len(remaining) == 2  # the PO left the watched folder; nothing was deleted
        flags = other.get_flags(remaining)
        flagged = [u for u, f in flags.items() if b"$Complaint" in f]
        assert len(flagged) == 1
    finally:
        other.logout()
    store = store_of(config)
    try:
        health = store.ledger.health()
        with store.sessions() as session:
            from sqlalchemy import select

            from mailflow.store.db import PendingAction
            states = list(session.scalars(select(PendingAction.state)))
    finally:
        store.close()
    assert states and set(states) == {"done"}
    assert health[0].lag == 0 and health[0].last_sync_at is not None


def test_idle_files_new_mail_long_before_the_poll_interval(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str, daemon) -> None:  # type: ignore[no-untyped-def]
    dovecot.append("desk", imap_folder, mail("First", "hello", message_id="idle-1@northwind.example"))
    config = write_config(tmp_path, dovecot, imap_folder, extra="poll_interval: 600\n")
    process = daemon(config)
    assert wait_for(lambda: "idle-1@northwind.example" in filed_ids(config)), "initial sync did not happen"
    time.sleep(1.0)  # let the watcher enter IDLE
    dovecot.append("desk", imap_folder, mail("Second", "hello", message_id="idle-2@northwind.example"))
    assert wait_for(lambda: "idle-2@northwind.example" in filed_ids(config), timeout=30), \
        "IDLE did not deliver the new message (poll interval is 10 minutes)"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err


def test_uidvalidity_change_files_nothing_twice(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    messages = [mail(f"Inquiry {i}", "Please quote.", message_id=f"uv-{i}@northwind.example") for i in range(5)]
    for data in messages:
        dovecot.append("desk", imap_folder, data)
    config = write_config(tmp_path, dovecot, imap_folder)
    assert cli(config, "run", "--once").exit_code == 0
    client = dovecot.client("desk")
    try:
        before = client.folder_status(imap_folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]
        client.delete_folder(imap_folder)
        client.create_folder(imap_folder)
        assert client.folder_status(imap_folder, ["UIDVALIDITY"])[b"UIDVALIDITY"] != before
    finally:
        client.logout()
    for data in messages[:3]:
        dovecot.append("desk", imap_folder, data)  # the same bytes
    changed = b"X-Resent-By: archive tool\r\n" + messages[3]  # same Message-ID, other bytes
    dovecot.append("desk", imap_folder, changed)
    dovecot.append("desk", imap_folder, mail("Inquiry new", "Quote?", message_id="uv-new@northwind.example"))
    result = cli(config, "run", "--once", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # only the same bytes are the same mail: the changed copy is filed, not dropped as a duplicate
    assert summary["read"] == 5 and summary["duplicates"] == 3 and summary["quarantined"] == 0
    ids = filed_ids(config)
    assert sorted(ids) == sorted([f"uv-{i}@northwind.example" for i in range(5)]
                                 + ["uv-3@northwind.example", "uv-new@northwind.example"])
    # after the rescan, a corrected resend that arrives later is new mail, whatever its Message-ID
    corrected = mail("Inquiry 0 (corrected)", "Please quote 500 rolls.", message_id="uv-0@northwind.example")
    dovecot.append("desk", imap_folder, corrected)
    again = cli(config, "run", "--once", "--json")
    assert json.loads(again.stdout)["read"] == 1 and filed_ids(config).count("uv-0@northwind.example") == 2


def test_server_restart_mid_run_is_survived(tmp_path: Path, dovecot: Dovecot, imap_folder: str,
                                            daemon) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, dovecot, imap_folder, extra="poll_interval: 600\nreconnect_max_seconds: 2\n")
    dovecot.append("desk", imap_folder, mail("Before", "x", message_id="rs-1@northwind.example"))
    process = daemon(config)
    assert wait_for(lambda: "rs-1@northwind.example" in filed_ids(config))
    dovecot.stop()
    time.sleep(3)
    dovecot.start()
    dovecot.append("desk", imap_folder, mail("After", "x", message_id="rs-2@northwind.example"))
    assert wait_for(lambda: "rs-2@northwind.example" in filed_ids(config), timeout=30)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    faults = [line for line in err.splitlines() if "reconnecting in" in line]
    assert faults, err
    assert all(("lost" in f or "refused" in f or "did not answer" in f) for f in faults), faults
    status = cli(config, "status", "--json")
    folder = json.loads(status.stdout)["folders"][0]
    assert folder["last_error"] and folder["lag"] == 0
    shown = cli(config, "status").stdout  # tables, never a Python dict
    assert "last error" in shown and "messages" in shown and "{" not in shown


def test_wrong_password_gives_one_clear_line(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    config = write_config(tmp_path, dovecot, imap_folder, password="not-the-password")
    result = cli(config, "run", "--once")
    assert result.exit_code == 5
    assert f"login to 127.0.0.1:{dovecot.port} as desk refused: wrong user name or password" in result.stderr
    assert "Traceback" not in result.output
    tested = cli(config, "accounts", "test")
    assert tested.exit_code == 5
    assert "FAIL desk@127.0.0.1" in tested.stdout and "wrong user name or password" in tested.stdout


def test_accounts_test_lists_folders_and_capabilities(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    dovecot.append("desk", imap_folder, mail("x"))
    config = write_config(tmp_path, dovecot, imap_folder)
    result = cli(config, "accounts", "test")
    assert result.exit_code == 0, result.output
    assert "IDLE, MOVE, UIDPLUS, CONDSTORE" in result.stdout
    assert f"{imap_folder}: 1 messages, 1 unseen" in result.stdout
    missing = write_config(tmp_path / "missing", dovecot, "NoSuchFolder")
    result = cli(missing, "accounts", "test")
    assert result.exit_code == 5 and "NoSuchFolder: folder missing" in result.stdout


def test_sigkill_mid_batch_then_restart_files_each_message_once(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    client = dovecot.client("desk")
    try:
        for i in range(300):
            client.append(imap_folder, mail(f"Inquiry {i}", "Please quote " + "x" * 2000,
                                            message_id=f"kill-{i}@northwind.example"))
    finally:
        client.logout()
    config = write_config(tmp_path, dovecot, imap_folder, extra_account=", batch_size: 20")
    process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run", "--once"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(filed_ids(config)) >= 40, timeout=60)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(filed_ids(config)) < 300, "the run finished before it could be killed"
    result = cli(config, "run", "--once", "--json")
    assert result.exit_code == 0, result.output
    filed = filed_ids(config)
    assert len(filed) == len(set(filed)) == 300
    assert sorted(filed) == sorted(server_ids(dovecot, imap_folder).values())
    archive = tmp_path / "var" / "archive"
    assert len(list(archive.rglob("*.eml"))) == 300  # no second copy of any file


def test_dry_run_changes_nothing(tmp_path: Path, dovecot: Dovecot, imap_folder: str,
                                 orders_folder_cleanup: None) -> None:
    dovecot.append("desk", imap_folder, (EXAMPLES / "inbox" / "08-po-northwind-new-order.eml").read_bytes())
    config = write_config(tmp_path, dovecot, imap_folder, extra_account=", dry_run: true")
    result = cli(config, "run", "--once", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dry_run"] == 1 and summary["categories"] == {"order": 1}
    assert "dry-run: would file" in result.stderr and "move" in result.stderr
    assert filed_ids(config) == []
    assert not (tmp_path / "var" / "archive" / "orders").exists()
    assert len(server_ids(dovecot, imap_folder)) == 1  # not moved
    client = dovecot.client("desk")
    try:
        client.select_folder(imap_folder, readonly=True)
        flags = client.get_flags(client.search(["ALL"]))
        assert all(set(f) <= {b"\\Recent"} for f in flags.values()), flags
    finally:
        client.logout()


def test_since_limits_the_first_sync(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    client = dovecot.client("desk")
    try:
        client.append(imap_folder, mail("Old", message_id="old@northwind.example"),
                      msg_time=dt.datetime(2020, 1, 5, tzinfo=dt.UTC))
        client.append(imap_folder, mail("New", message_id="new@northwind.example"))
    finally:
        client.logout()
    config = write_config(tmp_path, dovecot, imap_folder, extra_account=", since: 2026-01-01")
    assert cli(config, "run", "--once").exit_code == 0
    assert filed_ids(config) == ["new@northwind.example"]


def test_source_url_runs_one_pass_without_config_changes(tmp_path: Path, dovecot: Dovecot,
                                                         imap_folder: str) -> None:
    dovecot.append("desk", imap_folder, mail("Hello", message_id="url@northwind.example"))
    config = write_config(tmp_path, dovecot, "INBOX")
    url = f"imap://desk@127.0.0.1:{dovecot.port}/{imap_folder}"
    result = cli(config, "run", "--once", "--json", "--source", url, env={"MAILFLOW_IMAP_PASSWORD": "desk-pass"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["read"] == 1
    assert filed_ids(config) == ["url@northwind.example"]
    refused = cli(config, "run", "--once", "--source", "imap://desk@mail.example.com/INBOX",
                  env={"MAILFLOW_IMAP_PASSWORD": "x"})
    assert refused.exit_code == 2 and "only for a loopback host" in refused.stderr


def test_password_from_a_command(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    dovecot.append("desk", imap_folder, mail("Hello", message_id="pwcmd@northwind.example"))
    config = write_config(tmp_path, dovecot, imap_folder)
    config.write_text(config.read_text().replace("password: desk-pass", "password_command: 'echo desk-pass'"))
    result = cli(config, "run", "--once")
    assert result.exit_code == 0, result.output
    assert filed_ids(config) == ["pwcmd@northwind.example"]
    config.write_text(config.read_text().replace("echo desk-pass", "false"))
    failed = cli(config, "run", "--once")
    assert failed.exit_code == 5 and "password_command exited with status 1" in failed.stderr


def test_a_replayed_copy_after_a_crash_does_not_copy_twice(tmp_path: Path, dovecot: Dovecot,
                                                          imap_folder: str) -> None:
    import shutil

    from sqlalchemy import update

    from mailflow.store.db import PendingAction

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    target = f"{imap_folder}-Copies"
    (rules / "01-copy.yaml").write_text(
        f"- name: copy-it\n  when: {{subject: {{contains: 'Copy me'}}}}\n"
        f"  then: [{{imap: {{copy: '{target}'}}}}, continue]\n")
    dovecot.append("desk", imap_folder, mail("Copy me", message_id="copy@northwind.example"))
    config = write_config(tmp_path, dovecot, imap_folder)
    config.write_text(config.read_text().replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}"))
    assert cli(config, "run", "--once").exit_code == 0
    assert len(server_ids(dovecot, target)) == 1
    # the process "died" after the COPY reached the server but before the action was marked done
    store = store_of(config)
    try:
        with store.sessions() as session, session.begin():
            session.execute(update(PendingAction).values(state="pending", done_at=None))
    finally:
        store.close()
    again = cli(config, "run", "--once")
    assert again.exit_code == 0, again.output
    assert "already copied" in again.stderr
    assert len(server_ids(dovecot, target)) == 1
    client = dovecot.client("desk")
    try:
        client.delete_folder(target)
    finally:
        client.logout()


def test_the_next_batchs_first_mails_are_read_while_this_batch_commits(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of three: each batch's first mails go to the workers before the batch before it
    commits (they read while it does), and every mail is filed once, in the server's order."""
    import contextlib

    from mailflow.config import load_config
    from mailflow.daemon import imap_accounts, run_once
    from mailflow.desk import load_desk
    from mailflow.intake import Intake

    for i in range(8):
        dovecot.append("desk", imap_folder, mail("Inquiry", f"Please quote, part {i}.",
                                                 sender="bob@northwind.example", message_id=f"part-{i}@n.example"))
    config = load_config(write_config(tmp_path, dovecot, imap_folder, extra_account=", batch_size: 3"))
    happened: list[str] = []
    submit = Intake.submit

    def submitted(self: Intake, data: bytes, *args: object, **kwargs: object) -> object:
        happened.append("read " + data.split(b"part-", 1)[1].split(b"@", 1)[0].decode())
        return submit(self, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Intake, "submit", submitted)
    desk, store = load_desk(config), store_of(write_config(tmp_path, dovecot, imap_folder))
    batch = store.batch

    @contextlib.contextmanager
    def watched(*args: object, **kwargs: object) -> Iterator[object]:
        with batch(*args, **kwargs) as opened:  # type: ignore[arg-type]
            yield opened
        happened.append("commit")

    monkeypatch.setattr(store, "batch", watched)
    try:
        summary = run_once(desk, store, [], imap_accounts(config))
        assert summary.read == 8 and not summary.errors
        assert [m.message_id for m in store.messages()] == [f"part-{i}@n.example" for i in range(8)]
    finally:
        desk.close()
        store.close()
    commits = [i for i, what in enumerate(happened) if what == "commit"]
    assert len(commits) == 3
    assert happened.index("read 3") < commits[0] and happened.index("read 6") < commits[1]
    assert sorted(w for w in happened if w.startswith("read")) == [f"read {i}" for i in range(8)]  # each once

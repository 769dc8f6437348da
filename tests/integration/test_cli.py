"""The CLI in-process: `mailflow run --once` on the example mailbox, and the commands around it."""

from __future__ import annotations

import json
import mailbox
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mailflow.cli import main
from mailflow.store import Store
from mailflow.store.db import MessageRow, OutboxRow
from tests.conftest import EXAMPLES, ROOT, write_desk

pytestmark = pytest.mark.integration

INBOX = EXAMPLES / "inbox"


def expected_table() -> list[dict[str, str]]:
    """The example mailbox's README table: file | category | order | note."""
    rows = []
    for line in (INBOX / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].endswith(".eml"):
            rows.append({"file": cells[0], "category": cells[1], "order": cells[2]})
    return rows


def cli(config: Path, *args: str) -> tuple[int, str]:
    """(exit status, standard output); errors and log lines go to standard error."""
    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout if result.exit_code == 0 else result.stderr


@pytest.fixture
def desk(tmp_path: Path, database_url: str) -> Path:
    return write_desk(tmp_path / "desk", database_url, inbox=INBOX)


def test_example_mailbox_is_filed_as_a_desk_expects(desk: Path) -> None:
    code, output = cli(desk, "run", "--once", "--json")
    assert code == 0, output
    summary = json.loads(output)
    table = expected_table()
    assert len(table) >= 15
    assert summary["read"] == len(table)
    assert summary["quarantined"] == sum(1 for r in table if r["category"] == "quarantine")

    config_dir = desk.parent
    store = Store(_url(desk), config_dir / "var" / "archive")
    try:
        rows = {Path(m.origin.split(":", 1)[1]).name: m for m in store.messages()}
        for expected in table:
            if expected["category"] == "quarantine":
                assert expected["file"] not in rows
                continue
            row = rows[expected["file"]]
            assert row.category == expected["category"], (expected, row.subject, row.decision["conditions"])
            if expected["order"] in ("", "-", "none"):
                assert row.path.startswith("unfiled/"), (expected, row.path)
            else:
                folder = row.path.split("/")[1]
                assert row.path.startswith("orders/"), (expected, row.path)
                assert store.find_order(expected["order"]) is not None
                assert store.find_order(expected["order"]).folder == folder, (expected, row.path)
    finally:
        store.close()


def empty_inbox(desk: Path) -> Path:
    inbox = desk.parent / "inbox"
    for file in inbox.glob("*.eml"):
        file.unlink()
    return inbox


def _url(config: Path) -> str:
    text = config.read_text()
    return re.search(r'url: "([^"]+)"', text).group(1)  # type: ignore[union-attr]


def test_running_twice_files_nothing_twice(desk: Path) -> None:
    cli(desk, "run", "--once", "--json")
    archive = desk.parent / "var" / "archive"
    files_before = sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file())
    code, output = cli(desk, "run", "--once", "--json")
    assert code == 0
    summary = json.loads(output)
    assert summary["duplicates"] == summary["read"]
    assert summary["quarantined"] == 0 and sum(summary["replies"].values()) == 0
    files_after = sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file())
    assert files_after == files_before
    store = Store(_url(desk), archive)
    try:
        with store.sessions() as session:
            shas = list(session.scalars(select(MessageRow.sha256)))
            assert len(shas) == len(set(shas))
            reply_ids = list(session.scalars(select(OutboxRow.message_id)))
            assert len(reply_ids) == len(set(reply_ids))
    finally:
        store.close()


def test_archive_keeps_raw_bytes_and_replies_wait_in_the_outbox(desk: Path) -> None:
    cli(desk, "run", "--once")
    archive = desk.parent / "var" / "archive"
    originals = {p.read_bytes() for p in INBOX.glob("*.eml")}
    stored = [p for p in archive.rglob("*.eml")]
    assert stored and all(p.read_bytes() in originals for p in stored)
    _, output = cli(desk, "outbox", "list", "--json")
    replies = json.loads(output)
    assert replies, "the example mailbox should queue or hold replies"
    assert {r["state"] for r in replies} <= {"queued", "held", "superseded"}
    confirmations = [r for r in replies if r["template"] == "order_confirmation"]
    # a later confirmation about the same order replaces an earlier one that was never sent
    assert confirmations and all(r["state"] in ("held", "superseded") for r in confirmations)
    assert all("superseded by reply #" in r["reason"] for r in confirmations if r["state"] == "superseded")
    assert all(not r["to"][0].endswith("acme.example") for r in replies)
    code, shown = cli(desk, "outbox", "show", str(replies[0]["id"]), "--raw")
    assert code == 0
    assert "Auto-Submitted: auto-replied" in shown and "In-Reply-To:" in shown


def test_no_auto_reply_to_auto_replies_bounces_and_newsletters(desk: Path) -> None:
    cli(desk, "run", "--once")
    store = Store(_url(desk), desk.parent / "var" / "archive")
    try:
        answered = {r.answers_id for r in store.outbox()}
        for message in store.messages():
            tags = message.decision.get("tags", [])
            if {"auto-reply", "bounce", "newsletter"} & set(tags):
                assert message.id not in answered, message.subject
    finally:
        store.close()


def test_maildir_and_mbox_sources_file_the_same_mail(tmp_path: Path, sqlite_url: str) -> None:
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box = mailbox.mbox(tmp_path / "inbox.mbox", create=True)
    files = sorted(INBOX.glob("*.eml"))
    for file in files:
        maildir.add(file.read_bytes())
        box.add(file.read_bytes())
    box.flush()
    box.close()
    for spec in (f"maildir:{tmp_path / 'Maildir'}", f"mbox:{tmp_path / 'inbox.mbox'}"):
        desk = write_desk(tmp_path / spec.split(":")[0], sqlite_url.replace("mailflow.db", spec.split(":")[0] + ".db"))
        code, output = cli(desk, "run", "--once", "--json", "--source", spec)
        assert code == 0, output
        summary = json.loads(output)
        assert summary["read"] == len(files), spec
        assert summary["quarantined"] == sum(1 for r in expected_table() if r["category"] == "quarantine")
    assert sorted(p.name for p in (tmp_path / "Maildir" / "new").iterdir())  # nothing moved to cur/


def test_quarantine_list_and_retry(desk: Path) -> None:
    inbox = desk.parent / "inbox"
    (inbox / "zz-empty.eml").write_bytes(b"")
    cli(desk, "run", "--once")
    code, output = cli(desk, "quarantine", "list", "--json")
    items = json.loads(output)
    assert any("empty" in i["reason"] for i in items)
    # "fix" the cause: the empty file is replaced in quarantine by a real mail, then retried
    archive = desk.parent / "var" / "archive"
    empty = next(i for i in items if "empty" in i["reason"])
    (archive / empty["path"]).write_bytes(b"From: a@b.example\r\nSubject: hello\r\nMessage-ID: <fix@b>\r\n\r\nhi\r\n")
    code, output = cli(desk, "quarantine", "retry")
    assert code == 0 and "filed" in output
    code, output = cli(desk, "quarantine", "list", "--json")
    assert all(i["sha256"] != empty["sha256"] for i in json.loads(output))


def test_order_assign_moves_an_unfiled_message(desk: Path) -> None:
    cli(desk, "run", "--once")
    store = Store(_url(desk), desk.parent / "var" / "archive")
    try:
        unfiled = next(m for m in store.messages() if m.path.startswith("unfiled/") and m.message_id)
    finally:
        store.close()
    code, output = cli(desk, "order", "assign", unfiled.message_id, "TEST-900")
    assert code == 0, output
    code, output = cli(desk, "order", "show", "TEST-900", "--json")
    shown = json.loads(output)
    assert [m["message_id"] for m in shown["messages"]] == [unfiled.message_id]
    assert (desk.parent / "var" / "archive" / shown["messages"][0]["path"]).exists()
    code, output = cli(desk, "order", "assign", "<no-such-id@x>", "TEST-900")
    assert code == 3 and "no message" in output


def test_rules_test_explains_one_message_as_json(desk: Path) -> None:
    po = next(r for r in expected_table() if r["category"] == "order")
    code, output = cli(desk, "rules", "test", str(INBOX / po["file"]), "--json")
    assert code == 0
    result = json.loads(output)
    assert result["category"] == "order" and result["rule"]
    assert result["conditions"] and all(isinstance(c, str) for c in result["conditions"])


def test_rules_test_on_a_folder_and_diff_against_the_archive(desk: Path, tmp_path: Path) -> None:
    cli(desk, "run", "--once")
    _, output = cli(desk, "rules", "test", str(INBOX), "--json")
    counts = json.loads(output)["categories"]
    expected = expected_table()
    assert counts.get("order") == sum(1 for r in expected if r["category"] == "order")
    code, output = cli(desk, "rules", "test", "--archive", "--diff", "--json")
    assert json.loads(output)["changes"] == []
    # an edited rule set that sends complaints to "other" shows up as changes
    rules = tmp_path / "edited-rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "10-complaint.yaml").unlink()
    desk.write_text(desk.read_text().replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}"))
    code, output = cli(desk, "rules", "test", "--archive", "--diff", "--json")
    assert code == 0
    changes = json.loads(output)["changes"]
    complaints = sum(1 for r in expected if r["category"] == "complaint")
    assert len([c for c in changes if c["before"] == "complaint"]) == complaints


def test_rules_check_reports_a_broken_rule_with_file_and_line(desk: Path, tmp_path: Path) -> None:
    rules = tmp_path / "bad-rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "70-mine.yaml").write_text("- name: mine\n  category: x\n  when:\n    subject: {regex: '(oops'}\n")
    desk.write_text(desk.read_text().replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}"))
    code, output = cli(desk, "rules", "check")
    assert code == 2
    assert f"{rules / '70-mine.yaml'}:4: when.subject.regex: invalid regex" in output
    code, output = cli(desk, "run", "--once")
    assert code == 2 and "70-mine.yaml:4" in output


def test_config_error_exits_2_with_file_line_field_and_no_traceback(tmp_path: Path) -> None:
    config = tmp_path / "mailflow.yaml"
    config.write_text("identity: {company: A, address: a@b.example}\narchive: {path: var, extra: 1}\n")
    result = CliRunner().invoke(main, ["--config", str(config), "run", "--once"])
    assert result.exit_code == 2
    assert f"{config}:2: archive.extra: unknown setting" in result.stderr
    assert "Traceback" not in result.output


def test_init_writes_a_working_desk(tmp_path: Path) -> None:
    target = tmp_path / "newdesk"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for file in sorted(INBOX.glob("0*.eml"))[:3]:
        shutil.copy(file, target / "inbox" / file.name)
    code, output = cli(target / "mailflow.yaml", "run", "--once", "--json")
    assert code == 0, output
    assert json.loads(output)["read"] == 3
    assert (target / "var" / "archive").is_dir()
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2 and "already exists" in result.stderr


def test_every_commented_example_of_init_s_config_works_uncommented(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from mailflow.config import load_config

    target = tmp_path / "newdesk"
    assert CliRunner().invoke(main, ["init", str(target)]).exit_code == 0
    config = target / "mailflow.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    examples = [i for i, line in enumerate(lines) if line.lstrip().startswith("# ") and (
        ":" in line or line.lstrip().startswith("# - ")) and not line.startswith("# mailflow")
        and not line.startswith("# Following") and not line.startswith("# The desk") and not line.startswith("# Every")
        and not line.startswith("# works")]
    uncommented = [line.replace("# ", "", 1) if i in examples else line for i, line in enumerate(lines)]
    text = "\n".join(uncommented).replace("buyers: []", "buyers:").replace("users: []", "users:")
    config.write_text(text + "\n", encoding="utf-8")
    monkeypatch.setenv("MAILFLOW_IMAP_PASSWORD", "secret")
    monkeypatch.setenv("MAILFLOW_SMTP_PASSWORD", "secret")
    loaded = load_config(config)  # valid YAML and valid settings, every section the README shows
    assert loaded.sources[1].imap is not None and loaded.sources[1].imap.password == "secret"
    assert loaded.smtp is not None and loaded.digest is not None and loaded.web.port == 8025
    assert loaded.approval.margin_floor == 5 and [u.name for u in loaded.users] == ["Lily Chen", "Wang Fang"]
    assert loaded.packing.products is not None and loaded.extract.price_list is not None
    assert loaded.archive.s3 is not None and loaded.archive.s3.bucket == "acme-mail"


def test_poison_values_never_stop_the_run(desk: Path) -> None:
    inbox = empty_inbox(desk)
    (inbox / "a-future.eml").write_bytes(b"From: a@b.example\r\nDate: Fri, 31 Dec 9999 23:59:59 -2359\r\n"
                                         b"Subject: far future\r\nMessage-ID: <future@b>\r\n\r\nhi\r\n")
    (inbox / "b-long.eml").write_bytes(b"From: a@b.example\r\nSubject: order no. " + b"9" * 5000 +
                                       b"\r\nMessage-ID: <long@b>\r\nContent-Type: text/" + b"x" * 300 +
                                       b"\r\n\r\nhi\r\n")
    (inbox / "c-fine.eml").write_bytes(b"From: a@b.example\r\nSubject: fine\r\nMessage-ID: <fine@b>\r\n\r\nhi\r\n")
    code, output = cli(desk, "run", "--once", "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["read"] == 3 and summary["quarantined"] + sum(summary["categories"].values()) == 3
    store = Store(_url(desk), desk.parent / "var" / "archive")
    try:
        assert "fine@b" in {m.message_id for m in store.messages()}
    finally:
        store.close()


def test_markup_in_a_buyers_subject_is_shown_as_text(desk: Path) -> None:
    inbox = empty_inbox(desk)
    (inbox / "m.eml").write_bytes(b"From: Bob <bob@northwind.example>\r\nSubject: Request for quotation [/] [bold]x\r\n"
                                  b"Message-ID: <mk@b>\r\n\r\nPlease quote.\r\n")
    assert cli(desk, "run", "--once")[0] == 0
    result = CliRunner().invoke(main, ["--config", str(desk), "outbox", "list"])
    assert result.exit_code == 0, result.output
    assert "[/]" in result.stdout


def test_assigning_one_of_two_messages_sharing_a_file_keeps_the_other_intact(desk: Path) -> None:
    from tests.mails import mail

    inbox = empty_inbox(desk)
    logo = ("image001.png", b"\x89PNG same logo", "image/png")
    (inbox / "a.eml").write_bytes(mail("Hello", "one", message_id="s1@b.example", attachments=[logo]))
    (inbox / "b.eml").write_bytes(mail("Hello again", "two", message_id="s2@b.example", attachments=[logo]))
    assert cli(desk, "run", "--once")[0] == 0
    code, output = cli(desk, "order", "assign", "s1@b.example", "TEST-1")
    assert code == 0, output
    store = Store(_url(desk), desk.parent / "var" / "archive")
    try:
        with store.sessions() as session:
            from mailflow.store.db import AttachmentRow
            paths = list(session.scalars(select(AttachmentRow.path)))
        assert len(paths) == 2 and all((desk.parent / "var" / "archive" / p).exists() for p in paths)
    finally:
        store.close()
    code, output = cli(desk, "order", "assign", "", "TEST-1")
    assert code == 3


def test_an_archive_path_that_is_a_file_is_a_clear_error(desk: Path) -> None:
    (desk.parent / "var").mkdir(exist_ok=True)
    (desk.parent / "var" / "archive").write_text("not a folder")
    result = CliRunner().invoke(main, ["--config", str(desk), "run", "--once"])
    assert result.exit_code == 4 and "is a file, not a folder" in result.stderr


def test_order_assign_moves_files_only_after_the_commit(tmp_path: Path, sqlite_url: str) -> None:
    """The database refuses the change (a trigger stands in for a full disk or a lost server):
    the message stays filed where its row says, its file is there, nothing is half-moved."""
    import sqlite3

    desk = write_desk(tmp_path / "desk", sqlite_url, inbox=INBOX)
    cli(desk, "run", "--once")
    store = Store(sqlite_url, desk.parent / "var" / "archive")
    try:
        unfiled = next(m for m in store.messages() if m.path.startswith("unfiled/") and m.message_id)
    finally:
        store.close()
    database = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TRIGGER refuse BEFORE UPDATE OF path ON messages "
                           "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END")
    code, output = cli(desk, "order", "assign", unfiled.message_id, "TEST-901")
    assert code == 4 and "the disk is full" in output
    archive = desk.parent / "var" / "archive"
    store = Store(sqlite_url, archive)
    try:
        row = next(m for m in store.messages() if m.message_id == unfiled.message_id)
    finally:
        store.close()
    assert row.path == unfiled.path and (archive / row.path).exists()
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER refuse")
    code, output = cli(desk, "order", "assign", unfiled.message_id, "TEST-901")
    assert code == 0, output
    assert not (archive / unfiled.path).exists()  # moved now: the old copy is gone after the commit


def test_a_retried_quarantined_mail_keeps_its_origin_and_stays_until_it_is_filed(desk: Path) -> None:
    inbox = desk.parent / "inbox"
    (inbox / "zz-broken.eml").write_bytes(b"not a mail at all")
    cli(desk, "run", "--once")
    _, output = cli(desk, "quarantine", "list", "--json")
    [item] = [i for i in json.loads(output) if "zz-broken.eml" in i["origin"]]
    code, output = cli(desk, "quarantine", "retry")  # nothing fixed yet: still there
    assert code == 0 and f"still quarantined {item['sha256'][:12]}" in output
    assert any(i["sha256"] == item["sha256"] for i in json.loads(cli(desk, "quarantine", "list", "--json")[1]))
    archive = desk.parent / "var" / "archive"
    (archive / item["path"]).write_bytes(b"From: a@b.example\r\nSubject: hello\r\nMessage-ID: <orig@b>\r\n\r\nhi\r\n")
    cli(desk, "quarantine", "retry")
    store = Store(_url(desk), archive)
    try:
        [message] = [m for m in store.messages() if m.message_id == "orig@b"]
    finally:
        store.close()
    assert message.origin == f"file:{inbox / 'zz-broken.eml'}"  # where it came from, not the quarantine


def test_errors_are_one_line_with_their_exit_code_and_ctrl_c_is_130(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mailflow.store.search as search_module

    runner = CliRunner()

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(search_module, "search", interrupted)
    result = runner.invoke(main, ["--config", str(desk), "search", "spunlace"])
    assert result.exit_code == 130 and result.stderr.strip() == "mailflow: interrupted"
    monkeypatch.setattr(search_module, "search", broken)
    result = runner.invoke(main, ["--config", str(desk), "search", "spunlace"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == ("mailflow: unexpected error: ZeroDivisionError: division by zero "
                                     "(run with --traceback for the details)")
    result = runner.invoke(main, ["--config", str(desk), "--traceback", "search", "spunlace"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_bad_arguments_and_bad_documents_are_one_line(desk: Path, tmp_path: Path) -> None:
    from tests import pdfs

    runner = CliRunner()
    undecodable = b"\xff\xfe".decode("utf-8", "surrogateescape")  # as Python hands over such argv
    for args in (["search", undecodable], ["order", "show", undecodable[:1]]):
        result = runner.invoke(main, ["--config", str(desk), *args])
        assert result.exit_code == 2 and "is not valid UTF-8 text" in result.output, args
        assert "Traceback" not in result.output
    assert runner.invoke(main, ["--config", str(desk), "search", "foo", "--until", "9999-12-31"]).exit_code == 0
    broken = pdfs.write_broken_pdfs(tmp_path / "pdfs")["zero_width"]
    result = runner.invoke(main, ["--config", str(desk), "extract", str(broken)])
    assert result.exit_code == 1 and "ZeroDivisionError" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_summary_json_counts_the_days_mail_per_category_and_what_was_quarantined(desk: Path) -> None:
    """`summary --json` on the day the example mailbox was filed: the keys a desk reads, every
    mail under its category as the mailbox's table says, the quarantined ones too."""
    import datetime as dt
    from collections import Counter

    from mailflow import clock

    table = expected_table()
    with clock.frozen(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)):
        assert cli(desk, "run", "--once", "--json")[0] == 0
        code, output = cli(desk, "summary", "--json")
        assert code == 0, output
        day = json.loads(output)
        other_day = json.loads(cli(desk, "summary", "--json", "--date", "2026-03-01")[1])
    assert {"received", "sent", "completed", "payments", "due_tomorrow", "new_orders", "refused",
            "quarantined"} <= set(day)
    filed = Counter(r["category"] for r in table if r["category"] != "quarantine")
    assert day["received"]["by_category"] == dict(filed)
    assert day["received"]["count"] == sum(filed.values())
    assert len(day["quarantined"]) == sum(1 for r in table if r["category"] == "quarantine")
    store = Store(_url(desk), desk.parent / "var" / "archive")
    try:  # each order the table names is new today, under the folder it was first known by
        orders = {store.find_order(r["order"]).folder for r in table  # type: ignore[union-attr]
                  if r["category"] != "quarantine" and r["order"] not in ("", "-", "none")}
    finally:
        store.close()
    assert {o["order"] for o in day["new_orders"]} == orders
    assert other_day["received"]["count"] == 0 and not other_day["quarantined"]  # the day before saw none of it
    assert cli(desk, "summary", "--owner", "Nobody Here")[0] != 0

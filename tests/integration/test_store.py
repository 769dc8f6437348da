"""The store on SQLite and PostgreSQL: filed once, files intact, orders and threads, quarantine."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath

import pytest
from sqlalchemy import event, func, select, text

from mailflow.config import load_config
from mailflow.correlate import Found, numbers_in_text
from mailflow.desk import Desk, load_desk
from mailflow.errors import StoreError
from mailflow.model import Origin, RawMail
from mailflow.pipeline import handle
from mailflow.policy import Person
from mailflow.store import Store, archive
from mailflow.store.db import (
    AttachmentRow,
    DocumentRow,
    MessageRow,
    MilestoneRow,
    OrderAlias,
    OrderRow,
    OutboxRow,
    SearchDoc,
)
from tests.conftest import ROOT, write_desk
from tests.mails import mail

pytestmark = pytest.mark.integration


@pytest.fixture
def desk_and_store(tmp_path: Path, database_url: str):
    config = load_config(write_desk(tmp_path / "desk", database_url))
    store = Store(config.database_url, config.archive_root)
    desk = load_desk(config)
    yield desk, store
    desk.close()
    store.close()


def raw(data: bytes, name: str = "m.eml") -> RawMail:
    return RawMail(data, Origin("file", path=name))


def count(store: Store, model) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


PO = mail("New order - spring season", "Please find attached our PO 4500871.", message_id="po@northwind.example",
          attachments=[("PO_4500871.pdf", b"%PDF-1.4 po", "application/pdf"),
                       ("CON.pdf", b"%PDF-1.4 marks", "application/pdf")])
REPLY = mail("Re: New order - spring season", "Please change the carton marking.",
             message_id="re1@northwind.example",
             headers={"In-Reply-To": "<po@northwind.example>", "References": "<po@northwind.example>"})


def test_po_with_pdf_is_filed_under_its_order_and_acknowledged(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    handled = handle(raw(PO), desk, store)
    assert handled.status == "filed" and handled.applied is not None
    assert handled.applied.order_folder == "4500871" and handled.applied.new_order
    root = store.archive.root
    mail_file = root / handled.applied.path
    assert mail_file.parent == root / "orders" / "4500871" / "mail"
    assert mail_file.read_bytes() == PO  # raw bytes unchanged
    assert mail_file.name.endswith(f"_in_{hashlib.sha256(PO).hexdigest()[:8]}.eml")
    files = sorted(p.name for p in (root / "orders" / "4500871" / "files").iterdir())
    assert any(name.endswith("_PO_4500871.pdf") for name in files)
    assert any(name.endswith("__CON.pdf") for name in files)
    assert handled.applied.order_id is not None
    store.write_order_json(handled.applied.order_id)
    summary = json.loads((root / "orders" / "4500871" / "order.json").read_text())
    assert summary["order"] == "4500871" and summary["buyer"] == "Northwind Trading"
    assert [m["path"] for m in summary["messages"]] == [handled.applied.path]
    assert summary["replies"][0]["state"] == "held"
    with store.sessions() as session:
        row = session.scalar(select(MessageRow))
        assert row.sha256 == hashlib.sha256(PO).hexdigest()
        assert row.category == "order" and row.rule == "purchase-order"
        assert {a.filename for a in session.scalars(select(AttachmentRow))} == {"PO_4500871.pdf", "CON.pdf"}
        reply = session.scalar(select(OutboxRow))
        assert reply.state == "held" and reply.template == "order_confirmation"
        assert b"In-Reply-To: <po@northwind.example>" in reply.raw
        assert "[Order 4500871]" in reply.subject


def test_processing_the_same_mail_twice_files_it_once(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    assert handle(raw(PO), desk, store).status == "filed"
    assert handle(raw(PO, "copy.eml"), desk, store).status == "duplicate"
    assert count(store, MessageRow) == 1
    assert count(store, OutboxRow) == 1
    assert len(list((store.archive.root / "orders" / "4500871" / "mail").iterdir())) == 1


def test_reply_in_the_thread_joins_the_order_without_a_number(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    handle(raw(PO), desk, store)
    handled = handle(raw(REPLY), desk, store)
    assert handled.applied is not None and handled.applied.order_folder == "4500871"
    assert handled.outcome is not None and "thread" in handled.outcome.order.how  # type: ignore[union-attr]
    assert count(store, OrderRow) == 1


def test_a_reply_to_our_own_reply_joins_by_its_message_id(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    handle(raw(PO), desk, store)
    with store.sessions() as session:
        ours = session.scalar(select(OutboxRow.message_id))
    answer = mail("Re: Re: New order", "Confirmed, thanks.", message_id="re2@northwind.example",
                  headers={"In-Reply-To": f"<{ours}>"})
    handled = handle(raw(answer), desk, store)
    assert handled.applied is not None and handled.applied.order_folder == "4500871"


def test_same_number_from_two_buyers_gets_two_folders(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    handle(raw(PO), desk, store)
    other = mail("Purchase order 4500871", "Our new PO 4500871 attached.", sender="buyer@other-buyer.example",
                 message_id="po@other-buyer.example")
    handled = handle(raw(other), desk, store)
    assert handled.applied is not None and handled.applied.new_order
    assert handled.applied.order_folder == "4500871_other-buyer.example"
    assert count(store, OrderRow) == 2


def test_signed_pi_gives_the_order_both_numbers(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    pi = mail("Signed PI AN-PI-26-0311 / order MH-2026-118", "Attached the countersigned PI.",
              sender="einkauf@mueller-hw.example", message_id="pi@mueller-hw.example")
    lc = mail("L/C advice", "L/C No. 88 opened for order MH-2026-118.", sender="trade@bank.example",
              message_id="lc@bank.example")
    first = handle(raw(pi), desk, store)
    second = handle(raw(lc), desk, store)
    assert first.applied is not None and second.applied is not None
    assert second.applied.order_folder == first.applied.order_folder == "AN-PI-26-0311"
    with store.sessions() as session:
        assert set(session.scalars(select(OrderAlias.key))) == {"ANPI260311", "MH2026118"}


def test_unmatched_mail_is_unfiled_and_can_be_assigned_later(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    data = mail("Question", "Do you make wet wipes fabric?", message_id="q@northwind.example",
                attachments=[("spec.pdf", b"%PDF spec", "application/pdf")])
    handled = handle(raw(data), desk, store)
    assert handled.applied is not None and handled.applied.order_folder is None
    assert handled.applied.path.startswith("unfiled/2026-11/")
    moved = store.assign("q@northwind.example", "4500871", Person("Lily Chen", "merchandiser"))
    assert moved.order_folder == "4500871" and moved.new_order
    root = store.archive.root
    assert (root / moved.path).read_bytes() == data
    assert not (root / handled.applied.path).exists()
    assert any(p.name.endswith("_spec.pdf") for p in (root / "orders" / "4500871" / "files").iterdir())
    with store.sessions() as session:
        attachment = session.scalar(select(AttachmentRow))
        assert attachment.path.startswith("orders/4500871/files/")
        # its documents (the inquiry) go with it: the order's follow-up and export count them
        docs = session.scalars(select(DocumentRow).where(
            DocumentRow.message_row_id == handled.applied.message_row_id)).all()
        assert docs and {d.order_id for d in docs} == {store.find_order("4500871").id}


def test_bad_mail_is_quarantined_with_bytes_and_reason(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    broken = b"PK\x03\x04\x00\x00 not a mail \x00\xff"
    handled = handle(raw(broken, "broken.eml"), desk, store)
    assert handled.status == "quarantined" and "not an email" in handled.reason
    [row] = store.quarantined()
    assert (store.archive.root / row.path).read_bytes() == broken
    reason_file = (store.archive.root / row.path).with_name(row.path.rsplit("/", 1)[1].replace(".eml", ".reason.json"))
    assert "not an email" in reason_file.read_text()
    assert handle(raw(broken), desk, store).status == "duplicate"  # not quarantined twice
    assert len(store.quarantined()) == 1


def test_a_crash_before_commit_then_a_restart_files_once(desk_and_store: tuple[Desk, Store],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    desk, store = desk_and_store
    from mailflow.store.archive import LocalArchive as Archive

    real_write = Archive.write
    calls = {"n": 0}

    def write_then_die(self, rel, data):  # the mail file lands, then the process "dies"
        calls["n"] += 1
        real_write(self, rel, data)
        if calls["n"] == 2:
            raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(Archive, "write", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        handle(raw(PO), desk, store)
    monkeypatch.setattr(Archive, "write", real_write)
    assert count(store, MessageRow) == 0 and count(store, OutboxRow) == 0
    assert handle(raw(PO), desk, store).status == "filed"
    assert count(store, MessageRow) == 1 and count(store, OutboxRow) == 1
    folders = [p for p in (store.archive.root / "orders").iterdir()]
    assert [p.name for p in folders] == ["4500871"]
    assert len(list((folders[0] / "mail").iterdir())) == 1
    leftovers = [p for p in store.archive.root.rglob(".tmp-*")]
    assert leftovers == []


def test_hostile_attachment_names_never_leave_the_archive(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    names = ["../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "a/../../../../tmp/x.pdf", "NUL", ".."]
    data = mail("Files", "see attached", attachments=[(n, n.encode(), "application/octet-stream") for n in names])
    handled = handle(raw(data), desk, store)
    assert handled.status == "filed"
    root = store.archive.root
    written = [p for p in root.parent.rglob("*") if p.is_file() and not p.name.startswith("mailflow.db")]
    assert written and all(p.is_relative_to(root) for p in written)
    files = sorted(p.name[9:] for p in root.rglob("files/*"))
    assert files == sorted(["passwd", "boot.ini", "shadow", "x.pdf", "_NUL", "part-7"])


FOLLOW_UP = mail("PO 4500871 - carton marking", "For our PO 4500871: please use the new carton marks.",
                 message_id="marks@northwind.example")


def test_a_batch_is_one_transaction_whose_lookups_see_its_own_mail(desk_and_store: tuple[Desk, Store],
                                                                  database_url: str) -> None:
    desk, store = desk_and_store
    other = Store(database_url, store.archive.root)  # another connection: it sees what is committed
    try:
        with store.batch():
            first = handle(raw(PO), desk, store)
            second = handle(raw(FOLLOW_UP), desk, store)  # the new order's second mail, no thread headers
            assert first.applied is not None and second.applied is not None and first.applied.new_order
            assert second.applied.order_id == first.applied.order_id and not second.applied.new_order
            assert count(store, MessageRow) == 2 and count(other, MessageRow) == 0
        assert count(other, MessageRow) == 2 and count(other, OrderRow) == 1
    finally:
        other.close()


def test_a_reply_queued_earlier_in_the_batch_counts_for_the_rate_limit(desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    ask = mail("Inquiry", "Please quote spunlace 45gsm.", sender="tom@northwind.example",
               message_id="inq-1@northwind.example")
    again = mail("Inquiry", "Please quote 50gsm as well.", sender="Tom@Northwind.example",  # any case
                 message_id="inq-2@northwind.example")
    with store.batch():
        first = handle(raw(ask), desk, store)
        second = handle(raw(again), desk, store)
    assert first.outcome is not None and [r.template for r in first.outcome.replies] == ["inquiry_ack"]
    assert second.outcome is not None and not second.outcome.replies
    assert [s.reason for s in second.outcome.suppressed] == [
        "a inquiry_ack reply went to Tom@northwind.example within 24 h"]


def test_a_crash_inside_a_batch_files_none_of_it_and_the_rerun_files_each_once(
        desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    with pytest.raises(RuntimeError), store.batch():
        handle(raw(PO), desk, store)
        handle(raw(REPLY), desk, store)
        raise RuntimeError("the process dies here")
    assert count(store, MessageRow) == count(store, OrderRow) == count(store, OutboxRow) == 0
    with store.batch():  # the restart: the same mail again, its files written again byte for byte
        handle(raw(PO), desk, store)
        handle(raw(REPLY), desk, store)
        assert handle(raw(PO), desk, store).status == "duplicate"  # the batch's own rows count
    assert count(store, MessageRow) == 2 and count(store, OrderRow) == 1
    for row in store.messages():
        assert hashlib.sha256((store.archive.root / row.path).read_bytes()).hexdigest() == row.sha256


def test_a_mail_whose_rows_do_not_fit_rolls_back_alone_and_the_batch_goes_on(tmp_path: Path,
                                                                           database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps text of any length: only PostgreSQL refuses the too long rule name")
    config_file = write_desk(tmp_path / "desk", database_url)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "00-long.yaml").write_text(  # its name is longer than the messages' rule column
        f"- name: {'x' * 250}\n  category: other\n  when: {{subject: LONGNAME}}\n  then: []\n",
        encoding="utf-8")
    config_file.write_text(config_file.read_text().replace(str(ROOT / "rules"), str(rules)))
    config = load_config(config_file)
    store, desk = Store(config.database_url, config.archive_root), load_desk(config)
    try:
        with store.batch():
            before = handle(raw(PO), desk, store)
            refused = handle(raw(mail("LONGNAME", "Hello.", message_id="long@northwind.example")), desk, store)
            after = handle(raw(REPLY), desk, store)
        assert before.status == after.status == "filed"
        assert refused.status == "quarantined" and "could not be stored" in refused.reason
        assert count(store, MessageRow) == 2 and count(store, OrderRow) == 1
        assert [q.reason for q in store.quarantined()] == [refused.reason]
    finally:
        desk.close()
        store.close()


def test_work_that_waits_for_the_commit_runs_after_it_and_never_after_a_rollback(
        desk_and_store: tuple[Desk, Store]) -> None:
    _, store = desk_and_store
    done: list[str] = []
    store.sessions.after_commit(lambda: done.append("outside a batch: at once"))
    assert done == ["outside a batch: at once"]
    with store.batch():
        store.sessions.after_commit(lambda: done.append("after the commit"))
        assert len(done) == 1
    assert done[-1] == "after the commit"
    with pytest.raises(RuntimeError), store.batch():
        store.sessions.after_commit(lambda: done.append("never"))
        raise RuntimeError("rolled back")
    assert "never" not in done


def test_a_batch_holds_sqlites_write_lock_only_until_it_commits(desk_and_store: tuple[Desk, Store]) -> None:
    """What the daemon relies on to let its other writers in: the batch takes the lock when it
    first writes (BEGIN IMMEDIATE), and a commit gives it back until the next mail."""
    import sqlite3

    desk, store = desk_and_store
    if store.database_path is None:
        pytest.skip("PostgreSQL has no database-wide write lock")

    def can_write() -> bool:
        other = sqlite3.connect(store.database_path, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        finally:
            other.close()

    with store.batch() as batch:
        assert can_write()  # nothing begun yet
        handle(raw(PO), desk, store)
        assert not can_write()
        batch.commit()
        assert can_write() and count(store, MessageRow) == 1
        handle(raw(REPLY), desk, store)
        assert not can_write()
    assert can_write() and count(store, MessageRow) == 2


def test_a_mail_whose_lookup_fails_is_quarantined_and_the_batch_goes_on(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement that fails while a mail is decided (on PostgreSQL it spoils the whole
    transaction) is undone with that mail alone: the mail is quarantined, the batch files the rest."""

    desk, store = desk_and_store
    real = Store.known_sender

    def failing(self: Store, address: str) -> bool:
        if address.startswith("ann@"):
            with self.sessions() as session:
                session.execute(text("SELECT * FROM no_such_table"))  # the database refuses it
        return real(self, address)

    monkeypatch.setattr(Store, "known_sender", failing)
    ann = mail("Inquiry", "Please quote wipes.", sender="ann@harbor.example", message_id="ann@harbor.example")
    with store.batch():
        before = handle(raw(PO), desk, store)
        refused = handle(raw(ann), desk, store)
        after = handle(raw(REPLY), desk, store)
    assert before.status == after.status == "filed"
    assert refused.status == "quarantined" and "internal error" in refused.reason
    assert count(store, MessageRow) == 2 and len(store.quarantined()) == 1


def test_a_file_that_moved_is_removed_after_the_commit_only_when_no_row_uses_it(
        desk_and_store: tuple[Desk, Store]) -> None:
    """A later mail of the same batch may file the same bytes at the place a moved file left."""
    desk, store = desk_and_store
    with store.batch():
        filed = handle(raw(PO), desk, store)
        assert filed.applied is not None
        spare = "unfiled/2026-11/files/spare.pdf"
        (store.archive.root / spare).parent.mkdir(parents=True, exist_ok=True)
        (store.archive.root / spare).write_bytes(b"%PDF spare")
        store._remove_after_commit([filed.applied.path, spare])  # the first is the mail's own file now
        assert (store.archive.root / spare).exists()  # not before the commit
    assert (store.archive.root / filed.applied.path).exists() and not (store.archive.root / spare).exists()


def test_the_worker_finds_the_order_numbers_in_the_text_as_the_daemon_would(
        desk_and_store: tuple[Desk, Store]) -> None:
    desk, _ = desk_and_store
    prepared = desk.intake.result(desk.intake.submit(PO), lambda: False)
    assert prepared.numbers == (Found("4500871", "body"),)
    assert prepared.numbers == numbers_in_text(prepared.message, desk.patterns)  # the desk's patterns, in a worker


def file_two_in_a_batch(desk: Desk, store: Store, synced: list) -> tuple[list[Path], list[int], int]:
    """PO and REPLY filed in one batch: their files, the number of syncs made when each
    commit came, and the number made while filing."""
    synced_at_commit: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: synced_at_commit.append(len(synced)))
    with store.batch():
        handle(raw(PO), desk, store)
        handle(raw(REPLY), desk, store)
        while_filing = len(synced)
    files = [store.archive.root / row.path for row in store.messages()]
    with store.sessions() as session:
        files += [store.archive.root / path for path in session.scalars(select(AttachmentRow.path))]
    return files, synced_at_commit, while_filing


def test_a_batch_syncs_its_file_system_once_before_it_commits(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is committed that points at a file not yet on the disk: where there is syncfs,
    the batch's files are synced by one syncfs of their file system when it commits."""
    desk, store = desk_and_store
    assert archive._SYNCFS is not None  # Linux: the test suite's platform
    synced: list[tuple[Path, list[Path]]] = []  # each syncfs: the folder, the files then on the disk
    syncfs = archive.syncfs

    def watched(folder: Path) -> None:
        syncfs(folder)
        synced.append((folder, [p for p in store.archive.root.rglob("*.*") if p.is_file()]))

    fsynced: list[int] = []
    monkeypatch.setattr(archive, "syncfs", watched)
    monkeypatch.setattr(os, "fsync", fsynced.append)  # the order's new folders are left to the syncfs too
    files, synced_at_commit, while_filing = file_two_in_a_batch(desk, store, synced)
    assert while_filing == 0 and fsynced == []  # written, not yet synced
    assert len(files) == 4 and synced_at_commit[0] == len(synced) == 1
    folder, on_disk = synced[0]
    assert folder.is_relative_to(store.archive.root) and set(files) <= set(on_disk)


def test_without_syncfs_a_batch_fsyncs_its_files_together_before_it_commits_each_folder_once(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no syncfs, the batch fsyncs its mails' files when it commits, not one
    by one as they are written, and each folder once."""
    desk, store = desk_and_store
    monkeypatch.setattr(archive, "_SYNCFS", None)
    synced: list[Path] = []
    fsync = os.fsync

    def watched(fd: int) -> None:  # the real fsync, and which file or folder it was for
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", watched)
    files, synced_at_commit, while_filing = file_two_in_a_batch(desk, store, synced)
    assert all(p.is_dir() for p in synced[:while_filing])  # written, not yet synced (new folders' entries are)
    assert len(files) == 4 and all(f.exists() for f in files)
    before_commit = synced[while_filing:synced_at_commit[0]]
    assert set(files) <= set(before_commit)
    folders = [p for p in before_commit if p.is_dir()]
    assert sorted(folders) == sorted({f.parent for f in files})  # each folder once


def test_a_batch_whose_files_cannot_be_synced_commits_nothing_and_removes_what_it_wrote(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """An fsync that fails (a disk error, a full disk) stops the commit; the files the batch
    wrote are removed, so that filing the mail again writes them anew instead of trusting
    bytes that may be in memory only."""
    desk, store = desk_and_store
    fsync, syncfs = os.fsync, archive.syncfs

    def failing(_fd_or_folder: object) -> None:
        raise OSError(5, "Input/output error")

    with pytest.raises(StoreError, match="cannot write to the archive: .*Input/output error"), store.batch():
        filed = handle(raw(PO), desk, store)
        assert filed.applied is not None
        written = store.archive.root / filed.applied.path
        assert written.exists()
        monkeypatch.setattr(os, "fsync", failing)  # the disk fails at the commit
        monkeypatch.setattr(archive, "syncfs", failing)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(archive, "syncfs", syncfs)
    assert count(store, MessageRow) == 0 and not written.exists()
    again = handle(raw(PO), desk, store)
    assert again.status == "filed" and (store.archive.root / again.applied.path).read_bytes() == PO


def test_a_file_written_again_with_the_same_bytes_is_synced_and_new_folders_are_too(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """`put` (a batch's unsynced write) may leave a file that a later `write` finds with the
    same bytes: it is fsynced then, not trusted; a new folder's entry is fsynced in its parent."""
    _, store = desk_and_store
    store.archive.root.mkdir(parents=True, exist_ok=True)
    synced: list[str] = []
    fsync = os.fsync

    def watched(fd: int) -> None:
        synced.append(str(Path(os.readlink(f"/proc/self/fd/{fd}")).relative_to(store.archive.root.parent)))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", watched)
    name = store.archive.root.name
    path, created = store.archive.put(PurePosixPath("new/deeper/a.eml"), b"bytes")
    assert created and synced == [name, f"{name}/new"]  # the two new folders' entries, nothing else
    synced.clear()
    assert store.archive.write(PurePosixPath("new/deeper/a.eml"), b"bytes") == path
    assert synced == [f"{name}/new/deeper/a.eml", f"{name}/new/deeper"]
    synced.clear()
    store.archive.write(PurePosixPath("new/deeper/b.eml"), b"other bytes")  # a new file: synced too
    assert synced == [f"{name}/new/deeper/b.eml", f"{name}/new/deeper"]


def test_the_order_json_of_several_orders_is_written_first_and_synced_together(
        desk_and_store: tuple[Desk, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    desk, store = desk_and_store
    second_po = mail("New order", "Please find attached our PO 4500872.", message_id="po2@northwind.example",
                     attachments=[("PO_4500872.pdf", b"%PDF-1.4 po", "application/pdf")])
    orders = [handle(raw(data), desk, store).applied for data in (PO, second_po)]
    assert all(a is not None and a.order_id for a in orders)
    events: list[str] = []
    fsync, put = os.fsync, store.archive.put

    def watched_put(rel, data, **kw):  # the real (unsynced) write, noted
        events.append(f"write {rel}")
        return put(rel, data, **kw)

    def watched_fsync(fd: int) -> None:  # the real fsync, noted
        events.append(f"fsync {Path(os.readlink(f'/proc/self/fd/{fd}')).relative_to(store.archive.root)}")
        fsync(fd)

    monkeypatch.setattr(store.archive, "put", watched_put)
    monkeypatch.setattr(os, "fsync", watched_fsync)
    monkeypatch.setattr(archive, "_SYNCFS", None)  # each file and folder, as without syncfs
    store.write_order_json(*(a.order_id for a in orders if a and a.order_id))
    assert events == ["write orders/4500871/order.json", "write orders/4500872/order.json",
                      "fsync orders/4500871/order.json", "fsync orders/4500872/order.json",
                      "fsync orders/4500871", "fsync orders/4500872"]
    for number in ("4500871", "4500872"):
        assert json.loads((store.archive.root / "orders" / number / "order.json").read_text())["order"] == number


def test_the_intake_lock_is_held_while_a_batch_transaction_is_open_and_only_then(
        desk_and_store: tuple[Desk, Store]) -> None:
    import threading

    from mailflow.daemon import Intake

    desk, store = desk_and_store
    sink = Intake(desk, store)

    def free() -> bool:  # what another thread of the daemon sees
        got: list[bool] = []
        thread = threading.Thread(target=lambda: got.append(sink.lock.acquire(timeout=0.05)) or (
            got[0] and sink.lock.release()))
        thread.start()
        thread.join()
        return got[0]

    handler = sink.handler()
    with sink.batch():
        assert free()
        handler(raw(PO))
        assert not free()  # the mail's transaction is open
        store.sessions.current.commit()
        assert free()
    assert free() and count(store, MessageRow) == 1


def test_an_orders_numbers_become_its_aliases_once_each_in_their_first_spelling(
        desk_and_store: tuple[Desk, Store]) -> None:
    """The aliases a mail gives are looked up together: a number given again in another
    spelling is the same alias, and one the order has already is not added again."""
    desk, store = desk_and_store
    first = mail("Signed PI AN-PI-26-0311 / order MH-2026-118", "Attached the countersigned PI for MH 2026 118.",
                 sender="einkauf@mueller-hw.example", message_id="pi@mueller-hw.example")
    again = mail("Re: Signed PI AN-PI-26-0311 / order MH-2026-118", "Shipping marks for MH/2026/118 follow.",
                 sender="einkauf@mueller-hw.example", message_id="pi2@mueller-hw.example")
    assert handle(raw(first), desk, store).status == "filed"
    assert handle(raw(again, "again.eml"), desk, store).status == "filed"
    with store.sessions() as session:
        aliases = sorted(tuple(row) for row in session.execute(select(OrderAlias.key, OrderAlias.number)))
    assert aliases == [("ANPI260311", "AN-PI-26-0311"), ("MH2026118", "MH-2026-118")]


def test_in_a_batch_an_alias_added_by_a_mail_undone_is_added_again_by_the_next(
        desk_and_store: tuple[Desk, Store]) -> None:
    """The batch's earlier mail gave the order its numbers: a later one giving them again adds
    none. A mail whose savepoint is undone takes its new alias with it: the next mail giving
    that number adds it, though the connection saw the alias added in between."""
    desk, store = desk_and_store
    first = mail("Signed PI AN-PI-26-0311 / order MH-2026-118", "Attached the countersigned PI.",
                 sender="einkauf@mueller-hw.example", message_id="pi@mueller-hw.example")
    again = mail("Re: Signed PI AN-PI-26-0311 / order MH-2026-118", "Shipping marks for MH/2026/118 follow.",
                 sender="einkauf@mueller-hw.example", message_id="pi2@mueller-hw.example")
    undone = mail("Re: order MH-2026-118", "Our P/I for it is PI KX-26-0999.",
                  sender="einkauf@mueller-hw.example", message_id="kx1@mueller-hw.example")
    redone = mail("Re: order MH-2026-118", "Again: our P/I for it is PI KX-26-0999.",
                  sender="einkauf@mueller-hw.example", message_id="kx2@mueller-hw.example")
    with store.batch():
        assert handle(raw(first), desk, store).status == "filed"
        assert handle(raw(again, "again.eml"), desk, store).status == "filed"
        with pytest.raises(RuntimeError), store.sessions.one_mail():
            assert handle(raw(undone, "undone.eml"), desk, store).status == "filed"
            with store.sessions() as session:
                assert session.scalar(select(OrderAlias.number).where(OrderAlias.key == "KX260999")) == "KX-26-0999"
            raise RuntimeError("the mail fails after its alias was added")
        assert handle(raw(redone, "redone.eml"), desk, store).status == "filed"
    with store.sessions() as session:
        aliases = sorted(tuple(row) for row in session.execute(select(OrderAlias.key, OrderAlias.number)))
        indexed = dict(session.execute(select(MessageRow.message_id, SearchDoc.body)
                                       .join(SearchDoc, SearchDoc.message_row_id == MessageRow.id)).all())
    assert aliases == [("ANPI260311", "AN-PI-26-0311"), ("KX260999", "KX-26-0999"), ("MH2026118", "MH-2026-118")]
    assert sorted(indexed) == ["kx2@mueller-hw.example", "pi2@mueller-hw.example", "pi@mueller-hw.example"]
    # each is found by the numbers its order had once it was filed, its own new one too
    assert "\nAN-PI-26-0311\nMH-2026-118\n" in indexed["pi@mueller-hw.example"]
    assert "\nAN-PI-26-0311\nMH-2026-118\n" in indexed["pi2@mueller-hw.example"]
    assert "\nAN-PI-26-0311\nMH-2026-118\nKX-26-0999\n" in indexed["kx2@mueller-hw.example"]


def test_in_a_batch_a_failed_read_while_deciding_spoils_nothing_of_the_batch(
        desk_and_store: tuple[Desk, Store]) -> None:
    """Deciding a mail only reads: a statement of it that fails leaves the batch as it was, the
    mails before and after it filed (PostgreSQL needs the savepoint for it; SQLite, where a
    failed statement spoils nothing but itself, takes none)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    desk, store = desk_and_store
    before = mail("Inquiry", "Please quote spunlace 45gsm.", sender="buyer@example.com", message_id="b1@example.com")
    after = mail("Inquiry", "And 50gsm too.", sender="buyer@example.com", message_id="b2@example.com")
    with store.batch():
        assert handle(raw(before), desk, store).status == "filed"
        with pytest.raises(SQLAlchemyError), store.sessions.one_mail(reads_only=True), \
                store.sessions.connection() as conn:
            conn.execute(text("SELECT no_such_column FROM messages"))
        assert handle(raw(after, "after.eml"), desk, store).status == "filed"
    with store.sessions() as session:
        filed = sorted(session.scalars(select(MessageRow.message_id)))
    assert filed == ["b1@example.com", "b2@example.com"]


def test_in_a_batch_whose_orders_are_on_file_is_read_once_and_anew_once_an_order_opens(
        desk_and_store: tuple[Desk, Store]) -> None:
    """Most mail asks whether its sender's domain has orders on file: in a batch on SQLite the
    answer is read once, until an order opens (then it may have changed) or the transaction
    ends; on PostgreSQL, where another daemon's order is seen at once, each time."""
    desk, store = desk_and_store
    asked: list[str] = []

    def watch(statement: str) -> None:
        if "FROM orders" in statement:
            asked.append(statement)

    if store.sessions.sqlite:  # statements run on the driver (`store.driver.Direct`): its own trace sees them all
        event.listen(store.engine, "checkout", lambda dbapi_conn, *_: dbapi_conn.set_trace_callback(watch))
        event.listen(store.engine, "checkin", lambda dbapi_conn, *_: dbapi_conn.set_trace_callback(None))
    else:
        event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: watch(statement))
    buyer = "newbuyer.example"  # no buyer the desk lists: its orders are filed under its domain
    po = mail("New order", "Please find attached our PO 4500999.", sender=f"purchasing@{buyer}",
              message_id=f"po@{buyer}", attachments=[("PO_4500999.pdf", b"%PDF-1.4 po", "application/pdf")])
    with store.batch():
        assert not store.buys_from_us(buyer) and not store.buys_from_us(buyer)
        assert not store.supplies_us(buyer)
        assert len(asked) == (2 if store.sessions.sqlite else 3)  # on SQLite once as a buyer, once as a supplier
        handled = handle(raw(po), desk, store)
        assert handled.applied is not None and handled.applied.new_order
        with store.sessions() as session:
            assert session.scalar(select(OrderRow.buyer)) == buyer
        assert store.buys_from_us(buyer) and not store.supplies_us(buyer)
    asked.clear()
    assert store.buys_from_us(buyer) and len(asked) == 1  # outside a batch each question is read


def test_a_batch_writes_its_full_text_rows_at_once_and_a_mail_undone_takes_its_own_back(
        desk_and_store: tuple[Desk, Store]) -> None:
    """SQLite's full-text rows of a batch's mails are written together when it commits; a mail
    whose savepoint is undone is not among them (its document went with it), and every query
    kind finds the others."""
    from mailflow.store import search

    desk, store = desk_and_store
    texts = {"one": "Samples of the kestrelwipe roll: 水刺样品。",
             "two": "The heronwipe roll failed: 发票号码。",
             "three": "Quote for the ospreywipe roll: 交货期限。"}
    with store.batch():
        assert handle(raw(mail("Samples", texts["one"], message_id="one@x.example")), desk, store).status == "filed"
        assert handle(raw(mail("Quote", texts["three"], message_id="three@x.example"), "three.eml"),
                      desk, store).status == "filed"
        with pytest.raises(RuntimeError), store.sessions.one_mail():  # the last: no later mail takes its id
            assert handle(raw(mail("Failed", texts["two"], message_id="two@x.example"), "two.eml"),
                          desk, store).status == "filed"
            raise RuntimeError("the mail fails after it was indexed")
    with store.sessions() as session:
        def found(query: str) -> list[str]:
            return sorted(session.get_one(MessageRow, h.message_row_id).message_id.split("@")[0]
                          for h in search.search(session, query))

        assert found("kestrelwipe") == ["one"] and found("ospreywipe") == ["three"]  # whole words
        assert found("水刺样") == ["one"] and found("交货期") == ["three"]  # any text of three characters
        assert found("样品") == ["one"] and found("期限") == ["three"]  # two Chinese characters
        assert found("heronwipe") == found("发票号") == found("号码") == []
        if store.database_path is not None:  # each FTS5 table holds what the documents hold, no more
            for table in search.FTS_TABLES:
                session.execute(text(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"))  # noqa: S608 - our tables


def test_a_mail_reclassified_as_an_order_opens_it_as_filing_would(desk_and_store: tuple[Desk, Store]) -> None:
    """A person's refiling opens the order the mail names (its number's alias, version 1) and
    moves the mail there: the order is opened as filing opens one, then loaded to be changed."""
    from mailflow.training import reclassify

    desk, store = desk_and_store
    asked = mail("Inquiry", "Please quote spunlace 45gsm. Our internal reference will be PO 4500999.",
                 message_id="x1@northwind.example")
    assert handle(raw(asked), desk, store).applied.order_folder is None  # type: ignore[union-attr]
    refiled = reclassify("x1@northwind.example", "order", Person("Lily Chen", "manager"), desk, store)
    assert (refiled.order_folder, refiled.new_order, refiled.replies_added) == (
        "4500999", True, ("order_confirmation:held",))
    with store.sessions() as session:
        orders = [(o.id, o.number, o.folder, o.version, o.status) for o in session.scalars(select(OrderRow))]
        aliases = list(session.execute(select(OrderAlias.key, OrderAlias.number, OrderAlias.order_id)))
        filed = session.execute(select(MessageRow.order_id, MessageRow.path)).one()
    assert orders == [(refiled.order_id, "4500999", "4500999", 1, "open")]
    assert [tuple(a) for a in aliases] == [("4500999", "4500999", refiled.order_id)]
    assert tuple(filed) == (refiled.order_id, refiled.path) and refiled.path.startswith("orders/4500999/mail/")


def test_the_same_mail_twice_in_one_read_ahead_is_filed_once(desk_and_store: tuple[Desk, Store],
                                                              tmp_path: Path) -> None:
    """Both copies are read ahead before either is filed, so neither was on file when looked
    up: the filing's own check in the batch's transaction makes the second a duplicate."""
    from mailflow.daemon import run_once
    from mailflow.sources.local import local_source

    desk, store = desk_and_store
    folder = tmp_path / "twice"
    folder.mkdir()
    for name in ("a.eml", "b.eml"):
        (folder / name).write_bytes(PO)
    summary = run_once(desk, store, [local_source(str(folder), tmp_path)])
    assert (summary.read, summary.duplicates, summary.errors) == (2, 1, [])
    assert count(store, MessageRow) == 1
    assert count(store, OutboxRow) == 1
    assert len(list((store.archive.root / "orders" / "4500871" / "mail").iterdir())) == 1


def test_the_read_ahead_skips_mail_on_file_and_keeps_the_order(desk_and_store: tuple[Desk, Store]) -> None:
    """Mails taken from the source are looked up `lookup` at a time: the filed ones (here past
    the first lookup's reach too) come out without a worker's read, every mail comes out once,
    in the source's order, and each mail not on file comes with its prepared content."""
    from mailflow.pipeline import read_ahead

    desk, store = desk_and_store
    raws = [raw(mail(f"Inquiry {i}", f"Price of {i} rolls?", message_id=f"ask-{i}@northwind.example"), f"{i}.eml")
            for i in range(20)]
    filed = {1, 9, 18}
    for i in sorted(filed):
        assert handle(raws[i], desk, store).status == "filed"
    asked: list[int] = []
    looked_up = store.filed_sha256s

    def counted(digests: list[str]) -> list[str]:
        asked.append(len(digests))
        return looked_up(digests)

    store.filed_sha256s = counted  # type: ignore[method-assign]
    paired = list(read_ahead(raws, desk, store, depth=4, lookup=8))
    assert [r for r, _ in paired] == raws
    assert {i for i, (_, future) in enumerate(paired) if future is None} == filed
    assert all(future.result().message.subject == f"Inquiry {i}"
               for i, (_, future) in enumerate(paired) if future is not None)
    assert asked == [8, 8, 4]


def test_orders_followed_together_are_all_committed(tmp_path: Path, database_url: str) -> None:
    """`follow_orders` recomputes several orders (in one transaction on SQLite, one each on
    PostgreSQL): each order's milestones and status are on file for another connection
    afterwards, and an order that is gone is skipped."""
    from mailflow.follow import Follower
    from mailflow.follow.plans import load_plans

    store = Store(database_url, tmp_path / "archive", follower=Follower(load_plans(ROOT / "rules" / "followup")))
    try:
        ids = []
        with store.sessions() as session, session.begin():
            for number in ("KS-7101", "KS-7102"):
                order = OrderRow(number=number, folder=number, buyer="Kestrel Supplies", status="open",
                                 plan="tt-order")
                session.add(order)
                session.flush()
                ids.append(order.id)
        store.follow_orders(*ids, max(ids) + 100)
    finally:
        store.close()
    other = Store(database_url, tmp_path / "archive")
    try:
        with other.sessions() as session:
            for order_id in ids:
                order = session.get(OrderRow, order_id)
                assert order is not None and order.next_milestone
                assert session.scalar(select(func.count()).select_from(MilestoneRow)
                                      .where(MilestoneRow.order_id == order_id))
    finally:
        other.close()


def test_a_filed_mails_search_text_has_the_number_keys_the_worker_found(desk_and_store: tuple[Desk, Store]) -> None:
    """The worker finds the number keys of the mail's texts (`Prepared.text_keys`); the search
    text written while filing is the one made from the texts themselves."""
    from mailflow.store import search
    from mailflow.store.db import SearchDoc

    desk, store = desk_and_store
    message = mail("PO/4500871 revised: BW-2026-0457", "Ship PI-2026-77 and B/L COSU-6201-88, 订单 PO-7788-1.",
                   sender="purchasing@buyer.example", message_id="keys@buyer.example")
    handled = handle(raw(message), desk, store)
    assert handled.outcome is not None and handled.outcome.text_keys  # read by the worker
    assert handled.outcome.text_keys[handled.outcome.message.subject] == ["PO4500871", "BW20260457"]
    with store.sessions() as session:
        row = session.get_one(MessageRow, handled.applied.message_row_id)
        body = session.scalar(select(SearchDoc.body).where(SearchDoc.message_row_id == row.id))
        numbers = [a.number for a in session.get_one(OrderRow, row.order_id).aliases] if row.order_id else []
    parsed = handled.outcome.message
    again = search.document(parsed.subject, parsed.text,
                            [a.addr for a in (*parsed.from_, *parsed.to, *parsed.cc)],
                            [a.name for a in (*parsed.from_, *parsed.to, *parsed.cc)], [], numbers, row.buyer)
    assert body == again and "COSU620188" in body

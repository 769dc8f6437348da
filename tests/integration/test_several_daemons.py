"""Several daemons on one PostgreSQL (and SQLite, where the same code runs for one): a race to
file the same mail or to open the same order is a duplicate or a retry, never a quarantine; a
folder belongs to one daemon at a time and a former owner's write is fenced off; an outbox
claim is recovered only after its lease expires; the hourly cap holds for all senders together."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from mailflow.config import load_config
from mailflow.desk import load_desk
from mailflow.model import Origin, Quarantined, RawMail
from mailflow.pipeline import handle
from mailflow.store import Store
from mailflow.store.db import MessageRow, OrderRow, OutboxRow, QuarantineRow
from mailflow.store.leases import Fence, LeaseLost, Leases
from mailflow.store.search import search
from mailflow.store.sync import Position, advance_in
from tests.conftest import ROOT, write_desk
from tests.integration.test_imap import write_config
from tests.mails import mail, wait_for

pytestmark = pytest.mark.integration


class MeetingStore(Store):
    """A store whose first apply waits until the other daemon's has come as far: both decided
    before either wrote, the worst moment for a race."""

    barrier: threading.Barrier

    def apply(self, *args: Any, **kwargs: Any) -> Any:
        if not getattr(self, "_met", False):
            self._met = True
            self.barrier.wait(30)
        return super().apply(*args, **kwargs)


def two_daemons(tmp_path: Path, url: str) -> tuple[Any, list[MeetingStore]]:
    config = load_config(write_desk(tmp_path / "desk", url))
    barrier = threading.Barrier(2)
    stores = []
    for _ in range(2):
        store = MeetingStore(url, config.archive_root)
        store.barrier = barrier
        stores.append(store)
    return load_desk(config), stores


def race(desk: Any, stores: list[MeetingStore], raws: list[RawMail]) -> list[Any]:
    results: list[Any] = [None, None]

    def one(i: int) -> None:
        results[i] = handle(raws[i], desk, stores[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def rows(store: Store, model: Any) -> list[Any]:
    with store.sessions() as session:
        return list(session.scalars(select(model)))


@pytest.mark.parametrize("attempt", range(4))
def test_the_same_mail_filed_at_once_by_two_daemons_is_one_message(
        tmp_path: Path, database_url: str, attempt: int) -> None:
    desk, stores = two_daemons(tmp_path, database_url)
    data = mail("Inquiry", "Please quote.", sender="bob@northwind.example", message_id=f"same-{attempt}@n.example")
    try:
        results = race(desk, stores, [RawMail(data, Origin("file", path=f"/a/{i}.eml")) for i in range(2)])
        assert sorted(r.status for r in results) == ["duplicate", "filed"]
        assert len(rows(stores[0], MessageRow)) == 1 and rows(stores[0], QuarantineRow) == []
    finally:
        desk.close()
        for store in stores:
            store.close()


@pytest.mark.parametrize("attempt", range(4))
def test_two_mails_opening_the_same_new_order_at_once_make_one_order(
        tmp_path: Path, database_url: str, attempt: int) -> None:
    desk, stores = two_daemons(tmp_path, database_url)
    raws = [RawMail(mail("PO 4507777 spunlace", f"Please find our PO 4507777, part {i}.",
                         sender="bob@northwind.example", message_id=f"po{i}-{attempt}@northwind.example"),
                    Origin("file", path=f"/b/{i}.eml")) for i in range(2)]
    try:
        results = race(desk, stores, raws)
        assert [r.status for r in results] == ["filed", "filed"]
        assert [o.number for o in rows(stores[0], OrderRow)] == ["4507777"]
        messages = rows(stores[0], MessageRow)
        assert len(messages) == 2 and len({m.order_id for m in messages}) == 1
        assert rows(stores[0], QuarantineRow) == []
    finally:
        desk.close()
        for store in stores:
            store.close()


def test_a_folder_has_one_owner_and_a_former_owners_write_is_refused(tmp_path: Path,
                                                                      database_url: str) -> None:
    config = load_config(write_desk(tmp_path / "desk", database_url))
    first, second = Store(database_url, config.archive_root), Store(database_url, config.archive_root)
    try:
        source = "imap://desk@127.0.0.1:143/INBOX"
        a, b = Leases(first.sessions, "a-host:1:aa", 2), Leases(second.sessions, "b-host:2:bb", 2)
        fence_a = a.acquire(source)
        assert fence_a == Fence("a-host:1:aa", 1) and b.acquire(source) is None
        first.ledger.fences[source] = fence_a
        first.ledger.advance(Position(source, 7, 10))
        # a stops renewing (paused, cut off); once its lease has expired, b takes the folder over
        assert wait_for(lambda: b.acquire(source) is not None, 30)
        assert b.holder(source).generation == 2  # type: ignore[union-attr]
        with pytest.raises(LeaseLost):
            first.ledger.advance(Position(source, 7, 11))  # a's late write is fenced off
        assert first.ledger.position(source, 7) == 10 and not a.renew(source, fence_a)
    finally:
        first.close()
        second.close()


def test_a_transaction_checks_its_folders_fence_once_and_again_after_a_savepoint_rolls_back(
        tmp_path: Path, database_url: str) -> None:
    """The lease row stays locked until the commit once checked; a rolled-back savepoint may
    take the lock with it (PostgreSQL), so the next write checks again."""
    config = load_config(write_desk(tmp_path / "desk", database_url))
    store = Store(database_url, config.archive_root)
    try:
        source = "imap://desk@127.0.0.1:143/INBOX"
        fence = Leases(store.sessions, "a-host:1:aa", 30).acquire(source)
        assert fence is not None
        store.ledger.fences[source] = fence
        checks: list[str] = []
        event.listen(store.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: checks.append(statement) if "folder_leases" in statement else None)
        def advance(uid: int) -> None:  # a write of the folder's position inside the batch
            with store.sessions() as session, session.begin():
                advance_in(session, Position(source, 7, uid), fence)

        with store.batch():
            for uid in (1, 2, 3):  # three mails of a batch
                advance(uid)
            assert len(checks) == 1
            with pytest.raises(RuntimeError), store.sessions() as session, session.begin():
                advance_in(session, Position(source, 7, 4), fence)  # still checked: no new look
                raise RuntimeError("this mail fails: its savepoint rolls back")
            assert len(checks) == 1
            advance(5)
            advance(6)
            assert len(checks) == 2  # looked again once, after the rollback
        store.ledger.advance(Position(source, 7, 7))  # a new transaction looks again
        assert len(checks) == 3 and store.ledger.position(source, 7) == 7
    finally:
        store.close()


def test_a_batch_moves_its_folders_position_once_at_its_commit_and_a_lost_lease_undoes_the_whole_batch(
        tmp_path: Path, database_url: str) -> None:
    """The position is written once a batch, in the transaction of its mails (never past one
    not committed), the fence checked then; a mail's savepoint rolled back takes its move back;
    a folder lost before the commit leaves no mail of the batch and the position unmoved."""
    with _fenced_folder(tmp_path, database_url) as (desk, store, source, fence, written):

        def found(words: str) -> list[Any]:
            with store.sessions() as session:
                return search(session, words)

        with store.batch() as batch:
            assert [handle(_inquiry(uid, uid), desk, store).status for uid in (1, 2, 3)] == ["filed"] * 3
            with pytest.raises(RuntimeError), store.sessions.one_mail():
                store.ledger.advance_at_commit(batch, Position(source, 7, 9))
                raise RuntimeError("this mail fails: its savepoint rolls back")
            assert written == [] and store.ledger.position(source, 7) == 0  # nothing moved before the commit
            written.clear()
        assert store.ledger.position(source, 7) == 3
        assert len(found("quote")) == 3  # the index rows written at the commit
        assert len([s for s in written if "folder_leases" in s]) == 1
        assert len([s for s in written if s.lstrip().startswith("UPDATE source_positions")]) == 1

        store.ledger.fences[source] = Fence(fence.owner, fence.generation + 1)  # the folder is someone else's now
        with pytest.raises(LeaseLost), store.batch():
            assert [handle(_inquiry(uid, uid), desk, store).status for uid in (4, 5)] == ["filed"] * 2
        assert store.ledger.position(source, 7) == 3 and len(found("quote")) == 3
        assert sorted(m.message_id for m in rows(store, MessageRow)) == [f"part-{uid}@northwind.example"
                                                                         for uid in (1, 2, 3)]


def test_a_batchs_duplicate_and_quarantined_mail_move_the_position_at_its_commit_as_a_filed_one(
        tmp_path: Path, database_url: str) -> None:
    """Mail done without filing (filed before, set aside) moves the position at the batch's
    commit, its fence checked then, as a filed mail does: no lease row is locked before (a
    takeover on PostgreSQL would wait on it while the old owner's commit waits on the new
    owner's insert of the same mail), and a lost folder keeps none of it."""
    with _fenced_folder(tmp_path, database_url) as (desk, store, source, fence, written):

        assert handle(_inquiry(1, 1), desk, store).status == "filed"
        written.clear()
        with store.batch():
            assert handle(_inquiry(2, 1), desk, store).status == "duplicate"  # the same bytes again, a later UID
            assert store.quarantine(Quarantined(_inquiry(3, 3), "c" * 64, "set aside"), Position(source, 7, 3))
            assert written == [] and store.ledger.position(source, 7) == 1
        assert store.ledger.position(source, 7) == 3
        assert len([s for s in written if "folder_leases" in s]) == 1

        store.ledger.fences[source] = Fence(fence.owner, fence.generation + 1)  # the folder is someone else's now
        with pytest.raises(LeaseLost), store.batch():
            assert handle(_inquiry(4, 1), desk, store).status == "duplicate"
            assert store.quarantine(Quarantined(_inquiry(5, 5), "d" * 64, "set aside"), Position(source, 7, 5))
        assert store.ledger.position(source, 7) == 3
        assert sorted(q.sha256 for q in rows(store, QuarantineRow)) == ["c" * 64]


@contextmanager
def _fenced_folder(tmp_path: Path, database_url: str) -> Iterator[tuple[Any, Store, str, Fence, list[str]]]:
    """A desk whose store holds the INBOX's lease (position 0 at UIDVALIDITY 7), and the list of
    statements it sends about positions and leases, from now on."""
    config = load_config(write_desk(tmp_path / "desk", database_url))
    desk, store = load_desk(config), Store(database_url, config.archive_root)
    try:
        source = "imap://desk@127.0.0.1:143/INBOX"
        fence = Leases(store.sessions, "a-host:1:aa", 30).acquire(source)
        assert fence is not None
        store.ledger.fences[source] = fence
        store.ledger.advance(Position(source, 7, 0))
        written: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: written.append(
            statement) if "source_positions" in statement or "folder_leases" in statement else None)
        yield desk, store, source, fence, written
    finally:
        desk.close()
        store.close()


def _inquiry(uid: int, part: int) -> RawMail:
    """Bob's inquiry `part` at `uid` of the INBOX."""
    return RawMail(mail("Inquiry", f"Please quote, part {part}.", sender="bob@northwind.example",
                        message_id=f"part-{part}@northwind.example"),
                   Origin("imap", account="desk@127.0.0.1:143", folder="INBOX", uidvalidity=7, uid=uid))


def _queue(store: Store, n: int) -> list[int]:
    with store.sessions() as session, session.begin():
        message = MessageRow(sha256="f" * 64, message_id="m@x", direction="in", subject="s", from_addr="a@b",
                             from_name="", to_addrs=[], cc_addrs=[], references=[], category="inquiry",
                             decision={}, buyer="", correlation="", path="p", size=1, origin="o", text="",
                             warnings=[], auth_results={})
        session.add(message)
        session.flush()
        ids = []
        for i in range(n):
            row = OutboxRow(message_id=f"r{i}@acme.example", answers_id=message.id, template="inquiry_ack",
                            language="en", to_addrs=["a@b.example"], subject="Re", raw=b"x", state="queued")
            session.add(row)
            session.flush()
            ids.append(row.id)
        return ids


def test_a_claim_is_recovered_only_after_its_lease_expires(tmp_path: Path, database_url: str) -> None:
    config = load_config(write_desk(tmp_path / "desk", database_url))
    store = Store(database_url, config.archive_root, claim_seconds=60)
    other = Store(database_url, config.archive_root, claim_seconds=60)
    other.owner = "other-host:4242:cc"  # a sender on another machine, alive and slow
    try:
        [reply_id] = _queue(store, 1)
        row, capped = other.claim_reply(max_per_hour=10)
        assert row is not None and row.id == reply_id and not capped
        assert store.recover_sending() == 0  # its heartbeat is fresh: not ours to take
        with store.sessions() as session, session.begin():  # the heartbeat stopped a while ago
            session.execute(update(OutboxRow).values(lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        assert store.recover_sending() == 1
        assert store.reply(reply_id).state == "queued"
    finally:
        store.close()
        other.close()


def test_the_hourly_cap_holds_for_several_senders_together(tmp_path: Path, database_url: str) -> None:
    config = load_config(write_desk(tmp_path / "desk", database_url))
    stores = [Store(database_url, config.archive_root) for _ in range(4)]
    try:
        _queue(stores[0], 12)
        claimed: list[int] = []
        barrier = threading.Barrier(len(stores))

        def sender(store: Store) -> None:
            barrier.wait(30)
            while True:
                row, _ = store.claim_reply(max_per_hour=5)
                if row is None:
                    return
                claimed.append(row.id)

        threads = [threading.Thread(target=sender, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(claimed) == 5 and len(set(claimed)) == 5
    finally:
        for store in stores:
            store.close()


def _queue_reply(store: Store) -> int:
    [reply_id] = _queue(store, 1)
    with store.sessions() as session, session.begin():
        session.execute(update(OutboxRow).where(OutboxRow.id == reply_id).values(
            raw=mail("Re: Inquiry", "Thank you, we will quote today.", sender="orders@acme.example",
                     to="a@b.example", message_id="r0@acme.example")))
    return reply_id


def _lapse(store: Store, reply_id: int) -> None:
    """The claim's time runs out by the database's clock (no heartbeat reached it)."""
    with store.sessions() as session, session.begin():
        session.execute(update(OutboxRow).where(OutboxRow.id == reply_id).values(
            lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))


def _cut_off_heartbeat(store: Store, tmp_path: Path, url: str) -> None:
    """This daemon's heartbeat cannot reach the database: its renewals fail."""
    from types import SimpleNamespace

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from mailflow.store.outbox import OutboxStore

    away = (f"sqlite:///{tmp_path}/no-such-dir/mailflow.db" if url.startswith("sqlite")
            else "postgresql+psycopg://postgres@127.0.0.1:1/postgres?connect_timeout=2")
    cut = SimpleNamespace(sessions=sessionmaker(create_engine(away)), owner=store.owner,
                          claim_seconds=store.claim_seconds)
    store.renew_claims = lambda: OutboxStore.renew_claims(cut)  # type: ignore[method-assign,arg-type]


def _two_senders(tmp_path: Path, url: str, port: int) -> tuple[Any, Store, Store]:
    desk = write_desk(tmp_path / "desk", url)
    desk.write_text(desk.read_text() + f"smtp: {{host: 127.0.0.1, port: {port}, tls: none, timeout: 10}}\n",
                    encoding="utf-8")
    config = load_config(desk)
    first = Store(url, config.archive_root, claim_seconds=60)
    second = Store(url, config.archive_root, claim_seconds=60)
    second.owner = "other-host:4242:cc"  # the second daemon, on another machine
    return config, first, second


def test_a_sender_whose_heartbeat_cannot_reach_the_database_never_sends_a_reply_twice(
        tmp_path: Path, database_url: str, smtp_server: Any) -> None:
    from sqlalchemy.exc import OperationalError

    from mailflow.reply import smtp as transport
    from mailflow.reply.outbox import send_due

    config, first, second = _two_senders(tmp_path, database_url, smtp_server.port)
    _cut_off_heartbeat(first, tmp_path, database_url)
    try:
        reply_id = _queue_reply(first)
        seconds: list[Any] = []

        def first_deliver(*args: Any, **kwargs: Any) -> Any:
            # the first daemon has claimed the reply; its heartbeat beats and cannot reach the
            # database, the claim lapses, and the second daemon's tick recovers it and sends it
            with pytest.raises(OperationalError):
                first.renew_claims()
            _lapse(first, reply_id)
            seconds.append(send_due(second, config.smtp, "orders@acme.example", max_per_hour=10,
                                    deliver=transport.deliver))
            return transport.deliver(*args, **kwargs)

        report = send_due(first, config.smtp, "orders@acme.example", max_per_hour=10, deliver=first_deliver)
        assert seconds[0].recovered == 1 and seconds[0].sent == 1
        assert report.sent == 0 and report.lost == 1  # it stopped before the data
        assert len(smtp_server.received) == 1  # delivered once, by the second daemon
        row = first.reply(reply_id)
        assert row.state == "sent" and row.claimed_by.startswith("other-host:4242:cc/")
        assert row.attempts == 2 and row.phase == "" and row.filed_at is not None
        assert send_due(first, config.smtp, "orders@acme.example", max_per_hour=10,
                        deliver=transport.deliver).sent == 0
        assert len(smtp_server.received) == 1
    finally:
        first.close()
        second.close()


def test_a_claim_that_lapses_during_the_data_is_uncertain_for_the_other_daemon_and_sent_for_its_sender(
        tmp_path: Path, database_url: str, smtp_server: Any) -> None:
    from mailflow.reply import smtp as transport
    from mailflow.reply.outbox import send_due

    config, first, second = _two_senders(tmp_path, database_url, smtp_server.port)
    _cut_off_heartbeat(first, tmp_path, database_url)
    smtp_server.handler.mode = "hold"  # the server takes the data and answers when released
    try:
        reply_id = _queue_reply(first)
        reports: list[Any] = []
        sender = threading.Thread(target=lambda: reports.append(send_due(
            first, config.smtp, "orders@acme.example", max_per_hour=10, deliver=transport.deliver)))
        sender.start()
        assert smtp_server.handler.arrived.wait(30)
        _lapse(first, reply_id)
        other = send_due(second, config.smtp, "orders@acme.example", max_per_hour=10, deliver=transport.deliver)
        assert other.recovered == 1 and other.sent == 0  # it may have been delivered: never resent
        assert first.reply(reply_id).state == "uncertain"
        smtp_server.handler.release.set()
        sender.join(30)
        assert reports[0].sent == 1 and len(smtp_server.received) == 1
        assert first.reply(reply_id).state == "sent"  # its sender heard the server take it
    finally:
        smtp_server.handler.release.set()
        first.close()
        second.close()


def test_a_reply_written_for_an_older_version_of_its_order_is_held_at_claim_not_sent(
        tmp_path: Path, database_url: str) -> None:
    """The order changed and its waiting reply could neither be written again nor held (the
    hold failed too): the sender still never takes it; it holds it, with why."""
    config = load_config(write_desk(tmp_path / "desk", database_url))
    store = Store(database_url, config.archive_root)
    try:
        stale, fresh = _queue(store, 2)
        with store.sessions() as session, session.begin():
            order = OrderRow(number="4500871", folder="4500871", buyer="northwind", version=3)
            session.add(order)
            session.flush()
            session.execute(update(OutboxRow).where(OutboxRow.id == stale).values(order_id=order.id, order_version=2))
            session.execute(update(OutboxRow).where(OutboxRow.id == fresh).values(order_id=order.id, order_version=3))
        claimed = []
        while (row := store.claim_reply(max_per_hour=10)[0]) is not None:
            claimed.append(row.id)
        assert claimed == [fresh]
        held = store.reply(stale)
        assert held.state == "held" and "version 2" in held.reason and "now at version 3" in held.reason
        assert store.reply(fresh).state == "sending"
    finally:
        store.close()


def _imap_desk(tmp_path: Path, url: str, dovecot: Any, folder: str) -> Path:
    return write_config(tmp_path / "imap-desk", dovecot, folder, extra_account=", batch_size: 5",
                        database_url=url)


def test_run_once_on_a_folder_another_daemon_is_reading_leaves_it_and_exits_0(
        tmp_path: Path, database_url: str, dovecot: Any, imap_folder: str) -> None:
    """A failover cron job's `run --once` finds the folder leased by a live daemon: it says so
    and exits 0 (5 is for a mail server that could not be used); with --wait it takes the
    folder once that daemon lets it go."""
    from click.testing import CliRunner

    from mailflow.cli import main
    from mailflow.model import Origin as MailOrigin

    dovecot.append("desk", imap_folder, mail("Inquiry", "Please quote.", message_id="busy-1@northwind.example"))
    config = _imap_desk(tmp_path, database_url, dovecot, imap_folder)
    loaded = load_config(config)
    source = MailOrigin("imap", account=loaded.sources[0].imap.label, folder=imap_folder).source_key  # type: ignore[union-attr]
    store = Store(database_url, loaded.archive_root)
    try:
        other = Leases(store.sessions, "other-host:4242:cc", 600)  # a live daemon on another machine
        fence = other.acquire(source)
        assert fence is not None
        result = CliRunner().invoke(main, ["--config", str(config), "run", "--once", "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert summary["errors"] == [] and summary["read"] == 0
        assert "other-host:4242:cc" in summary["busy"][0] and "working on it" in summary["busy"][0]
        assert rows(store, MessageRow) == []
        result = CliRunner().invoke(main, ["--config", str(config), "run", "--once"])
        assert result.exit_code == 0 and "is working on it" in result.output, result.output
        other.release(source, fence)  # that daemon stopped cleanly: the folder is free
        result = CliRunner().invoke(main, ["--config", str(config), "run", "--once", "--wait", "30", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["busy"] == []
        assert [m.message_id for m in rows(store, MessageRow)] == ["busy-1@northwind.example"]
    finally:
        store.close()


def test_three_run_once_at_once_on_one_folder_all_exit_0_and_file_each_mail_once(
        tmp_path: Path, dovecot: Any, imap_folder: str) -> None:
    """Three `mailflow run --once` processes at once on one IMAP folder and one PostgreSQL:
    one reads the folder, the others leave it to that one; all exit 0, each mail filed once."""
    import os
    import subprocess
    import sys

    from tests.conftest import _postgres_database

    databases = _postgres_database()
    url = next(databases)
    try:
        ids = [f"three-{i}@northwind.example" for i in range(30)]
        client = dovecot.client("desk")
        try:
            for i, message_id in enumerate(ids):
                client.append(imap_folder, mail(f"Inquiry {i}", "Please quote 45gsm spunlace.",
                                                message_id=message_id))
        finally:
            client.logout()
        config = _imap_desk(tmp_path, url, dovecot, imap_folder)
        Store(url, tmp_path / "unused").close()  # the schema, created once before the race
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        processes = [subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run",
                                       "--once", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=env) for _ in range(3)]
        outputs = [p.communicate(timeout=240) for p in processes]
        for process, (out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, (out, err)
        summaries = [json.loads(out[out.index("{"):]) for out, _ in outputs]
        assert all(s["errors"] == [] for s in summaries)
        loaded = load_config(config)
        store = Store(url, loaded.archive_root)
        try:
            filed = [m.message_id for m in rows(store, MessageRow)]
        finally:
            store.close()
        assert sorted(filed) == sorted(ids)  # every mail once
        assert sum(s["read"] - s["duplicates"] for s in summaries) == len(ids)
    finally:
        databases.close()

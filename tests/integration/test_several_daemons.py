"""Several daemons on one PostgreSQL (and SQLite, where the same code runs for one): a race to
file the same mail or to open the same order is a duplicate or a retry, never a quarantine; a
folder belongs to one daemon at a time and a former owner's write is fenced off; an outbox
claim is recovered only after its lease expires; the hourly cap holds for all senders together."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from mailflow.config import load_config
from mailflow.desk import load_desk
from mailflow.model import Origin, RawMail
from mailflow.pipeline import handle
from mailflow.store import Store
from mailflow.store.db import MessageRow, OrderRow, OutboxRow, QuarantineRow
from mailflow.store.leases import Fence, LeaseLost, Leases
from mailflow.store.sync import Position, advance_in
from tests.conftest import write_desk
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
        with store.batch():
            for uid in (1, 2, 3):  # three mails of a batch
                store.ledger.advance(Position(source, 7, uid))
            assert len(checks) == 1
            with pytest.raises(RuntimeError), store.sessions() as session, session.begin():
                advance_in(session, Position(source, 7, 4), fence)  # still checked: no new look
                raise RuntimeError("this mail fails: its savepoint rolls back")
            assert len(checks) == 1
            store.ledger.advance(Position(source, 7, 5))
            store.ledger.advance(Position(source, 7, 6))
            assert len(checks) == 2  # looked again once, after the rollback
        store.ledger.advance(Position(source, 7, 7))  # a new transaction looks again
        assert len(checks) == 3 and store.ledger.position(source, 7) == 7
    finally:
        store.close()


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

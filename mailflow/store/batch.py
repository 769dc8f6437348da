"""One transaction for a batch of messages, a SAVEPOINT for each.

Filing a message is one transaction of its own (`Store.apply`): its rows, its index entries,
its replies and the source's new position, all or nothing. Committing each alone costs a
round trip and a flush of the database's log per message; the daemon therefore files a
fetched batch in one transaction (`Sessions.batch`), and each message's transaction becomes a
SAVEPOINT in it:

- a message whose rows do not fit rolls back to its savepoint alone (and is quarantined); the
  batch goes on;
- every lookup of the batch (correlation, rate limits, duplicates) runs on the batch's
  connection and sees the batch's earlier messages: the second mail of a new order joins it;
- nothing of the batch is committed before its end, so a crash at any point leaves the batch
  unfiled, its position unmoved: the restart files it again, once (files are written, and
  fsynced, before the commit; written again byte for byte, they change nothing);
- the batch's files are fsynced together just before it commits (`files`), each folder once,
  not each file and its folder as it is written;
- work that must follow the commit (removing files that moved) waits for it (`after_commit`);
- work done once for the whole batch in its transaction (the folder's position, moved to the
  last mail's UID; SQLite's full-text rows and bigrams, which would otherwise be written out or
  copied at every savepoint) is done just before it commits (`before`): a mail asks for it once
  its own savepoint is released, and a mail's savepoint that `one_mail` rolls back takes it
  back. Work every mail asks for alike (`Together`: the search rows) is done in one call for all
  of the batch's mails, each still asked for, and taken back, by its own mail.

On SQLite the batch's transaction begins with BEGIN IMMEDIATE: it takes the write lock at
once instead of failing later when it turns from reading to writing. So that the daemon's other
writers (the sender, the lease keeper, the follow-up) never wait long for the lock, the daemon
commits what a batch holds before it waits for a worker (the next mail is not read yet), and
after `BATCH_SECONDS`.

Outside a batch, on every other thread and in every other process, sessions are as they
always were: one transaction each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from mailflow.errors import StoreError
from mailflow.store.archive import Archive

BATCH_SECONDS = 2.0  # a transaction open longer than this is committed before the next message


def forget_when(engine: Engine, key: str, events: Sequence[str]) -> None:
    """What a connection remembers of its transaction (`Connection.info[key]`) forgotten at each
    of the engine's `events` ("commit", "rollback", "rollback_savepoint") and when the
    connection goes back to the pool (whatever ended its transaction there)."""
    def forget(conn: Connection, *_: Any) -> None:
        conn.info.pop(key, None)

    def forget_pooled(_dbapi_connection: Any, record: Any) -> None:
        record.info.pop(key, None)

    for name in events:
        event.listen(engine, name, forget)
    event.listen(engine, "checkin", forget_pooled)


@dataclass(frozen=True)
class Together:
    """One mail's share of work done once for the whole batch before it commits: `work(connection,
    items)` is called with the item of every mail that asked for it, in the order they asked (one
    executemany for the batch, not statements a mail). Alone (outside a batch), it is the work of
    its one item."""

    work: Callable[[Connection, list[Any]], None]
    item: Any

    def __call__(self, connection: Connection) -> None:
        self.work(connection, [self.item])


class Batch:
    """The transaction of a batch, on its own connection. It begins when a session first needs
    it, and a commit ends it: between the two the batch holds SQLite's write lock, so the daemon
    commits before it waits for anything (a worker reading the next mail)."""

    def __init__(self, engine: Engine, lock: AbstractContextManager[Any] | None = None) -> None:
        self.sqlite = engine.dialect.name == "sqlite"
        self.connection: Connection = engine.connect()
        self.after: list[Callable[[], None]] = []
        # done on the connection just before the open transaction commits, the last given per key
        self.before: dict[Hashable, Callable[[Connection], None]] = {}
        # written unsynced for the open transaction (path, whether the batch created it): synced before its commit
        self.files: list[tuple[Any, bool]] = []
        self.archive: Archive | None = None  # the archive they were written to
        self.started: float | None = None  # time.monotonic() of the open transaction's start
        self.lock = lock or nullcontext()  # held while the transaction is open (the intake's)

    def begin(self) -> None:
        if self.started is None:
            self.lock.__enter__()
            try:
                self.connection.begin()
                if self.sqlite:  # the driver would begin only before the first write: begin now, as a writer
                    self.connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                self.connection.rollback()
                self.lock.__exit__(None, None, None)
                raise
            self.started = time.monotonic()

    def commit(self) -> None:
        """Commit what the batch holds, then do what waited for it (and commit what that did)."""
        self._commit()
        while self.after:
            after, self.after = self.after, []
            for work in after:
                work()
            self._commit()

    def _commit(self) -> None:
        if self.started is not None:
            before, self.before = self.before, {}
            together: dict[Callable[[Connection, list[Any]], None], list[Any]] = {}
            for work in before.values():
                if isinstance(work, Together):
                    together.setdefault(work.work, []).append(work.item)
                else:
                    work(self.connection)
            for gathered, items in together.items():
                gathered(self.connection, items)
        if self.files and self.archive is not None:  # nothing is committed that points at a file not yet on the disk
            files, self.files = self.files, []
            try:
                self.archive.sync(files, together=True)
            except OSError as exc:
                # what the batch wrote is removed: filed again, it is written anew, not trusted
                # as it stands (its bytes may be in memory only, the error already reported)
                self.archive.discard(files)
                raise StoreError(f"cannot write to the archive: {exc}") from exc
        self._end(self.connection.commit)

    def keep(self, archive: Archive, written: tuple[Any, bool]) -> None:
        """A file `archive.put` wrote for the open transaction: made durable before it commits."""
        self.archive = archive
        self.files.append(written)

    def rollback(self) -> None:
        self._end(self.connection.rollback)
        self.after, self.files, self.before = [], [], {}

    def _end(self, finish: Callable[[], None]) -> None:
        """End the open transaction (if one is) with `finish`, and give the lock back."""
        if self.started is not None:
            try:
                finish()
            finally:
                self.started = None
                self.lock.__exit__(None, None, None)

    def due(self) -> bool:
        return self.started is not None and time.monotonic() - self.started > BATCH_SECONDS

    def close(self) -> None:
        self.rollback()  # nothing is left open, the lock least of all
        self.connection.close()


class BatchSession(Session):
    """A session inside a batch: `begin()` opens a SAVEPOINT of the batch's transaction, and
    closing the session leaves that transaction alone (a read needs no savepoint)."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        return super().begin(nested=True)


class Sessions(sessionmaker[Session]):
    """The store's sessions: a sessionmaker, except on a thread inside `batch()`."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._local = threading.local()
        self.sqlite = engine.dialect.name == "sqlite"

    @property
    def current(self) -> Batch | None:
        batch: Batch | None = getattr(self._local, "batch", None)
        return batch

    def __call__(self, **kw: Any) -> Session:
        batch = self.current
        if batch is None:
            return super().__call__(**kw)
        batch.begin()
        return BatchSession(bind=batch.connection, expire_on_commit=False,
                            join_transaction_mode="rollback_only", **kw)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for Core statements (a lookup asked per mail: no ORM session, no unit
        of work): the batch's inside a batch, in its transaction, so the batch's earlier mails
        are seen; else one of the pool's, for this use alone."""
        batch = self.current
        if batch is not None:
            batch.begin()
            yield batch.connection
            return
        with self.kw["bind"].connect() as connection:
            yield connection

    @contextmanager
    def batch(self, lock: AbstractContextManager[Any] | None = None) -> Iterator[Batch]:
        """One transaction for what this thread files inside; committed at the end, rolled back
        on an error. Inside a batch already, the same batch. `lock` is held while a
        transaction of the batch is open (not while the batch waits between transactions)."""
        if self.current is not None:
            yield self.current
            return
        engine = self.kw["bind"]
        batch = Batch(engine, lock)
        self._local.batch = batch
        try:
            yield batch
            batch.commit()
        except BaseException:
            batch.rollback()
            raise
        finally:
            self._local.batch = None
            batch.close()

    @contextmanager
    def one_mail(self, reads_only: bool = False) -> Iterator[None]:
        """What one mail reads and writes inside: in a batch, a SAVEPOINT, undone alone when the
        mail fails (on PostgreSQL a failed statement spoils the whole transaction until then,
        and the mail could not even be quarantined); outside a batch, nothing. `reads_only`:
        the work inside writes nothing (deciding a mail), so on SQLite, where a failed
        statement spoils nothing but itself, there is nothing to undo and no savepoint is
        taken (two statements a mail, and the ORM's bookkeeping of a nested transaction)."""
        batch = self.current
        if batch is None or (reads_only and self.sqlite):
            yield
            return
        batch.begin()
        savepoint = batch.connection.begin_nested()
        before = dict(batch.before)
        try:
            yield
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            batch.before = before  # what the mail asked to be done at the commit goes with it
            raise
        if savepoint.is_active:
            savepoint.commit()

    def after_commit(self, work: Callable[[], None]) -> None:
        """Do `work` once what this thread wrote is committed: now outside a batch, after the
        batch's commit inside one (and never when the batch is rolled back)."""
        batch = self.current
        if batch is None:
            work()
        else:
            batch.after.append(work)

"""Several daemons on one PostgreSQL: who owns which watched folder, and proof of it.

Each watched folder is owned through a lease row: an owner (host:pid:random), an expiry and a
generation number that grows with every change of owner. The owner renews its leases from a
heartbeat thread; a lease not renewed in time may be taken over by another daemon, which
raises the generation. Every write of a folder's position checks the generation in the same
transaction as the message (a fencing token): a daemon that lost its folder while it was busy
(a long pause, a network cut) finds out at its next commit, which is rolled back, and stops
there. Time is the database's, so the clocks of the daemons' hosts do not matter.

On SQLite only one daemon runs per database (`exclusive`); the leases are then trivially its own.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mailflow.errors import StoreError
from mailflow.store.batch import forget_when
from mailflow.store.db import FolderLease


class LeaseLost(Exception):
    """This daemon no longer owns the folder: its write was rolled back; another daemon goes on."""


@dataclass(frozen=True)
class Fence:
    """Proof of owning a folder's lease: checked on every write of its position."""

    owner: str
    generation: int


def this_host() -> str:
    """Where a process id means one process: the host's name and its process namespace.
    Machines in containers may share a host name (a fixed `hostname:`, host networking) but
    never their processes; taken for one of ours, another machine's live daemon whose pid is
    free here would be judged gone and its folders and claims taken while it works."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:  # no /proc (not Linux): the host's name alone
        return socket.gethostname()
    return f"{socket.gethostname()}@{namespace}"


def new_owner() -> str:
    """This process's name as an owner: where it runs (`this_host`), process id and a random
    part (a restarted daemon with a reused pid is a new owner)."""
    return f"{this_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str) -> bool:
    """Whether the process behind an owner name runs no more (answerable where it ran only;
    elsewhere, its lease's expiry tells)."""
    host, pid = (owner.split(":") + ["", ""])[:2]
    if host != this_host() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def db_now(session: Session) -> dt.datetime:
    """The database's clock (PostgreSQL), or this host's (SQLite: one host by construction)."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]
    return dt.datetime.now(dt.UTC)  # liveness: the host's real clock, not the desk's (clock.py)


_FENCED = "mailflow.fenced"  # in Connection.info: the fences checked in its open transaction


def check_fence(session: Session | Connection, source: str, fence: Fence) -> None:
    """Inside a transaction that writes the folder's position: raise LeaseLost unless `fence`
    still owns it. The row is locked until the commit, so no takeover slips in between; a
    transaction (a batch of mails) that checked it once needs no second look, until it ends
    or a savepoint rolls back (the lock may go with it): see `forget_fences`."""
    conn = session.connection() if isinstance(session, Session) else session
    checked: set[tuple[str, Fence]] = conn.info.setdefault(_FENCED, set())
    if (source, fence) in checked:
        return
    row = conn.execute(select(FolderLease.owner, FolderLease.generation)
                          .where(FolderLease.source == source).with_for_update()).first()
    if row is None or (row.owner, row.generation) != (fence.owner, fence.generation):
        holder = f"{row.owner} (generation {row.generation})" if row else "nobody"
        raise LeaseLost(f"{source} is now owned by {holder}, not {fence.owner} "
                        f"(generation {fence.generation})")
    checked.add((source, fence))


def forget_fences(engine: Engine) -> None:
    """The fences a connection checked are forgotten when its transaction ends, when any
    savepoint of it rolls back (PostgreSQL may release a row lock taken inside it), and when
    it goes back to the pool (whatever ended its transaction there)."""
    forget_when(engine, _FENCED, ("commit", "rollback", "rollback_savepoint"))


@dataclass(frozen=True)
class Holder:
    source: str
    owner: str
    generation: int
    expires_at: dt.datetime


PRESENCE = "daemon:"  # a lease row per running daemon: "daemon:<owner>", renewed like a folder


class Leases:
    """Folder leases, and each daemon's presence, so that the folders are shared out: a daemon
    takes a free folder only while it holds fewer than its fair share (folders / live daemons,
    rounded up); a folder whose owner is dead is taken at once by whoever sees it first, share
    or not, so no folder waits; `rebalance` gives back what is over the share."""

    def __init__(self, sessions: sessionmaker[Session], owner: str, seconds: float) -> None:
        self.sessions, self.owner, self.seconds = sessions, owner, seconds

    def acquire(self, source: str, folders: int | None = None) -> Fence | None:
        """The lease on `source`, taken or renewed; None while another owner holds it, or while
        this daemon has its share of the `folders` all daemons watch."""
        for _ in range(3):  # two daemons creating the first row at once: one insert loses
            try:
                with self.sessions() as session, session.begin():
                    now = db_now(session)
                    until = now + dt.timedelta(seconds=self.seconds)
                    row = session.scalar(select(FolderLease).where(FolderLease.source == source)
                                         .with_for_update())
                    if row is not None and row.owner == self.owner and row.expires_at > now:
                        row.expires_at, row.heartbeat_at = until, now
                        return Fence(self.owner, row.generation)
                    if row is not None and row.expires_at > now and not owner_gone(row.owner):
                        return None
                    orphaned = row is not None and row.owner != self.owner and \
                        not self._alive(session, row.owner, now)
                    if folders is not None and not orphaned and \
                            self._held(session, now) >= self.share(session, now, folders):
                        return None
                    if row is None:
                        session.add(FolderLease(source=source, owner=self.owner, generation=1,
                                                expires_at=until, heartbeat_at=now))
                        return Fence(self.owner, 1)
                    row.owner, row.generation = self.owner, row.generation + 1
                    row.expires_at, row.heartbeat_at = until, now
                    return Fence(self.owner, row.generation)
            except IntegrityError:
                continue
        return None

    def share(self, session: Session, now: dt.datetime, folders: int) -> int:
        live = session.scalars(select(FolderLease.owner).where(
            FolderLease.source.like(PRESENCE + "%"), FolderLease.expires_at > now)).all()
        count = max(1, len({o for o in live if not owner_gone(o)} | {self.owner}))
        return -(-folders // count)

    def _held(self, session: Session, now: dt.datetime) -> int:
        return len(session.scalars(select(FolderLease.source).where(
            FolderLease.owner == self.owner, FolderLease.expires_at > now,
            FolderLease.source.not_like(PRESENCE + "%"))).all())

    def _alive(self, session: Session, owner: str, now: dt.datetime) -> bool:
        if owner_gone(owner):
            return False
        until = session.scalar(select(FolderLease.expires_at).where(FolderLease.source == PRESENCE + owner))
        return until is not None and until > now

    def announce(self) -> None:
        """This daemon is alive (its presence, renewed with its leases); long-dead presences go."""
        with self.sessions() as session, session.begin():
            now = db_now(session)
            until = now + dt.timedelta(seconds=self.seconds)
            row = session.get(FolderLease, PRESENCE + self.owner)
            if row is None:
                session.add(FolderLease(source=PRESENCE + self.owner, owner=self.owner, generation=0,
                                        expires_at=until, heartbeat_at=now))
            else:
                row.expires_at, row.heartbeat_at = until, now
            session.execute(delete(FolderLease).where(FolderLease.source.like(PRESENCE + "%"),
                                                      FolderLease.expires_at < now - dt.timedelta(hours=1)))

    def over_share(self, folders: int) -> int:
        """How many folders this daemon holds beyond its fair share."""
        with self.sessions() as session:
            now = db_now(session)
            return max(0, self._held(session, now) - self.share(session, now, folders))

    def renew(self, source: str, fence: Fence) -> bool:
        """False when the lease was taken over meanwhile (it is lost: stop using the folder)."""
        with self.sessions() as session, session.begin():
            now = db_now(session)
            done = session.execute(update(FolderLease).where(
                FolderLease.source == source, FolderLease.owner == fence.owner,
                FolderLease.generation == fence.generation)
                .values(expires_at=now + dt.timedelta(seconds=self.seconds), heartbeat_at=now))
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def release(self, source: str, fence: Fence) -> None:
        """Let another daemon take the folder at once (a clean stop, or a share given back)."""
        with self.sessions() as session, session.begin():
            session.execute(update(FolderLease).where(
                FolderLease.source == source, FolderLease.owner == fence.owner,
                FolderLease.generation == fence.generation).values(expires_at=db_now(session)))

    def withdraw(self) -> None:
        """A clean stop: this daemon's presence ends now."""
        with self.sessions() as session, session.begin():
            session.execute(update(FolderLease).where(FolderLease.source == PRESENCE + self.owner)
                            .values(expires_at=db_now(session)))

    def holder(self, source: str) -> Holder | None:
        with self.sessions() as session:
            row = session.scalar(select(FolderLease).where(FolderLease.source == source))
            return Holder(row.source, row.owner, row.generation, row.expires_at) if row else None

    def holders(self) -> list[Holder]:
        """The folders and who owns them (daemons' presences left out)."""
        with self.sessions() as session:
            return [Holder(r.source, r.owner, r.generation, r.expires_at)
                    for r in session.scalars(select(FolderLease).where(
                        FolderLease.source.not_like(PRESENCE + "%")).order_by(FolderLease.source))]


@contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """One daemon per SQLite database: a second one (or a `run --once` beside a daemon) is
    refused with one line naming the one that runs. The lock goes with the process, however it
    ends."""
    lock_path = database.with_name(database.name + ".daemon-lock")
    handle = open(lock_path, "a+")  # noqa: SIM115 - held for the life of the daemon
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            who = handle.read().strip() or "another process"
            raise StoreError(f"another mailflow daemon ({who}) is running on {database}: one "
                             "daemon per SQLite database; stop it first, or use PostgreSQL to run "
                             "several") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        yield
    finally:
        handle.close()

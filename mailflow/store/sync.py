"""The sync ledger: per IMAP folder, how far mailflow has got (UIDVALIDITY, last UID), how healthy
the folder is (last sync, lag, last error), and the server actions still to carry out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mailflow.store.batch import Batch, Sessions
from mailflow.store.db import PendingAction, SourceHealth, SourcePosition, utcnow
from mailflow.store.leases import Fence, check_fence


@dataclass(frozen=True)
class Position:
    """One message's place in its source: committed together with the message."""

    source: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class Health:
    source: str
    uidvalidity: int
    last_uid: int
    last_sync_at: dt.datetime | None
    server_messages: int
    lag: int
    last_error: str
    last_error_at: dt.datetime | None


_SAME = (SourcePosition.source == bindparam("folder"), SourcePosition.uidvalidity == bindparam("validity"))
_FORWARD = (update(SourcePosition).where(*_SAME, SourcePosition.last_uid < bindparam("uid"))
            .values(last_uid=bindparam("uid"), updated_at=bindparam("now")))
_KEPT = select(SourcePosition.id).where(*_SAME)
_FIRST = insert(SourcePosition)


def advance_in(session: Session | Connection, position: Position, fence: Fence | None = None) -> None:
    """Move the folder's position forward to this UID (never backward), inside the caller's
    transaction; with a `fence`, only while this daemon still owns the folder (LeaseLost)."""
    conn = session.connection() if isinstance(session, Session) else session
    if fence is not None:
        check_fence(conn, position.source, fence)
    asked = {"folder": position.source, "validity": position.uidvalidity, "uid": position.uid, "now": utcnow()}
    moved: CursorResult[Any] = conn.execute(_FORWARD, asked)
    if moved.rowcount == 0 and conn.execute(_KEPT, asked).first() is None:
        conn.execute(_FIRST, {"source": position.source, "uidvalidity": position.uidvalidity,
                              "last_uid": position.uid})


@dataclass(frozen=True)
class _Advance:
    """A folder's position moved when its batch commits (`Batch.before`)."""

    position: Position
    fence: Fence | None

    def __call__(self, conn: Connection) -> None:
        advance_in(conn, self.position, self.fence)


def add_actions_in(session: Session, position: Position, message_row_id: int | None,
                   actions: Sequence[dict[str, Any]], message_id: str = "") -> None:
    if actions:
        session.add(PendingAction(source=position.source, uidvalidity=position.uidvalidity,
                                  uid=position.uid, message_row_id=message_row_id,
                                  actions=list(actions), message_id=message_id))


class SyncLedger:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        # the folders this process owns now, with the proof (see store/leases.py); a folder
        # not named here is written unfenced (one daemon on SQLite, or a command by hand)
        self.fences: dict[str, Fence] = {}

    def position(self, source: str, uidvalidity: int) -> int | None:
        """The last UID done under this UIDVALIDITY; None: never synced under it."""
        with self.sessions() as session:
            return session.scalar(select(SourcePosition.last_uid).where(
                SourcePosition.source == source, SourcePosition.uidvalidity == uidvalidity))

    def folder_recreated(self, source: str, uidvalidity: int) -> None:
        """A new UIDVALIDITY: give up the server actions still pending under the old one (those
        UIDs are gone)."""
        with self.sessions() as session, session.begin():
            for action in session.scalars(select(PendingAction).where(
                    PendingAction.source == source, PendingAction.uidvalidity != uidvalidity,
                    PendingAction.state == "pending")):
                action.state, action.error = "failed", "folder recreated (UIDVALIDITY changed)"
                action.done_at = utcnow()

    def failed_actions(self) -> int:
        with self.sessions() as session:
            return len(session.scalars(select(PendingAction.id).where(PendingAction.state == "failed")).all())

    def known_uidvalidities(self, source: str) -> list[int]:
        with self.sessions() as session:
            return list(session.scalars(select(SourcePosition.uidvalidity)
                                        .where(SourcePosition.source == source)))

    def advance(self, position: Position) -> None:
        """Move the folder's position to a mail done without filing (filed before): now, or in
        a batch when it commits, as a filed mail's (the lease row is locked at the commit only)."""
        batch = self.sessions.current
        if batch is not None:
            self.advance_at_commit(batch, position)
            return
        with self.sessions() as session, session.begin():
            advance_in(session, position, self.fences.get(position.source))

    def advance_at_commit(self, batch: Batch, position: Position) -> None:
        """Move the folder's position when `batch` commits, in its transaction (so it never
        passes a mail not committed), once for all its mails: to the highest UID they reached,
        its fence checked then. A mail calls this once its own savepoint is released."""
        key = ("position", position.source, position.uidvalidity)
        earlier = batch.before.get(key)
        if not (isinstance(earlier, _Advance) and earlier.position.uid >= position.uid):
            batch.before[key] = _Advance(position, self.fences.get(position.source))

    def pending(self, source: str, uidvalidity: int) -> list[PendingAction]:
        with self.sessions() as session:
            return list(session.scalars(select(PendingAction).where(
                PendingAction.source == source, PendingAction.uidvalidity == uidvalidity,
                PendingAction.state == "pending").order_by(PendingAction.uid)))

    def attempt(self, action_ids: Sequence[int], source: str = "") -> None:
        """Counted before the server is asked, so a replay knows an attempt may have happened;
        only while this daemon owns the folder (LeaseLost): the new owner replays them."""
        with self.sessions() as session, session.begin():
            if source in self.fences:
                check_fence(session, source, self.fences[source])
            session.execute(update(PendingAction).where(PendingAction.id.in_(list(action_ids)))
                            .values(attempts=PendingAction.attempts + 1))

    def finish(self, action_ids: Sequence[int], error: str = "", source: str = "") -> None:
        with self.sessions() as session, session.begin():
            if source in self.fences:
                check_fence(session, source, self.fences[source])
            session.execute(update(PendingAction).where(PendingAction.id.in_(list(action_ids)))
                            .values(state="failed" if error else "done", error=error,
                                    done_at=utcnow()))

    def synced(self, source: str, uidvalidity: int, server_messages: int, lag: int) -> None:
        with self.sessions() as session, session.begin():
            row = self._health(session, source)
            row.uidvalidity, row.last_sync_at = uidvalidity, utcnow()
            row.server_messages, row.lag = server_messages, lag

    def failed(self, source: str, error: str) -> None:
        with self.sessions() as session, session.begin():
            row = self._health(session, source)
            row.last_error, row.last_error_at = error, utcnow()

    def _health(self, session: Session, source: str) -> SourceHealth:
        row = session.scalar(select(SourceHealth).where(SourceHealth.source == source))
        if row is None:
            row = SourceHealth(source=source)
            session.add(row)
            session.flush()
        return row

    def health(self) -> list[Health]:
        with self.sessions() as session:
            rows = session.scalars(select(SourceHealth).order_by(SourceHealth.source)).all()
            result = []
            for row in rows:
                last_uid = session.scalar(select(SourcePosition.last_uid).where(
                    SourcePosition.source == row.source, SourcePosition.uidvalidity == row.uidvalidity))
                result.append(Health(row.source, row.uidvalidity, last_uid or 0, row.last_sync_at,
                                     row.server_messages, row.lag, row.last_error, row.last_error_at))
            return result

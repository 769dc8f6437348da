"""The sync ledger: per IMAP folder, how far mailflow has got (UIDVALIDITY, last UID), how healthy
the folder is (last sync, lag, last error), and the server actions still to carry out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailflow.store.db import PendingAction, SourceHealth, SourcePosition, utcnow


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


def advance_in(session: Session, position: Position) -> None:
    """Move the folder's position forward to this UID (never backward), inside the caller's
    transaction."""
    row = session.scalar(select(SourcePosition).where(
        SourcePosition.source == position.source, SourcePosition.uidvalidity == position.uidvalidity))
    if row is None:
        session.add(SourcePosition(source=position.source, uidvalidity=position.uidvalidity,
                                   last_uid=position.uid))
        session.flush()
    elif position.uid > row.last_uid:
        row.last_uid, row.updated_at = position.uid, utcnow()


def add_actions_in(session: Session, position: Position, message_row_id: int | None,
                   actions: Sequence[dict[str, Any]]) -> None:
    if actions:
        session.add(PendingAction(source=position.source, uidvalidity=position.uidvalidity,
                                  uid=position.uid, message_row_id=message_row_id,
                                  actions=list(actions)))


class SyncLedger:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def last_uid(self, source: str, uidvalidity: int) -> int | None:
        """The last UID done in this folder under this UIDVALIDITY; None: never synced under it."""
        with self.sessions() as session:
            return session.scalar(select(SourcePosition.last_uid).where(
                SourcePosition.source == source, SourcePosition.uidvalidity == uidvalidity))

    def known_uidvalidities(self, source: str) -> list[int]:
        with self.sessions() as session:
            return list(session.scalars(select(SourcePosition.uidvalidity)
                                        .where(SourcePosition.source == source)))

    def advance(self, position: Position) -> None:
        with self.sessions() as session, session.begin():
            advance_in(session, position)

    def pending(self, source: str, uidvalidity: int) -> list[PendingAction]:
        with self.sessions() as session:
            return list(session.scalars(select(PendingAction).where(
                PendingAction.source == source, PendingAction.uidvalidity == uidvalidity,
                PendingAction.state == "pending").order_by(PendingAction.uid)))

    def finish(self, action_id: int, error: str = "") -> None:
        with self.sessions() as session, session.begin():
            row = session.get(PendingAction, action_id)
            if row is not None:
                row.state, row.error, row.done_at = ("failed" if error else "done"), error, utcnow()

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

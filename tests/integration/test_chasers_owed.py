"""Chasers for what is owed no more, on SQLite and PostgreSQL: the follow-up withdraws and
supersedes only the chasers still waiting, by a conditional write (one the sender claimed in
between is left to the sender), and only a row it changed gets an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from mailflow.reply.outbox import HELD, QUEUED, SENDING
from mailflow.store import Store
from mailflow.store.chase import ChaseStore, chase_key, withdraw_chasers
from mailflow.store.db import EventRow, MilestoneRow, OrderRow, OutboxRow

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
RAW = (b"From: orders@acme.example\r\nTo: bob@kestrel.example\r\nSubject: Deposit for KS-7001\r\n"
       b"Message-ID: <chase-1@acme.example>\r\n\r\nKindly arrange the deposit.\r\n")


@pytest.fixture
def store(tmp_path: Path, database_url: str) -> Iterator[Store]:
    opened = Store(database_url, tmp_path / "archive")
    try:
        yield opened
    finally:
        opened.close()


def an_order(store: Store, *milestones: tuple[str, str]) -> int:
    """An order KS-7001 with these (key, state) milestones."""
    with store.sessions() as session, session.begin():
        order = OrderRow(number="KS-7001", folder="KS-7001", buyer="Kestrel Supplies", status="open",
                         plan="tt-order")
        session.add(order)
        session.flush()
        for position, (key, state) in enumerate(milestones):
            session.add(MilestoneRow(order_id=order.id, key=key, plan="tt-order", name=key.replace("_", " "),
                                     position=position, state=state, chases=1, note=""))
        return order.id


def a_chaser(store: Store, order_id: int, milestone: str, state: str, n: int = 1, **more: Any) -> int:
    with store.sessions() as session, session.begin():
        row = OutboxRow(message_id=f"chase-{milestone}-{n}@acme.example", order_id=order_id,
                        template="chase_payment", language="en", to_addrs=["bob@kestrel.example"],
                        subject="Deposit for KS-7001", raw=RAW, state=state, approver="",
                        revision_key=chase_key("KS-7001", milestone), **more)
        session.add(row)
        session.flush()
        return row.id


def state_of(store: Store, reply_id: int) -> str:
    return store.reply(reply_id).state


def events(store: Store, kind: str) -> list[dict[str, Any]]:
    with store.sessions() as session:
        return [dict(e.detail) for e in session.scalars(select(EventRow).where(EventRow.kind == kind))]


def claimed_in_between(session: Session, reply_id: int) -> None:
    """The sender claims the chaser (queued -> sending) right after the follow-up read it."""
    done = [False]

    @event.listens_for(session, "do_orm_execute")
    def _after_the_read(state: ORMExecuteState) -> Any:
        if done[0] or not state.is_select or OutboxRow.__mapper__ not in state.all_mappers:
            return None
        done[0] = True
        read = state.invoke_statement().freeze()
        session.connection().execute(text("UPDATE outbox SET state = 'sending', phase = 'connecting' "
                                          "WHERE id = :id"), {"id": reply_id})
        return read()


def test_a_chaser_the_sender_claimed_after_the_read_is_not_withdrawn(store: Store) -> None:
    order_id = an_order(store, ("deposit", "done"))
    claimed = a_chaser(store, order_id, "deposit", QUEUED)
    waiting = a_chaser(store, order_id, "deposit", HELD, n=2)
    with store.sessions() as session, session.begin():
        claimed_in_between(session, claimed)
        order = session.get(OrderRow, order_id)
        assert order is not None
        withdrawn = withdraw_chasers(session, order, {"deposit": "Deposit received is done"}, NOW)
    assert withdrawn == [waiting]
    assert state_of(store, claimed) == SENDING  # the sender's, not overwritten
    assert state_of(store, waiting) == "withdrawn"
    assert [e["outbox_id"] for e in events(store, "chaser-withdrawn")] == [waiting]


def test_a_chaser_the_sender_claimed_after_the_read_is_not_superseded(store: Store) -> None:
    order_id = an_order(store, ("deposit", "overdue"))
    claimed = a_chaser(store, order_id, "deposit", QUEUED)
    waiting = a_chaser(store, order_id, "deposit", HELD, n=2)
    with store.sessions() as session, session.begin():
        newer = OutboxRow(message_id="chase-deposit-3@acme.example", order_id=order_id, template="chase_payment",
                          language="en", to_addrs=["bob@kestrel.example"], subject="Deposit for KS-7001", raw=RAW,
                          state=HELD, approver="", revision_key=chase_key("KS-7001", "deposit"))
        session.add(newer)
        session.flush()
        claimed_in_between(session, claimed)
        ChaseStore._supersede_chasers(session, newer, NOW)
        newer_id = newer.id
    assert state_of(store, claimed) == SENDING
    superseded = store.reply(waiting)
    assert superseded.state == "superseded" and superseded.superseded_by == newer_id
    assert [e["outbox_id"] for e in events(store, "reply-superseded")] == [waiting]

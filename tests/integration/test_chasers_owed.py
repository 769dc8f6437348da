"""Chasers for what is owed no more, on SQLite and PostgreSQL: the follow-up withdraws and
supersedes only the chasers not being sent, by a conditional write (one the sender claimed in
between is left to the sender), and only a row it changed gets an event; a chaser whose
milestone is done or gone is withdrawn (failed and uncertain ones too), refused when a person
approves or retries it, and withdrawn when the sender would claim it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import ORMExecuteState, Session

from mailflow import policy
from mailflow.errors import MailflowError
from mailflow.reply.outbox import FAILED, HELD, QUEUED, SENDING, UNCERTAIN
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
                        revision_key=chase_key("KS-7001", milestone), order_version=1, **more)
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


# --- a chaser for what is owed no more is never sent -----------------------------------------

MANAGER = policy.Person("Wang Fang", "manager")


def refused(action: Any) -> str:
    with pytest.raises(MailflowError) as caught:
        action()
    return str(caught.value)


def test_every_chaser_not_sent_of_a_done_milestone_is_withdrawn_and_one_being_sent_is_left(store: Store) -> None:
    order_id = an_order(store, ("deposit", "done"))
    ids = {state: a_chaser(store, order_id, "deposit", state, n=n)
           for n, state in enumerate((HELD, QUEUED, FAILED, UNCERTAIN, SENDING))}
    with store.sessions() as session, session.begin():
        order = session.get(OrderRow, order_id)
        assert order is not None
        withdrawn = withdraw_chasers(session, order, {"deposit": "Deposit received is done"}, NOW)
    assert sorted(withdrawn) == sorted(ids[s] for s in (HELD, QUEUED, FAILED, UNCERTAIN))
    assert state_of(store, ids[SENDING]) == SENDING  # the sender's: it finds it owed no more if it comes back
    for state in (HELD, QUEUED, FAILED, UNCERTAIN):
        row = store.reply(ids[state])
        assert row.state == "withdrawn" and row.reason.startswith("withdrawn: Deposit received is done")
        assert "never sent" in refused(lambda rid=ids[state]: store.approve(rid, MANAGER))
    uncertain = store.reply(ids[UNCERTAIN]).reason
    assert "may have gone out" in uncertain and "never sent again" in uncertain
    assert sorted(e["was"] for e in events(store, "chaser-withdrawn")) == sorted((HELD, QUEUED, FAILED, UNCERTAIN))


def test_approving_or_retrying_a_chaser_whose_milestone_is_done_or_gone_is_refused(store: Store) -> None:
    order_id = an_order(store, ("deposit", "done"), ("balance", "overdue"))
    failed = a_chaser(store, order_id, "deposit", FAILED)
    uncertain = a_chaser(store, order_id, "telex", UNCERTAIN)  # a milestone the plan no longer has
    paused = a_chaser(store, order_id, "deposit", QUEUED, n=2, next_attempt_at=NOW)
    owed = a_chaser(store, order_id, "balance", FAILED)
    said = refused(lambda: store.approve(failed, MANAGER))
    assert "owed no more" in said and "deposit is done" in said
    said = refused(lambda: store.approve(uncertain, MANAGER))
    assert "owed no more" in said and "telex is no longer in the order's plan" in said
    assert "owed no more" in refused(lambda: store.retry_now(paused))
    assert (state_of(store, failed), state_of(store, uncertain), state_of(store, paused)) == (FAILED, UNCERTAIN,
                                                                                             QUEUED)
    assert store.approve(owed, MANAGER).state == QUEUED  # the balance is still owed


def test_a_chaser_back_from_a_temporary_failure_is_withdrawn_when_the_sender_claims_it(store: Store) -> None:
    order_id = an_order(store, ("deposit", "overdue"))
    chaser = a_chaser(store, order_id, "deposit", QUEUED)
    claimed, capped = store.claim_reply(max_per_hour=10)
    assert claimed is not None and claimed.id == chaser and not capped
    with store.sessions() as session, session.begin():  # the money comes while it is being sent
        session.execute(update(MilestoneRow).where(MilestoneRow.order_id == order_id)
                        .values(state="done", how="payment", done_by="3480.00 USD FT1"))
        order = session.get(OrderRow, order_id)
        assert order is not None
        assert withdraw_chasers(session, order, {"deposit": "deposit is done"}, NOW) == []  # the sender's
    store.reply_retry(chaser, "451 try again later", NOW, claimed.claimed_by)
    assert state_of(store, chaser) == QUEUED
    assert store.claim_reply(max_per_hour=10) == (None, False)  # not sent
    row = store.reply(chaser)
    assert row.state == "withdrawn" and row.reason == "withdrawn: deposit is done (payment: 3480.00 USD FT1)"
    assert [e["by"] for e in events(store, "chaser-withdrawn")] == ["sender"]


def test_an_uncertain_chaser_withdrawn_and_then_confirmed_by_its_sender_is_sent(store: Store) -> None:
    order_id = an_order(store, ("deposit", "done"))
    chaser = a_chaser(store, order_id, "deposit", UNCERTAIN, claimed_by="host:1:a/claim1")
    with store.sessions() as session, session.begin():
        order = session.get(OrderRow, order_id)
        assert order is not None
        assert withdraw_chasers(session, order, {"deposit": "deposit is done"}, NOW) == [chaser]
    store.reply_sent(chaser, "250 queued as 4711", "host:1:a/claim1")
    assert state_of(store, chaser) == "sent"  # it went: the record says so


def test_a_chaser_of_a_milestone_the_plan_dropped_is_withdrawn(tmp_path: Path, database_url: str) -> None:
    from mailflow.follow import Follower
    from mailflow.follow.plans import load_plans
    from tests.conftest import ROOT

    store = Store(database_url, tmp_path / "archive2", follower=Follower(load_plans(ROOT / "rules" / "followup")))
    try:
        order_id = an_order(store, ("telex", "overdue"))
        with store.sessions() as session, session.begin():
            session.execute(update(OrderRow).where(OrderRow.id == order_id).values(
                plan="", currency="USD", data={"payment_terms": "30% T/T deposit, 70% balance",
                                               "total": "1000.00", "currency": "USD"}))
        held = a_chaser(store, order_id, "telex", HELD)
        failed = a_chaser(store, order_id, "telex", FAILED, n=2)
        assert store.follow_order(order_id) is not None
        for reply_id in (held, failed):
            row = store.reply(reply_id)
            assert row.state == "withdrawn" and "telex is no longer in the order's plan" in row.reason
    finally:
        store.close()

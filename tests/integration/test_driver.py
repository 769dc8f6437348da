"""`store.driver.Direct`: a Core statement run on SQLite's driver writes and reads exactly what
SQLAlchemy would (the columns' processing, defaults, bound values, expanding IN), on both
databases; a statement whose rows need processing is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import bindparam, create_engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, StatementError

from mailflow import clock
from mailflow.store.db import Base, EventRow, MessageRow, OrderAlias, OrderRow, make_engine
from mailflow.store.driver import Direct


def _message(i: int) -> dict[str, Any]:
    return {"sha256": f"{i:064x}", "message_id": f"<{i}@buyer.example>", "direction": "in",
            "subject": f"PO 4500{i} 订单", "from_addr": "Li@Buyer.example", "from_name": "李",
            "to_addrs": ["orders@acme.example"], "cc_addrs": [], "references": [f"<r{i}@x>"],
            "date": dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC), "category": "order",
            "rule": "po", "decision": {"why": ["订单", 1.5]}, "buyer": "buyer.example", "path": "m.eml",
            "size": 10 + i, "origin": "test", "text": "body", "warnings": [], "auth_results": {"dkim": "pass"}}


# what the message INSERT leaves out: each column's own default
_COLUMNS = ("sha256", "message_id", "direction", "subject", "from_addr", "from_name", "to_addrs", "cc_addrs",
            "references", "date", "category", "rule", "decision", "buyer", "path", "size", "origin", "text",
            "warnings", "auth_results", "received_at", "in_reply_to", "order_id", "case_id")


@pytest.fixture
def engine(database_url: str) -> Any:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _rows(engine: Any, sha256s: list[str]) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        found = conn.execute(select(*(MessageRow.__table__.c[c] for c in _COLUMNS))
                             .where(MessageRow.sha256.in_(sha256s)).order_by(MessageRow.sha256)).all()
    return [tuple(r) for r in found]


def test_an_insert_writes_what_core_writes(engine: Any) -> None:
    with clock.frozen(dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC)), engine.begin() as conn:
        core_id = conn.execute(insert(MessageRow), _message(1)).inserted_primary_key[0]
        direct_id = Direct(insert(MessageRow)).insert(conn, _message(2))
    assert direct_id == core_id + 1  # the new row's key, as Core returns it
    core, direct = _rows(engine, [_message(1)["sha256"], _message(2)["sha256"]])
    differ = {_COLUMNS[i] for i, (a, b) in enumerate(zip(core, direct, strict=True)) if a != b}
    assert differ == {"sha256", "message_id", "subject", "references", "size"}  # the values given apart
    assert direct[_COLUMNS.index("received_at")] == dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert direct[_COLUMNS.index("decision")] == {"why": ["订单", 1.5]}
    if engine.dialect.name == "sqlite":  # stored in the very text SQLAlchemy stores
        with engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT date, received_at, to_addrs FROM messages ORDER BY id").all()
        assert stored[0] == stored[1]


def test_reads_updates_and_many_rows(engine: Any) -> None:
    with engine.begin() as conn:
        order = Direct(insert(OrderRow)).insert(conn, {"number": "4500871", "folder": "4500871",
                                                        "buyer": "buyer.example", "kind": "sale"})
        Direct(insert(OrderAlias)).insert_many(conn, [
            {"order_id": order, "key": k, "number": k, "buyer": "buyer.example"} for k in ("4500871", "PI77", "BL9")])
        for i in range(3):
            Direct(insert(MessageRow)).insert(conn, _message(i))
        Direct(insert(EventRow)).insert(conn, {"kind": "filed", "detail": {"n": 1}, "order_id": order})
        aliased = Direct(select(OrderAlias.key, OrderRow.number).join(OrderRow, OrderAlias.order_id == OrderRow.id)
                         .where(OrderAlias.key.in_(bindparam("keys", expanding=True))).order_by(OrderAlias.key))
        core = select(OrderAlias.key, OrderRow.number).join(OrderRow, OrderAlias.order_id == OrderRow.id) \
            .where(OrderAlias.key.in_(bindparam("keys", expanding=True))).order_by(OrderAlias.key)
        for keys in (["BL9"], ["PI77", "4500871"], ["BL9", "NONE", "PI77"]):  # one plan per count of keys
            assert [tuple(r) for r in aliased.all(conn, {"keys": keys})] == \
                [tuple(r) for r in conn.execute(core, {"keys": keys})]
        sender = Direct(select(MessageRow.id).where(func.lower(MessageRow.from_addr) == bindparam("a")).limit(1))
        assert sender.scalar(conn, {"a": "li@buyer.example"}) is not None  # the LIMIT's bound value
        assert sender.first(conn, {"a": "nobody@x.example"}) is None
        Direct(update(MessageRow).where(MessageRow.sha256 == bindparam("sha")).values(buyer=bindparam("b"))) \
            .execute(conn, {"sha": _message(1)["sha256"], "b": "other.example"})
        assert Direct(select(MessageRow.buyer).order_by(MessageRow.sha256)).scalars(conn) == \
            ["buyer.example", "other.example", "buyer.example"]
        event = conn.execute(select(EventRow.kind, EventRow.detail, EventRow.at)).one()
    assert event.kind == "filed" and event.detail == {"n": 1} and event.at is not None


def test_a_statement_whose_rows_need_processing_is_refused_on_sqlite(tmp_path: Any) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        with pytest.raises(TypeError, match="needs SQLAlchemy's processing"):
            Direct(select(MessageRow.decision)).all(conn)
        with pytest.raises(ValueError, match="is empty"):
            Direct(select(MessageRow.id).where(MessageRow.sha256.in_(bindparam("s", expanding=True)))) \
                .all(conn, {"s": []})
    engine.dispose()


def test_the_drivers_errors_come_out_as_sqlalchemys(engine: Any) -> None:
    """A mail another daemon filed a moment before is told apart by SQLAlchemy's IntegrityError."""
    with engine.begin() as conn:
        Direct(insert(MessageRow)).insert(conn, _message(1))
        with pytest.raises(IntegrityError), conn.begin_nested():
            Direct(insert(MessageRow)).insert(conn, _message(1))
        with pytest.raises(IntegrityError), conn.begin_nested():
            Direct(insert(OrderAlias)).insert_many(conn, [{"order_id": 999, "key": "K", "number": "K", "buyer": "b"}] * 2)
        assert Direct(select(func.count()).select_from(MessageRow)).scalar(conn) == 1


def test_a_value_its_column_cannot_take_fails_as_in_core(engine: Any) -> None:
    """JSON of a set, or a parameter left out, fails as it does through Core (on SQLite a
    StatementError, by which a mail whose values do not fit is quarantined), never with another
    error or a NULL in the value's place."""
    bad = {**_message(1), "warnings": {"a set"}}
    with engine.begin() as conn:
        with pytest.raises(Exception, match="not JSON serializable") as core, conn.begin_nested():
            conn.execute(insert(MessageRow), bad)
        with pytest.raises(Exception, match="not JSON serializable") as direct, conn.begin_nested():
            Direct(insert(MessageRow)).insert(conn, bad)
        assert type(direct.value) is type(core.value)  # on SQLite a StatementError; psycopg's own TypeError
        if engine.dialect.name == "sqlite":
            assert isinstance(direct.value, StatementError)
        counterparty = Direct(select(OrderRow.id).where(OrderRow.buyer == bindparam("domain"),
                                                        OrderRow.kind == bindparam("kind")).limit(1))
        with pytest.raises(StatementError, match="A value is required for bind parameter 'kind'"):
            counterparty.first(conn, {"domain": "buyer.example"})
        assert counterparty.first(conn, {"domain": "buyer.example", "kind": "sale"}) is None

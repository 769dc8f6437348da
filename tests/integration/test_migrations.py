"""Schema migrations on SQLite and PostgreSQL: a new database starts at the newest revision, an
older one is refused with a clear error until `mailflow db upgrade`, which keeps its data."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.orm import Session

from mailflow.cli import main
from mailflow.errors import StoreError
from mailflow.store import Store, migrations
from mailflow.store.db import MessageRow, make_engine
from tests.conftest import ROOT, write_desk

pytestmark = pytest.mark.integration


def at_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        command.upgrade(migrations._config(connection), revision)
        connection.execute(text("INSERT INTO orders (number, folder, buyer, status, data, created_at) "
                                "VALUES ('4500871', '4500871', 'Northwind', 'open', '{}', "
                                "CURRENT_TIMESTAMP)"))
    engine.dispose()


def test_a_new_database_starts_at_the_newest_revision(tmp_path: Path, database_url: str) -> None:
    store = Store(database_url, tmp_path / "archive")
    try:
        assert migrations.current(store.engine) == migrations.head()
    finally:
        store.close()


def test_a_database_behind_is_refused_until_upgraded(tmp_path: Path, database_url: str) -> None:
    at_revision(database_url, migrations.BASELINE)
    with pytest.raises(StoreError, match=r"is at schema revision 0001.*mailflow db upgrade"):
        Store(database_url, tmp_path / "archive")
    config = write_desk(tmp_path / "desk", database_url)
    result = CliRunner().invoke(main, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"from revision 0001 to {migrations.head()}" in result.output
    store = Store(database_url, tmp_path / "archive")
    try:
        columns = {c["name"] for c in inspect(store.engine).get_columns("messages")}
        assert "auth_results" in columns
        assert [o.number for o in store.orders()] == ["4500871"]  # the data came along
    finally:
        store.close()
    again = CliRunner().invoke(main, ["--config", str(config), "db", "upgrade"])
    assert "up to date" in again.output


def test_the_revisions_read_from_the_file_names_are_alembics_history() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations._config(None))
    history = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert list(migrations.revisions()) == history and migrations.head() == script.get_current_head()
    assert [r.down_revision for r in script.walk_revisions()][:-1] == history[-2::-1]  # one line


def test_a_database_at_a_revision_this_mailflow_does_not_know_is_refused(tmp_path: Path, database_url: str) -> None:
    at_revision(database_url, "head")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9001'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"is at schema revision 9001, which this mailflow does not know "
                                         rf"\(its newest is {migrations.head()}\)"):
        Store(database_url, tmp_path / "archive")


OPEN = """
import sys
from pathlib import Path
from mailflow.store import Store, migrations
store = Store({url!r}, Path({archive!r}))
print(migrations.current(store.engine), "alembic" in sys.modules)
store.close()
"""


def test_opening_an_up_to_date_database_does_not_load_alembic(tmp_path: Path, database_url: str) -> None:
    """Alembic is imported to upgrade a database, or create one on PostgreSQL (a new SQLite
    database is made from the snapshot); an up-to-date one is only checked."""
    def open_store() -> str:
        code = OPEN.format(url=database_url, archive=str(tmp_path / "archive"))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env=env).stdout.strip()

    created_by_alembic = not database_url.startswith("sqlite")
    assert open_store() == f"{migrations.head()} {created_by_alembic}"  # a new database
    assert open_store() == f"{migrations.head()} False"


def test_a_database_from_before_migrations_is_recognised(tmp_path: Path, database_url: str) -> None:
    at_revision(database_url, migrations.BASELINE)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    with pytest.raises(StoreError, match="created before schema migrations"):
        Store(database_url, tmp_path / "archive")
    assert migrations.upgrade(engine) == (None, migrations.head())
    with engine.begin() as connection:  # and one that lacks a baseline column cannot be stamped
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("ALTER TABLE outbox DROP COLUMN claimed_by"))
    with pytest.raises(StoreError, match=r"lacks outbox\.claimed_by"):
        migrations.upgrade(engine)
    engine.dispose()


def test_replies_waiting_before_approvers_were_kept_get_the_one_their_rule_would_give(
        tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(migrations._config(connection), "0009")
        for n, (template, state, reason) in enumerate((
                ("order_confirmation", "held", "rule purchase-order asks for approval"),
                ("complaint_ack", "held", "rule complaint asks for approval"),
                ("inquiry_ack", "held", "reply.hold_if holds it: order.total > 50000"),
                ("sample_ack", "held", "rule sample asks for approval"),
                ("order_confirmation", "sent", ""))):
            connection.execute(text(
                "INSERT INTO outbox (message_id, template, language, to_addrs, subject, raw, state, reason, "
                "created_at, updated_at, phase, attempts, server_reply, sent_copy, claimed_by, recipient_results, "
                "revision_key, order_version, decided_by, action) VALUES (:mid, :template, 'en', '[]', 's', :raw, "
                ":state, :reason, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', 0, '', '', '', '{}', '', 0, '', '{}')"),
                {"mid": f"<r{n}@acme.example>", "template": template, "state": state, "reason": reason,
                 "raw": b"x"})
        command.upgrade(migrations._config(connection), "head")
        rows = connection.execute(text("SELECT template, state, approver FROM outbox ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("order_confirmation", "held", "manager"), ("complaint_ack", "held", "manager"),
                                        ("inquiry_ack", "held", "manager"), ("sample_ack", "held", ""),
                                        ("order_confirmation", "sent", "")]


def test_orders_filed_before_purchase_orders_become_sales_orders(tmp_path: Path, database_url: str) -> None:
    at_revision(database_url, "0010")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(migrations._config(connection), "head")
        rows = connection.execute(text("SELECT number, kind, for_order_id FROM orders")).all()
        assert [tuple(r) for r in rows] == [("4500871", "sale", None)]
        sale_id = connection.execute(text("SELECT id FROM orders WHERE number = '4500871'")).scalar_one()
        connection.execute(text("INSERT INTO orders (number, folder, buyer, status, data, created_at, kind, "
                                "for_order_id) VALUES ('HL-2603', 'HL-2603', 'hengli-pack.example', 'open', '{}', "
                                "CURRENT_TIMESTAMP, 'purchase', :sale)"), {"sale": sale_id})
    assert migrations.current(engine) == migrations.head()
    engine.dispose()
    store = Store(database_url, tmp_path / "archive")  # the upgraded schema is the one the code expects
    try:
        listed = {o["order"]: o for o in store.order_overview()}
        assert listed["4500871"]["kind"] == "sale" and listed["4500871"]["buyer"] == "Northwind"
        assert (listed["HL-2603"]["kind"], listed["HL-2603"]["supplier"], listed["HL-2603"]["for_order"]) == (
            "purchase", "hengli-pack.example", "4500871")
    finally:
        store.close()


def test_orders_and_payments_from_before_instalments_keep_their_money(tmp_path: Path, database_url: str) -> None:
    """0012: an order gets no instalments until it is followed again, a payment no charges;
    what was on file reads as before, and following the order fills its instalments."""
    import datetime as dt
    from decimal import Decimal

    from mailflow.follow import Follower
    from mailflow.follow.plans import load_plans
    from tests.conftest import ROOT

    at_revision(database_url, "0011")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        order_id = connection.execute(text("SELECT id FROM orders WHERE number = '4500871'")).scalar_one()
        connection.execute(text("UPDATE orders SET data = :data, currency = 'USD', total_due = '1000.00', "
                                "outstanding = '1000.00' WHERE id = :id"),
                           {"id": order_id, "data": '{"payment_terms": "30% T/T deposit, 70% balance", '
                                                    '"total": "1000.00", "currency": "USD"}'})
        connection.execute(text("INSERT INTO payments (order_id, amount, currency, value_date, reference, "
                                "recorded_by, note, created_at) VALUES (:id, '290.00', 'USD', :day, 'FT1', "
                                "'Ada Xu', 'recorded by hand', CURRENT_TIMESTAMP)"),
                           {"id": order_id, "day": dt.date(2026, 3, 10)})
        command.upgrade(migrations._config(connection), "head")
        row = connection.execute(text("SELECT instalments FROM orders WHERE id = :id"), {"id": order_id}).scalar_one()
        assert row in ([], "[]")
        assert connection.execute(text("SELECT charges FROM payments")).scalar_one() == ""
    assert migrations.current(engine) == migrations.head() == "0018"
    engine.dispose()
    store = Store(database_url, tmp_path / "archive", follower=Follower(load_plans(ROOT / "rules" / "followup")))
    try:
        followed = store.follow_order(order_id)
        assert followed is not None
        deposit, balance = followed.instalments
        assert deposit.paid == Decimal("290.00") and deposit.settled  # 10.00 short: within 5 % of 300.00
        assert balance.short == Decimal("700.00") and followed.outstanding == Decimal("700.00")
        shown = store.order_summary(order_id)["follow_up"]["money"]
        assert shown["due_now"]["name"] == "balance" and shown["payments"][0]["charges"] is None
    finally:
        store.close()


def test_a_store_with_orders_and_payments_goes_back_from_instalments(tmp_path: Path, database_url: str) -> None:
    """0012 -> 0011 on a populated store (foreign keys on): the columns go, the data stays."""
    import datetime as dt

    at_revision(database_url, "0012")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        order_id = connection.execute(text("SELECT id FROM orders WHERE number = '4500871'")).scalar_one()
        connection.execute(text("UPDATE orders SET instalments = '[{\"key\": \"deposit\"}]' WHERE id = :id"),
                           {"id": order_id})
        connection.execute(text("INSERT INTO payments (order_id, amount, currency, value_date, reference, "
                                "recorded_by, note, charges, created_at) VALUES (:id, '290.00', 'USD', :day, "
                                "'FT1', 'Ada Xu', '', '10.00', CURRENT_TIMESTAMP)"),
                           {"id": order_id, "day": dt.date(2026, 3, 10)})
        connection.execute(text("INSERT INTO milestones (order_id, key, plan, name, owner, position, state, "
                                "due_why, waiting_for, how, done_by, note, chases) VALUES (:id, 'deposit', "
                                "'tt-order', 'Deposit received', 'merchandiser', 0, 'open', '', '[]', '', '', "
                                "'', 0)"), {"id": order_id})
        command.downgrade(migrations._config(connection), "0011")
    try:
        assert migrations.current(engine) == "0011"
        inspector = inspect(engine)
        assert "instalments" not in {c["name"] for c in inspector.get_columns("orders")}
        assert "charges" not in {c["name"] for c in inspector.get_columns("payments")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM orders")).scalars().all() == ["4500871"]
            assert connection.execute(text("SELECT amount, order_id FROM payments")).one() == ("290.00", order_id)
            assert connection.execute(text("SELECT key FROM milestones")).scalars().all() == ["deposit"]
        with engine.begin() as connection:  # and up again
            command.upgrade(migrations._config(connection), "head")
        assert migrations.current(engine) == migrations.head()
    finally:
        engine.dispose()


def test_several_machines_keep_in_the_database_what_they_share_and_it_goes_again_on_downgrade(
        database_url: str) -> None:
    """0014: the web session key, the newest correction trained on and the classifier trained
    are kept in the database (desk_shared, classifier_models), what an action said on the
    session's row; a downgrade takes them away again."""
    from sqlalchemy import inspect

    at_revision(database_url, "0012")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(migrations._config(connection), "head")
        connection.execute(text("INSERT INTO desk_shared (name, value) VALUES ('web-session-key', 'k')"))
    tables = inspect(engine)
    assert {"desk_shared", "classifier_models"} <= set(tables.get_table_names())
    assert {"flash_said", "flash_error"} <= {c["name"] for c in tables.get_columns("web_sessions")}
    with engine.begin() as connection:
        command.downgrade(migrations._config(connection), "0012")
    tables = inspect(engine)
    assert not {"desk_shared", "classifier_models"} & set(tables.get_table_names())
    assert not {"flash_said", "flash_error"} & {c["name"] for c in tables.get_columns("web_sessions")}
    engine.dispose()


def test_the_order_mail_index_comes_and_goes_with_its_revision(tmp_path: Path, database_url: str) -> None:
    """0013 on a store with mail: the index the daily plan reads is made, and dropped going back."""
    at_revision(database_url, "0012")
    engine = make_engine(database_url)
    name = "ix_messages_order_direction_date"
    try:
        with engine.begin() as connection:
            command.upgrade(migrations._config(connection), "0013")
        indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("messages")}
        assert indexes[name] == ["order_id", "direction", "date", "received_at"]
        with engine.begin() as connection:
            command.downgrade(migrations._config(connection), "0012")
        assert name not in {i["name"] for i in inspect(engine).get_indexes("messages")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM orders")).scalars().all() == ["4500871"]
    finally:
        engine.dispose()


def message_indexes(engine: Engine) -> set[str]:
    """The names of the messages table's indexes, those on an expression too (which SQLAlchemy's
    inspector leaves out on SQLite)."""
    asked = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'"
             if engine.dialect.name == "sqlite" else
             "SELECT indexname FROM pg_indexes WHERE tablename = 'messages' AND schemaname = current_schema()")
    with engine.connect() as connection:
        return set(connection.execute(text(asked)).scalars())


def test_the_last_mail_index_takes_the_place_of_the_order_mail_index_and_gives_it_back(
        tmp_path: Path, database_url: str) -> None:
    """0015 on a store with mail: the index on each order's last mail replaces 0013's, the
    plan's question is answered the same, and going back restores 0013's index and the mail."""
    at_revision(database_url, "0014")
    engine = make_engine(database_url)
    last = ("SELECT coalesce(date, received_at) FROM messages WHERE order_id IS NOT NULL "
            "ORDER BY coalesce(date, received_at) DESC")
    mail = [{"sha256": f"{n:064x}", "message_id": f"m{n}@x.example", "direction": direction, "subject": "PO",
             "from_addr": "a@x.example", "from_name": "", "date": date, "category": "order", "buyer": "Northwind",
             "path": f"m{n}.eml", "size": 1, "origin": "test", "to_addrs": [], "cc_addrs": [],
             "received_at": dt.datetime(2024, 5, n, tzinfo=dt.UTC)}
            for n, direction, date in ((1, "in", dt.datetime(2024, 5, 3, tzinfo=dt.UTC)), (2, "out", None),
                                       (3, "in", None))]
    try:
        with engine.begin() as connection:
            order = connection.execute(text("SELECT id FROM orders")).scalar_one()
            connection.execute(insert(MessageRow), [{**m, "order_id": order} for m in mail])
            before = connection.execute(text(last)).scalars().all()
        assert len(before) == 3
        with engine.begin() as connection:
            command.upgrade(migrations._config(connection), "0015")
        names = message_indexes(engine)
        assert "ix_messages_order_last_mail" in names and "ix_messages_order_direction_date" not in names
        with engine.connect() as connection:
            assert connection.execute(text(last)).scalars().all() == before
        with engine.begin() as connection:
            command.downgrade(migrations._config(connection), "0014")
        names = message_indexes(engine)
        assert "ix_messages_order_direction_date" in names and "ix_messages_order_last_mail" not in names
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM orders")).scalars().all() == ["4500871"]
            assert connection.execute(text(last)).scalars().all() == before
    finally:
        engine.dispose()


def test_document_numbers_given_before_are_kept_in_their_places_and_refused_twice(database_url: str) -> None:
    """0016 on a store whose documents took numbers as events: each order's number of a kind
    becomes a row at its event's place in its period (an order's second event of a kind adds
    none; a number two orders took at once keeps both places), so the next number is the one
    the events would have given; the database then refuses a place taken twice; a downgrade
    drops the table."""
    from sqlalchemy import exc, select

    from mailflow.store.db import DocumentNumber, EventRow

    at_revision(database_url, "0015")
    engine = make_engine(database_url)
    pi = {"sequence": "pi", "period": "PI-2612-00", "party": ""}
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO orders (number, folder, buyer, status, data, created_at) "
                                "VALUES ('4500872', '4500872', 'Hualian', 'open', '{}', CURRENT_TIMESTAMP)"))
        first, second = connection.execute(text("SELECT id FROM orders ORDER BY id")).scalars().all()
        now = dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC)
        connection.execute(insert(EventRow), [
            {"at": now, "kind": "document-number", "order_id": first, "detail": {**pi, "number": "PI-2612-01"}},
            {"at": now, "kind": "document-number", "order_id": second, "detail": {**pi, "number": "PI-2612-01"}},
            {"at": now, "kind": "document-number", "order_id": first, "detail": {**pi, "number": "PI-2612-01"}},
            {"at": now, "kind": "document-written", "order_id": first, "detail": {"number": "PI-2612-01"}},
            {"at": now, "kind": "document-number", "order_id": second,
             "detail": {"sequence": "invoice", "period": "CI-2612-00", "party": "", "number": "CI-2612-01"}}])
        command.upgrade(migrations._config(connection), "head")
        rows = connection.execute(select(DocumentNumber.order_id, DocumentNumber.sequence, DocumentNumber.n,
                                         DocumentNumber.number).order_by(DocumentNumber.id)).all()
        assert [tuple(r) for r in rows] == [(first, "pi", 1, "PI-2612-01"), (second, "pi", 2, "PI-2612-01"),
                                            (second, "invoice", 1, "CI-2612-01")]
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO orders (number, folder, buyer, status, data, created_at) "
                                "VALUES ('4500873', '4500873', 'Hualian', 'open', '{}', CURRENT_TIMESTAMP)"))
        third = connection.execute(text("SELECT id FROM orders WHERE number = '4500873'")).scalar_one()
    for taken in ({"order_id": third, "n": 2, "number": "PI-2612-02"},  # the period's 2nd place is taken
                  {"order_id": first, "n": 3, "number": "PI-2612-03"}):  # the order has its P/I number
        with pytest.raises(exc.IntegrityError), engine.begin() as connection:
            connection.execute(insert(DocumentNumber), [{**taken, "sequence": "pi", "period": "PI-2612-00",
                                                         "party": "", "created_at": now}])
    with engine.begin() as connection:
        connection.execute(insert(DocumentNumber), [{"order_id": third, "n": 3, "number": "PI-2612-03", "sequence": "pi",
                                                     "period": "PI-2612-00", "party": "", "created_at": now}])
    with engine.begin() as connection:
        command.downgrade(migrations._config(connection), "0015")
    assert "document_numbers" not in inspect(engine).get_table_names()
    engine.dispose()


def outbox_indexes(engine: Engine) -> set[str]:
    return {i["name"] for i in inspect(engine).get_indexes("outbox")}


def test_the_rule_and_outbox_indexes_come_and_go_with_their_revision_and_the_counts_stay(
        tmp_path: Path, database_url: str) -> None:
    """0017 on a store with mail: the index the rules page counts through is made, the counts are
    the same through it, the outbox's state index is ordered by when each reply was written; going
    back drops them, gives the state index back and keeps the mail."""
    at_revision(database_url, "0016")
    engine = make_engine(database_url)
    counts = "SELECT rule, count(*) FROM messages GROUP BY rule ORDER BY rule"
    mail = [{"sha256": f"{n:064x}", "message_id": f"m{n}@x.example", "direction": "in", "subject": "PO",
             "from_addr": "a@x.example", "from_name": "", "category": "order", "buyer": "Northwind", "rule": rule,
             "path": f"m{n}.eml", "size": 1, "origin": "test", "to_addrs": [], "cc_addrs": [],
             "received_at": dt.datetime(2024, 5, n, tzinfo=dt.UTC)}
            for n, rule in enumerate(("purchase-order", "purchase-order", "complaint", None), start=1)]
    try:
        with engine.begin() as connection:
            connection.execute(insert(MessageRow), mail)
            before = [tuple(row) for row in connection.execute(text(counts))]
        assert ("purchase-order", 2) in before and ("complaint", 1) in before
        with engine.begin() as connection:
            command.upgrade(migrations._config(connection), "0017")
        assert "ix_messages_rule" in message_indexes(engine)
        assert {"ix_outbox_state_created"} & outbox_indexes(engine) and "ix_outbox_state" not in outbox_indexes(engine)
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(text(counts))] == before
        with engine.begin() as connection:
            command.downgrade(migrations._config(connection), "0016")
        assert "ix_messages_rule" not in message_indexes(engine)
        assert "ix_outbox_state" in outbox_indexes(engine) and "ix_outbox_state_created" not in outbox_indexes(engine)
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(text(counts))] == before
    finally:
        engine.dispose()


def test_the_bigram_table_keyed_by_pair_and_message_finds_the_same_mail_both_ways(
        tmp_path: Path, database_url: str) -> None:
    """0018 on a store with Chinese mail: the bigram table loses its id and is keyed by (c1, c2,
    message), its rows and what a one- and a two-character search finds kept; going back gives
    the id and the indexes back, the rows still there."""
    from mailflow.store import search

    at_revision(database_url, "0017")
    engine = make_engine(database_url)
    mail = [{"sha256": f"{n:064x}", "message_id": f"m{n}@x.example", "direction": "in", "subject": "询价",
             "from_addr": "a@x.example", "from_name": "", "category": "order", "buyer": "Northwind",
             "path": f"m{n}.eml", "size": 1, "origin": "test", "to_addrs": [], "cc_addrs": [],
             "date": dt.datetime(2024, 5, n, tzinfo=dt.UTC)} for n in (1, 2, 3)]
    texts = {1: "请报水刺无纺布的价格", 2: "发票已收到", 3: "水刺布样品"}
    rows = "SELECT c1, c2, message_row_id FROM search_bigrams ORDER BY c1, c2, message_row_id"

    def found() -> list[list[int]]:
        with Session(engine) as session:
            return [[hit.message_row_id for hit in search.search(session, term)] for term in ("水刺", "发票", "布")]

    try:
        with engine.begin() as connection:
            connection.execute(insert(MessageRow), mail)
            ids = dict(connection.execute(text("SELECT message_id, id FROM messages")).all())
            for n, body in texts.items():
                connection.execute(text("INSERT INTO search_bigrams (message_row_id, c1, c2) VALUES (:m, :a, :b)"),
                                   [{"m": ids[f"m{n}@x.example"], "a": a, "b": b} for a, b in search.bigrams(body)])
            before = connection.execute(text(rows)).all()
        found_before = found()
        with engine.begin() as connection:
            command.upgrade(migrations._config(connection), "0018")
        assert {c["name"] for c in inspect(engine).get_columns("search_bigrams")} == {"c1", "c2", "message_row_id"}
        assert inspect(engine).get_pk_constraint("search_bigrams")["constrained_columns"] == [
            "c1", "c2", "message_row_id"]
        assert {i["name"] for i in inspect(engine).get_indexes("search_bigrams")} == {"ix_search_bigrams_c2"}
        with engine.connect() as connection:
            assert connection.execute(text(rows)).all() == before
        assert found() == found_before == [[ids["m3@x.example"], ids["m1@x.example"]], [ids["m2@x.example"]],
                            [ids["m3@x.example"], ids["m1@x.example"]]]
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert "WITHOUT ROWID" in connection.execute(text(
                    "SELECT sql FROM sqlite_master WHERE name = 'search_bigrams'")).scalar_one()
        with engine.begin() as connection:
            command.downgrade(migrations._config(connection), "0017")
        assert "id" in {c["name"] for c in inspect(engine).get_columns("search_bigrams")}
        assert {i["name"] for i in inspect(engine).get_indexes("search_bigrams")} == {
            "ix_search_bigrams_c2", "ix_search_bigrams_pair", "ix_search_bigrams_message_row_id"}
        with engine.begin() as connection:
            assert connection.execute(text(rows)).all() == before
            connection.execute(text("INSERT INTO search_bigrams (message_row_id, c1, c2) VALUES (:m, '样', '品')"),
                               {"m": ids["m1@x.example"]})  # the id is given again, as before
    finally:
        engine.dispose()


def _migrated(url: str) -> Engine:
    engine = make_engine(url)
    migrations.upgrade(engine)
    return engine


def _shape(engine: Engine) -> dict[str, object]:
    """A SQLite schema as SQLite describes it, whatever the order its text lists things in (the
    migrations' table rebuilds list a table's constraints in no fixed order): each table's
    columns, keys, foreign keys and indexes (with their columns and conditions), the virtual
    tables' and triggers' text."""
    shape: dict[str, object] = {}
    with engine.connect() as conn:
        def pragma(function: str, name: str) -> list[tuple[object, ...]]:  # its rows in a fixed order
            return sorted(map(tuple, conn.exec_driver_sql(f"SELECT * FROM {function}(?)", (name,)).all()), key=repr)  # noqa: S608 - our function names

        for kind, name, sql in conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all():
            if kind == "index":
                shape[f"index {name}"] = (sql, pragma("pragma_index_xinfo", name))
            elif kind == "table" and sql.upper().startswith("CREATE VIRTUAL"):
                shape[f"virtual {name}"] = sql
            elif kind == "table":
                shape[f"table {name}"] = (
                    pragma("pragma_table_info", name),
                    # a foreign key without its number (id), which follows the order of the text
                    sorted((k[1:] for k in pragma("pragma_foreign_key_list", name)), key=repr),
                    sorted(((i[2], i[3], tuple(c[2] for c in pragma("pragma_index_info", str(i[1]))))
                            for i in pragma("pragma_index_list", name)), key=repr))
            else:
                shape[f"{kind} {name}"] = sql
        shape["revision"] = migrations.current(engine)
    return shape


def test_the_sqlite_snapshot_is_the_schema_the_migrations_give(tmp_path: Path) -> None:
    """`sqlite-schema.sql` makes what the migrations make: a migration added or changed without
    writing it anew (`python -m mailflow.store.migrations`) fails here. A new database is made
    from it (no Alembic), and the oldest revision is reached from there, back down."""
    migrated = _migrated(f"sqlite:///{tmp_path / 'migrated.db'}")
    store = Store(f"sqlite:///{tmp_path / 'new.db'}", tmp_path / "archive")
    try:
        assert migrations.SNAPSHOT.read_text(encoding="utf-8").startswith(
            f"-- the schema of a new SQLite database at revision {migrations.head()}\n"), \
            "sqlite-schema.sql is behind the migrations: run `python -m mailflow.store.migrations`"
        assert _shape(store.engine) == _shape(migrated), \
            "sqlite-schema.sql is not what the migrations make: run `python -m mailflow.store.migrations`"
        with store.engine.connect() as conn:  # the full-text tables work, and what SQLite checks holds
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            conn.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        with store.engine.begin() as conn:
            command.downgrade(migrations._config(conn), migrations.BASELINE)
        assert migrations.current(store.engine) == migrations.BASELINE
    finally:
        store.close()
        migrated.dispose()


def test_a_snapshot_behind_the_newest_revision_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration added without a new snapshot: the new database is made by the migrations."""
    stale = tmp_path / "sqlite-schema.sql"
    stale.write_text(migrations.SNAPSHOT.read_text(encoding="utf-8").replace(
        f"revision {migrations.head()}", "revision 0001", 1), encoding="utf-8")
    monkeypatch.setattr(migrations, "SNAPSHOT", stale)
    store = Store(f"sqlite:///{tmp_path / 'new.db'}", tmp_path / "archive")
    try:
        assert migrations.current(store.engine) == migrations.head()
        assert "alembic" in sys.modules
    finally:
        store.close()


def test_a_snapshot_that_fails_leaves_no_schema_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "sqlite-schema.sql"
    broken.write_text(f"-- the schema of a new SQLite database at revision {migrations.head()}\n"
                      "CREATE TABLE orders (id INTEGER PRIMARY KEY);\nCREATE TABLE broken (;\n", encoding="utf-8")
    monkeypatch.setattr(migrations, "SNAPSHOT", broken)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(url, tmp_path / "archive")
    engine = make_engine(url)
    try:
        assert inspect(engine).get_table_names() == []  # the part made before the failure is taken back
    finally:
        engine.dispose()

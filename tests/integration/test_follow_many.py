"""Orders followed together (`Store.follow_orders`, as the daemon follows the orders a run
touched: on SQLite a page of orders loaded with one query a table, their new rows inserted
together) write what following each alone (`Store.follow_order`) writes, on SQLite and
PostgreSQL: the same milestones, payments read from slips, order columns, events, withdrawn
chasers and order.json bytes. Two desks file the same mail with following off; then one follows
its orders together, the other one by one; then both are chased, more mail comes, and they
follow again (milestones now stored: updated, a chaser withdrawn).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mailflow import clock
from mailflow.config import load_config
from mailflow.store import follow as store_follow
from mailflow.store.objects import open_store
from tests.conftest import _postgres_database
from tests.integration.test_follow_up import BOB, TT, US, at, cli, desk, follow, pdf
from tests.integration.test_instalments import COSTS, slip
from tests.mails import mail

pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

FOLLOWING = "followup: {timezone: UTC}\n"
NOT_FOLLOWING = "followup: {enabled: false, timezone: UTC}\n"


@pytest.fixture
def two_desks(tmp_path: Path, database_url: str) -> Iterator[tuple[Path, Path]]:
    """Two desks alike, each with its own database of the same kind."""
    others = iter([f"sqlite:///{tmp_path / 'other.db'}"]) if database_url.startswith("sqlite") \
        else _postgres_database()
    other = next(others)
    for name in ("together", "alone"):
        (tmp_path / name).mkdir()
    yield desk(tmp_path / "together", database_url, COSTS), desk(tmp_path / "alone", other, COSTS)
    for _ in others:  # the PostgreSQL database is dropped
        pass


def file_unfollowed(config: Path, mails: dict[str, bytes]) -> None:
    """The mails filed with following off: the orders' follow-up is left for the test to do."""
    setting = config.read_text(encoding="utf-8")
    config.write_text(setting.replace(FOLLOWING, NOT_FOLLOWING), encoding="utf-8")
    for name, data in mails.items():
        (config.parent / "inbox" / name).write_bytes(data)
    cli(config, "run", "--once")
    config.write_text(setting, encoding="utf-8")


def follow_up(config: Path, together: bool) -> None:
    store = open_store(load_config(config))
    try:
        ids = [row.id for row in store.order_list()]
        if together:
            store.follow_orders(*ids)
        else:
            for order_id in ids:
                store.follow_order(order_id)
        store.write_order_json(*ids)
    finally:
        store.close()


def written(config: Path) -> dict[str, Any]:
    """What following wrote, without the rows' ids (events in their order, order by order)."""
    url = load_config(config).database.url
    engine = create_engine(url)
    queries = {
        "milestones": "SELECT order_id, key, plan, name, owner, position, state, due, due_why, waiting_for, "
                      "done_at, how, done_by, message_row_id, note, reopened_at, overdue_since, chases "
                      "FROM milestones ORDER BY order_id, key",
        "payments": "SELECT order_id, message_row_id, amount, currency, value_date, reference, recorded_by, "
                    "charges, note, created_at FROM payments ORDER BY order_id, id",
        "orders": "SELECT id, number, status, plan, next_milestone, next_due, currency, outstanding, total_due, "
                  "instalments FROM orders ORDER BY id",
        "events": "SELECT order_id, kind, message_row_id, at, detail FROM events ORDER BY order_id, id",
        "outbox": "SELECT id, order_id, template, state, reason FROM outbox ORDER BY id"}
    try:
        with engine.connect() as conn:
            found = {name: [tuple(str(v) for v in row) for row in conn.execute(text(query))]
                     for name, query in queries.items()}
    finally:
        engine.dispose()
    archive = config.parent / "var" / "archive"
    found["order.json"] = {str(p.relative_to(archive)): p.read_bytes() for p in sorted(archive.rglob("order.json"))}
    return found


def test_orders_followed_together_write_what_each_followed_alone_writes(
        two_desks: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_follow, "FOLLOW_PAGE", 2)  # three orders: a page of two and one of one
    first = {
        "01.eml": mail("PO KS-6001", "Please find attached our PO KS-6001.", sender=BOB,
                       message_id="po1@kestrel.example", date=at("2026-03-02", 8),
                       attachments=[("PO_KS-6001.pdf", pdf(tmp_path, "po", "KS-6001", TT), "application/pdf")]),
        "02.eml": mail("P/I AN-PI-6001 for your PO KS-6001", "Please countersign our P/I.", sender=US, to=BOB,
                       message_id="pi1@acme.example", date=at("2026-03-02", 10),
                       attachments=[("PI_AN-PI-6001.pdf", pdf(tmp_path, "pi", "AN-PI-6001", TT),
                                     "application/pdf")]),
        "03.eml": mail("PO KS-6002", "Our PO KS-6002 attached.", sender=BOB, message_id="po2@kestrel.example",
                       date=at("2026-03-02", 11),
                       attachments=[("PO_KS-6002.pdf", pdf(tmp_path, "po", "KS-6002", TT), "application/pdf")]),
        "04.eml": mail("PO KS-6003", "Our PO KS-6003 attached.", sender=BOB, message_id="po3@kestrel.example",
                       date=at("2026-03-02", 12),
                       attachments=[("PO_KS-6003.pdf", pdf(tmp_path, "po", "KS-6003", TT), "application/pdf")]),
        "05.eml": slip("slip1a", "KS-6001", "2,500.00", "2026-03-02", "FT26030200111")}
    later = {
        "06.eml": slip("slip1b", "KS-6001", "3,500.00", "2026-03-13", "FT26031300222"),
        "07.eml": mail("P/I AN-PI-6002 for your PO KS-6002", "Please countersign our P/I.", sender=US, to=BOB,
                       message_id="pi2@acme.example", date=at("2026-03-13", 10),
                       attachments=[("PI_AN-PI-6002.pdf", pdf(tmp_path, "pi", "AN-PI-6002", TT),
                                     "application/pdf")])}
    together, alone = two_desks
    with clock.frozen(at("2026-03-02", 18)) as now:
        for config, is_together in ((together, True), (alone, False)):
            file_unfollowed(config, first)
            follow_up(config, is_together)
        made = written(together)
        assert made == written(alone)
        assert {row[0] for row in made["milestones"]} == {row[0] for row in made["orders"]}  # each order followed
        assert [row[2] for row in made["payments"]] == ["2500.00"]

        now.advance(days=10)  # the deposit is overdue: chased
        for config, is_together in ((together, True), (alone, False)):
            follow(config)
            file_unfollowed(config, later)
            follow_up(config, is_together)
        made = written(together)
        assert made == written(alone)
        assert [row[2] for row in made["payments"]] == ["2500.00", "3500.00"]
        assert any(row[3] == "withdrawn" for row in made["outbox"]), made["outbox"]

"""The desk's lists read a page at a time from the database, on SQLite and PostgreSQL: /orders'
page is the CLI's list (`order list`) filtered and cut the same way, the outbox page lists the
newest replies of the states asked for without their MIME, the quarantine page its oldest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from mailflow import views
from mailflow.store import Store
from mailflow.store.db import OrderAlias, OrderRow, OutboxRow, QuarantineRow

pytestmark = pytest.mark.integration
DAY = dt.date(2026, 3, 10)


def orders(store: Store) -> None:
    """Orders due before, on and after DAY and never, two buyers (one name holding `%`), one
    purchase order serving a sales order, one cancelled."""
    rows = [{"number": f"PO-{i:02d}", "folder": f"PO-{i:02d}", "buyer": "Kestrel 50% Ltd" if i % 3 else "Wren Co",
             "status": "cancelled" if i == 7 else "open", "data": {"currency": "USD", "total": str(i)},
             "next_due": None if i % 4 == 0 else DAY + dt.timedelta(days=(i * 7) % 11 - 5)} for i in range(1, 25)]
    with store.engine.begin() as conn:
        conn.execute(insert(OrderRow), rows)
        ids = dict(conn.execute(select(OrderRow.number, OrderRow.id)).all())
        conn.execute(insert(OrderRow).values(number="SP-1", folder="SP-1", buyer="Loom Mills", kind="purchase",
                                             status="open", data={}, for_order_id=ids["PO-03"],
                                             next_due=DAY - dt.timedelta(days=9)))
        conn.execute(insert(OrderAlias), [{"order_id": ids[n], "key": f"pi-{n}", "number": f"PI-{n}",
                                           "buyer": "x"} for n in ("PO-01", "PO-02")])


def test_an_orders_page_is_the_list_filtered_and_cut(tmp_path: Path, database_url: str) -> None:
    store = Store(database_url, tmp_path / "archive")
    try:
        orders(store)
        everything = views.order_list(store, counts=False, day=DAY)
        for buyer, status, text in (("", "", ""), ("kestrel 50%", "", ""), ("", "open", ""), ("", "", "po-1"),
                                    ("wren", "open", "po"), ("", "", "loom"), ("", "", "_"), ("", "", "50%")):
            wanted = views.filter_orders(everything, buyer=buyer, status=status, text=text)
            for size in (5, 100):
                shown, total, statuses = views.order_page(store, buyer=buyer, status=status, text=text, page=2,
                                                          size=size, day=DAY)
                assert total == len(wanted), (buyer, status, text)
                assert shown == wanted[size:2 * size], (buyer, status, text, size)
        assert statuses == ["cancelled", "open"]
        first, _, _ = views.order_page(store, page=1, size=3, day=DAY)
        assert first[0]["folder"] == "SP-1" and first[0]["supplier"] == "Loom Mills"  # the most overdue
        assert first[0]["buyer"] == "Wren Co" and first[0]["for_order"] == "PO-03"
    finally:
        store.close()


def test_the_outbox_and_quarantine_pages_read_only_what_they_show(tmp_path: Path, database_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from mailflow.web import lookups

    store = Store(database_url, tmp_path / "archive")
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(OutboxRow), [
                {"message_id": f"r{i}@acme.example", "template": "order_confirmation", "language": "en",
                 "to_addrs": ["bob@kestrel.example"], "subject": f"Re: PO {i}", "raw": b"x" * 1000,
                 "state": ("held", "sent", "queued", "failed")[i % 4], "reason": "", "created_at": at,
                 "updated_at": at, "action": {"reason_zh": "经理先确认"}} for i in range(20)])
            conn.execute(insert(QuarantineRow), [
                {"sha256": f"{i:064d}", "path": f"q/{i}.eml", "reason": "cannot be parsed", "origin": "file",
                 "size": 10, "created_at": at, "resolved_at": at if i == 0 else None} for i in range(6)])
        shown = views.outbox_list(store, states=views.REVIEW_STATES, limit=4)
        held_and_queued = [r for r in views.outbox_list(store) if r["state"] != "sent"]
        assert shown == held_and_queued[-4:] and [r["id"] for r in shown] == sorted(r["id"] for r in shown)
        assert [r["state"] for r in views.outbox_list(store, "sent", limit=2)] == ["sent", "sent"]
        assert views.outbox_list(store, "sent", limit=2)[-1]["subject"] == "Re: PO 17"
        assert len(views.outbox_list(store)) == 20
        # the page: replies waiting for a person, the oldest first; a state such as sent, its newest
        monkeypatch.setattr(lookups, "OUTBOX", 3)
        waiting = lookups.outbox_rows(store, None, review=True)
        assert [r["subject"] for r in waiting] == ["Re: PO 0", "Re: PO 2", "Re: PO 3"]
        assert [r["subject"] for r in lookups.outbox_rows(store, "sent", review=False)] == [
            "Re: PO 9", "Re: PO 13", "Re: PO 17"]
        assert waiting[0]["reason_zh"] is None  # no reason, nothing in Chinese either
        assert all(row.raw == b"x" * 1000 for row in store.outbox())  # the rows themselves keep their MIME
        assert [q["path"] for q in views.quarantine_list(store, limit=3)] == ["q/1.eml", "q/2.eml", "q/3.eml"]
        assert len(views.quarantine_list(store, include_resolved=True)) == 6
    finally:
        store.close()


def test_the_plan_reads_as_many_items_of_a_section_as_it_is_asked(tmp_path: Path, database_url: str) -> None:
    """The web desk's plan asks for 100 of each section, the CLI's for 500: the first in order."""
    from mailflow.config import load_config
    from mailflow.follow.desk import daily_plan
    from mailflow.store.db import MilestoneRow

    (tmp_path / "mailflow.yaml").write_text("identity: {company: Acme, address: orders@acme.example}\n"
                                            f"database: {{url: '{database_url}'}}\narchive: {{path: archive}}\n",
                                            encoding="utf-8")
    config = load_config(tmp_path / "mailflow.yaml")
    store = Store(database_url, tmp_path / "archive")
    try:
        orders(store)
        with store.engine.begin() as conn:
            ids = [row_id for row_id, in conn.execute(select(OrderRow.id).order_by(OrderRow.id))]
            conn.execute(insert(MilestoneRow), [
                {"order_id": order_id, "key": "deposit", "plan": "tt-order", "name": "Deposit", "owner": "accounts",
                 "position": 0, "state": "overdue", "due": DAY - dt.timedelta(days=i + 1), "due_why": "",
                 "waiting_for": []} for i, order_id in enumerate(ids)])
        overdue = daily_plan(store, config, DAY, limit=4)["overdue"]
        assert [item["days_overdue"] for item in overdue] == [25, 24, 23, 22]  # the longest overdue first
        assert len(daily_plan(store, config, DAY)["overdue"]) == len(ids) - 1  # all but the cancelled order's
    finally:
        store.close()


def test_the_reclassify_list_follows_the_rule_files_without_loading_them_each_time(tmp_path: Path) -> None:
    from mailflow.config import load_config
    from mailflow.web import messages

    rules = tmp_path / "rules"
    rules.mkdir()
    rule = rules / "10-test.yaml"
    rule.write_text("- name: r\n  category: alpha\n  when: {subject: a}\n", encoding="utf-8")
    (tmp_path / "mailflow.yaml").write_text("identity: {company: Acme, address: orders@acme.example}\n"
                                            f"rules: {rules}\n", encoding="utf-8")
    config = load_config(tmp_path / "mailflow.yaml")
    assert messages.rule_categories(config) == ["alpha", "other"]
    assert messages.rule_categories(config) is messages.rule_categories(config)  # kept, not loaded again
    rule.write_text("- name: r\n  category: charlie\n  when: {subject: a}\n", encoding="utf-8")  # 2 bytes longer
    assert messages.rule_categories(config) == ["charlie", "other"]

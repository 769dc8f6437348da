"""The daily plan of one merchandiser, on SQLite and PostgreSQL: her milestones and her orders
waiting on the buyer are found before a section is cut to its page, so another merchandiser's
many items never crowd hers out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from mailflow.config import load_config
from mailflow.follow.desk import daily_plan
from mailflow.store import Store
from mailflow.store.db import MessageRow, MilestoneRow, OrderRow
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 3, 10)


def mail(n: int, order: int, direction: str, day: int) -> dict[str, object]:
    return {"sha256": f"{n:064x}", "message_id": f"m{n}@x.example", "direction": direction, "subject": "PO",
            "from_addr": "a@x.example", "from_name": "", "date": None, "category": "order", "buyer": "",
            "path": f"m{n}.eml", "size": 1, "origin": "test", "to_addrs": [], "cc_addrs": [], "order_id": order,
            "received_at": dt.datetime(2026, 3, day, tzinfo=dt.UTC)}


def test_a_merchandiser_sees_her_own_items_behind_a_page_of_another_s(tmp_path: Path, database_url: str) -> None:
    """Three orders of Kestrel (Tom's buyer) come first in every section, then one of Northwind
    (Lily's): with a page of one item, Lily's plan still holds her order's overdue milestone and
    her order waiting on the buyer; Tom's holds his; the manager's first page is Kestrel's."""
    config_file = tmp_path / "mailflow.yaml"
    config_file.write_text(
        'identity: {company: "Acme", address: orders@acme.example}\n'
        f"database: {{url: '{database_url}'}}\narchive: {{path: {tmp_path / 'archive'}}}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "buyers:\n  - {name: Kestrel Supplies, domains: [kestrel.example], merchandiser: Tom Li}\n"
        "  - {name: Northwind Trading, domains: [northwind.example], merchandiser: Lily Chen}\n"
        "users:\n  - {name: Wang Fang, role: manager}\n  - {name: Lily Chen, role: merchandiser}\n"
        "  - {name: Tom Li, role: merchandiser}\n  - {name: Ada Xu, role: accounts}\n", encoding="utf-8")
    config = load_config(config_file)
    store = Store(config.database_url, config.archive_root)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(OrderRow), [{"number": n, "folder": n, "buyer": b, "status": "open", "data": {}}
                                            for n, b in (("K-1", "Kestrel Supplies"), ("K-2", "Kestrel Supplies"),
                                                         ("K-3", "Kestrel Supplies"), ("N-1", "Northwind Trading"))])
            ids = dict(conn.execute(text("SELECT number, id FROM orders")).all())
            conn.execute(insert(MilestoneRow), [
                {"order_id": ids[n], "key": "production", "plan": "tt_deposit", "name": "production",
                 "owner": "merchandiser", "position": 0, "state": "overdue", "due": DAY - dt.timedelta(days=d),
                 "due_why": "test", "waiting_for": []}
                for n, d in (("K-1", 9), ("K-2", 8), ("K-3", 7), ("N-1", 1))])
            conn.execute(insert(MessageRow), [  # each order: the buyer wrote, we answered last
                mail(i * 2 + step, ids[n], direction, day + step)
                for i, (n, day) in enumerate((("K-1", 1), ("K-2", 2), ("K-3", 3), ("N-1", 4)))
                for step, direction in ((0, "in"), (1, "out"))])

        def first(person: str | None, section: str) -> list[str]:
            user = config.user(person) if person else None
            return [i["order"] for i in daily_plan(store, config, DAY, person=user, limit=1)[section]]

        assert first("Lily Chen", "overdue") == ["N-1"]
        assert first("Lily Chen", "waiting_on_buyer") == ["N-1"]
        assert first("Tom Li", "overdue") == ["K-1"]
        assert first("Tom Li", "waiting_on_buyer") == ["K-1"]
        assert first(None, "overdue") == ["K-1"]
        assert first("Ada Xu", "overdue") == [] and first("Ada Xu", "waiting_on_buyer") == []
    finally:
        store.close()

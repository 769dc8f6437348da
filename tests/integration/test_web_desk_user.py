"""What a desk user expects of the pages, over HTTP on SQLite and PostgreSQL: the navigation
counts the reader's own milestones due today, as the plan page chooses them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from tests.integration.test_web_http import client_for, log_in
from tests.webdesk import build

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 3, 10)


def due_count(page: str) -> int:
    """The navigation's count of milestones due today (not shown when none)."""
    found = re.search(r'id="count-due" title="[^"]*">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def due_today_listed(page: str) -> int:
    found = re.search(r'id="section-due_today">\s*<h2>[^<]*<small>\((\d+)\)</small>', page)
    assert found is not None
    return int(found.group(1))


def test_the_navigation_counts_the_reader_s_own_milestones_due_today(tmp_path: Path, database_url: str) -> None:
    """Kestrel is Tom's buyer, Northwind Lily's: of the milestones due today (one of Kestrel's
    for a merchandiser, one of Northwind's for a merchandiser, one of Northwind's for accounts),
    Lily counts her one, the manager all three, and each count is what their plan page lists."""
    from mailflow import clock
    from mailflow.store.db import MilestoneRow, OrderRow

    desk = build(tmp_path, database_url)
    text = desk.config.read_text(encoding="utf-8")
    desk.config.write_text(text.replace(
        "buyers: [{name: Kestrel Supplies, domains: [kestrel.example], language: en, currency: USD}]\n",
        "buyers: [{name: Kestrel Supplies, domains: [kestrel.example], language: en, currency: USD,"
        " merchandiser: Tom Li}, {name: Northwind Trading, domains: [northwind.example], merchandiser: Lily Chen}]\n"),
        encoding="utf-8")
    client, store = client_for(desk.config)
    try:
        with store.sessions() as session, session.begin():
            session.execute(update(MilestoneRow).values(due=dt.date(2026, 3, 20)))
            mine = session.scalars(select(MilestoneRow.id).where(MilestoneRow.owner == "merchandiser")
                                   .order_by(MilestoneRow.id)).first()
            session.execute(update(MilestoneRow).where(MilestoneRow.id == mine).values(due=TODAY))
            session.execute(insert(OrderRow).values(number="NW-1", folder="NW-1", buyer="Northwind Trading",
                                                    status="open", data={}))
            order = session.scalars(select(OrderRow.id).where(OrderRow.number == "NW-1")).one()
            session.execute(insert(MilestoneRow), [
                {"order_id": order, "key": key, "plan": "tt_deposit", "name": key, "owner": owner, "position": n,
                 "state": "open", "due": TODAY, "due_why": "test", "waiting_for": []}
                for n, (key, owner) in enumerate((("production", "merchandiser"), ("deposit", "accounts")))])
        with clock.frozen(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)):
            log_in(client, "Lily Chen")
            plan = client.get("/").text
            assert due_count(plan) == due_today_listed(plan) == 1
            assert due_count(client.get("/orders").text) == 1  # on every page
            log_in(client, "Wang Fang")
            plan = client.get("/").text
            assert due_count(plan) == due_today_listed(plan) == 3
    finally:
        store.close()

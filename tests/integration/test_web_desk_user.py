"""What a desk user expects of the pages, over HTTP on SQLite and PostgreSQL: the navigation
counts the reader's own milestones due today, as the plan page chooses them; search keeps the
mail of one party (us, the buyer, a supplier...)."""

from __future__ import annotations

import datetime as dt
import json
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


def hits(page: str) -> set[int]:
    return {int(h) for h in re.findall(r'<li><a href="/messages/(\d+)"', page)}


def test_search_keeps_the_mail_of_the_party_chosen(tmp_path: Path, database_url: str) -> None:
    """The order's mail found by its number: the buyer's and ours apart by the party filter, as
    the pipeline decided each mail's party; every party's together are all of them; the filter
    is a labelled choice of the seven kinds, in the reader's language."""
    from click.testing import CliRunner

    from mailflow.cli import main
    from tests.webdesk import cli

    desk = build(tmp_path, database_url)
    client, store = client_for(desk.config)
    try:
        log_in(client, "Wang Fang")
        every = hits(client.get("/search?q=KS-7001").text)
        party = {m.id: (m.decision or {}).get("party") for m in store.messages() if m.id in every}
        assert {"buyer", "us"} <= set(party.values())
        by_party = {p: hits(client.get(f"/search?q=KS-7001&party={p}").text)
                    for p in ("us", "buyer", "supplier", "forwarder", "agency", "bank", "other")}
        for name, found in by_party.items():
            assert found == {i for i, p in party.items() if p == name}, name
        assert set().union(*by_party.values()) == every
        page = client.get("/search?q=KS-7001&party=us").text
        assert '<label for="f-party">Party</label>' in page and '<option value="us" selected>us</option>' in page
        assert '<option value="agency">inspection agency</option>' in page

        out = cli(desk.config, "search", "KS-7001", "--party", "us", "--json")
        assert {m["message_id"] for m in json.loads(out)} == {
            m.message_id for m in store.messages() if m.id in by_party["us"]}
        refused = CliRunner().invoke(main, ["--config", str(desk.config), "search", "KS-7001", "--party", "nobody"])
        assert refused.exit_code == 2 and "'nobody' is none of us, buyer, supplier" in refused.output

        log_in(client, "Lily Chen")
        assert '<option value="agency">验货机构</option>' in client.get("/search?q=KS-7001").text
    finally:
        store.close()

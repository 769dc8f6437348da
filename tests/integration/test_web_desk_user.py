"""What a desk user expects of the pages, over HTTP on SQLite and PostgreSQL: the navigation
counts the reader's own milestones due today, as the plan page chooses them; search keeps the
mail of one party (us, the buyer, a supplier...); an order of many mails shows its timeline a
page at a time, and its export holds every mail."""

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


def test_an_order_of_many_mails_is_paged_and_its_export_keeps_them_all(tmp_path: Path, sqlite_url: str) -> None:
    """KS-7001 with 120 mails: the order page shows its newest page of the timeline (101-120)
    and links to the others, oldest first; a page past the last or not a number is the newest;
    the export still holds every mail."""
    import hashlib
    import zipfile

    from mailflow.store.db import MessageRow

    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        order = store.find_order("KS-7001")
        assert order is not None
        had = len(store.order_summary(order.id)["messages"])
        rows = []
        for i in range(120 - had):
            data = f"From: bob@kestrel.example\r\nSubject: KS-7001 note {i:03d}\r\n\r\nnote {i}\r\n".encode()
            path = f"orders/KS-7001/mail/note-{i:03d}.eml"
            (store.archive.root / path).parent.mkdir(parents=True, exist_ok=True)
            (store.archive.root / path).write_bytes(data)
            rows.append({"sha256": hashlib.sha256(data).hexdigest(), "message_id": f"note-{i}@kestrel.example",
                         "direction": "in", "subject": f"KS-7001 note {i:03d}", "from_addr": "bob@kestrel.example",
                         "from_name": "", "to_addrs": [], "cc_addrs": [], "category": "order", "buyer": "Kestrel",
                         "order_id": order.id, "path": path, "size": len(data), "origin": "test",
                         "date": dt.datetime(2026, 4, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i)})
        with store.engine.begin() as connection:
            connection.execute(insert(MessageRow), rows)
        log_in(client, "Wang Fang")

        def timeline(path: str) -> tuple[str, list[str]]:
            page = client.get(path).text
            table = page[page.index('<table class="timeline">'):]
            table = table[:table.index("</table>")]
            return page, re.findall(r'<tr class="(?:in|out)">', table)

        newest, shown = timeline("/orders/KS-7001")
        assert len(shown) == 20 and "Mails 101–120 of 120" in newest
        assert "KS-7001 note 116" in newest and "KS-7001 note 000" not in newest
        for n in (1, 2):
            assert f'href="/orders/KS-7001?mails={n}"' in newest
        oldest, shown = timeline("/orders/KS-7001?mails=1")
        assert len(shown) == 50 and "Mails 1–50 of 120" in oldest and "KS-7001 note 116" not in oldest
        for asked in ("3", "99", "abc", "0", "-1", "１"):
            assert "Mails 101–120 of 120" in timeline(f"/orders/KS-7001?mails={asked}")[0], asked

        bundle = client.get("/orders/KS-7001/export")
        (tmp_path / "bundle.zip").write_bytes(bundle.content)
        with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
            exported = json.loads(archive.read("order.json"))
        assert len(exported["messages"]) == 120

        log_in(client, "Lily Chen")
        assert "第 101–120 封，共 120 封" in client.get("/orders/KS-7001").text
    finally:
        store.close()

"""Six weeks of an export desk's mailbox with every party in it, filed day by day with the desk's
clock frozen on each day, on SQLite and PostgreSQL (the mail and what it must become:
tests/life_mails.py).

Two sales orders (buyer A in English, T/T 30/70; buyer B in GBK Chinese, L/C at sight), our P/O
to a carton maker for order A, two forwarders, an inspection agency and a bank, our own mail,
and each order's enquiry, quotation and samples before it. The desk's configuration lists only
its two buyers. Each day the desk files the day's mail (`run --once`) and runs its follow-up
job (`follow`), as the daemon would. Afterwards, for every mail: its party, its order (or why
it is unfiled), its documents and its category; for every milestone: done or not, and by which
mail; no phantom order; no reply to anyone but the buyers; the pre-order mail in its order.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mailflow import clock
from mailflow.cli import main
from tests import life_mails as life
from tests.conftest import ROOT, _postgres_database

pytestmark = pytest.mark.integration

BUYER_DOMAINS = ("bellmont-hygiene.example", "lianhe-trade.example")


def desk(tmp_path: Path, database_url: str) -> Path:
    """The desk as its merchandiser set it up: our identity, the two buyers, the shipped rules
    with the buyers in their list (our own mail the rules know from the identity)."""
    folder = tmp_path / "desk"
    (folder / "inbox").mkdir(parents=True)
    rules = folder / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "lists" / "buyers.txt").write_text("\n".join(BUYER_DOMAINS) + "\n", encoding="utf-8")
    config = folder / "mailflow.yaml"
    config.write_text(
        'identity: {company: "Huaxin Nonwovens Co., Ltd.", name: "Huaxin Sales Desk", '
        "address: sales@huaxin-nw.example}\n"
        "sources: [{path: inbox/}]\n"
        f"database: {{url: '{database_url}'}}\narchive: {{path: var/archive}}\n"
        f"rules: rules\ntemplates: {ROOT / 'templates'}\n"
        "buyers:\n"
        "  - {name: Bellmont Hygiene, domains: [bellmont-hygiene.example], language: en, currency: USD}\n"
        "  - {name: Lianhe Trading, domains: [lianhe-trade.example], language: zh, currency: USD}\n"
        "operator: Grace Zhou\nusers: [{name: Grace Zhou, role: merchandiser}, {name: Wang Li, role: manager}]\n"
        "followup: {timezone: UTC}\n", encoding="utf-8")
    return config


def cli(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def live(config: Path, tmp_path: Path) -> None:
    """Every day from the first mail to the last: that day's mail filed, then the follow-up job."""
    days = sorted({m.day for m in life.LIFE})
    first, last = life.day(days[0]).date(), life.day(days[-1]).date()
    attachments = tmp_path / "attachments"
    attachments.mkdir()
    today = first
    while today <= last:
        with clock.frozen(dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.UTC)):
            todays = [m for m in life.LIFE if life.day(m.day).date() == today]
            for m in todays:
                (config.parent / "inbox" / f"{m.file}.eml").write_bytes(life.eml(m, attachments))
            if todays:
                cli(config, "run", "--once")
                for m in todays:  # read: out of the inbox, as a mail client leaves it
                    (config.parent / "inbox" / f"{m.file}.eml").unlink()
            cli(config, "follow", "--json")
        today += dt.timedelta(days=1)


@dataclass(frozen=True)
class Filed:
    order: str | None
    party: str
    party_why: str
    category: str
    kinds: tuple[str, ...]
    correlation: str
    unfiled: str


def filed(config: Path) -> dict[str, Filed]:
    """Every filed mail by its Message-ID, as the store keeps it."""
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import DocumentRow, MessageRow, OrderRow

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            kinds: dict[int, list[str]] = {}
            for row_id, kind in session.execute(select(DocumentRow.message_row_id, DocumentRow.kind)
                                                .order_by(DocumentRow.id)):
                kinds.setdefault(row_id, []).append(kind)
            rows = session.execute(select(MessageRow, OrderRow.number).outerjoin(
                OrderRow, MessageRow.order_id == OrderRow.id)).all()
            return {m.message_id: Filed(number, (m.decision or {}).get("party", ""),
                                        (m.decision or {}).get("party_why", ""), m.category or "",
                                        tuple(kinds.get(m.id, ())), m.correlation or "",
                                        (m.decision or {}).get("unfiled", "")) for m, number in rows}
    finally:
        store.close()


def show(config: Path, number: str) -> dict[str, Any]:
    return json.loads(cli(config, "order", "show", number, "--json"))  # type: ignore[no-any-return]


def reply_text(config: Path, reply_id: int) -> str:
    from mailflow.config import load_config
    from mailflow.store import Store

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        raw = store.reply(reply_id).raw
    finally:
        store.close()
    body = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def lived(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The six weeks lived once per database (the module's tests read what they left), the
    clock then standing on the evening of the last day."""
    tmp_path = tmp_path_factory.mktemp(f"life-{request.param}")
    urls = iter([f"sqlite:///{tmp_path / 'mailflow.db'}"]) if request.param == "sqlite" else _postgres_database()
    database_url = next(urls)
    config = desk(tmp_path, database_url)
    live(config, tmp_path)
    with clock.frozen(life.day(life.LIFE[-1].day, 18)):
        yield config
    for _ in urls:  # the PostgreSQL database is dropped
        pass


def wrong_rows(config: Path, rows: tuple[tuple[str, str, str, str, str | None, tuple[str, ...], str], ...]
               ) -> list[str]:
    """Each row of the table the desk got wrong, in words."""
    mails, found, wrong = life.by_file(), filed(config), []
    for file, _day, _from, party, order, kinds, category in rows:
        got = found.get(mails[file].message_id)
        if got is None:
            wrong.append(f"{file}: not filed at all")
            continue
        expected = (party, order, kinds, category)
        actual = (got.party, got.order, got.kinds, got.category)
        if file in life.RULE_MISSES:  # the rules' miss, reported: party and order only
            expected, actual = expected[:2], actual[:2]
        if actual != expected:
            wrong.append(f"{file} {mails[file].subject!r}: expected {expected}, got {actual} "
                         f"(party: {got.party_why}; order: {got.correlation or got.unfiled})")
    return wrong


def test_every_mail_of_six_weeks_lands_with_its_party_order_documents_and_category(lived: Path) -> None:
    rows = tuple(r for r in life.EXPECTED if r[0] not in life.PURCHASE)
    wrong = wrong_rows(lived, rows)
    assert not wrong, "\n".join(wrong)
    found, mails = filed(lived), life.by_file()
    for file, why in life.UNFILED_WHY.items():
        got = found[mails[file].message_id]
        assert got.order is None and why in got.unfiled, got


def test_no_phantom_order_and_every_milestone_done_by_its_own_evidence(lived: Path) -> None:
    orders = json.loads(cli(lived, "order", "list", "--json"))
    assert sorted(o["order"] for o in orders) == sorted([life.A, life.B, life.P])  # no phantom order
    for number, expected in life.MILESTONES.items():
        shown = show(lived, number)
        assert shown["follow_up"]["plan"] == life.PLANS[number]
        steps = {m["key"]: m for m in shown["follow_up"]["milestones"]}
        assert set(steps) == set(expected), (number, sorted(steps))
        got = {key: (life.message_id(file) if file else None) for key, file in expected.items()}
        actual = {key: (m.get("message_id") if m["state"] == "done" else None) for key, m in steps.items()}
        assert actual == got, number
    explained = cli(lived, "order", "show", life.A, "--explain")  # who is who, and why, on the order
    assert all(party in explained for party in ("agency", "forwarder", "buyer"))


def test_replies_go_to_buyers_only_and_a_listed_buyer_is_greeted_by_name(lived: Path) -> None:
    replies = json.loads(cli(lived, "outbox", "list", "--json"))
    assert replies
    strangers = [(r["template"], r["to"]) for r in replies
                 if not all(to.rpartition("@")[2] in BUYER_DOMAINS for to in r["to"])]
    assert not strangers, strangers  # nothing drafted to a forwarder, the agency, the bank or the carton maker
    first = min((r for r in replies if r["template"] == "inquiry_ack" and r["to"] == ["oliver@bellmont-hygiene.example"]),
                key=lambda r: r["id"])
    assert reply_text(lived, first["id"]).startswith("Dear Oliver Reyes,")  # a listed buyer, no stranger
    chen = min((r for r in replies if r["template"] == "inquiry_ack" and r["to"] == ["chen.zm@lianhe-trade.example"]),
               key=lambda r: r["id"])
    assert reply_text(lived, chen["id"]).startswith("陈志明好")


def test_the_pre_order_mail_joins_its_order_in_the_order_it_was_written(lived: Path) -> None:
    for number, files in life.PRE_ORDER.items():
        shown = show(lived, number)
        ids = [m["message_id"] for m in shown["messages"]]
        pre = [life.message_id(f) for f in files]
        assert [i for i in ids if i in pre] == pre, number
        po = next(f for f, _, _, _, order, kinds, _ in life.EXPECTED if order == number and kinds == ("po",))
        assert ids.index(pre[-1]) < ids.index(life.message_id(po)), number
        bundle = lived.parent / f"{number}.zip"  # the evidence bundle carries them too
        cli(lived, "order", "export", number, "-o", str(bundle))
        with zipfile.ZipFile(bundle) as archive:
            names = {n for n in archive.namelist() if n.startswith("mail/")}
        paths = {m["message_id"]: f"mail/{PurePosixPath(m['path']).name}" for m in shown["messages"]}
        assert {paths[i] for i in pre} <= names, number


def test_purchase_order_of_the_life(lived: Path) -> None:
    """Our P/O to the carton maker opens a purchase order for sales order A (the purchase-order
    work: orders.kind, for_order, its own plan)."""
    wrong = wrong_rows(lived, tuple(r for r in life.EXPECTED if r[0] in life.PURCHASE))
    assert not wrong, "\n".join(wrong)
    orders = {o["order"]: o for o in json.loads(cli(lived, "order", "list", "--json"))}
    assert {n: o.get("kind") for n, o in orders.items()} == {life.A: "sale", life.B: "sale", life.P: "purchase"}
    assert orders[life.P].get("for_order") == life.A
    assert not orders[life.A].get("for_order") and not orders[life.B].get("for_order")
    shown = show(lived, life.P)
    assert shown["follow_up"]["plan"] == life.PURCHASE_PLAN
    steps = {m["key"]: m for m in shown["follow_up"]["milestones"]}
    assert {key: (m.get("message_id") if m["state"] == "done" else None) for key, m in steps.items()} == {
        key: (life.message_id(file) if file else None) for key, file in life.PURCHASE_MILESTONES.items()}


def test_a_po_citing_our_quotation_brings_the_whole_pre_order_thread(tmp_path: Path, database_url: str) -> None:
    """Outside any thread, a PO that cites our quotation's number brings it into the order, and
    with it the rest of its thread: the enquiry it answers and the swatch request that answers
    it (which names neither a number nor an item)."""
    config = desk(tmp_path, database_url)
    folder = tmp_path / "attachments"
    folder.mkdir()
    quote = life.Mail("q", "09-02", life.GRACE, life.OLIVER, "Our offer for your wipes line",
                      "Dear Oliver,\nplease find below our quotation QT-88120: spunbond USD 1.62/kg.",
                      "offer@huaxin-nw.example", replying_to="enq@bellmont-hygiene.example")
    mails = [life.Mail("e", "09-01", life.OLIVER, life.US, "Enquiry - nonwovens for our wipes line",
                       "Hello, please quote your spunbond and SMS, FOB Shanghai.", "enq@bellmont-hygiene.example"),
             quote,
             life.Mail("s", "09-03", life.OLIVER, life.GRACE, "Re: Our offer for your wipes line",
                       "Please courier A4 swatches of both for our lab.", "swatches@bellmont-hygiene.example",
                       replying_to="offer@huaxin-nw.example"),
             life.Mail("p", "09-11", life.OLIVER, life.US, f"Purchase Order {life.A}",
                       f"Please find attached our purchase order {life.A} as per your quotation QT-88120.",
                       "po@bellmont-hygiene.example", docs=(life.Doc(f"{life.A}.pdf", "po", life.A),))]
    for m in mails:
        with clock.frozen(life.day(m.day, 12)):
            (config.parent / "inbox" / f"{m.file}.eml").write_bytes(life.eml(m, folder))
            cli(config, "run", "--once")
    shown = show(config, life.A)
    ids = [m["message_id"] for m in shown["messages"]]
    assert ids == [m.message_id for m in mails]
    assert "QT-88120" in filed(config)["offer@huaxin-nw.example"].correlation  # the number the PO cites

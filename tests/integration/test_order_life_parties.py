"""Six weeks of an export desk's mailbox with every party in it, filed day by day with the desk's
clock frozen on each day, on SQLite and PostgreSQL (the mail and what it must become:
tests/life_mails.py).

Two sales orders (buyer A in English, T/T 30/70; buyer B in GBK Chinese, L/C at sight), our P/O
to a carton maker for order A, two forwarders, an inspection agency and a bank, our own mail,
and each order's enquiry, quotation and samples before it. The desk's configuration lists only
its two buyers. Each day the desk files the day's mail (what `run --once` does) and runs its
follow-up job (what `follow` does), one desk and store kept for the six weeks as the daemon
keeps them. Afterwards, for every mail: its party, its order (or why
it is unfiled), its documents and its category; for every milestone: done or not, and by which
mail; no phantom order; no reply to anyone but the buyers; the pre-order mail in its order.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Self

import pytest
from sqlalchemy import select

from mailflow import clock
from tests import life_mails as life
from tests.conftest import ROOT, _postgres_database
from tests.integration.test_order_life import cli
from tests.replies import reply_text

pytestmark = pytest.mark.integration

BUYER_DOMAINS = ("bellmont-hygiene.example", "lianhe-trade.example")


def desk(tmp_path: Path, database_url: str) -> Path:
    """The desk as its merchandisers set it up: our identity, the two buyers (each with the
    merchandiser who follows it), the shipped rules with the buyers in their list (our own mail
    the rules know from the identity), and Li Na's evening digest in Chinese."""
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
        "  - {name: Bellmont Hygiene, domains: [bellmont-hygiene.example], language: en, currency: USD, "
        "merchandiser: Grace Zhou}\n"
        "  - {name: Lianhe Trading, domains: [lianhe-trade.example], language: zh, currency: USD, merchandiser: Li Na}\n"
        "operator: Grace Zhou\nusers: [{name: Grace Zhou, role: merchandiser}, {name: Li Na, role: merchandiser, "
        "language: zh}, {name: Wang Li, role: manager}]\n"
        "digest: {time: '18:00', to: [{address: lina@huaxin-nw.example, owner: Li Na, language: zh}]}\n"
        "followup: {timezone: UTC}\n", encoding="utf-8")
    return config


class Daemon:
    """The desk and its store loaded once and kept while the days pass, as the daemon keeps
    them: `file` does what `run --once` does, `follow` what `follow` does. Loading the desk
    again for each of the 74 runs (start-up's checks of the rules and templates, new intake
    workers that load the rules and readers again) took 90 of the six weeks' 110 s; start-up
    is test_order_life's and test_cli's to test."""

    def __init__(self, config: Path) -> None:
        from mailflow.config import load_config
        from mailflow.daemon import local_sources
        from mailflow.desk import load_desk
        from mailflow.store.objects import open_store

        self.config = load_config(config)
        self.sources = local_sources(self.config)
        self.desk, self.store = load_desk(self.config), open_store(self.config)
        self._exclusive = self.store.exclusive()  # SQLite: the one daemon on its database, as `run` holds it

    def __enter__(self) -> Self:
        self._exclusive.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._exclusive.__exit__(*exc)
        finally:
            self.desk.close()
            self.store.close()

    def file(self, count: int) -> None:
        """What the inbox holds filed: `count` mails, each once, none in error."""
        from mailflow.daemon import run_once

        summary = run_once(self.desk, self.store, self.sources)
        assert summary.read == count and not summary.errors and not summary.quarantined, summary

    def follow(self) -> None:
        from mailflow.follow.desk import follow_up

        follow_up(self.desk, self.store)


def live(config: Path, tmp_path: Path) -> None:
    """Every day from the first mail to the last: that day's mail filed, then the follow-up job."""
    days = sorted({m.day for m in life.LIFE})
    first, last = life.day(days[0]).date(), life.day(days[-1]).date()
    attachments = tmp_path / "attachments"
    attachments.mkdir()
    today = first
    with Daemon(config) as daemon:
        while today <= last:
            with clock.frozen(dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.UTC)):
                todays = [m for m in life.LIFE if life.day(m.day).date() == today]
                for m in todays:
                    (config.parent / "inbox" / f"{m.file}.eml").write_bytes(life.eml(m, attachments))
                if todays:
                    daemon.file(len(todays))
                    for m in todays:  # read: out of the inbox, as a mail client leaves it
                        (config.parent / "inbox" / f"{m.file}.eml").unlink()
                daemon.follow()
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


def wrong_rows(config: Path, rows: tuple[tuple[str, str, str, str, str | None, tuple[str, ...], str], ...],
               rule_misses: bool = False) -> list[str]:
    """Each row of the table the desk got wrong, in words; of a known rule miss
    (`life.RULE_MISSES`) its party and order only, unless `rule_misses`."""
    mails, found, wrong = life.by_file(), filed(config), []
    for file, _day, _from, party, order, kinds, category in rows:
        got = found.get(mails[file].message_id)
        if got is None:
            wrong.append(f"{file}: not filed at all")
            continue
        expected = (party, order, kinds, category)
        actual = (got.party, got.order, got.kinds, got.category)
        if file in life.RULE_MISSES and not rule_misses:  # asserted whole by its expected failure
            expected, actual = expected[:2], actual[:2]
        if actual != expected:
            wrong.append(f"{file} {mails[file].subject!r}: expected {expected}, got {actual} "
                         f"(party: {got.party_why}; order: {got.correlation or got.unfiled})")
    return wrong


def test_every_mail_of_six_weeks_lands_with_its_party_order_documents_and_category(lived: Path) -> None:
    wrong = wrong_rows(lived, life.EXPECTED)
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
    parties = {life.message_id(file): party for file, _, _, party, _, _, _ in life.EXPECTED}
    for number in (life.A, life.B, life.P):  # who is who, and why, on each message of the order
        shown_parties = {m["message_id"]: (m["party"], bool(m["party_why"])) for m in show(lived, number)["messages"]}
        assert shown_parties == {i: (parties[i], True) for i in shown_parties}, number
    explained = cli(lived, "order", "show", life.A, "--explain")  # and on each document
    for said in ("PO from buyer", "inspection report from agency", "booking confirmation from forwarder",
                 "copy B/L from us"):
        assert said in explained, said


def test_replies_go_to_buyers_only_and_a_listed_buyer_is_greeted_by_name(lived: Path) -> None:
    replies = json.loads(cli(lived, "outbox", "list", "--json"))
    assert replies
    strangers = [(r["template"], r["to"]) for r in replies if r["template"] != "daily_digest"  # to our own people
                 and not all(to.rpartition("@")[2] in BUYER_DOMAINS for to in r["to"])]
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


@pytest.mark.parametrize("file", sorted(life.RULE_MISSES))
@pytest.mark.xfail(strict=True, reason="a rule miss of the shipped rules: see life.RULE_MISSES")
def test_the_mail_the_rules_still_misfile_lands_in_its_category(lived: Path, file: str) -> None:
    """A rule miss is an expected failure, not an exemption: this passes (and, strict, fails the
    run) once the rules file the mail right, when its row leaves `life.RULE_MISSES`."""
    wrong = wrong_rows(lived, tuple(r for r in life.EXPECTED if r[0] == file), rule_misses=True)
    assert not wrong, "\n".join(wrong)


def test_purchase_order_of_the_life(lived: Path) -> None:
    """Our P/O to the carton maker opens a purchase order for sales order A: its kind, the sales
    order it serves, its own plan and milestones (its mail's rows are in the table test)."""
    assert {f for f, _, _, _, order, _, _ in life.EXPECTED if order == life.P} == life.PURCHASE
    orders = {o["order"]: o for o in json.loads(cli(lived, "order", "list", "--json"))}
    assert {n: o.get("kind") for n, o in orders.items()} == {life.A: "sale", life.B: "sale", life.P: "purchase"}
    assert orders[life.P].get("for_order") == life.A
    assert not orders[life.A].get("for_order") and not orders[life.B].get("for_order")
    shown = show(lived, life.P)
    assert shown["follow_up"]["plan"] == life.PURCHASE_PLAN
    steps = {m["key"]: m for m in shown["follow_up"]["milestones"]}
    assert {key: (m.get("message_id") if m["state"] == "done" else None) for key, m in steps.items()} == {
        key: (life.message_id(file) if file else None) for key, file in life.PURCHASE_MILESTONES.items()}


def test_the_purchase_order_is_the_suppliers_in_the_plan_the_digest_and_the_export(lived: Path) -> None:
    """The plan, the web desk's plan page and the digest say a purchase order is one, with its
    supplier and the sales order it serves, never its supplier as "buyer"; so does the
    evidence bundle's timeline."""
    from mailflow.follow.digest import SECTION_NAMES, SECTIONS, summary_context
    from mailflow.web.render import _ENV, wording

    orders = {o["order"]: o for o in json.loads(cli(lived, "order", "list", "--json"))}
    supplier, buyer = orders[life.P]["supplier"], orders[life.A]["buyer"]
    assert supplier == "yongfeng-pack.example" and buyer
    plan = json.loads(cli(lived, "plan", "--json"))
    items = [i for key in SECTIONS for i in plan[key] if i["order"] in (life.P, life.A)]
    purchase = [i for i in items if i["order"] == life.P]
    assert purchase and [i for i in items if i["order"] == life.A]
    assert all((i["order_kind"], i["supplier"], i["for_order"], i["buyer"]) == ("purchase", supplier, life.A, buyer)
               for i in purchase), purchase
    assert all((i["order_kind"], i["supplier"], i["for_order"], i["buyer"]) == ("sale", None, None, buyer)
               for i in items if i["order"] == life.A)
    said = f"purchase order, supplier {supplier}, for order {life.A} ({buyer})"
    digest = _ENV.from_string((ROOT / "templates" / "reply" / "daily_digest.en.txt.j2").read_text("utf-8")).render(
        company="Huaxin", date=plan["date"], owner="", plan=plan,
        sections=[(key, SECTION_NAMES["en"][key], plan[key]) for key in SECTIONS],
        **summary_context(json.loads(cli(lived, "summary", "--json")), "en"))
    assert f"- {life.P} {said}" in digest, digest
    assert f"- {life.A} {buyer}" in digest
    page = _ENV.get_template("plan.html").render(**wording("en", dt.UTC), company="Huaxin", path="/", plan=plan,
                                                  sections=SECTIONS, person=None, csrf="")
    assert f"purchase · Supplier {supplier} · for order {life.A} · {buyer}" in page
    bundle = lived.parent / f"{life.P}.zip"
    cli(lived, "order", "export", life.P, "-o", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        timeline = archive.read("timeline.html").decode()
    assert f"<h1>Purchase order {life.P}</h1>" in timeline
    assert f"Supplier: {supplier}. For sales order\n{life.A} of {buyer}." in timeline


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


def _file_each_day(config: Path, mails: list[life.Mail], folder: Path) -> None:
    """Each mail filed on its own day, the clock frozen on it."""
    with Daemon(config) as daemon:
        for m in mails:
            with clock.frozen(life.day(m.day, 12)):
                (config.parent / "inbox" / f"{m.file}.eml").write_bytes(life.eml(m, folder))
                daemon.file(1)
                (config.parent / "inbox" / f"{m.file}.eml").unlink()


def _po(day: str = "09-11", body: str = "", replying_to: str = "") -> life.Mail:
    return life.Mail("p", day, life.OLIVER, life.US, f"Purchase Order {life.A}",
                     body or f"Please find attached our purchase order {life.A}.", "po@bellmont-hygiene.example",
                     replying_to=replying_to, docs=(life.Doc(f"{life.A}.pdf", "po", life.A),))


def _enquiry(name: str, day: str, body: str, replying_to: str = "") -> life.Mail:
    return life.Mail(name, day, life.OLIVER, life.US, f"Enquiry {name} - nonwovens", body,
                     f"{name}@bellmont-hygiene.example", replying_to=replying_to)


def test_an_item_code_with_like_wildcards_names_only_itself(tmp_path: Path, database_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An item code is looked for as the characters it is: "SSS_25%WH" names no mail that
    says "SSSA25 blue WH" (which LIKE's `_` and `%` would match)."""
    from decimal import Decimal

    from tests import pdfs

    monkeypatch.setattr(life, "LINES_A", (pdfs.Line("SSS_25%WH", "PP spunbond SSS 25gsm white", Decimal(40000),
                                                    "KG", Decimal("1.62")),))
    config = desk(tmp_path, database_url)
    (tmp_path / "attachments").mkdir()
    mails = [_enquiry("near", "09-01", "Hello, please quote your SSSA25 blue WH, FOB Shanghai."),
             _enquiry("same", "09-02", "Hello, please quote item SSS_25%WH, about 40 tons, FOB Shanghai."),
             _po()]
    _file_each_day(config, mails, tmp_path / "attachments")
    ids = [m["message_id"] for m in show(config, life.A)["messages"]]
    assert ids == ["same@bellmont-hygiene.example", "po@bellmont-hygiene.example"]
    assert filed(config)["near@bellmont-hygiene.example"].order is None


def test_a_thread_older_than_the_history_window_stays_out_of_the_order(tmp_path: Path, database_url: str) -> None:
    """The history window holds for the PO's own thread too: a PO that answers last winter's
    quotation brings neither it nor the enquiry before it (90 days, the default)."""
    config = desk(tmp_path, database_url)
    (tmp_path / "attachments").mkdir()
    old = [_enquiry("winter", "01-10", "Hello, please quote your spunbond SSS-25-WH, FOB Shanghai."),
           life.Mail("q", "01-11", life.GRACE, life.OLIVER, "Our quotation QT-0111 for your wipes line",
                     "Dear Oliver,\nplease find below our quotation QT-0111: SSS-25-WH USD 1.70/kg.",
                     "q-0111@huaxin-nw.example", replying_to="winter@bellmont-hygiene.example"),
           _enquiry("recent", "09-01", "Hello, please quote SSS-25-WH again, 40 tons.")]
    _file_each_day(config, [*old, _po(body=f"Our PO {life.A} attached, as per your quotation QT-0111.",
                                      replying_to="q-0111@huaxin-nw.example")], tmp_path / "attachments")
    ids = [m["message_id"] for m in show(config, life.A)["messages"]]
    assert ids == ["recent@bellmont-hygiene.example", "po@bellmont-hygiene.example"]
    found = filed(config)
    assert found["winter@bellmont-hygiene.example"].order is None and found["q-0111@huaxin-nw.example"].order is None


def test_the_pre_order_mail_an_order_adopts_is_bounded_and_found_in_few_lookups(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """However much pre-order mail there is, the order adopts `MAX_HISTORY` at the most (what
    names its items first, then the newest of their threads), and finds them in a few batched
    lookups, not some per mail."""
    from mailflow.store import records

    config = desk(tmp_path, database_url)
    (tmp_path / "attachments").mkdir()
    mails = []
    for n in range(1, 6):  # five threads: the buyer's enquiry and our answer
        mails.append(_enquiry(f"e{n}", f"09-0{n}", f"Hello, please quote SSS-25-WH, lot {n}."))
        mails.append(life.Mail(f"a{n}", f"09-0{n}", life.GRACE, life.OLIVER, f"Re: Enquiry e{n} - nonwovens",
                               f"Dear Oliver,\nthank you for your enquiry of lot {n}; we will quote tomorrow.",
                               f"a{n}@huaxin-nw.example", replying_to=f"e{n}@bellmont-hygiene.example"))
    _file_each_day(config, mails, tmp_path / "attachments")
    lookups: list[int] = []
    rows = records._History.rows

    def counted(self: Any, query: Any, limit: int = records.MAX_HISTORY) -> list[Any]:
        lookups.append(1)
        return rows(self, query, limit)

    monkeypatch.setattr(records._History, "rows", counted)
    monkeypatch.setattr(records, "MAX_HISTORY", 7)
    _file_each_day(config, [_po()], tmp_path / "attachments")
    ids = [m["message_id"] for m in show(config, life.A)["messages"]]
    assert len(ids) == 7 + 1 and ids[-1] == "po@bellmont-hygiene.example", ids
    assert ids[:-1] == ["e1@bellmont-hygiene.example", "e2@bellmont-hygiene.example", "e3@bellmont-hygiene.example",
                        "e4@bellmont-hygiene.example", "a4@huaxin-nw.example", "e5@bellmont-hygiene.example",
                        "a5@huaxin-nw.example"]
    assert len(lookups) <= 8, len(lookups)


def test_a_specification_in_the_po_brings_no_unrelated_enquiry_but_our_cited_number_does(
        tmp_path: Path, database_url: str) -> None:
    """"25gsm" in the PO is no reference: the same buyer's unrelated enquiry about 25gsm stays
    out. A number our own mail gave in its subject is one even where the PO names it bare."""
    config = desk(tmp_path, database_url)
    (tmp_path / "attachments").mkdir()
    mails = [_enquiry("other", "09-01", "Hello, do you make 25gsm hydrophilic spunbond for diapers, 1600mm?"),
             life.Mail("q", "09-02", life.GRACE, life.OLIVER, "HX-Q-2609-77 - SSS 25gsm / SMS 35gsm",
                       "Dear Oliver,\nthank you for your enquiry. Our quotation: spunbond 25gsm USD 1.62/kg, "
                       "HX-Q-2609-77.", "q77@huaxin-nw.example"),
             _po(body=f"Our PO {life.A} attached: 25gsm 1600mm as agreed in HX-Q-2609-77.")]
    _file_each_day(config, mails, tmp_path / "attachments")
    ids = [m["message_id"] for m in show(config, life.A)["messages"]]
    assert ids == ["q77@huaxin-nw.example", "po@bellmont-hygiene.example"]
    assert "HX-Q-2609-77" in filed(config)["q77@huaxin-nw.example"].correlation


def test_the_figures_and_dates_that_drive_the_plan(lived: Path) -> None:
    a, b = show(lived, life.A), show(lived, life.B)
    # the British PO: its dd/mm dates settled, with the reason, and both codes of each line
    assert (a["data"]["order_date"], a["data"]["delivery_date"]) == ("2026-09-11", "2026-10-10")
    settled = [c for c in a["data"]["checks"] if c["name"] == "date_order"]
    assert settled and all(c["ok"] and "day-first" in c["detail"] for c in settled), settled
    assert [(line["item_code"], line.get("buyer_code")) for line in a["data"]["lines"]] == \
        [(line.item_code, line.buyer_code) for line in life.LINES_A]
    # our P/I against the PO: the same terms in other words are no difference; B's later delivery is
    assert a["confirmation_differences"] == []
    assert b["confirmation_differences"] == ["delivery date 2026-10-20 on the PO, 2026-10-25 on our P/I"]
    assert b["confirmation_differences_zh"] == ["交货期 客户订单 2026-10-20，我方形式发票 2026-10-25"]
    # the L/C, printed by its bank, as amended: its dates, and its first latest shipment a problem asked to amend
    lc = b["follow_up"]["lc"]
    assert (lc["number"], lc["amount"], lc["expiry"], lc["latest_shipment"], lc["presentation_days"]) == \
        ("MLC26/04417", "79600.00", "2026-11-30", "2026-10-31", 21)
    assert len(lc["documents"]) == 3
    events = [e for e in b["events"] if e["kind"] == "lc-discrepancy"]
    assert events and "2026-10-15" in json.dumps(events), b["events"]
    # the sailing each forwarder gave, and the B/L draft counted from its ETD
    for shown, etd, vessel in ((a, "2026-10-07", "MSC ANNA"), (b, "2026-10-09", "COSCO PORT KLANG")):
        assert (shown["shipping"]["etd"]["value"], shown["shipping"]["vessel"]["value"]) == (etd, vessel)
        draft = next(m for m in shown["follow_up"]["milestones"] if m["key"] == "bl_draft")
        assert draft["due"] == (dt.date.fromisoformat(etd) + dt.timedelta(days=2)).isoformat(), draft
    # the countersigned P/I came back as a scan: typed by the heading OCR read, it did its milestone
    signed = next(d for d in a["documents"] if d["message_id"] == life.message_id("16"))
    assert (signed["kind"], signed["reason"].split(";")[0]) == ("pi_countersigned", "its heading says 'PROFORMA'")
    # every payment: the amount remitted, never its charges line
    paid = {p["message_id"]: p["amount"] for o in (a, b) for p in o["follow_up"]["money"]["payments"]}
    assert paid == {life.message_id("18"): "26568.00", life.message_id("34"): "61992.00",
                    life.message_id("39"): "79318.50"}


def _mail_of(day: str, ours: bool) -> list[tuple[str, str, str | None]]:
    """(file, category as the rules file it, order) of the life's mail filed on `day`, ours or theirs."""
    mails = life.by_file()
    return [(file, life.RULE_MISSES.get(file, category), order) for file, _, _, party, order, _, category
            in life.EXPECTED if mails[file].day == day and (party == "us") == ours]


def _done_on(day: str) -> set[tuple[str, str]]:
    """The milestones the life's mail of `day` completes: (order, milestone)."""
    mails = life.by_file()
    plans = {**life.MILESTONES, life.P: life.PURCHASE_MILESTONES}
    return {(number, key) for number, steps in plans.items() for key, file in steps.items()
            if file and mails[file].day == day}


def test_the_days_summary_counts_what_each_day_of_the_life_brought_sent_completed_and_paid(lived: Path) -> None:
    """Every day of the six weeks summed up afterwards: the mail received per category and per
    order, our mail sent, the milestones done and the payments, each as the life's table says."""
    from collections import Counter

    mails = life.by_file()
    paid = {"18": "26568.00", "34": "61992.00", "39": "79318.50"}  # the slips' amounts (the figures test)
    for day in sorted({m.day for m in life.LIFE}):
        summary = json.loads(cli(lived, "summary", "--date", f"{life.YEAR}-{day}", "--json"))
        theirs, ours = _mail_of(day, ours=False), _mail_of(day, ours=True)
        received = summary["received"]
        assert received["by_category"] == dict(Counter(c for _, c, _ in theirs)), day
        assert received["by_order"] == dict(Counter(o for _, _, o in theirs if o)), day
        assert (received["count"], received["unfiled"]) == (len(theirs), sum(1 for _, _, o in theirs if not o)), day
        assert summary["sent"]["count"] == len(ours), day
        assert {(c["order"], c["milestone"]) for c in summary["completed"]} == _done_on(day), day
        assert {p["message_id"]: p["amount"] for p in summary["payments"]} == \
            {life.message_id(f): a for f, a in paid.items() if mails[f].day == day}, day
    shipped = json.loads(cli(lived, "summary", "--date", f"{life.YEAR}-10-01", "--json"))  # our papers that day
    assert shipped["sent"]["documents"] == {"commercial_invoice": 1, "packing_list": 1}
    opened = json.loads(cli(lived, "summary", "--date", f"{life.YEAR}-09-14", "--json"))
    assert {o["order"] for o in opened["new_orders"]} >= {life.P}


def test_the_days_summary_of_one_merchandiser_holds_their_buyers_orders_only(lived: Path) -> None:
    """On the last day a payment of Lianhe's order (Li Na's) and a mail of Bellmont's (Grace's)
    came: each merchandiser's summary has their own; the manager's has both."""
    last = life.LIFE[-1].day
    theirs = _mail_of(last, ours=False)
    assert {o for _, _, o in theirs} == {life.A, life.B}
    date = f"{life.YEAR}-{last}"
    for owner, orders in (("Li Na", {life.B}), ("Grace Zhou", {life.A}), ("Wang Li", {life.A, life.B})):
        summary = json.loads(cli(lived, "summary", "--date", date, "--owner", owner, "--json"))
        assert summary["owner"] == owner
        assert set(summary["received"]["by_order"]) == orders, owner
        assert summary["received"]["count"] == sum(1 for _, _, o in theirs if o in orders), owner
        assert {c["order"] for c in summary["completed"]} == {o for o, _ in _done_on(last) if o in orders}, owner
        assert {p["order"] for p in summary["payments"]} == {life.B} & orders, owner
        assert all(i["order"] in orders for i in summary["due_tomorrow"]), owner


def test_the_evening_digest_carries_the_days_summary_in_its_readers_chinese(lived: Path) -> None:
    """Li Na reads Chinese: her evening digest sums up her day (Lianhe's L/C proceeds, the
    payment milestone they completed) in Chinese, and nothing of Grace's buyer."""
    result = json.loads(cli(lived, "follow", "--digest", "--json"))
    assert result["digests"] == ["lina@huaxin-nw.example"]
    digest = next(r for r in json.loads(cli(lived, "outbox", "list", "--json")) if r["template"] == "daily_digest")
    assert digest["language"] == "zh"
    text = reply_text(lived, digest["id"]).replace("\r\n", "\n")
    assert f"每日工作总结（{life.YEAR}-{life.LIFE[-1].day}）" in text, text
    assert "今日收到：1 封（付款 1）" in text, text
    assert f"今日收款：1\n  - {life.B}" in text and "USD 79318.50" in text, text
    assert f"今日完成：1\n  - {life.B}：L/C paid（收款：79318.50 USD）" in text, text
    assert life.A not in text.partition("每日工作总结")[2], text  # Grace's buyer is not in Li Na's day


def _summary_through_the_orm(store: Any, order_id: int) -> dict[str, Any]:
    """An order's summary read as it was before `Store.order_summaries`: through the ORM,
    several queries an order, then built from its objects as from rows."""
    from sqlalchemy.orm import selectinload

    from mailflow.store import db
    from mailflow.store.store import summary_of

    with store.sessions() as session:
        order = session.get(db.OrderRow, order_id)
        messages = session.scalars(select(db.MessageRow).where(db.MessageRow.order_id == order_id)
                                   .options(selectinload(db.MessageRow.attachments))
                                   .order_by(db.MessageRow.date, db.MessageRow.id)).all()
        return summary_of(
            order, session.get(db.OrderRow, order.for_order_id) if order.for_order_id is not None else None,
            order.aliases, messages, {m.id: [a.path for a in m.attachments] for m in messages},
            *(session.scalars(select(table).where(table.order_id == order_id, *where).order_by(*by)).all()
              for table, where, by in (
                  (db.OutboxRow, (), (db.OutboxRow.id,)), (db.DocumentRow, (), (db.DocumentRow.id,)),
                  (db.CaseRow, (), (db.CaseRow.id,)),
                  (db.EventRow, (db.EventRow.kind != "filed",), (db.EventRow.at, db.EventRow.id)),
                  (db.MilestoneRow, (), (db.MilestoneRow.position,)),
                  (db.PaymentRow, (), (db.PaymentRow.value_date, db.PaymentRow.id)))))


def test_order_json_read_in_a_few_queries_is_byte_for_byte_what_the_orm_read(lived: Path) -> None:
    """Every order of the six weeks (two sales orders, our P/O, the pre-order mail's): the
    summaries read together, one query a table, write the very bytes the ORM's per order did."""
    from sqlalchemy import event

    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store import archive as paths
    from mailflow.store.db import OrderRow

    loaded = load_config(lived)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            ids = list(session.scalars(select(OrderRow.id).order_by(OrderRow.id)))
        expected = {i: _summary_through_the_orm(store, i) for i in ids}
        shown = list(expected.values())
        # a store rich enough to tell: each part of a summary is filled for some order
        assert {s["kind"] for s in shown} == {"sale", "purchase"} and any(s["for_order"] for s in shown)
        assert all(any(s[key] for s in shown) for key in ("aliases", "documents", "shipping", "messages",
                                                          "replies", "events", "confirmation_differences"))
        assert any(a for s in shown for m in s["messages"] for a in m["attachments"])
        assert any(s["follow_up"]["lc"] for s in shown) and any(s["follow_up"]["milestones"] for s in shown)
        assert any(s["follow_up"]["money"]["payments"] for s in shown)
        statements = [0]
        event.listen(store.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
        store.write_order_json(*reversed(ids))
        assert statements[0] <= 11  # a query a table for all the orders, not several an order
        for order_id, summary in expected.items():
            written = store.archive.read(paths.order_folder(summary["folder"]) / "order.json")
            assert written == paths.json_bytes(summary), summary["folder"]
            assert store.order_summary(order_id) == summary
    finally:
        store.close()

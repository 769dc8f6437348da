"""Following orders over simulated weeks, on SQLite and PostgreSQL, with the desk's one clock
frozen and moved day by day (`mailflow.clock`).

A T/T order: the buyer's PO opens it; our P/I completes "P/I sent"; the countersigned P/I is
overdue on the right day and not a day early, and its chaser is drafted once, held, and threaded
into the buyer's mail; two bank slips add up to the 30 % deposit; production is refused before
the manager's sign-off; the inspection and our packing list move it on, and the balance chaser
carries the packing list. An L/C order: its L/C advice gives the latest shipment and expiry
dates the plan counts from; a 4 % margin needs the general manager, 6 % does not. The daily
plan's sections, and the digest sent once across a restart (aiosmtpd).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from tests.conftest import ROOT
from tests.mails import mail
from tests.replies import reply_message

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

UTC = dt.UTC
BOB = "Bob Tan <bob@kestrel.example>"
US = "Acme Order Desk <orders@acme.example>"
LINES = (pdfs.Line("NW-SL45-P200", "Spunlace nonwoven 45gsm white, 200mm", Decimal(8000), "ROLL", Decimal("2.00")),
         pdfs.Line("MF-4040-GR", "Meltblown fabric 40gsm green, 1600mm", Decimal(1000), "KG", Decimal("4.00")))
TT = "30% T/T deposit, 70% balance against copy of B/L"  # of 20,000.00: 6,000 and 14,000
LC = "100% irrevocable L/C at sight"


def desk(tmp_path: Path, database_url: str, costs: dict[str, str], smtp_port: int | None = None) -> Path:
    products = tmp_path / "products.csv"
    products.write_text("item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n"
                        "NW-SL45-P200,50,50,52.5,62,42,38\nMF-4040-GR,25,25,26.5,60,40,40\n", encoding="utf-8")
    cost_file = tmp_path / "costs.csv"
    cost_file.write_text("item_code,unit_cost,currency\n" + "".join(f"{k},{v},CNY\n" for k, v in costs.items()),
                         encoding="utf-8")
    folder = tmp_path / "desk"
    (folder / "inbox").mkdir(parents=True)
    config = folder / "mailflow.yaml"
    config.write_text(
        'identity: {company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example}\n'
        "sources: [{path: inbox/}]\n"
        f"database: {{url: '{database_url}'}}\narchive: {{path: var/archive}}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "buyers: [{name: Kestrel Supplies, domains: [kestrel.example], language: en, currency: USD,"
        " merchandiser: Lily Chen}]\n"
        f"packing: {{products: {products}}}\noperator: Lily Chen\n"
        "users:\n  - {name: Lily Chen, role: merchandiser}\n  - {name: Wang Fang, role: manager}\n"
        "  - {name: Zhao Min, role: general_manager}\n  - {name: Ada Xu, role: accounts}\n"
        f"approval: {{costs: {cost_file}, rates: {{USD: '7.0', CNY: '1'}}, margin_floor: 5}}\n"
        "followup: {timezone: UTC}\n"
        "digest: {time: '07:30', to: [{address: wang@acme.example, owner: Wang Fang},"
        " {address: lily@acme.example, owner: Lily Chen, language: zh}]}\n"
        + (f"smtp: {{host: 127.0.0.1, port: {smtp_port}, tls: none, sent_folder: null}}\n" if smtp_port else ""),
        encoding="utf-8")
    return config


def cli(config: Path, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    if ok:
        assert result.exit_code == 0, result.output
        return result.stdout
    assert result.exit_code != 0, result.output
    return result.output


def deliver(config: Path, name: str, data: bytes) -> None:
    (config.parent / "inbox" / name).write_bytes(data)
    cli(config, "run", "--once")


def pdf(tmp_path: Path, kind: str, number: str, terms: str, lines: tuple[Any, ...] = LINES) -> bytes:
    doc = pdfs.OrderDoc(kind=kind, lang="en", number=number, buyer="Kestrel Supplies Ltd.",
                        order_date=dt.date(2026, 3, 2), delivery_date=dt.date(2026, 4, 30), currency="USD",
                        incoterm="FOB Ningbo", payment_terms=terms, lines=lines)
    return pdfs.write_order_pdf(doc, tmp_path / f"{kind}-{number}.pdf").read_bytes()


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def show(config: Path, number: str) -> dict[str, Any]:
    return json.loads(cli(config, "order", "show", number, "--json"))  # type: ignore[no-any-return]


def milestones(config: Path, number: str) -> dict[str, dict[str, Any]]:
    return {m["key"]: m for m in show(config, number)["follow_up"]["milestones"]}


def follow(config: Path) -> dict[str, Any]:
    return json.loads(cli(config, "follow", "--json"))  # type: ignore[no-any-return]


def plan(config: Path, owner: str | None = None) -> dict[str, Any]:
    return json.loads(cli(config, "plan", "--json", *(["--owner", owner] if owner else [])))  # type: ignore[no-any-return]


def outbox(config: Path) -> list[dict[str, Any]]:
    return json.loads(cli(config, "outbox", "list", "--json"))  # type: ignore[no-any-return]


def test_a_tt_order_over_simulated_weeks(tmp_path: Path, database_url: str) -> None:
    # a margin of 6 %: 20,000 USD at 7.0 = 140,000 CNY of sales, costs 131,600 CNY
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-2001", "Please find attached our PO KS-2001.", sender=BOB,
                                       message_id="po@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-2001.pdf", pdf(tmp_path, "po", "KS-2001", TT),
                                                     "application/pdf")]))
        shown = show(config, "KS-2001")
        assert shown["follow_up"]["plan"] == "tt-order" and shown["status"] == "confirmed"
        steps = milestones(config, "KS-2001")
        assert steps["pi_sent"]["due"] == "2026-03-04" and steps["pi_sent"]["state"] == "open"
        assert shown["follow_up"]["money"]["total"] == "20000.00"

        now.advance(days=1)  # our P/I goes out
        deliver(config, "02.eml", mail("P/I AN-PI-2001 for your PO KS-2001", "Please countersign our P/I.",
                                       sender=US, to=BOB, message_id="pi@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-2001.pdf", pdf(tmp_path, "pi", "AN-PI-2001", TT),
                                                     "application/pdf")]))
        steps = milestones(config, "KS-2001")
        assert steps["pi_sent"]["state"] == "done" and steps["pi_sent"]["how"] == "evidence"
        assert steps["pi_sent"]["message_id"] == "pi@acme.example"
        assert steps["pi_countersigned"]["due"] == "2026-03-08"  # 5 days after the P/I
        assert steps["deposit"]["due"] == "2026-03-10"

        now.advance(days=5)  # 03-08: due today, not overdue
        assert follow(config)["chasers"] == []
        today = plan(config)
        assert [i["milestone"] for i in today["due_today"]] == ["pi_countersigned"]
        assert "pi_countersigned" not in [i["milestone"] for i in today["overdue"]]
        assert milestones(config, "KS-2001")["pi_countersigned"]["state"] == "open"

        now.advance(days=1)  # 03-09: overdue, chased once, held
        ticked = follow(config)
        assert ticked["overdue"] >= 1 and len(ticked["chasers"]) == 1, ticked
        assert milestones(config, "KS-2001")["pi_countersigned"]["state"] == "overdue"
        today = plan(config)
        late = next(i for i in today["overdue"] if i["milestone"] == "pi_countersigned")
        assert late["order"] == "KS-2001" and late["days_overdue"] == 1 and late["due"] == "2026-03-08"
        [chaser] = [r for r in outbox(config) if r["template"] == "chase_countersign"]
        assert chaser["state"] == "held" and chaser["to"] == ["bob@kestrel.example"]
        sent = reply_message(config, chaser["id"])
        assert sent["In-Reply-To"] == "<po@kestrel.example>" and "[Order KS-2001]" in sent["Subject"]
        assert "sign and return" in sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert any(i.get("template") == "chase_countersign" for i in today["waiting_for_approval"])
        assert follow(config)["chasers"] == []  # the same hour again: nothing more
        now.advance(days=1)
        assert follow(config)["chasers"] == []  # every 3 days, not every day

        deliver(config, "03.eml", mail("Re: P/I AN-PI-2001 signed", "Attached our countersigned P/I.", sender=BOB,
                                       message_id="pi-signed@kestrel.example", date=at("2026-03-10"),
                                       attachments=[("PI_AN-PI-2001_signed.pdf", pdf(tmp_path, "pi", "AN-PI-2001", TT),
                                                     "application/pdf")]))
        assert milestones(config, "KS-2001")["pi_countersigned"]["state"] == "done"

        # production cannot start before the sign-off (and the deposit)
        refused = cli(config, "order", "done", "KS-2001", "production", "--as", "Lily Chen", ok=False)
        assert "cannot be done before" in refused and "Manager sign-off" in refused

        # two bank slips add up to the deposit
        deliver(config, "04.eml", mail("Payment advice PO KS-2001", "Remittance advice\nAmount: USD 4,000.00\n"
                                       "Value date: 2026-03-10\nReference: FT26031000123", sender=BOB,
                                       message_id="slip1@kestrel.example", date=at("2026-03-10", 11)))
        steps = milestones(config, "KS-2001")
        assert steps["deposit"]["state"] != "done"
        assert show(config, "KS-2001")["follow_up"]["money"]["outstanding"] == "16000.00"
        now.advance(days=1)
        deliver(config, "05.eml", mail("Second remittance PO KS-2001", "Remittance advice\nAmount: USD 2,000.00\n"
                                       "Value date: 2026-03-11\nReference: FT26031100456", sender=BOB,
                                       message_id="slip2@kestrel.example", date=at("2026-03-11", 11)))
        money = show(config, "KS-2001")["follow_up"]["money"]
        assert money["outstanding"] == "14000.00" and len(money["payments"]) == 2
        steps = milestones(config, "KS-2001")
        assert steps["deposit"]["state"] == "done" and steps["deposit"]["how"] == "payment"
        assert json.loads(cli(config, "payments", "--json"))["by_buyer"]["Kestrel Supplies"] == {"USD": "14000.00"}

        refused = cli(config, "order", "approve", "KS-2001", "--as", "Lily Chen", ok=False)
        assert "a merchandiser" in refused  # a merchandiser does not sign
        signed = cli(config, "order", "approve", "KS-2001", "--as", "Wang Fang")  # margin 6 %: the manager
        assert "margin 6.00 %" in signed
        cli(config, "order", "done", "KS-2001", "production", "--as", "Lily Chen", "--note", "line 3")
        shown = show(config, "KS-2001")
        assert shown["status"] == "in production"
        signoff = next(e for e in shown["events"] if e["kind"] == "signed-off")
        assert signoff["by"] == "Wang Fang" and signoff["margin"] == "6.00"

        # inspection, then our packing list; the balance falls due a week later
        now.advance(days=30)
        deliver(config, "06.eml", mail("Inspection report KS-2001", "Final inspection passed, report attached.",
                                       sender="QC <qc@inspect-asia.example>", message_id="qc@inspect.example",
                                       date=at("2026-04-11"),
                                       attachments=[("Inspection_report_KS-2001.pdf", b"%PDF-1.4 not read",
                                                     "application/pdf")]))
        deliver(config, "07.eml", mail("Packing list KS-2001", "Please find our packing list.", sender=US, to=BOB,
                                       message_id="pl@acme.example", date=at("2026-04-12"),
                                       attachments=[("Packing_list_KS-2001.pdf", b"%PDF-1.4 not read",
                                                     "application/pdf")]))
        steps = milestones(config, "KS-2001")
        assert steps["inspection"]["state"] == "done" and steps["packing_list"]["state"] == "done"
        assert steps["balance"]["due"] == "2026-04-19"
        assert show(config, "KS-2001")["status"] == "ready"

        now.advance(days=10)  # 04-20: the balance is overdue; its chaser carries the packing list
        ticked = follow(config)
        assert any("chase_balance" in c for c in ticked["chasers"]), ticked
        [balance] = [r for r in outbox(config) if r["template"] == "chase_balance"]
        message = reply_message(config, balance["id"])
        names = [part.get_filename() for part in message.iter_attachments()]
        assert names == ["packing-list-KS-2001.pdf"]
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "USD 14000.00" in body and "212 cartons" not in body  # 8,000/50 + 1,000/25 = 200
        assert "200 cartons" in body

        today = plan(config)
        assert any(i["order"] == "KS-2001" and i["outstanding"] == "14000.00" for i in today["money_outstanding"])
        assert any(i["milestone"] == "balance" for i in today["overdue"])
        mine = plan(config, "Ada Xu")  # accounts: the balance, not the merchandiser's milestones
        assert all(i["owner"] == "accounts" for i in mine["overdue"]) and mine["overdue"]
        undone = cli(config, "order", "undo", "KS-2001", "production", "--as", "Lily Chen")
        assert "open again" in undone
        events = [e["kind"] for e in show(config, "KS-2001")["events"]]
        assert {"milestone-done", "milestone-overdue", "payment-recorded", "signed-off", "chaser-drafted",
                "milestone-undone", "status-changed"} <= set(events)


def test_an_lc_order_counts_from_its_lc_and_a_thin_margin_needs_the_general_manager(
        tmp_path: Path, database_url: str) -> None:
    # a margin of 4 %: sales 140,000 CNY, costs 134,400 CNY
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.44", "MF-4040-GR": "26.88"})
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-3001", "Please find attached our PO KS-3001.", sender=BOB,
                                       message_id="po3@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-3001.pdf", pdf(tmp_path, "po", "KS-3001", LC),
                                                     "application/pdf")]))
        assert show(config, "KS-3001")["follow_up"]["plan"] == "lc-order"
        now.advance(days=1)
        deliver(config, "02.eml", mail("P/I AN-PI-3001 for your PO KS-3001", "Our P/I.", sender=US, to=BOB,
                                       message_id="pi3@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-3001.pdf", pdf(tmp_path, "pi", "AN-PI-3001", LC),
                                                     "application/pdf")]))
        now.advance(days=6)
        deliver(config, "03.eml", mail("L/C advice for PO KS-3001",
                                       "We advise the documentary credit for PO KS-3001.\n:40A: IRREVOCABLE\n"
                                       ":31D: 260515 CHINA\n:44C: 260430\n:32B: USD20000,00",
                                       sender="Trade Services <lc@bank-of-ningbo.example>",
                                       message_id="lc3@bank.example", date=at("2026-03-09")))
        steps = milestones(config, "KS-3001")
        assert steps["lc_received"]["state"] == "done", show(config, "KS-3001")["documents"]
        assert steps["shipped"]["due"] == "2026-04-30"  # the L/C's latest shipment date
        assert steps["booking"]["due"] == "2026-04-23"  # a week before it (no ETD known yet)
        cli(config, "order", "date", "KS-3001", "etd", "2026-04-20", "--as", "Lily Chen")
        assert milestones(config, "KS-3001")["booking"]["due"] == "2026-04-13"  # the ETD now counts

        refused = cli(config, "order", "approve", "KS-3001", "--as", "Wang Fang", ok=False)
        assert "needs the general manager" in refused and "margin 4.00 % is under the floor of 5" in refused
        assert milestones(config, "KS-3001")["signoff"]["state"] != "done"
        cli(config, "order", "approve", "KS-3001", "--as", "Zhao Min")
        assert milestones(config, "KS-3001")["signoff"]["by"] == "Zhao Min"
        refused = cli(config, "order", "done", "KS-3001", "production", "--as", "Lily Chen", ok=False)
        assert "L/C terms checked" in refused  # production also waits for the L/C to be checked
        cli(config, "order", "done", "KS-3001", "lc_checked", "--as", "Ada Xu")
        cli(config, "order", "done", "KS-3001", "production", "--as", "Lily Chen")
        assert show(config, "KS-3001")["status"] == "in production"

        deliver(config, "04.eml", mail("B/L KS-3001", "Original B/L issued, copy attached.",
                                       sender="Ops <ops@seaways-forwarding.example>", message_id="bl3@seaways.example",
                                       date=at("2026-04-25"),
                                       attachments=[("BL_SWLNGB123.pdf", b"%PDF-1.4 not read", "application/pdf")]))
        steps = milestones(config, "KS-3001")
        assert steps["shipped"]["state"] == "done"
        assert steps["presentation"]["due"] == "2026-05-09"  # 14 days after shipment, before expiry - 5
        assert show(config, "KS-3001")["status"] == "shipped"
        cli(config, "order", "plan", "KS-3001", "tt-order", "--as", "Lily Chen")  # a person's choice stands
        assert show(config, "KS-3001")["follow_up"]["plan"] == "tt-order"
        assert "no follow-up plan 'barter'" in cli(config, "order", "plan", "KS-3001", "barter", "--as",
                                                   "Lily Chen", ok=False)
        cli(config, "order", "plan", "KS-3001", "auto", "--as", "Lily Chen")
        assert show(config, "KS-3001")["follow_up"]["plan"] == "lc-order"


def test_the_plan_is_refused_for_a_stranger_and_rules_errors_name_the_file(tmp_path: Path, sqlite_url: str) -> None:
    config = desk(tmp_path, sqlite_url, {})
    assert "'Nobody' is not one of users:" in cli(config, "plan", "--owner", "Nobody", ok=False)
    assert "is not one of users:" in cli(config, "order", "done", "X-1", "production", "--as", "Nobody", ok=False)
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "10-bad.yaml").write_text("name: bad\nmilestones:\n  - key: deposit\n    due: {after: signoff, days: 2}\n",
                                       encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("followup: {timezone: UTC}",
                                                                 f"followup: {{timezone: UTC, plans: {plans}}}"),
                      encoding="utf-8")
    said = cli(config, "rules", "check", ok=False)
    assert "10-bad.yaml:3" in said and "due anchor 'signoff'" in said


def test_the_digest_goes_once_per_recipient_and_day_across_a_restart(
        tmp_path: Path, database_url: str, smtp_server: Any) -> None:
    from mailflow.config import load_config
    from mailflow.daemon import FollowUpJobs, send_outbox
    from mailflow.desk import load_desk
    from mailflow.follow import follower_from
    from mailflow.store import Store

    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"}, smtp_server.port)
    with clock.frozen(at("2026-03-02", 6)) as now:
        deliver(config, "01.eml", mail("PO KS-4001", "Please find attached our PO KS-4001.", sender=BOB,
                                       message_id="po4@kestrel.example", date=at("2026-03-02", 5),
                                       attachments=[("PO_KS-4001.pdf", pdf(tmp_path, "po", "KS-4001", TT),
                                                     "application/pdf")]))
        loaded = load_config(config)

        def daemon_start() -> tuple[Any, Any]:
            desk_ = load_desk(loaded)
            return desk_, Store(loaded.database_url, loaded.archive_root, follower=follower_from(loaded))

        first_desk, first_store = daemon_start()
        jobs = FollowUpJobs(first_desk, first_store)
        digests = lambda store: [r for r in store.outbox() if r.template == "daily_digest"]
        jobs.digest()  # 06:00: not yet
        assert digests(first_store) == []
        now.advance(hours=2)  # 08:00
        jobs.digest()
        jobs.digest()
        assert sorted(r.to_addrs[0] for r in digests(first_store)) == ["lily@acme.example", "wang@acme.example"]
        first_desk.close()
        first_store.close()
        second_desk, second_store = daemon_start()  # a restart the same morning
        try:
            FollowUpJobs(second_desk, second_store).digest()
            assert len(digests(second_store)) == 2
            send_outbox(loaded, second_store)
            send_outbox(loaded, second_store)
        finally:
            second_desk.close()
            second_store.close()
    received = [r for r in smtp_server.received if r.rcpt_tos[0].endswith("@acme.example")]
    got = {r.rcpt_tos[0]: email.message_from_bytes(r.data, policy=email.policy.default) for r in received}
    assert sorted(got) == ["lily@acme.example", "wang@acme.example"] and len(received) == 2
    wang = got["wang@acme.example"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "KS-4001" in wang and "Due in the next 7 days" in wang  # P/I sent, due 03-04
    assert "今日跟单计划" in str(got["lily@acme.example"]["Subject"])


def test_the_plan_s_sections_and_a_chaser_that_finds_only_automated_mail(tmp_path: Path, database_url: str) -> None:
    from mailflow.config import load_config
    from mailflow.model import Origin, Quarantined, RawMail
    from mailflow.store import Store

    config = desk(tmp_path, database_url, {})
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-5001", "Please find attached our PO KS-5001.", sender=BOB,
                                       message_id="po5@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-5001.pdf", pdf(tmp_path, "po", "KS-5001", LC),
                                                     "application/pdf")]))
        deliver(config, "02.eml", mail("Out of office Re: PO KS-5001 [Order KS-5001]", "I am away until Monday.",
                                       sender="Bob Tan <bob@kestrel.example>", message_id="ooo@kestrel.example",
                                       date=at("2026-03-02", 9), headers={"Auto-Submitted": "auto-replied"}))
        deliver(config, "03.eml", mail("P/I AN-PI-5001 for your PO KS-5001", "Our P/I.", sender=US, to=BOB,
                                       message_id="pi5@acme.example", date=at("2026-03-02", 13),
                                       attachments=[("PI_AN-PI-5001.pdf", pdf(tmp_path, "pi", "AN-PI-5001", LC),
                                                     "application/pdf")]))
        deliver(config, "04.eml", mail("Inquiry: airlaid napkins", "Please quote 40gsm airlaid napkins, 20 tons.",
                                       sender="Anna <anna@newbuyer.example>", message_id="rfq5@newbuyer.example",
                                       date=at("2026-03-02", 11)))
        deliver(config, "05.eml", mail("Torn rolls on PO KS-5001", "Several rolls arrived torn and wet; we claim "
                                       "compensation.", sender=BOB, message_id="claim5@kestrel.example",
                                       date=at("2026-03-02", 12)))
        loaded = load_config(config)
        store = Store(loaded.database_url, loaded.archive_root)
        try:
            raw = b"From: x@y.example\r\nSubject: broken\r\n\r\nbody"
            store.quarantine(Quarantined(RawMail(raw, Origin("file", path="inbox/bad.eml")), "b" * 64,
                                         "a test of the plan's quarantine section"))
        finally:
            store.close()
        now.advance(days=20)  # 03-22: the L/C is late, the inquiry waits, Bob has not written since
        ticked = follow(config)
        lc_chaser = next(c for c in ticked["chasers"] if "lc_received" in c)
        assert "chase_lc to bob@kestrel.example (held)" in lc_chaser  # answers Bob's own mail, not his auto-reply
        [chaser] = [r for r in outbox(config) if r["template"] == "chase_lc"]
        assert reply_message(config, chaser["id"])["In-Reply-To"] == "<po5@kestrel.example>"
        today = plan(config)
        assert today["date"] == "2026-03-22"
        for section in ("overdue", "due_today", "due_soon", "waiting_for_approval", "waiting_on_buyer",
                        "money_outstanding", "unanswered_inquiries", "open_complaints", "unfiled", "quarantined"):
            for entry in today[section]:
                assert {"order", "buyer", "milestone", "due", "days_overdue"} <= set(entry), (section, entry)
        waiting = next(i for i in today["waiting_on_buyer"] if i["order"] == "KS-5001")
        assert waiting["days_since_their_mail"] == 20
        assert [i["sender"] for i in today["unanswered_inquiries"]] == ["anna@newbuyer.example"]
        assert [i["order"] for i in today["open_complaints"]] == ["KS-5001"]
        assert [i["reason"] for i in today["quarantined"]] == ["a test of the plan's quarantine section"]
        overdue = {i["milestone"]: i for i in today["overdue"]}
        assert overdue["lc_received"]["days_overdue"] == 6 and overdue["lc_received"]["due"] == "2026-03-16"
        assert any(i.get("kind") == "sign-off" and i["order"] == "KS-5001" for i in today["waiting_for_approval"])
        lily = plan(config, "Lily Chen")  # the merchandiser: her buyer's milestones, not the manager's sign-off
        assert lily["owner"] == "Lily Chen"
        assert all(i["owner"] == "merchandiser" for i in lily["overdue"] + lily["due_today"] + lily["due_soon"])
        assert not any(i.get("kind") == "sign-off" for i in lily["waiting_for_approval"])
        shown = show(config, "KS-5001")
        assert shown["status"] == "confirmed" and shown["follow_up"]["next_milestone"]
        listed = json.loads(cli(config, "order", "list", "--open", "--json"))
        assert listed[0]["order"] == "KS-5001" and listed[0]["days_overdue"] > 0


def test_payments_and_the_calendar_count_the_same_payments(tmp_path: Path, sqlite_url: str) -> None:
    """A slip whose currency could not be read, one in another currency and one in the order's:
    `mailflow payments` says paid what the calendar counted, so paid and outstanding add up."""
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import PaymentRow

    config = desk(tmp_path, sqlite_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    with clock.frozen(at("2026-03-02")):
        deliver(config, "01.eml", mail("PO KS-4001", "Please find attached our PO KS-4001.", sender=BOB,
                                       message_id="po4@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-4001.pdf", pdf(tmp_path, "po", "KS-4001", TT),
                                                     "application/pdf")]))
        loaded = load_config(config)
        store = Store(loaded.database_url, loaded.archive_root)
        try:
            row = store.find_order("KS-4001")
            assert row is not None
            with store.sessions() as session, session.begin():
                session.add_all([PaymentRow(order_id=row.id, amount="1000.00", currency="", reference="no currency"),
                                 PaymentRow(order_id=row.id, amount="500.00", currency="EUR", reference="euros")])
        finally:
            store.close()
        cli(config, "order", "payment", "KS-4001", "4000", "--currency", "usd", "--as", "Ada Xu")
        money = show(config, "KS-4001")["follow_up"]["money"]
        listed = next(o for o in json.loads(cli(config, "payments", "--json"))["orders"] if o["order"] == "KS-4001")
    assert money["outstanding"] == listed["outstanding"] == "16000.00"  # the calendar counted 4,000
    assert Decimal(listed["paid"]) + Decimal(listed["outstanding"]) == Decimal(listed["total"]) == Decimal(20000)
    assert sorted((p["currency"], p["counted"]) for p in listed["payments"]) == [
        ("", False), ("EUR", False), ("USD", True)]


def test_milestones_are_done_by_the_right_evidence(tmp_path: Path, database_url: str) -> None:
    """A buyer's "PI received" in text is no countersigned P/I; an inspection agency's report
    completes the inspection; our copy B/L sent to the buyer
    ships the order but does not release the original B/L: the forwarder's telex release does."""
    config = desk(tmp_path, database_url, {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"})
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-4001", "Please find attached our PO KS-4001.", sender=BOB,
                                       message_id="po4@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-4001.pdf", pdf(tmp_path, "po", "KS-4001", TT),
                                                     "application/pdf")]))
        now.advance(days=1)
        deliver(config, "02.eml", mail("P/I AN-PI-4001 for your PO KS-4001", "Our P/I.", sender=US, to=BOB,
                                       message_id="pi4@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-4001.pdf", pdf(tmp_path, "pi", "AN-PI-4001", TT),
                                                     "application/pdf")]))
        now.advance(days=1)
        deliver(config, "03.eml", mail("Re: P/I AN-PI-4001 for your PO KS-4001", "PI received, L/C being applied.",
                                       sender=BOB, message_id="pi-received@kestrel.example", date=at("2026-03-04"),
                                       headers={"In-Reply-To": "<pi4@acme.example>"}))
        steps = milestones(config, "KS-4001")
        assert steps["pi_sent"]["state"] == "done" and steps["pi_countersigned"]["state"] != "done"
        assert "pi_countersigned" not in [d["kind"] for d in show(config, "KS-4001")["documents"]]

        now.advance(days=30)
        deliver(config, "04.eml", mail("Inspection report KS-4001", "Final inspection passed, report attached.",
                                       sender="QC <qc@inspect-asia.example>", message_id="qc4@inspect.example",
                                       date=at("2026-04-03"),
                                       attachments=[("QIMA_Final_Inspection_Report_KS-4001.pdf", b"%PDF-1.4 not read",
                                                     "application/pdf")]))
        steps = milestones(config, "KS-4001")
        assert steps["inspection"]["state"] == "done", show(config, "KS-4001")["documents"]
        kinds = {d["file"]: d["kind"] for d in show(config, "KS-4001")["documents"]}
        assert kinds["QIMA_Final_Inspection_Report_KS-4001.pdf"] == "inspection_report"

        now.advance(days=10)
        deliver(config, "05.eml", mail("Copy B/L KS-4001", "Dear Bob, please find the copy B/L.", sender=US, to=BOB,
                                       message_id="copy-bl4@acme.example", date=at("2026-04-13"),
                                       attachments=[("Copy_BL_SWLNGB4001.pdf", b"%PDF-1.4 not read",
                                                     "application/pdf")]))
        steps = milestones(config, "KS-4001")
        assert steps["original_bl"]["state"] != "done"
        assert show(config, "KS-4001")["status"] == "shipped"
        assert "bl_copy" in [d["kind"] for d in show(config, "KS-4001")["documents"]]

        now.advance(days=3)
        deliver(config, "06.eml", mail("Telex release SWLNGB4001 / KS-4001", "B/L surrendered, cargo released.",
                                       sender="Ops <ops@seaways-forwarding.example>",
                                       message_id="telex4@seaways.example", date=at("2026-04-16")))
        steps = milestones(config, "KS-4001")
        assert steps["original_bl"]["state"] == "done", show(config, "KS-4001")["documents"]

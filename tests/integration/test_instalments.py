"""Money per instalment over simulated days, on SQLite and PostgreSQL, with the desk's one clock
frozen (`mailflow.clock`): a part deposit leaves the rest of the deposit due on its own date, in
the plan, in `payments` and in the chaser, which says what was received and what remains; a
newer chaser for the same milestone supersedes the one still held; the deposit completed by a
payment a little short (bank charges) withdraws its held chaser, whose approval is then refused
on the command line and in the browser; the balance short by bank charges settles; L/C
proceeds net of the banks' charges settle "L/C paid".
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from tests.integration.test_follow_up import (
    BOB,
    TT,
    US,
    at,
    cli,
    deliver,
    desk,
    follow,
    milestones,
    outbox,
    pdf,
    plan,
    show,
)
from tests.integration.test_web_http import ORIGIN, client_for, log_in
from tests.mails import mail
from tests.replies import reply_message

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

COSTS = {"NW-SL45-P200": "13.16", "MF-4040-GR": "26.32"}  # a margin of 6 %: the manager signs


def slip(name: str, number: str, amount: str, day: str, reference: str, sender: str = BOB) -> bytes:
    return mail(f"Payment advice PO {number}", f"Remittance advice\nAmount: USD {amount}\nValue date: {day}\n"
                f"Reference: {reference}", sender=sender, message_id=f"{name}@kestrel.example", date=at(day, 11))


def body(config: Path, reply_id: int) -> str:
    return reply_message(config, reply_id).get_body(("plain",)).get_content()  # type: ignore[no-any-return, union-attr]


def chasers(config: Path, template: str) -> list[dict[str, object]]:
    return [r for r in outbox(config) if r["template"] == template]


def payments(config: Path, number: str) -> dict[str, object]:
    return next(o for o in json.loads(cli(config, "payments", "--json"))["orders"]  # type: ignore[no-any-return]
                if o["order"] == number)


def test_a_part_deposit_its_chasers_and_a_balance_short_by_bank_charges(tmp_path: Path, database_url: str) -> None:
    config = desk(tmp_path, database_url, COSTS)
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-6001", "Please find attached our PO KS-6001.", sender=BOB,
                                       message_id="po6@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-6001.pdf", pdf(tmp_path, "po", "KS-6001", TT),
                                                     "application/pdf")]))
        now.advance(days=1)
        deliver(config, "02.eml", mail("P/I AN-PI-6001 for your PO KS-6001", "Please countersign our P/I.",
                                       sender=US, to=BOB, message_id="pi6@acme.example", date=at("2026-03-03"),
                                       attachments=[("PI_AN-PI-6001.pdf", pdf(tmp_path, "pi", "AN-PI-6001", TT),
                                                     "application/pdf")]))
        assert milestones(config, "KS-6001")["deposit"]["due"] == "2026-03-10"

        # a part of the deposit (6,000.00) arrives the day before it is due
        now.advance(days=6)
        deliver(config, "03.eml", slip("slip6a", "KS-6001", "2,500.00", "2026-03-09", "FT26030900111"))
        listed = payments(config, "KS-6001")
        assert listed["due_now"] == {"key": "deposit", "name": "deposit", "name_zh": "定金", "amount": "6000.00",
                                     "received": "2500.00", "remaining": "3500.00", "due": "2026-03-10",
                                     "part_paid": True}
        assert listed["next_due"] == "2026-03-10" and listed["outstanding"] == "17500.00"
        [deposit, balance] = listed["instalments"]  # type: ignore[misc]
        assert (deposit["short"], balance["short"], balance["paid"]) == ("3500.00", "14000.00", "0.00")

        # overdue the day after: the plan asks for the rest of the deposit, not the whole order
        now.advance(days=2)  # 03-11
        ticked = follow(config)
        assert any("chase_payment" in c for c in ticked["chasers"]), ticked
        owed = next(i for i in plan(config)["money_outstanding"] if i["order"] == "KS-6001")
        assert (owed["instalment"], owed["short"], owed["due"], owed["outstanding"]) == (
            "deposit", "3500.00", "2026-03-10", "17500.00")
        [first] = chasers(config, "chase_payment")
        assert first["state"] == "held"
        text = " ".join(body(config, int(first["id"])).split())  # type: ignore[call-overload]
        assert "received USD 2500.00 of the deposit of USD 6000.00" in text
        assert "USD 3500.00 remains, which was due on 2026-03-10" in text
        assert "not received" not in text

        # four days on, a newer chaser for the same milestone: the held one is superseded
        now.advance(days=4)  # 03-15
        follow(config)
        rows = {r["id"]: r for r in chasers(config, "chase_payment")}
        assert len(rows) == 2 and [r["state"] for r in rows.values()].count("held") == 1
        old = rows[first["id"]]
        assert old["state"] == "superseded" and "for the same milestone" in str(old["reason"])
        [second] = [r for r in rows.values() if r["state"] == "held"]
        refused = cli(config, "outbox", "approve", str(first["id"]), "--as", "Wang Fang", ok=False)
        assert f"superseded by #{second['id']}" in refused

        # the rest arrives 20.00 short (an intermediary's fee, within the tolerance): the deposit
        # is done and its held chaser withdrawn, never approvable afterwards
        now.advance(days=1)  # 03-16
        deliver(config, "04.eml", slip("slip6b", "KS-6001", "3,480.00", "2026-03-16", "FT26031600222"))
        steps = milestones(config, "KS-6001")
        assert steps["deposit"]["state"] == "done" and steps["deposit"]["how"] == "payment"
        withdrawn = next(r for r in chasers(config, "chase_payment") if r["id"] == second["id"])
        assert withdrawn["state"] == "withdrawn"
        assert str(withdrawn["reason"]).startswith("withdrawn: Deposit received is done (payment: 3480.00 USD")
        refused = cli(config, "outbox", "approve", str(second["id"]), "--as", "Wang Fang", ok=False)
        assert "withdrawn: Deposit received is done" in refused and "never sent" in refused
        assert any(e["kind"] == "chaser-withdrawn" for e in show(config, "KS-6001")["events"])
        listed = payments(config, "KS-6001")
        assert listed["due_now"]["key"] == "balance" and listed["due_now"]["remaining"] == "14000.00"  # type: ignore[index]
        assert listed["outstanding"] == "14000.00"  # the 20.00 the banks took is not owed

        # the browser refuses it too, with the reason, and nothing changes
        result = CliRunner().invoke(main, ["--config", str(config), "user", "add", "Wang Fang", "--role", "manager",
                                           "--password-stdin"], input="manager-password-1\n")
        assert result.exit_code == 0, result.output
        client, store = client_for(config)
        try:
            csrf = log_in(client, "Wang Fang")
            answer = client.post(f"/outbox/{second['id']}/approve", data={"csrf_token": csrf}, headers=ORIGIN)
            assert answer.status_code == 200 and "withdrawn: Deposit received is done" in answer.text
            assert store.reply(int(second["id"])).state == "withdrawn"  # type: ignore[call-overload]
            page = client.get(f"/outbox/{second['id']}").text
            assert 'id="approve"' not in page and "withdrawn" in page
            assert re.search(r"<td class=\"nowrap\">withdrawn</td>", client.get("/outbox?state=withdrawn").text)
            order_page = client.get("/orders/KS-6001").text
            assert re.search(r"<td>deposit</td><td class=\"money\">USD 6,000.00</td><td class=\"money\">USD 5,980.00</td>"
                             r"<td class=\"money\">✓</td><td>2026-03-10</td>",
                             order_page), order_page
            assert re.search(r"<td>balance</td><td class=\"money\">USD 14,000.00</td><td class=\"money\">USD 0.00</td>"
                             r"<td class=\"money\">USD 14,000.00</td>", order_page)
        finally:
            store.close()

        # the balance (14,000.00) arrives 55.00 short: within 0.5 % (70.00), so it is settled
        now.advance(days=20)
        deliver(config, "05.eml", slip("slip6c", "KS-6001", "13,945.00", "2026-04-05", "FT26040500333"))
        steps = milestones(config, "KS-6001")
        assert steps["balance"]["state"] == "done" and "13945.00" in steps["balance"]["by"]
        listed = payments(config, "KS-6001")
        assert listed["due_now"] is None and listed["outstanding"] == "0.00"
        assert [i["settled"] for i in listed["instalments"]] == [True, True]  # type: ignore[attr-defined]
        assert [i["written_off"] for i in listed["instalments"]] == ["20.00", "55.00"]  # type: ignore[attr-defined]


def test_lc_proceeds_net_of_bank_charges_settle_lc_paid(tmp_path: Path, database_url: str) -> None:
    lines = (pdfs.Line("NW-SL45-P200", "Spunlace nonwoven 45gsm white, 200mm", Decimal(17220), "ROLL",
                       Decimal("2.00")),)  # 34,440.00
    config = desk(tmp_path, database_url, COSTS)
    lc = "100% irrevocable L/C at sight"
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-6002", "Please find attached our PO KS-6002.", sender=BOB,
                                       message_id="po62@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-6002.pdf", pdf(tmp_path, "po", "KS-6002", lc, lines),
                                                     "application/pdf")]))
        assert show(config, "KS-6002")["follow_up"]["plan"] == "lc-order"
        listed = payments(config, "KS-6002")
        assert listed["due_now"]["name"] == "L/C drawing" and listed["due_now"]["remaining"] == "34440.00"  # type: ignore[index]
        now.advance(days=60)
        deliver(config, "02.eml", slip("proceeds62", "KS-6002", "34,318.50", "2026-05-01", "NB26050100789"))
        steps = milestones(config, "KS-6002")
        assert steps["payment"]["state"] == "done" and steps["payment"]["how"] == "payment"  # "L/C paid"
        listed = payments(config, "KS-6002")
        [drawing] = listed["instalments"]  # type: ignore[misc]
        assert drawing["settled"] and drawing["written_off"] == "121.50" and listed["outstanding"] == "0.00"


def test_a_payment_recorded_by_hand_with_its_bank_charges_under_a_desk_that_allows_nothing_short(
        tmp_path: Path, sqlite_url: str) -> None:
    config = desk(tmp_path, sqlite_url, COSTS)
    config.write_text(config.read_text(encoding="utf-8").replace(
        "followup: {timezone: UTC}", "followup: {timezone: UTC, tolerance: {amount: 0}}"), encoding="utf-8")
    with clock.frozen(at("2026-03-02")) as now:
        deliver(config, "01.eml", mail("PO KS-6003", "Please find attached our PO KS-6003.", sender=BOB,
                                       message_id="po63@kestrel.example", date=at("2026-03-02", 8),
                                       attachments=[("PO_KS-6003.pdf", pdf(tmp_path, "po", "KS-6003", TT),
                                                     "application/pdf")]))
        now.advance(days=3)
        said = cli(config, "order", "payment", "KS-6003", "5975", "--as", "Ada Xu")
        assert "due now: the deposit, 25.00 of 6000.00 still to pay" in said  # nothing short is allowed
        assert milestones(config, "KS-6003")["deposit"]["state"] != "done"
        assert "not an amount" in cli(config, "order", "payment", "KS-6003", "10", "--charges", "NaN", "--as",
                                      "Ada Xu", ok=False)
        said = cli(config, "order", "payment", "KS-6003", "4975", "--charges", "25", "--as", "Ada Xu")
        steps = milestones(config, "KS-6003")
        assert steps["deposit"]["state"] == "done"  # 5,975 + (4,975 + 25 charges): the deposit and 4,975 more
        listed = payments(config, "KS-6003")
        assert listed["due_now"]["key"] == "balance" and listed["due_now"]["remaining"] == "9025.00"  # type: ignore[index]
        by_hand = [p for p in listed["payments"] if p["charges"]]  # type: ignore[attr-defined]
        assert [(p["amount"], p["charges"]) for p in by_hand] == [("5000", "25")]

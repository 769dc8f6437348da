"""The merchandiser's actions in the browser, over HTTP through the real app and database: a
payment recorded through its form (fields checked, what was typed kept), an order's dates, hold
and resume, a milestone marked done in two steps with its note and opened again, the money still
outstanding said before a money milestone is done by hand, the sign-off wherever the plan says
`signoff: true`, reclassifying from the rules' categories, retrying a failed reply and a
quarantined mail shown as text. Each allowed or refused by the policy the command line asks,
refused in the reader's language with the way back, and only the buttons a person may use shown."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.integration.test_web_http import ORIGIN, client_for, log_in
from tests.mails import mail
from tests.webdesk import BOB, build, cli

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration
ACCOUNTS, ACCOUNTS_PASSWORD = "Zhou Min", "accounts-password-1"


def more_mail(config: Path, tmp_path: Path) -> None:
    """A second order whose terms ask no deposit (so its deposit is done by hand while the whole
    total is outstanding), a complaint about the first, and a person of accounts."""
    from tests import pdfs

    doc = pdfs.OrderDoc(kind="po", lang="en", number="KS-7002", buyer="Kestrel Supplies Ltd.",
                        order_date=dt.date(2026, 3, 5), delivery_date=dt.date(2026, 5, 30), currency="USD",
                        incoterm="FOB Ningbo", payment_terms="100% T/T before shipment",
                        lines=(pdfs.Line("NW-SL45-P200", "Spunlace 45gsm", Decimal(21510), "ROLL", Decimal("2.00")),))
    po = pdfs.write_order_pdf(doc, tmp_path / "po2.pdf").read_bytes()
    inbox = config.parent / "inbox"
    inbox.joinpath("05.eml").write_bytes(mail(
        "PO KS-7002", "Please find attached our PO KS-7002.", sender=BOB, message_id="po2@kestrel.example",
        date=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC), attachments=[("PO_KS-7002.pdf", po, "application/pdf")]))
    inbox.joinpath("06.eml").write_bytes(mail(
        "Complaint: PO KS-7001 rolls damaged", "We have to complain about the quality: 20 rolls of PO "
        "KS-7001 arrived damaged and wet. We hold you responsible.", sender=BOB,
        message_id="complaint@kestrel.example", date=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)))
    cli(config, "run", "--once")
    cli(config, "user", "add", ACCOUNTS, "--role", "accounts", "--password-stdin", stdin=ACCOUNTS_PASSWORD + "\n")


def milestones(store: Any, number: str) -> dict[str, dict[str, Any]]:
    follow = store.order_summary(store.find_order(number).id)["follow_up"]
    return {m["key"]: m for m in follow["milestones"]}


def post(client: Any, path: str, csrf: str, **data: str) -> Any:
    return client.post(path, data={"csrf_token": csrf, **data}, headers=ORIGIN)


def test_payment_dates_status_and_refusals_on_both_databases(tmp_path: Path, database_url: str) -> None:
    desk = build(tmp_path, database_url)
    more_mail(desk.config, tmp_path)
    client, store = client_for(desk.config)
    try:
        order = store.find_order("KS-7001")
        csrf = log_in(client, "Lily Chen")  # a merchandiser, reading Chinese
        page = client.get("/orders/KS-7001").text
        assert 'id="payment-form"' not in page and 'id="status-form"' not in page  # not hers to use
        assert 'action="/orders/KS-7001/approve"' not in page and "/close" not in page
        assert 'id="date-form"' in page  # dates are hers
        assert "/close" not in client.get("/").text  # closing a complaint is a manager's
        confirmation = next(r for r in store.outbox() if r.template == "order_confirmation")
        shown = client.get(f"/outbox/{confirmation.id}").text
        assert 'id="approve"' not in shown and 'id="reject"' not in shown and 'id="not-yours"' in shown
        refused = post(client, "/orders/KS-7001/payments", csrf, amount="4800", currency="USD", date="2026-03-10")
        assert refused.status_code == 403 and "登记收款" in refused.text and "财务" in refused.text
        assert 'href="/orders/KS-7001" id="way-back"' in refused.text
        refused = post(client, "/orders/KS-7001/payments", csrf, amount="-1", currency="XYZ", date="x")
        assert refused.status_code == 403  # who may comes before what was typed
        refused = post(client, "/orders/KS-7001/status", csrf, status="on-hold")
        assert refused.status_code == 403 and "暂停、取消或恢复订单" in refused.text
        assert store.payments(order.id) == [] and store.find_order("KS-7001").status != "on hold"

        wrong = post(client, "/orders/KS-7001/dates", csrf, anchor="etd", day="2026-02-30")
        assert wrong.status_code == 400 and 'id="day-error"' in wrong.text and 'value="2026-02-30"' in wrong.text
        wrong = post(client, "/orders/KS-7001/dates", csrf, anchor="launch", day="2026-04-20")
        assert wrong.status_code == 400 and 'id="anchor-error"' in wrong.text
        assert client.post("/orders/KS-7001/dates", data={"anchor": "etd", "day": "2026-04-20"},
                           headers=ORIGIN).status_code == 403  # no CSRF token
        assert "etd" not in (store.find_order("KS-7001").anchors or {})
        post(client, "/orders/KS-7001/dates", csrf, anchor="etd", day="2026-04-20")
        assert store.find_order("KS-7001").anchors["etd"] == "2026-04-20"  # as `order date` sets it
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)

        csrf = log_in(client, ACCOUNTS, ACCOUNTS_PASSWORD)
        page = client.get("/orders/KS-7001").text
        assert 'id="payment-form"' in page and 'id="date-form"' not in page
        wrong = post(client, "/orders/KS-7001/payments", csrf, amount="-4,800", currency="XYZ",
                     date="2026-13-01", reference="TT <778>", charges="-5")
        assert wrong.status_code == 400
        for field in ("amount", "currency", "date", "charges"):
            assert f'id="{field}-error"' in wrong.text, field
        assert 'value="-4,800"' in wrong.text and 'value="2026-13-01"' in wrong.text
        assert 'value="TT &lt;778&gt;"' in wrong.text and "<option selected>XYZ</option>" in wrong.text
        for amount in ("0", "1.005", "NaN", "1e3"):
            answer = post(client, "/orders/KS-7001/payments", csrf, amount=amount, currency="USD", date="2026-03-10")
            assert answer.status_code == 400 and 'id="amount-error"' in answer.text, amount
        assert client.post("/orders/KS-7001/payments", headers=ORIGIN,
                           data={"amount": "4800", "currency": "USD", "date": "2026-03-10"}).status_code == 403
        assert store.payments(order.id) == []
        done = post(client, "/orders/KS-7001/payments", csrf, amount="4,800.00", currency="USD",
                    date="2026-03-10", reference="TT-778")
        assert done.status_code == 200 and "Payment recorded." in done.text
        [paid] = store.payments(order.id)
        assert (Decimal(paid.amount), paid.currency, paid.value_date, paid.reference, paid.recorded_by) == \
            (Decimal("4800.00"), "USD", dt.date(2026, 3, 10), "TT-778", ACCOUNTS)
        steps = milestones(store, "KS-7001")
        assert steps["deposit"]["state"] == "done" and steps["deposit"]["how"] == "payment"  # the plan follows
        assert store.find_order("KS-7001").outstanding == "11200.00"
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)

        csrf = log_in(client, "Wang Fang")  # a manager: hold and resume, as `order status`
        page = client.get("/orders/KS-7001").text
        assert 'id="status-form"' in page
        case = store.cases(only_open=True)[0].number
        assert f'action="/cases/{case}/close"' in page
        assert f'action="/cases/{case}/close"' in client.get("/").text  # on the plan's open complaints too
        post(client, "/orders/KS-7001/status", csrf, status="on-hold", note="buyer asked to wait")
        assert store.find_order("KS-7001").status == "on hold"
        assert post(client, "/orders/KS-7001/status", csrf, status="paused").text.count("on-hold, cancelled or resume")
        post(client, "/orders/KS-7001/status", csrf, status="resume")
        assert store.find_order("KS-7001").status != "on hold"
    finally:
        store.close()


def test_mark_done_confirmed_with_its_note_then_undone(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    more_mail(desk.config, tmp_path)
    client, store = client_for(desk.config)
    try:
        csrf = log_in(client, "Lily Chen")
        page = client.get("/orders/KS-7001").text
        assert 'action="/orders/KS-7001/milestones/pi_sent/done"' in page
        assert 'action="/orders/KS-7001/milestones/deposit/done"' not in page  # accounts' (and done by money)
        first = post(client, "/orders/KS-7001/milestones/pi_sent/done", csrf, note="sent from the ERP")
        assert first.status_code == 200 and 'name="confirm"' in first.text and "sent from the ERP" in first.text
        assert milestones(store, "KS-7001")["pi_sent"]["state"] != "done"  # nothing yet
        unticked = post(client, "/orders/KS-7001/milestones/pi_sent/done", csrf, note="sent from the ERP",
                        step="confirm")
        assert unticked.status_code == 400 and "请勾选确认" in unticked.text  # in her language
        no_note = post(client, "/orders/KS-7001/milestones/pi_sent/done", csrf, step="confirm", confirm="yes")
        # a document's milestone done by hand says where the evidence is: the policy's refusal, in Chinese
        assert no_note.status_code == 403 and "请在备注中写明证据在哪里" in no_note.text
        assert milestones(store, "KS-7001")["pi_sent"]["state"] != "done"
        assert client.post("/orders/KS-7001/milestones/pi_sent/done", headers=ORIGIN,
                           data={"note": "x", "confirm": "yes", "step": "confirm"}).status_code == 403  # CSRF
        done = post(client, "/orders/KS-7001/milestones/pi_sent/done", csrf, note="sent from the ERP",
                    step="confirm", confirm="yes")
        assert done.status_code == 200 and "节点已完成" in done.text
        step = milestones(store, "KS-7001")["pi_sent"]
        assert (step["state"], step["how"], step["by"], step["note"]) == ("done", "hand", "Lily Chen", "sent from the ERP")
        assert "sent from the ERP" in done.text and 'action="/orders/KS-7001/milestones/pi_sent/undo"' in done.text
        refused = post(client, "/orders/KS-7001/milestones/deposit/done", csrf, note="paid", confirm="yes")
        assert refused.status_code == 403 and 'id="way-back"' in refused.text
        undone = post(client, "/orders/KS-7001/milestones/pi_sent/undo", csrf, note="the wrong P/I")
        assert undone.status_code == 200 and "节点已重新打开" in undone.text
        assert milestones(store, "KS-7001")["pi_sent"]["state"] != "done"
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)

        # money outstanding said, and confirmed apart, before a money milestone is done by hand
        csrf = log_in(client, "Wang Fang")
        post(client, "/orders/KS-7002/milestones/pi_sent/done", csrf, note="sent from the ERP", step="confirm",
             confirm="yes")
        assert milestones(store, "KS-7002")["pi_sent"]["state"] == "done"
        asked = post(client, "/orders/KS-7002/milestones/deposit/done", csrf, note="no deposit: the terms say so")
        assert asked.status_code == 200 and "USD 43,020.00 is still outstanding" in asked.text
        assert 'name="outstanding_confirmed"' in asked.text
        half = post(client, "/orders/KS-7002/milestones/deposit/done", csrf, note="no deposit: the terms say so",
                    step="confirm", confirm="yes")
        assert half.status_code == 400 and "tick the box to mark it done all the same" in half.text
        assert milestones(store, "KS-7002")["deposit"]["state"] != "done"
        post(client, "/orders/KS-7002/milestones/deposit/done", csrf, note="no deposit: the terms say so",
             step="confirm", confirm="yes", outstanding_confirmed="yes")
        assert milestones(store, "KS-7002")["deposit"]["state"] == "done"

        # currency and date left out: the order's currency and today, as `order payment` records them
        from mailflow import clock

        post(client, "/orders/KS-7002/payments", csrf, amount="1000", currency="", date="", reference="",
             charges="25.00")
        [paid] = store.payments(store.find_order("KS-7002").id)  # what arrived and the banks' charges
        assert (paid.amount, paid.charges, paid.currency, paid.value_date, paid.recorded_by) == \
            ("1025.00", "25.00", "USD", clock.today(), "Wang Fang")
    finally:
        store.close()


def test_sign_off_where_the_plan_says_signoff(tmp_path: Path, sqlite_url: str) -> None:
    """A plan whose sign-off milestone has another key: the button is there, for a manager only."""
    desk = build(tmp_path, sqlite_url)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    plan = rules / "followup" / "90-tt-order.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("key: signoff", "key: approval")
                    .replace("after: signoff", "after: approval").replace("[signoff]", "[approval]")
                    .replace("signoff,", "approval,"), encoding="utf-8")
    config = desk.config.read_text(encoding="utf-8")
    desk.config.write_text(config.replace(f"rules: {ROOT / 'rules'}", f"rules: {rules}"), encoding="utf-8")
    cli(desk.config, "follow", "--refresh")  # as after editing the plans
    client, store = client_for(desk.config)
    try:
        assert "approval" in milestones(store, "KS-7001") and "signoff" not in milestones(store, "KS-7001")
        csrf = log_in(client, "Lily Chen")
        assert 'action="/orders/KS-7001/approve"' not in client.get("/orders/KS-7001").text
        refused = post(client, "/orders/KS-7001/approve", csrf)
        assert refused.status_code == 403 and "订单审批须由经理或总经理执行" in refused.text
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)
        csrf = log_in(client, "Wang Fang")
        page = client.get("/orders/KS-7001").text
        row = page[page.index('id="milestone-approval"'):]
        assert 'action="/orders/KS-7001/approve"' not in row[:row.index("</tr>")]  # it waits for the P/I
        post(client, "/orders/KS-7001/milestones/pi_sent/done", csrf, note="sent from the ERP", step="confirm",
             confirm="yes")
        page = client.get("/orders/KS-7001").text
        row = page[page.index('id="milestone-approval"'):]
        assert 'action="/orders/KS-7001/approve"' in row[:row.index("</tr>")]
        signed = post(client, "/orders/KS-7001/approve", csrf, note="price agreed")
        assert signed.status_code == 200 and "Signed off" in signed.text
        step = milestones(store, "KS-7001")["approval"]
        assert (step["state"], step["how"], step["by"]) == ("done", "signoff", "Wang Fang")
    finally:
        store.close()


def test_reclassify_retry_a_reply_and_open_a_quarantined_mail(tmp_path: Path, sqlite_url: str) -> None:
    from sqlalchemy import update

    from mailflow.store.db import OutboxRow

    desk = build(tmp_path, sqlite_url)
    bad = b"From: <x@kestrel.example>\r\nSubject: <b>bold</b>\r\n\r\n<script>alert(1)</script>\r\n" + b"\xff\xfe"
    client, store = client_for(desk.config)
    try:
        from mailflow.model import Origin, Quarantined, RawMail

        store.quarantine(Quarantined(RawMail(bad, Origin("maildir", "inbox/", "09.eml")), "ab" * 32,
                                     "cannot be parsed"))
        csrf = log_in(client, "Wang Fang")
        sample = store.message_by_ref("sample@kestrel.example")
        page = client.get(f"/messages/{sample.id}").text
        start = page.index('<select id="reclassify-category" name="category"')
        select = page[start:page.index("</select>", start)]
        assert "<option>complaint</option>" in select and "<option>other</option>" in select
        refused = post(client, f"/messages/{sample.id}/reclassify", csrf, category="no-such-category")
        assert refused.status_code == 200 and "unknown category" in refused.text
        post(client, f"/messages/{sample.id}/reclassify", csrf, category="other")
        assert store.message_by_ref("sample@kestrel.example").category == "other"

        reply = next(r for r in store.outbox() if r.template == "order_confirmation")
        assert 'id="retry"' not in client.get(f"/outbox/{reply.id}").text  # held: nothing to retry
        with store.sessions() as session, session.begin():
            session.execute(update(OutboxRow).where(OutboxRow.id == reply.id)
                            .values(state="failed", reason="550 mailbox unavailable"))
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)
        csrf = log_in(client, "Lily Chen")  # an order confirmation is a manager's to send again
        assert 'id="retry"' not in client.get(f"/outbox/{reply.id}").text
        assert post(client, f"/outbox/{reply.id}/retry", csrf).status_code == 403
        assert store.reply(reply.id).state == "failed"
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)
        csrf = log_in(client, "Wang Fang")
        assert 'id="retry"' in client.get(f"/outbox/{reply.id}").text
        assert post(client, f"/outbox/{reply.id}/retry", csrf).status_code == 200
        assert store.reply(reply.id).state == "queued" and store.reply(reply.id).decided_by == "Wang Fang"

        [row] = store.quarantined()
        listed = client.get("/quarantine").text
        assert f'href="/quarantine/{row.id}"' in listed
        shown = client.get(f"/quarantine/{row.id}")
        assert shown.status_code == 200 and "cannot be parsed" in shown.text
        assert "<script>alert(1)</script>" not in shown.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
        assert "Subject: &lt;b&gt;bold&lt;/b&gt;" in shown.text and "\ufffd" in shown.text
        raw = client.get(f"/quarantine/{row.id}/raw")
        assert raw.headers["content-type"].startswith("text/plain") and raw.content == bad
        assert raw.headers["content-disposition"].startswith("attachment;")
        assert client.get("/quarantine/999999").status_code == 404
    finally:
        store.close()


def test_the_way_back_from_a_refusal() -> None:
    from mailflow.web.render import way_back

    assert way_back("/orders/KS-7001/milestones/pi_sent/done") == "/orders/KS-7001"
    assert way_back("/outbox/7/approve") == "/outbox/7"
    assert way_back("/quarantine/retry") == "/quarantine"
    assert way_back("/cases/C-1/close") == "/"


def test_retrying_a_failed_chaser_whose_milestone_is_gone_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    from mailflow.store.chase import chase_key
    from mailflow.store.db import OutboxRow

    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        order = store.orders()[0]
        with store.sessions() as session, session.begin():
            row = OutboxRow(message_id="chase-telex@acme.example", order_id=order.id, template="chase_payment",
                            language="en", to_addrs=["bob@kestrel.example"], subject="Telex release", raw=b"x",
                            state="failed", reason="550 mailbox unavailable", approver="",
                            revision_key=chase_key(order.folder, "telex"), order_version=order.version)
            session.add(row)
            session.flush()
            chaser = row.id
        csrf = log_in(client, "Wang Fang")
        answer = post(client, f"/outbox/{chaser}/retry", csrf)
        assert answer.status_code == 200 and "owed no more" in answer.text
        assert "telex is no longer in the order&#39;s plan" in answer.text or \
            "telex is no longer in the order's plan" in answer.text
        assert store.reply(chaser).state == "failed"  # not queued: never sent
    finally:
        store.close()

"""The web desk in a real browser: Debian's Chromium driven by Playwright, against the app
served by uvicorn on 127.0.0.1, on SQLite and PostgreSQL. A merchandiser cannot release an order
confirmation, a manager can and it is sent once (aiosmtpd); the order page shows the PO in and
our packing list out in date order with why each is there; a two-character Chinese search; a
mail full of script payloads stays inert. A screenshot of each page is kept in the test's
temporary folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.webdesk import PASSWORDS, build, served, with_odd_mail

pytest.importorskip("playwright")
pytest.importorskip("tests.pdfs")
pytestmark = [pytest.mark.integration, pytest.mark.browser]


def log_in(page: Any, base: str, name: str) -> None:
    page.goto(base + "/orders")
    assert page.url.endswith("/login?next=%2Forders")  # no session: to the login form
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/orders")  # and back to the page asked for
    page.goto(base + "/")


def log_out(page: Any, base: str) -> None:
    page.click("#logout")
    page.wait_for_url(base + "/login")


def test_the_desk_in_chromium(tmp_path: Path, database_url: str, smtp_server: Any, page: Any) -> None:
    from mailflow.config import load_config
    from mailflow.daemon import send_outbox

    desk = build(tmp_path, database_url, smtp_server.port)
    shots = tmp_path / "screenshots"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with served(desk.config) as (base, store):
        confirmation = next(r for r in store.outbox() if r.template == "order_confirmation")

        log_in(page, base, "Lily Chen")  # Chinese is her language
        page.screenshot(path=str(shots / "plan-lily-zh.png"), full_page=True)
        assert "跟单计划" in page.content()
        page.goto(f"{base}/outbox/{confirmation.id}")
        assert page.locator("#approve").count() == 0  # not hers to release: no button, the reason in her language
        assert "须由经理或总经理处理" in page.inner_text("#not-yours")
        assert store.reply(confirmation.id).state == "held"
        log_out(page, base)

        log_in(page, base, "Wang Fang")
        page.screenshot(path=str(shots / "plan.png"), full_page=True)
        page.goto(f"{base}/outbox/{confirmation.id}")
        assert "KS-7001" in page.inner_text("#reply-text")
        page.screenshot(path=str(shots / "reply.png"), full_page=True)
        page.click("#approve")
        assert store.reply(confirmation.id).state == "queued"
        assert store.reply(confirmation.id).decided_by == "Wang Fang"
        loaded = load_config(desk.config)
        send_outbox(loaded, store)
        send_outbox(loaded, store)
        sent = [r for r in smtp_server.received if r.rcpt_tos == ["bob@kestrel.example"]]
        assert len(sent) == 1 and b"KS-7001" in sent[0].data

        page.goto(f"{base}/orders")
        page.screenshot(path=str(shots / "orders.png"), full_page=True)
        page.click("text=KS-7001")
        rows = page.locator("table.timeline tr").all_inner_texts()[1:]
        po = next(i for i, row in enumerate(rows) if "PO KS-7001" in row and "\tin\t" in f"\t{row}\t")
        packing = next(i for i, row in enumerate(rows) if "Packing list PO KS-7001" in row)
        assert po < packing and "\tout\t" in f"\t{rows[packing]}\t"
        assert re.search(r"number KS-?7001", rows[packing], re.IGNORECASE) or "KS-7001" in rows[packing]
        page.screenshot(path=str(shots / "order.png"), full_page=True)

        page.goto(f"{base}/search?q=样品")
        assert page.locator("mark").first.inner_text() == "样品"
        assert "寄样 NW-SL45-P200" in page.content()
        page.screenshot(path=str(shots / "search.png"), full_page=True)

        hostile = store.message_by_ref(desk.hostile_message_id)
        page.goto(f"{base}/messages/{hostile.id}")
        page.wait_for_load_state("networkidle")
        assert '<script>alert("x")</script>' in page.inner_text("h1")  # shown as text
        frame = page.frame_locator("iframe.mailhtml")
        assert frame.locator("p").inner_text() == "About PO KS-7001"
        page.screenshot(path=str(shots / "message.png"), full_page=True)
        page.goto(f"{base}/orders/KS-7001")
        page.goto(f"{base}/outbox")
        page.screenshot(path=str(shots / "outbox.png"), full_page=True)
        assert dialogs == []  # no payload ran, on any page
        log_out(page, base)
    assert sorted(p.name for p in shots.iterdir()) == ["message.png", "order.png", "orders.png", "outbox.png",
                                                         "plan-lily-zh.png", "plan.png", "reply.png", "search.png"]


def test_payment_and_a_milestone_done_then_undone_in_chromium(tmp_path: Path, sqlite_url: str, page: Any) -> None:
    """Accounts records a payment through the order page's form; a merchandiser marks the P/I
    sent, confirming it on the second step with a note, sees the note on the milestone, and
    opens it again. A screenshot of the order page after each step."""
    from tests.webdesk import cli

    desk = build(tmp_path, sqlite_url)
    cli(desk.config, "user", "add", "Zhou Min", "--role", "accounts", "--password-stdin",
        stdin="accounts-password-1\n")
    shots = tmp_path / "screenshots"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with served(desk.config) as (base, store):
        order = store.find_order("KS-7001")
        page.goto(base + "/login")
        page.fill("input[name=username]", "Zhou Min")
        page.fill("input[name=password]", "accounts-password-1")
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        page.goto(base + "/orders/KS-7001")
        form = page.locator("#payment-form")
        form.locator("input[name=amount]").fill("4,800.00")
        form.locator("select[name=currency]").select_option("USD")
        form.locator("input[name=date]").fill("2026-03-10")
        form.locator("input[name=reference]").fill("TT-778")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/orders/KS-7001$"))
        assert "Payment recorded." in page.content() and "TT-778" in page.content()
        assert [(p.amount, p.reference, p.recorded_by) for p in store.payments(order.id)] == \
            [("4800.00", "TT-778", "Zhou Min")]
        assert "done" in (page.get_attribute("#milestone-deposit", "class") or "")
        page.screenshot(path=str(shots / "1-order-after-payment.png"), full_page=True)
        log_out(page, base)

        log_in(page, base, "Lily Chen")
        page.goto(base + "/orders/KS-7001")
        assert page.locator("#payment-form").count() == 0  # a payment is accounts' or a manager's to record
        row = page.locator("#milestone-pi_sent")
        row.locator("input[name=note]").fill("sent from the ERP")
        row.locator("button[type=submit]").click()
        page.wait_for_selector("#confirm-form")
        asked = {m["key"]: m for m in store.order_summary(order.id)["follow_up"]["milestones"]}
        assert asked["pi_sent"]["state"] != "done"  # asked first, nothing recorded yet
        page.screenshot(path=str(shots / "2-confirm.png"), full_page=True)
        page.check("input[name=confirm]")
        page.click("#confirm-done")
        page.wait_for_url(re.compile(r"/orders/KS-7001$"))
        assert "sent from the ERP" in page.inner_text("#milestone-pi_sent")
        assert "done" in (page.get_attribute("#milestone-pi_sent", "class") or "")
        page.screenshot(path=str(shots / "3-order-after-done.png"), full_page=True)

        page.locator("#milestone-pi_sent button[type=submit]").click()  # 重新打开: open it again
        page.wait_for_url(re.compile(r"/orders/KS-7001$"))
        assert "done" not in (page.get_attribute("#milestone-pi_sent", "class") or "")
        steps = {m["key"]: m for m in store.order_summary(order.id)["follow_up"]["milestones"]}
        assert steps["pi_sent"]["state"] != "done" and steps["deposit"]["state"] == "done"
        page.screenshot(path=str(shots / "4-order-after-undo.png"), full_page=True)
        assert dialogs == []
        log_out(page, base)
def test_a_chinese_file_name_and_the_language_switch_in_chromium(tmp_path: Path, sqlite_url: str,
                                                                 page: Any) -> None:
    """What only a browser shows: the name it saves a Chinese attachment under (RFC 5987's
    filename*), and that switching the language on a page an action answered lands on a page."""
    desk = with_odd_mail(tmp_path, sqlite_url)
    with served(desk.config) as (base, store):
        log_in(page, base, "Wang Fang")
        odd = store.message_by_ref("odd@kestrel.example")
        page.goto(f"{base}/messages/{odd.id}")
        with page.expect_download() as downloading:
            page.click("text=装箱单.pdf")
        assert downloading.value.suggested_filename == "装箱单.pdf"

        confirmation = next(r for r in store.outbox() if r.template == "order_confirmation")
        page.goto(f"{base}/outbox/{confirmation.id}")
        page.click("details summary")
        page.fill("textarea[name=text]", "Dear Bob,\n\nWe confirm PO KS-7001.\n")
        page.click("form[action$='/edit'] button[type=submit]")
        page.wait_for_url(f"{base}/outbox/{confirmation.id}/edit")  # the edit's answer, reached by a POST
        page.select_option("select[name=language]", "zh")
        with page.expect_navigation() as landing:
            page.click("header form[action='/preferences'] button[type=submit]")
        assert landing.value is not None and landing.value.status == 200 and page.url == base + "/"
        assert "跟单计划" in page.content()

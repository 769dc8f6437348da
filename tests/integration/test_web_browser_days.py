"""The merchandiser's day and the manager's day in Debian's Chromium, in English and in Chinese:
from the keyboard's skip link, through the plan (the manager's approvals apart from hers), the
outbox by waiting time, a reply beside its order and the PO's pages previewed, the labelled
search filters, a date set on the order; then the manager approves the confirmation from its
page, closes the complaint from the plan and reads the rules as a list. A screenshot of each
page is kept in the test's temporary folder."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.mails import mail
from tests.webdesk import BOB, PASSWORDS, build, cli, served

pytest.importorskip("playwright")
pytest.importorskip("tests.pdfs")
pytestmark = [pytest.mark.integration, pytest.mark.browser]

SAID = {"en": {"approved": "Approved: it goes with the next send.", "case_closed": "Case closed.",
               "date_set": "Date set.", "manager": "Waiting for the manager"},
        "zh": {"approved": "已批准，将随下一次发送发出。", "case_closed": "投诉已结案。", "date_set": "日期已设定。",
               "manager": "等待经理审批"}}


def start_the_day(page: Any, base: str, name: str, language: str) -> None:
    """Logged in (the fields found by their labels, sent with Enter), in `language`, on the
    plan, whose first Tab reaches the skip link."""
    page.goto(base + "/login")
    page.get_by_label(re.compile("^(Name|用户名)$")).fill(name)
    page.get_by_label(re.compile("^(Password|密码)$")).fill(PASSWORDS[name])
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip"
    page.select_option("#pref-language", language)
    with page.expect_navigation():
        page.click("header form[action='/preferences'] button[type=submit]")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_merchandisers_and_the_managers_day(tmp_path: Path, sqlite_url: str, page: Any, language: str) -> None:
    desk = build(tmp_path, sqlite_url)
    (desk.config.parent / "inbox" / "05.eml").write_bytes(mail(
        "Damaged rolls in our last delivery", "We have to file a claim: 12 rolls arrived torn and wet.",
        sender=BOB, message_id="claim@kestrel.example", date=dt.datetime(2026, 3, 8, 9, tzinfo=dt.UTC)))
    cli(desk.config, "run", "--once")
    shots = tmp_path / "screenshots"
    said = SAID[language]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with served(desk.config) as (base, store):
        confirmation = next(r for r in store.outbox() if r.template == "order_confirmation")
        po = store.message_by_ref(desk.po_message_id)

        start_the_day(page, base, "Lily Chen", language)
        page.screenshot(path=str(shots / f"1-her-plan-{language}.png"), full_page=True)
        theirs = page.locator("#section-waiting_for_manager")
        assert said["manager"] in theirs.inner_text() and theirs.locator("button").count() == 0
        assert page.locator(f"#section-waiting_for_approval a[href='/outbox/{confirmation.id}']").count() == 0
        assert int(page.inner_text("#count-outbox")) == 3

        page.click("#count-outbox")
        page.wait_for_url(base + "/outbox")
        page.screenshot(path=str(shots / f"2-outbox-{language}.png"), full_page=True)
        page.click(f"a[href='/outbox/{confirmation.id}']")
        assert page.locator("#approve").count() == 0  # the manager's to release
        assert page.inner_text("#reply-order") == "KS-7001"
        page.screenshot(path=str(shots / f"3-reply-{language}.png"), full_page=True)
        page.locator("#order-documents a[href$='/preview']").first.click()
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.querySelector('figure.preview img').naturalWidth")
        assert width > 500  # the PO's first page, rendered on the server
        page.screenshot(path=str(shots / f"4-preview-{language}.png"), full_page=True)

        page.goto(base + "/search")
        page.get_by_label(re.compile("^(Words or numbers|关键词或单号)$")).fill("KS-7001")
        page.select_option("#f-category", "order")
        page.select_option("#f-direction", "in")
        page.click("form.filters button[type=submit]")
        page.wait_for_selector("ol.hits li")
        assert page.locator("ol.hits li").count() == 1 and page.locator(f"a[href='/messages/{po.id}']").count() == 1
        page.screenshot(path=str(shots / f"5-search-{language}.png"), full_page=True)

        page.goto(base + "/orders/KS-7001")
        page.select_option("#date-anchor", "etd")
        page.fill("#date-day", "2026-04-20")
        page.click("#date-form button[type=submit]")
        page.wait_for_url(base + "/orders/KS-7001")
        assert said["date_set"] in page.inner_text("#said")
        page.screenshot(path=str(shots / f"6-order-{language}.png"), full_page=True)
        page.click("#logout")
        page.wait_for_url(base + "/login")

        start_the_day(page, base, "Wang Fang", language)
        mine = page.locator("#section-waiting_for_approval")
        assert mine.locator(f"a[href='/outbox/{confirmation.id}']").count() == 1
        assert page.locator("#section-waiting_for_manager").count() == 0
        page.screenshot(path=str(shots / f"7-his-plan-{language}.png"), full_page=True)
        mine.locator(f"a[href='/outbox/{confirmation.id}']").click()
        page.click("#approve")
        assert said["approved"] in page.inner_text("#said") and store.reply(confirmation.id).state == "queued"

        page.goto(base + "/")
        complaint = page.locator("#section-open_complaints form")
        complaint.get_by_label(re.compile("^(Note|备注)$")).fill("credit note agreed")
        complaint.locator("button[type=submit]").click()
        page.wait_for_url(base + "/")
        assert said["case_closed"] in page.inner_text("#said") and page.locator("#section-open_complaints form").count() == 0
        page.goto(base + "/rules")
        page.locator("details.rulefile summary").first.click()
        assert page.locator("#rule-list tr").count() > 20
        page.screenshot(path=str(shots / f"8-rules-{language}.png"))
        assert dialogs == []

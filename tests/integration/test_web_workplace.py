"""The desk as a workplace, over HTTP: a reply beside its order, the mail it answers and the
order's documents with their pages previewed; the outbox by waiting time; the plan with owners;
labelled search filters; headers under the body; the rules as a list with counts; counts in the
navigation; a skip link and labelled fields; money and times as the reader reads them."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.integration.test_web_http import ORIGIN, client_for, held_confirmation, log_in
from tests.mails import mail
from tests.webdesk import BOB, build, cli

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration


def test_a_reply_beside_its_order_and_documents_previewed(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        log_in(client, "Wang Fang")
        reply = held_confirmation(store)
        po = store.message_by_ref(desk.po_message_id)
        page = client.get(f"/outbox/{reply.id}").text
        assert 'id="reply-order">KS-7001</a>' in page and f'href="/messages/{po.id}" id="reply-answers"' in page
        documents = page[page.index('id="order-documents"'):]
        [po_file] = store.attachments_of(po.id)
        assert "PO_KS-7001.pdf" in documents and f'href="/attachments/{po_file.id}/preview"' in documents

        shown = client.get(f"/attachments/{po_file.id}/preview")
        assert shown.status_code == 200 and f'href="/messages/{po.id}"' in shown.text
        [png] = re.findall(r'src="(/previews/[0-9a-f]{64}/1\.png)"', shown.text)  # the PO has one page
        image = client.get(png)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG") and len(image.content) > 5_000
        cached = next((tmp_path / "desk" / "var" / "previews").rglob("*-1.png"))
        assert cached.read_bytes() == image.content  # rendered once, kept by the file's sha256
        assert client.get(f"/attachments/{po_file.id}/preview").text.count("/1.png") == 1

        # a PDF that is no PDF inside says so; a preview never rendered, or a made-up name, is no page
        broken = next(a for a in store.attachments_of(store.message_by_ref("pl@acme.example").id))
        assert 'id="no-preview"' in client.get(f"/attachments/{broken.id}/preview").text
        assert client.get(f"/previews/{'0' * 64}/1.png").status_code == 404
        assert client.get("/previews/..%2F..%2Fmailflow.yaml/1.png").status_code == 404
        message = client.get(f"/messages/{po.id}").text
        assert f'href="/attachments/{po_file.id}/preview"' in message  # the same preview on a message

        # an image is shown as itself when its bytes are PNG; an SVG (it can hold script) stays a download
        (desk.config.parent / "inbox" / "06.eml").write_bytes(mail(
            "Photos of the rolls KS-7001", "As discussed.", sender=BOB, message_id="photo@kestrel.example",
            attachments=[("roll.png", image.content, "image/png"),
                         ("roll.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                          "image/svg+xml")]))
        cli(desk.config, "run", "--once")
        png, svg = store.attachments_of(store.message_by_ref("photo@kestrel.example").id)
        assert 'id="preview-image"' in client.get(f"/attachments/{png.id}/preview").text
        shown = client.get(f"/attachments/{png.id}?view=1")
        assert shown.headers["content-type"] == "image/png" and shown.headers["content-disposition"].startswith("inline")
        assert 'id="no-preview"' in client.get(f"/attachments/{svg.id}/preview").text
        kept = client.get(f"/attachments/{svg.id}?view=1")
        assert kept.headers["content-type"] == "application/octet-stream"
        assert kept.headers["content-disposition"].startswith("attachment")
    finally:
        store.close()


def test_the_pages_to_work_from_on_both_databases(tmp_path: Path, database_url: str) -> None:
    from sqlalchemy import select, update

    from mailflow import clock
    from mailflow.store.db import MilestoneRow, OutboxRow

    desk = build(tmp_path, database_url)
    (desk.config.parent / "inbox" / "05.eml").write_bytes(mail(  # a complaint of no order: a case
        "Damaged rolls in our last delivery", "We have to file a claim: 12 rolls arrived torn and wet.",
        sender=BOB, message_id="claim@kestrel.example", date=dt.datetime(2026, 3, 8, 9, tzinfo=dt.UTC)))
    cli(desk.config, "run", "--once")
    with desk.config.open("a", encoding="utf-8") as config:  # the desk's zone for those who chose none
        config.write("web: {timezone: Asia/Shanghai}\n")
    client, store = client_for(desk.config)
    try:
        confirmation = held_confirmation(store)
        po = store.message_by_ref(desk.po_message_id)
        sample = next(r for r in store.outbox() if r.template == "sample_ack")
        with store.sessions() as session, session.begin():  # written 3 hours and 3 days before "now", the rest at it
            session.execute(update(OutboxRow).values(created_at=dt.datetime(2026, 3, 10, 12, 30, tzinfo=dt.UTC)))
            for row_id, at in ((confirmation.id, dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)),
                               (sample.id, dt.datetime(2026, 3, 7, 11, tzinfo=dt.UTC))):
                session.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(created_at=at))
            session.execute(update(MilestoneRow).values(due=dt.date(2026, 3, 20)))  # one due "today", below
            first = session.scalars(select(MilestoneRow.id).order_by(MilestoneRow.id)).first()
            session.execute(update(MilestoneRow).where(MilestoneRow.id == first).values(due=dt.date(2026, 3, 10)))
        with clock.frozen(dt.datetime(2026, 3, 10, 12, 30, tzinfo=dt.UTC)):
            log_in(client, "Wang Fang")
            outbox = client.get("/outbox").text
            rows = re.findall(r'<tr class="\w+" id="reply-(\d+)">(.*?)</tr>', outbox)
            assert [int(r) for r, _ in rows][:2] == [sample.id, confirmation.id]  # the longest waiting first
            assert "waiting 3 d" in rows[0][1] and "waiting 3 h" in rows[1][1]
            assert '<a href="/orders/KS-7001">KS-7001</a>' in rows[1][1]
            plan = sections(client.get("/").text)
            assert f'href="/outbox/{confirmation.id}"' in plan["waiting_for_approval"]  # the manager's own
            waiting = len(rows)  # held and queued replies, counted in the navigation, as is what is due today
            assert f'id="count-outbox" title="Replies waiting for a person">{waiting}</span>' in plan["all"]
            assert 'id="count-due" title="Due today">1</span>' in plan["all"] and 'id="count-quarantine"' not in plan["all"]
            assert "waiting_for_manager" not in plan
            assert plan["open_complaints"].count("Damaged rolls") == 1 and "Damaged rolls" not in plan["unfiled"]

            found = client.get("/search?q=KS-7001&category=order&direction=in&since=2026-03-01&until=2026-03-31").text
            for field in ("q", "f-order", "f-buyer", "f-from", "f-category", "f-direction", "f-since", "f-until"):
                assert f'<label for="{field}">' in found and f'id="{field}"' in found, field  # each one labelled
            assert '<option value="order" selected>order</option>' in found
            assert '<option value="complaint">complaint</option>' in found  # the rules' categories to choose
            assert '<option value="in" selected>' in found and 'value="2026-03-31"' in found
            hits = re.findall(r'<li><a href="/messages/(\d+)"', found)
            assert [int(h) for h in hits] == [po.id]  # only the buyer's order mail: ours (out) left out

            message = client.get(f"/messages/{po.id}").text  # the text first, the headers folded under it
            assert message.index('<pre class="mail data">') < message.index('<details id="headers">')
            assert "Message-ID" in message[message.index('<details id="headers">'):]
            assert "bob@kestrel.example" in message[:message.index('<pre class="mail data">')]

            rules = client.get("/rules").text  # a list with counts, the YAML folded beneath
            row = re.search(r'<tr id="rule-purchase-order">(.*?)</tr>', rules, re.DOTALL)
            assert row is not None and "held for the manager" in row.group(1)
            assert '<td class="count">1</td>' in row.group(1)  # the PO, from the database
            assert "subject" in row.group(1) and "reply: order_confirmation" in row.group(1)
            assert rules.index('id="rule-list"') < rules.index('<details class="rulefile">')

            for path in ("/", "/orders", "/orders/KS-7001", f"/messages/{po.id}", f"/outbox/{confirmation.id}",
                         "/search?q=KS-7001", "/rules", "/quarantine"):
                fields = Fields()
                fields.feed(client.get(path).text)
                assert fields.focusable[0] == ("a", "#main"), path  # the skip link comes first
                assert fields.ids and not fields.unlabelled(), (path, fields.unlabelled())

            assert "Times in Asia/Shanghai, UTC+08:00" in message and "2026-03-02 17:00" in message  # 09:00 UTC
            order = client.get("/orders/KS-7001").text  # money as one function writes it
            assert "USD 16,000.00" in order and "USD 2.00" in order and "16000.00" not in order

            log_in(client, "Lily Chen")
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
            client.post("/preferences", data={"csrf_token": token, "language": "zh", "timezone": "America/New_York",
                                              "back": "/"}, headers=ORIGIN)
            message = client.get(f"/messages/{po.id}").text  # her own zone over the desk's (summer time by the 10th)
            assert "时间按 America/New_York, UTC-04:00" in message and "2026-03-02 04:00" in message
            assert "等待 3 小时" in client.get("/outbox").text
            assert '<a href="#main" class="skip" id="skip">跳到正文</a>' in client.get("/").text
            plan = sections(client.get("/").text)  # the confirmation is the manager's: listed apart, as theirs
            assert f'href="/outbox/{confirmation.id}"' not in plan["waiting_for_approval"]
            assert f'href="/outbox/{confirmation.id}"' in plan["waiting_for_manager"]
            assert '<td class="owner">经理</td>' in plan["waiting_for_manager"]
    finally:
        store.close()


class Fields(HTMLParser):
    """A page's form fields (ids, and those a person fills in) and labels, and its focusable
    elements in order."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.filled: list[str] = []  # fields a person fills in, by id ("" : none)
        self.labelled: set[str] = set()
        self.focusable: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label" and found.get("for"):
            self.labelled.add(found["for"] or "")
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.filled.append(found.get("id") or "")
            self.ids.append(found.get("id") or "")
        if tag in ("a", "button", "input", "select", "textarea") and found.get("type") != "hidden":
            self.focusable.append((tag, found.get("href") or ""))

    def unlabelled(self) -> list[str]:
        return [f or "(no id)" for f in self.filled if f not in self.labelled]


def sections(html: str) -> dict[str, str]:
    """The plan page's sections by their key, each its HTML; the whole page under "all"."""
    found = dict(re.findall(r'<section class="\w+" id="section-(\w+)">(.*?)</section>', html, re.DOTALL))
    return {**found, "all": html}

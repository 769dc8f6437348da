"""The web desk over HTTP (Starlette's test client, the real app and database): logins, sessions,
CSRF and Origin, who may do what, and the headers that keep mail's content inert."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from tests.webdesk import PASSWORDS, build, with_odd_mail

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration
ORIGIN = {"Origin": "http://testserver"}


def client_for(config: Path) -> tuple[Any, Any]:
    from starlette.testclient import TestClient

    from mailflow.config import load_config
    from mailflow.follow import follower_from
    from mailflow.store import Store
    from mailflow.web.app import create_app

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root, follower=follower_from(loaded))
    return TestClient(create_app(loaded, store)), store


def post_login(client: Any, name: str, password: str | None = None, after: str = "") -> Any:
    """The login form filled in and sent (asking to return to `after`); its answer."""
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    return client.post("/login", data={"username": name, "password": password or PASSWORDS[name],
                                       "csrf_token": csrf.group(1), "next": after},
                       headers=ORIGIN, follow_redirects=False)


def log_in(client: Any, name: str, password: str | None = None) -> str:
    answer = post_login(client, name, password)
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return token.group(1)


def held_confirmation(store: Any) -> Any:
    return next(r for r in store.outbox() if r.template == "order_confirmation")


def test_permissions_csrf_and_origin_on_both_databases(tmp_path: Path, database_url: str) -> None:
    desk = build(tmp_path, database_url)
    client, store = client_for(desk.config)
    try:
        for path in ("/", "/orders", "/orders/KS-7001", "/outbox", "/search?q=x", "/quarantine", "/rules"):
            answer = client.get(path, follow_redirects=False)
            wanted = "/login" if path == "/" else f"/login?next={quote(path, safe='')}"
            assert answer.status_code == 303 and answer.headers["location"] == wanted, path  # back after login
        assert client.get("/healthz").text == "ok" and client.get("/readyz").text == "ready"

        reply = held_confirmation(store)
        assert reply.state == "held"
        csrf = log_in(client, "Lily Chen")
        refused = client.post(f"/outbox/{reply.id}/approve", data={"csrf_token": csrf}, headers=ORIGIN)
        assert refused.status_code == 403  # a merchandiser does not release an order confirmation
        assert store.reply(reply.id).state == "held"
        refused = client.post("/orders/KS-7001/approve", data={"csrf_token": csrf}, headers=ORIGIN)
        assert refused.status_code == 403
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)
        assert client.get("/", follow_redirects=False).status_code == 303

        csrf = log_in(client, "Wang Fang")
        for data, headers in (({}, ORIGIN),  # no token
                              ({"csrf_token": "forged"}, ORIGIN),  # a wrong one
                              ({"csrf_token": csrf}, {"Origin": "https://evil.example"}),  # another site
                              ({"csrf_token": csrf}, {})):  # no Origin at all
            answer = client.post(f"/outbox/{reply.id}/approve", data=data, headers=headers)
            assert answer.status_code == 403, (data, headers)
            assert store.reply(reply.id).state == "held"
        answer = client.post(f"/outbox/{reply.id}/approve", headers={**ORIGIN, "X-CSRF-Token": csrf})
        assert answer.status_code == 200 and store.reply(reply.id).state == "queued"  # htmx's header works too
        assert store.reply(reply.id).decided_by == "Wang Fang"
    finally:
        store.close()


def test_sessions_cookies_and_login_limits(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        form = client.get("/login")
        assert 'name="username"' in form.text and 'name="password"' in form.text and 'name="csrf_token"' in form.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        missing = client.post("/login", data={"username": "Wang Fang", "password": PASSWORDS["Wang Fang"]},
                              headers=ORIGIN)
        assert missing.status_code == 403  # the login form's own token is needed too
        answer = client.post("/login", data={"username": "Wang Fang", "password": PASSWORDS["Wang Fang"],
                                             "csrf_token": csrf}, headers=ORIGIN, follow_redirects=False)
        cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("mailflow_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        token = cookie.split(";")[0].split("=", 1)[1]
        from sqlalchemy import select

        from mailflow.store.db import WebSession
        with store.sessions() as session:
            stored = session.scalars(select(WebSession.token_hash)).all()
        assert stored and token not in stored  # only a keyed hash of it is kept
        page = client.get("/")
        assert page.status_code == 200
        for header, wanted in (("content-security-policy", "script-src 'self'"), ("x-frame-options", "DENY"),
                               ("x-content-type-options", "nosniff")):
            assert wanted in page.headers[header]
        assert "unsafe-inline" not in page.headers["content-security-policy"].split("style-src")[0]

        from tests.webdesk import cli
        assert "Lily Chen" in cli(desk.config, "user", "list")
        cli(desk.config, "user", "disable", "Wang Fang")  # a disabled user's sessions end at once
        assert client.get("/", follow_redirects=False).status_code == 303
        cli(desk.config, "user", "passwd", "Wang Fang", "--password-stdin", stdin="a-new-password-2\n")
        from mailflow.store.db import UserRow
        with store.sessions() as session:
            session.execute(UserRow.__table__.update().values(disabled=False))
            session.commit()
        log_in(client, "Wang Fang", "a-new-password-2")
        web = client.app.state.web  # an idle session ends
        web.limits = type(web.limits)(idle=dt.timedelta(seconds=0))
        assert client.get("/", follow_redirects=False).status_code == 303
        web.limits = type(web.limits)()

        fresh, _ = client_for(desk.config)
        for _ in range(5):
            form = fresh.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            wrong = fresh.post("/login", data={"username": "Lily Chen", "password": "not her password",
                                               "csrf_token": csrf}, headers=ORIGIN)
            assert wrong.status_code == 401 and "wrong name or password" in wrong.text
        right = fresh.post("/login", data={"username": "Lily Chen", "password": PASSWORDS["Lily Chen"],
                                           "csrf_token": csrf}, headers=ORIGIN)
        assert right.status_code == 401 and "too many failed logins" in right.text
    finally:
        store.close()


def test_mail_content_is_served_inert(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        log_in(client, "Wang Fang")
        hostile = store.message_by_ref(desk.hostile_message_id)
        page = client.get(f"/messages/{hostile.id}")
        assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
        html = client.get(f"/messages/{hostile.id}/html")
        policy = html.headers["content-security-policy"]
        assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
        assert f'<iframe sandbox src="/messages/{hostile.id}/html"' in page.text
        [attachment] = re.findall(r'href="/attachments/(\d+)"', page.text)
        download = client.get(f"/attachments/{attachment}")
        assert download.headers["content-disposition"].startswith("attachment;")
        assert "<" not in download.headers["content-disposition"]
        assert download.headers["content-type"] == "application/octet-stream"
        assert download.headers["x-content-type-options"] == "nosniff"
        raw = client.get(f"/messages/{hostile.id}/raw")
        assert raw.headers["content-disposition"].startswith("attachment;") and raw.content.startswith(b"From:")
        assert client.get("/messages/999999").status_code == 404
        assert client.get("/orders/..%2F..%2Fetc").status_code == 404
    finally:
        store.close()


def test_actions_from_the_pages(tmp_path: Path, sqlite_url: str) -> None:
    """Edit with a diff, reject with a reason, a milestone done, a refile, the bundle, the rules'
    preview, the language and time zone, quarantine retry: each through its form."""
    import zipfile

    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        csrf = log_in(client, "Wang Fang")
        reply = held_confirmation(store)
        edited = client.post(f"/outbox/{reply.id}/edit", headers=ORIGIN,
                             data={"csrf_token": csrf, "text": "Dear Bob,\n\nWe confirm PO KS-7001 as ordered.\n"})
        assert edited.status_code == 200 and "+We confirm PO KS-7001 as ordered." in edited.text
        assert "We confirm PO KS-7001 as ordered." in client.get(f"/outbox/{reply.id}").text
        blank = client.post(f"/outbox/{reply.id}/reject", headers=ORIGIN, data={"csrf_token": csrf, "reason": " "})
        assert blank.status_code == 403 and "a rejection says why" in blank.text  # as on the command line
        client.post(f"/outbox/{reply.id}/reject", headers=ORIGIN,
                    data={"csrf_token": csrf, "reason": "price to be agreed first"})
        rejected = store.reply(reply.id)
        assert rejected.state == "rejected" and rejected.decided_by == "Wang Fang"

        done = client.post("/orders/KS-7001/milestones/pi_sent/done", headers=ORIGIN,
                           data={"csrf_token": csrf, "note": "sent by hand from the ERP", "confirm": "yes"})
        assert done.status_code == 200 and "Milestone done." in done.text
        steps = {m["key"]: m for m in store.order_summary(store.find_order("KS-7001").id)["follow_up"]["milestones"]}
        assert steps["pi_sent"]["by"] == "Wang Fang" and steps["pi_sent"]["how"] == "hand"
        blocked = client.post("/orders/KS-7001/milestones/production/done", headers=ORIGIN,
                              data={"csrf_token": csrf, "confirm": "yes"})
        assert "cannot be done before" in blocked.text

        sample = store.message_by_ref("sample@kestrel.example")
        moved = client.post(f"/messages/{sample.id}/refile", headers=ORIGIN,
                            data={"csrf_token": csrf, "order": "KS-7001"})
        assert moved.status_code == 200 and store.message_by_ref("sample@kestrel.example").order_id is not None

        bundle = client.get("/orders/KS-7001/export")
        assert bundle.headers["content-type"] == "application/zip"
        (tmp_path / "bundle.zip").write_bytes(bundle.content)
        with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
            assert "manifest.json" in archive.namelist() and "timeline.html" in archive.namelist()

        listed = client.get("/orders?buyer=kestrel")
        assert 'href="/orders/KS-7001"' in listed.text
        assert 'href="/orders/KS-7001"' not in client.get("/orders?status=cancelled").text

        preview = client.get("/rules?preview=1")
        assert preview.status_code == 200 and "Categories" in preview.text and "40-order.yaml" in preview.text

        client.post("/preferences", headers=ORIGIN, data={"csrf_token": csrf, "language": "zh",
                                                         "timezone": "Asia/Shanghai", "back": "/orders"})
        page = client.get(f"/messages/{sample.id}")
        assert "下载原始邮件" in page.text and "2026-03-01 17:00" in page.text  # 09:00 UTC in Shanghai
        bad = client.post("/preferences", headers=ORIGIN, data={"csrf_token": csrf, "timezone": "Mars/Olympus"})
        assert "无法识别的时区" in bad.text  # said in the reader's language

        retried = client.post("/quarantine/retry", headers=ORIGIN, data={"csrf_token": csrf})
        assert retried.status_code == 200
    finally:
        store.close()


def test_a_page_waiting_on_its_data_does_not_stop_the_desk(tmp_path: Path, sqlite_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Handlers run off the event loop: while /orders waits for its data (held on an Event),
    /healthz and another page answer on the real server; the held page completes once released."""
    import threading

    import httpx

    from mailflow import views
    from tests.webdesk import served

    desk = build(tmp_path, sqlite_url)
    entered, release = threading.Event(), threading.Event()
    order_page = views.order_page

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(timeout=60)
        return order_page(*args, **kwargs)

    monkeypatch.setattr(views, "order_page", held)
    answers: dict[str, Any] = {}
    with served(desk.config) as (base, _), httpx.Client(base_url=base, timeout=10) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": "Wang Fang", "password": PASSWORDS["Wang Fang"], "csrf_token": csrf},
                    headers={"Origin": base})
        slow = httpx.Client(base_url=base, cookies=client.cookies, timeout=60)
        waiting = threading.Thread(target=lambda: answers.setdefault("orders", slow.get("/orders")))
        waiting.start()
        try:
            assert entered.wait(timeout=30), "/orders never asked for its data"
            assert client.get("/healthz").text == "ok"  # a blocked loop would time out here
            outbox = client.get("/outbox").text
            assert "order_confirmation" in outbox and "bob@kestrel.example" in outbox
            assert "orders" not in answers  # still waiting for its data
        finally:
            release.set()
            waiting.join(timeout=60)
            slow.close()
    assert answers["orders"].status_code == 200 and 'href="/orders/KS-7001"' in answers["orders"].text


def test_ids_too_big_unknown_charsets_and_missing_files(tmp_path: Path, database_url: str) -> None:
    """No 500s: an id beyond the database's integers (2^31 on PostgreSQL) is no page; an HTML part under a charset no
    codec knows is shown as UTF-8 and the page says so; a mail whose file is not in this archive
    is a page saying so in the reader's language; a Chinese file name downloads as itself."""
    desk = with_odd_mail(tmp_path, database_url)
    client, store = client_for(desk.config)
    try:
        csrf = log_in(client, "Lily Chen")
        odd = store.message_by_ref("odd@kestrel.example")
        for big in (2 ** 31, 2 ** 63, 2 ** 64, 10 ** 40):
            for path in (f"/messages/{big}", f"/messages/{big}/html", f"/messages/{big}/raw", f"/attachments/{big}",
                         f"/outbox/{big}", f"/outbox/1/attachments/{big}"):
                assert client.get(path).status_code == 404, path
            answer = client.post(f"/outbox/{big}/approve", data={"csrf_token": csrf}, headers=ORIGIN)
            assert answer.status_code == 404
        assert client.get("/messages/999999999").status_code == 404  # the largest id taken: looked for, not there

        shown = client.get(f"/messages/{odd.id}")
        assert shown.status_code == 200 and "x-no-such-charset" in shown.text and "UTF-8" in shown.text
        frame = client.get(f"/messages/{odd.id}/html")
        assert frame.status_code == 200 and "Carton marks: café" in frame.text

        [attachment] = re.findall(r'href="/attachments/(\d+)"', shown.text)
        download = client.get(f"/attachments/{attachment}")
        given = download.headers["content-disposition"]
        extended = re.search(r"filename\*=UTF-8''([^;\s]+)", given)  # what a browser takes first (RFC 6266)
        assert extended is not None and unquote(extended.group(1)) == "装箱单.pdf", given
        assert given.startswith('attachment; filename="') and given.isascii()  # and a plain one for old clients

        (store.archive.root / odd.path).unlink()
        for path in (f"/messages/{odd.id}", f"/messages/{odd.id}/html", f"/messages/{odd.id}/raw"):
            gone = client.get(path)
            assert gone.status_code == 404 and f"归档中找不到文件 {odd.path}" in gone.text, path
        file = store.attachment_row(int(attachment))
        (store.archive.root / file.path).unlink()
        gone = client.get(f"/attachments/{attachment}")
        assert gone.status_code == 404 and f"归档中找不到文件 {file.path}" in gone.text
        from sqlalchemy import insert, select

        from mailflow.store.db import QuarantineRow

        lost = "quarantine/2026-03/00000000.eml"  # a quarantined mail whose file is not in this archive
        with store.engine.begin() as connection:
            connection.execute(insert(QuarantineRow).values(sha256="0" * 64, path=lost, reason="cannot be parsed",
                                                            origin="file", size=10))
            quarantined = connection.scalar(select(QuarantineRow.id).where(QuarantineRow.path == lost))
        for path in (f"/quarantine/{quarantined}", f"/quarantine/{quarantined}/raw"):
            gone = client.get(path)
            assert gone.status_code == 404 and f"归档中找不到文件 {lost}" in gone.text, path
    finally:
        store.close()


def test_messages_come_from_the_session_and_login_returns_to_the_page(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        planted = "Your account is locked: call +1 555 0100"
        for path in (f"/login?error={planted}", f"/login?said={planted}"):
            assert planted not in client.get(path).text
        csrf = log_in(client, "Wang Fang")
        assert planted not in client.get(f"/?error={planted}&said={planted}").text

        answer = client.post("/preferences", headers=ORIGIN, data={"csrf_token": csrf, "timezone": "Mars/Olympus"},
                             follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/"  # nothing in the URL
        assert "unknown time zone" in client.get("/").text  # left in the session for the next page
        assert "unknown time zone" not in client.get("/").text  # and shown once
        client.post("/logout", data={"csrf_token": csrf}, headers=ORIGIN)

        asked = client.get("/orders/KS-7001?tab=2", follow_redirects=False)
        assert asked.headers["location"] == "/login?next=%2Forders%2FKS-7001%3Ftab%3D2"
        form = client.get(asked.headers["location"])
        assert 'name="next" value="/orders/KS-7001?tab=2"' in form.text

        def logged_in_to(wanted: str) -> str:
            answer = post_login(client_for(desk.config)[0], "Wang Fang", after=wanted)
            assert answer.status_code == 303
            return str(answer.headers["location"])

        assert logged_in_to("/orders/KS-7001?tab=2") == "/orders/KS-7001?tab=2"
        for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/\\/evil.example",
                          "javascript:alert(1)", "/logout", "/orders\r\nSet-Cookie: x=1", ""):
            assert logged_in_to(elsewhere) == "/", elsewhere
    finally:
        store.close()


def test_language_switch_stale_forms_highlights_and_reasons(tmp_path: Path, sqlite_url: str) -> None:
    """The language switch from a page an action showed lands on a GET page; a stale form is a
    page in the reader's language with the typed text and a way back; brackets of the mail's
    own are not search hits; a long reason on the plan is cut between words."""
    from mailflow.store.db import OutboxRow

    desk = with_odd_mail(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    try:
        csrf = log_in(client, "Wang Fang")
        reply = held_confirmation(store)
        edited = client.post(f"/outbox/{reply.id}/edit", headers=ORIGIN,
                             data={"csrf_token": csrf, "text": "Dear Bob,\n\nWe confirm PO KS-7001.\n"})
        assert f'name="back" value="/outbox/{reply.id}/edit"' in edited.text  # the switch on the edit's answer
        switched = client.post("/preferences", headers=ORIGIN, follow_redirects=False,
                               data={"csrf_token": csrf, "language": "zh", "back": f"/outbox/{reply.id}/edit"})
        assert switched.headers["location"] == "/" and client.get("/").status_code == 200
        switched = client.post("/preferences", headers=ORIGIN, follow_redirects=False,
                               data={"csrf_token": csrf, "language": "zh", "back": "/orders/KS-7001"})
        assert switched.headers["location"] == "/orders/KS-7001"

        typed = "Price to be agreed first: USD 2.00 per roll"
        stale = client.post(f"/outbox/{reply.id}/reject", data={"csrf_token": "from-an-old-session", "reason": typed},
                            headers={**ORIGIN, "Referer": f"http://testserver/outbox/{reply.id}"})
        assert stale.status_code == 403 and stale.headers["content-type"].startswith("text/html")
        assert "此表单已过期" in stale.text and typed in stale.text and f'href="/outbox/{reply.id}"' in stale.text
        assert store.reply(reply.id).state == "held"  # nothing changed
        fresh, _ = client_for(desk.config)  # no session at all, an English browser, a Referer from elsewhere
        stale = fresh.post(f"/outbox/{reply.id}/reject", data={"csrf_token": csrf, "reason": typed},
                           headers={**ORIGIN, "Accept-Language": "en-GB", "Referer": "https://evil.example/x"})
        assert stale.status_code == 403 and "This form is out of date" in stale.text and 'href="/"' in stale.text
        assert typed in stale.text  # sent from our own page (its Origin): the text is kept
        stale = fresh.post(f"/outbox/{reply.id}/reject", headers={**ORIGIN, "Accept-Language": "zh-CN,zh;q=0.9"},
                           data={"csrf_token": csrf, "reason": "</textarea><script>alert(1)</script>"})
        assert "此表单已过期" in stale.text and "<script>alert(1)" not in stale.text
        assert "&lt;/textarea&gt;&lt;script&gt;" in stale.text  # what was typed is text, escaped
        planted = fresh.post(f"/outbox/{reply.id}/reject", data={"csrf_token": csrf, "reason": typed},
                             headers={"Origin": "https://evil.example"})
        assert planted.status_code == 403 and typed not in planted.text  # another site's words are not shown

        found = client.get("/search?q=carton").text
        assert "<mark>carton</mark>" in found.lower() and "[urgent]" in found and "<mark>urgent" not in found

        number = "4400123456789"
        reason = "x" * 290 + f" {number} more"
        with store.sessions() as session:
            session.execute(OutboxRow.__table__.update().where(OutboxRow.id == reply.id).values(reason=reason))
            session.commit()
        plan = client.get("/").text
        assert "x" * 290 + "…" in plan and number[:5] not in plan  # cut before the number, not inside it
    finally:
        store.close()

"""The web desk over HTTP (Starlette's test client, the real app and database): logins, sessions,
CSRF and Origin, who may do what, and the headers that keep mail's content inert."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.webdesk import PASSWORDS, build

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


def log_in(client: Any, name: str, password: str | None = None) -> str:
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = client.post("/login", data={"username": name, "password": password or PASSWORDS[name],
                                         "csrf_token": csrf.group(1)}, headers=ORIGIN, follow_redirects=False)
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
            assert answer.status_code == 303 and answer.headers["location"] == "/login", path
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
        assert "unknown time zone" in bad.text

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
    order_list = views.order_list

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(timeout=60)
        return order_list(*args, **kwargs)

    monkeypatch.setattr(views, "order_list", held)
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

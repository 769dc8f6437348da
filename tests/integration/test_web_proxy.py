"""The web desk behind a TLS-terminating reverse proxy: a small real proxy (asyncio and `ssl`,
with a certificate from a test authority) on 127.0.0.1 takes HTTPS, adds X-Forwarded-Proto and
X-Forwarded-For and forwards to uvicorn from 127.0.0.2, the one address `web.trusted_proxies`
names. Through it a login and an action work and the cookies are Secure; the same headers sent
straight to uvicorn from another address change nothing."""

from __future__ import annotations

import asyncio
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.webdesk import PASSWORDS, build, served

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
trustme = pytest.importorskip("trustme")
httpx = pytest.importorskip("httpx")
pytestmark = pytest.mark.integration
PROXY_ADDRESS = "127.0.0.2"  # the proxy connects to the desk from here (all of 127/8 is loopback)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    finally:
        sink.close()


def _forwarded(head: bytes, client: str) -> bytes:
    """The request's head as a proxy passes it on: its own X-Forwarded-* and Connection replaced
    (one request a connection, so each gets the headers)."""
    first, *fields = head.rstrip(b"\r\n").split(b"\r\n")
    kept = [f for f in fields if not f.lower().startswith((b"x-forwarded-", b"connection:"))]
    added = [b"X-Forwarded-Proto: https", b"X-Forwarded-For: " + client.encode(), b"Connection: close"]
    return b"\r\n".join([first, *kept, *added]) + b"\r\n\r\n"


@contextmanager
def tls_proxy(upstream_port: int, certificate: ssl.SSLContext) -> Iterator[int]:
    """A TLS-terminating proxy to 127.0.0.1:`upstream_port` in a thread of its own; its port."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    ports: list[int] = []

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port,
                                                             local_addr=(PROXY_ADDRESS, 0))
        up_writer.write(_forwarded(head, writer.get_extra_info("peername")[0]))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)

    async def start() -> asyncio.Server:
        server = await asyncio.start_server(forward, "127.0.0.1", 0, ssl=certificate)
        ports.append(server.sockets[0].getsockname()[1])
        started.set()
        return server

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(start())
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(timeout=30), "the proxy did not start"
    try:
        yield ports[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def _login_form(client: httpx.Client) -> str:
    form = client.get("/login")
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return token.group(1)


def failed_from(store: Any) -> set[str]:
    """The addresses failed logins were counted against."""
    from sqlalchemy import select

    from mailflow.store.db import LoginAttempt

    with store.sessions() as session:
        keys = session.scalars(select(LoginAttempt.key)).all()
    return {k.removeprefix("addr:") for k in keys if k.startswith("addr:")}


def test_behind_a_trusted_tls_proxy_and_not_fooled_by_others(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    with desk.config.open("a", encoding="utf-8") as config:
        config.write(f"web: {{trusted_proxies: ['{PROXY_ADDRESS}']}}\n")
    authority = trustme.CA()
    certificate = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(certificate)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    with served(desk.config) as (base, store), tls_proxy(int(base.rsplit(":", 1)[1]), certificate) as port:
        public = f"https://127.0.0.1:{port}"
        with httpx.Client(base_url=public, verify=trusting, timeout=30) as browser:
            wrong = browser.post("/login", headers={"Origin": public}, data={
                "username": "Wang Fang", "password": "not hers", "csrf_token": _login_form(browser)})
            assert wrong.status_code == 401
            assert failed_from(store) == {"127.0.0.1"}  # the browser's address, not the proxy's
            token = _login_form(browser)
            answer = browser.post("/login", headers={"Origin": public}, data={
                "username": "Wang Fang", "password": PASSWORDS["Wang Fang"], "csrf_token": token})
            assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
            cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("mailflow_session="))
            assert "Secure" in cookie  # the public scheme is https
            plan = browser.get("/")
            assert plan.status_code == 200
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', plan.text).group(1)  # type: ignore[union-attr]
            switched = browser.post("/preferences", headers={"Origin": public},
                                    data={"csrf_token": csrf, "language": "zh", "back": "/orders"})
            assert switched.status_code == 303 and switched.headers["location"] == "/orders"
            assert "订单" in browser.get("/orders").text

        # straight to uvicorn from 127.0.0.1, which is no trusted proxy: the same headers are ignored
        forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "Origin": public}
        with httpx.Client(base_url=base, timeout=30, headers=forged) as intruder:
            form = intruder.get("/login")
            assert all("Secure" not in c for c in form.headers.get_list("set-cookie"))  # still plain http
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            refused = intruder.post("/login", data={"username": "Wang Fang", "password": PASSWORDS["Wang Fang"],
                                                    "csrf_token": token})
            assert refused.status_code == 403  # its https Origin is not this desk's
            assert not any(c.startswith("mailflow_session=") for c in refused.headers.get_list("set-cookie"))
            wrong = intruder.post("/login", headers={"Origin": base}, data={
                "username": "Lily Chen", "password": "not hers", "csrf_token": token})
            assert wrong.status_code == 401
            assert failed_from(store) == {"127.0.0.1"}  # counted against its own address, not the forged one


def test_trusted_proxies_are_addresses(tmp_path: Path) -> None:
    from mailflow.config import load_config
    from mailflow.errors import ConfigError

    config = tmp_path / "mailflow.yaml"
    config.write_text(
        'identity: {company: Acme, name: Acme Order Desk, address: orders@acme.example}\n'
        "sources: [{path: inbox/}]\n"
        "web:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, '*']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    said = str(refused.value)
    assert said.startswith(f"{config}:4") and "trusted_proxies" in said and "'*' is not an IP address" in said
    config.write_text(config.read_text(encoding="utf-8").replace(", '*'", ""), encoding="utf-8")
    assert load_config(config).web.trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]

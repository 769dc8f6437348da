"""A real SMTP server for the tests: aiosmtpd's Controller on 127.0.0.1, with a handler whose
behaviour a test sets (accept, 451 once, 550, drop the connection after the data, or hold the
data until released; refuse given recipients), over plain SMTP, STARTTLS or implicit TLS with a
certificate from a test authority (trustme)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Handler:
    mode: str = "accept"  # accept | 451-once | 550 | drop | hold
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)  # data came in (hold mode)
    release: threading.Event = field(default_factory=threading.Event)
    answered_451: bool = False
    token: str = ""  # with a token, XOAUTH2 logins must present it
    refuse: set[str] = field(default_factory=set)  # recipients answered 550 at RCPT TO

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def auth_XOAUTH2(self, server: Any, args: list[bytes]) -> Any:
        """XOAUTH2 (RFC 7628 style as Gmail and Microsoft 365 use it): user=…^Aauth=Bearer …^A^A."""
        import base64

        from aiosmtpd.smtp import AuthResult

        fields = dict(part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01")
                      if "=" in part)
        ok = fields.get("auth") == f"Bearer {self.token}"
        return AuthResult(success=ok, handled=False, auth_data=fields.get("user"))

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.mode == "550":
            return "550 5.7.1 recipient refuses mail from this sender"
        if self.mode == "451-once" and not self.answered_451:
            self.answered_451 = True
            return "451 4.3.0 try again later"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.mode == "drop":
            server.transport.close()  # the message is here, the client never hears so
            return "250 OK"
        if self.mode == "hold":
            self.arrived.set()
            import asyncio
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 2.0.0 OK queued"


@dataclass
class SmtpServer:
    port: int
    handler: Handler
    tls: str = "none"  # none | starttls | implicit
    ca_file: str = ""  # the test authority's certificate, for tls_ca_file

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    """Marked `@pytest.mark.smtp_token("…")`, the server requires an XOAUTH2 login with it;
    marked `@pytest.mark.smtp_tls("starttls"|"implicit")`, it speaks TLS with a certificate for
    127.0.0.1 from a test authority written to `ca_file`."""
    marker = request.node.get_closest_marker("smtp_token")
    tls = request.node.get_closest_marker("smtp_tls")
    handler = Handler(token=marker.args[0] if marker else "")
    port = _free_port()
    # loopback only, so a login without TLS is acceptable here (aiosmtpd warns all the same)
    options: dict[str, Any] = {"auth_required": True, "auth_require_tls": False} if marker else {}
    mode, ca_file = "none", ""
    if tls is not None:
        import ssl

        trustme = pytest.importorskip("trustme")
        authority = trustme.CA()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
        ca_file = str(tmp_path_factory.mktemp("smtp-ca") / "ca.pem")
        authority.cert_pem.write_to_path(ca_file)
        mode = tls.args[0]
        if mode == "implicit":
            options["ssl_context"] = server_context
        else:
            options.update(tls_context=server_context, require_starttls=True)
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(port, handler, mode, ca_file)
    finally:
        handler.release.set()
        controller.stop()

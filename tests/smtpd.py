"""A real SMTP server for the tests: aiosmtpd's Controller on 127.0.0.1, with a handler whose
behaviour a test sets (accept, 451 once, 550, drop the connection after the data, or hold the
data until released)."""

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

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = Handler()
    port = _free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, handler)
    finally:
        handler.release.set()
        controller.stop()

"""Builders for test mail: real RFC 5322 bytes made with the standard library."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime


def mail(subject: str = "Hello", body: str = "Hello.", *, sender: str = "Bob Buyer <bob@northwind.example>",
         to: str = "orders@acme.example", message_id: str | None = "msg-1@northwind.example",
         date: dt.datetime | None = None, headers: dict[str, str] | None = None,
         attachments: list[tuple[str, bytes, str]] = ()) -> bytes:  # type: ignore[assignment]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC))
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, payload, ctype in attachments:
        maintype, subtype = ctype.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll until `predicate()` holds: a liveness check with a generous limit, never a timing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False

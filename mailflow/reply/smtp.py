"""SMTP delivery of one reply, with the outcome sorted the way the outbox needs it.

Four outcomes: accepted (sent); refused for now (4xx, refused connection, timeout before the
message went out: retry later); refused for good (5xx: failed, the server's words kept); and
uncertain: the connection broke after the message's last line was sent, so the server may have
taken it. An uncertain reply is never resent automatically.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mailflow.config import Smtp
from mailflow.sources.imap import run_secret_command

SENT, TEMPORARY, PERMANENT, UNCERTAIN = "sent", "temporary", "permanent", "uncertain"


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | temporary | permanent | uncertain
    reply: str  # the server's answer, or what went wrong
    login_failed: bool = False  # our account's fault, not the reply's: stop, count no attempt


class _Connection(smtplib.SMTP):
    """smtplib's SMTP, noting when the message's final line has gone out."""

    after_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = msg.encode("ascii") if isinstance(msg, str) else bytes(msg)
        quoted = smtplib._quote_periods(body)  # type: ignore[attr-defined]
        if quoted[-2:] != b"\r\n":
            quoted += b"\r\n"
        self.after_data = True  # from here on the server may have the whole message
        self.send(quoted + b".\r\n")
        return self.getreply()


class _TlsConnection(_Connection, smtplib.SMTP_SSL):
    pass


def _secret(settings: Smtp) -> str:
    if settings.password_command:
        return run_secret_command(settings.password_command, "password_command")
    return settings.password


def connect(settings: Smtp) -> _Connection:
    context = ssl.create_default_context()
    if settings.tls == "implicit":
        conn: _Connection = _TlsConnection(settings.host, settings.port, timeout=settings.timeout,
                                           context=context)
    else:
        conn = _Connection(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            conn.starttls(context=context)
    if settings.oauth2_token_command:
        token = run_secret_command(settings.oauth2_token_command, "oauth2_token_command")
        auth = f"user={settings.username}\x01auth=Bearer {token}\x01\x01"
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.docmd("AUTH", "XOAUTH2 " + base64.b64encode(auth.encode()).decode())
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
    elif settings.username:
        conn.login(settings.username, _secret(settings))
    return conn


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def deliver(settings: Smtp, sender: str, recipients: Sequence[str], raw: bytes,
            before_data: Callable[[], None] = lambda: None) -> Delivery:
    """Send one message. `before_data` runs when the server has accepted the envelope, just
    before the message goes out (the outbox records the phase there)."""
    if not recipients:
        return Delivery(PERMANENT, "no recipient address")
    conn: _Connection | None = None
    last: tuple[int, bytes | str] = (554, "no recipient accepted")
    try:
        conn = connect(settings)
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.mail(sender)
        if code != 250:
            return _refused(code, reply, "MAIL FROM")
        accepted = []
        for rcpt in recipients:
            code, reply = conn.rcpt(rcpt)
            if code in (250, 251):
                accepted.append(rcpt)
            else:
                last = (code, reply)
        if not accepted:
            return _refused(*last, "RCPT TO")
        before_data()
        code, reply = conn.data(raw)
        if code != 250:
            return _refused(code, reply, "DATA")
        return Delivery(SENT, f"{code} {_text(reply)}")
    except smtplib.SMTPAuthenticationError as exc:
        return Delivery(TEMPORARY, f"the SMTP server refused the login: {exc.smtp_code} "
                                   f"{_text(exc.smtp_error)}", login_failed=True)
    except smtplib.SMTPResponseException as exc:
        if conn is not None and conn.after_data:
            return Delivery(UNCERTAIN, f"{exc.smtp_code} {_text(exc.smtp_error)} after the message was sent")
        return _refused(exc.smtp_code, exc.smtp_error, "the server")
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        what = f"{type(exc).__name__}: {exc}".strip(": ")
        if conn is not None and conn.after_data:
            return Delivery(UNCERTAIN, f"connection lost after the message was sent ({what}); "
                                       "check the recipient's mailbox before sending again")
        return Delivery(TEMPORARY, f"could not deliver: {what}")
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def _refused(code: int, reply: bytes | str, stage: str) -> Delivery:
    text = f"{code} {_text(reply)} (at {stage})"
    return Delivery(PERMANENT if 500 <= code < 600 else TEMPORARY, text)

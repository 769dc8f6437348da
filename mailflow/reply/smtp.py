"""SMTP delivery of one reply, with the outcome sorted the way the outbox needs it.

Five outcomes: accepted (sent); refused for now (4xx, refused connection, timeout before the
message went out: retry later); refused for good (5xx: failed, the server's words kept);
partly refused (the server took some recipients and refused others for good: nothing is sent,
and a person decides); and uncertain: the connection broke after the message's last line was
sent, so the server may have taken it. An uncertain reply is never resent automatically.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailflow.config import Smtp
from mailflow.sources.imap import run_secret_command

SENT, TEMPORARY, PERMANENT, UNCERTAIN = "sent", "temporary", "permanent", "uncertain"
PARTIAL = "partial"


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | temporary | permanent | uncertain | partial
    reply: str  # the server's answer, or what went wrong
    account_fault: bool = False  # our account's fault (login, TLS), not the reply's: stop, count no attempt
    recipients: dict[str, str] = field(default_factory=dict)  # address -> answer to RCPT TO


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


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Certificates checked against the system's authorities, or a private one (`tls_ca_file`)."""
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def connect(settings: Smtp) -> _Connection:
    context = tls_context(settings.tls_ca_file)
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
    before the message goes out (the outbox records the phase there). When the server refuses
    some recipients for good and accepts others, nothing is sent: the answers per recipient come
    back (PARTIAL) for a person to decide."""
    if not recipients:
        return Delivery(PERMANENT, "no recipient address")
    conn: _Connection | None = None
    answers: dict[str, str] = {}
    try:
        conn = connect(settings)
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.mail(sender)
        if code != 250:
            return _refused(code, reply, "MAIL FROM")
        refused: list[tuple[int, bytes | str]] = []
        for rcpt in recipients:
            code, reply = conn.rcpt(rcpt)
            answers[rcpt] = f"{code} {_text(reply)}"
            if code not in (250, 251):
                refused.append((code, reply))
        if refused:
            conn.rset()
            temporary = [r for r in refused if not 500 <= r[0] < 600]
            if temporary or len(refused) == len(recipients):
                worst = temporary[0] if temporary else refused[0]
                delivery = _refused(*worst, "RCPT TO")
                return Delivery(delivery.outcome, delivery.reply, recipients=answers)
            return Delivery(PARTIAL, "the server refused " + "; ".join(
                f"{a}: {answer}" for a, answer in answers.items() if not answer.startswith(("250", "251")))
                + " and accepted " + ", ".join(a for a, answer in answers.items()
                                               if answer.startswith(("250", "251"))),
                recipients=answers)
        before_data()
        code, reply = conn.data(raw)
        if code != 250:
            return _refused(code, reply, "DATA")
        return Delivery(SENT, f"{code} {_text(reply)}", recipients=answers)
    except smtplib.SMTPAuthenticationError as exc:
        return Delivery(TEMPORARY, f"the SMTP server refused the login: {exc.smtp_code} "
                                   f"{_text(exc.smtp_error)}", account_fault=True)
    except ssl.SSLError as exc:
        return Delivery(TEMPORARY, f"TLS problem with {settings.host}:{settings.port}: "
                                   f"{exc.reason or exc} (tls: {settings.tls}"
                                   f"{', tls_ca_file: ' + str(settings.tls_ca_file) if settings.tls_ca_file else ''})",
                        account_fault=True)
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

"""A rendered reply -> RFC 5322 bytes: threaded, marked automatic, safe headers only.

Header values come from parsed, decoded mail with control characters already removed; the
`email` package's default policy refuses any value that would still break a header line.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.headerregistry
import email.policy
import email.quoprimime
import email.utils
import functools
import hashlib
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from mailflow import clock
from mailflow.model import Address, Message

MAX_REFERENCES = 20


class _Headers(email.headerregistry.HeaderRegistry):
    """The standard registry, except that each header's class is made once: the standard one
    makes a new class for every header it writes, a tenth of the time composing a reply takes.
    The same classes, so the same bytes."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        name = name.lower()
        made = self._made.get(name)
        if made is None:
            made = super().__getitem__(name)
            if len(self._made) < 200:  # the names mailflow writes are few; any others are not kept
                self._made[name] = made
        return made


POLICY = email.policy.SMTP.clone(header_factory=_Headers())


def reply_subject(original: str, token: str | None) -> str:
    subject = re.sub(r"[\r\n\t]+", " ", original).strip()
    if not re.match(r"^\s*(re|回复|答复|aw|sv)\s*[:：]", subject, re.IGNORECASE):
        subject = f"Re: {subject}" if subject else "Re:"
    if token and token not in subject:
        subject = f"{subject} {token}"
    return subject[:900]


def reply_message_id(answers_sha256: str, template: str, domain: str) -> str:
    """Stable for (message answered, template): the same reply always has the same id."""
    digest = hashlib.sha256(f"{answers_sha256}:{template}".encode()).hexdigest()[:24]
    return f"mailflow.{digest}@{domain}"


def recipients(message: Message) -> tuple[Address, ...]:
    return message.reply_to or message.from_[:1]


def _new_headers(sender: Address, to: tuple[Address, ...], subject: str, message_id: str,
                 when: dt.datetime | None) -> list[tuple[str, str]]:
    return [("From", email.utils.formataddr((sender.name, sender.addr))),
            ("To", ", ".join(email.utils.formataddr((a.name, a.addr)) for a in to)),
            ("Subject", subject),
            ("Date", email.utils.format_datetime(when or clock.now())),
            ("Message-ID", f"<{message_id}>")]


def compose_letter(*, sender: Address, to: tuple[Address, ...], subject: str, text: str, message_id: str,
                   attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """A letter of ours written by a person that answers nothing (our P/O to a supplier): not
    marked auto-submitted, so the supplier answers it as any business mail."""
    headers = [*_new_headers(sender, to, subject, message_id, None), ("X-Mailer", "mailflow")]
    return _mail(headers, text, "", attachments)


def compose(*, message: Message, sender: Address, to: tuple[Address, ...], subject: str, text: str,
            html: str, message_id: str, when: dt.datetime | None = None,
            attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """`attachments`: (file name, content type, bytes), e.g. the packing list's PDF."""
    headers = _new_headers(sender, to, subject, message_id, when)
    if message.message_id:
        headers.append(("In-Reply-To", f"<{message.message_id}>"))
        refs = [*message.references, message.message_id][-MAX_REFERENCES:]
        headers.append(("References", " ".join(f"<{r}>" for r in refs)))
    headers += [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All"), ("X-Mailer", "mailflow")]
    return _mail(headers, text, html, attachments)


def compose_new(*, sender: Address, to: tuple[Address, ...], subject: str, text: str, html: str,
                message_id: str, when: dt.datetime | None = None) -> bytes:
    """A mail of our own that answers nothing (the daily digest)."""
    headers = [*_new_headers(sender, to, subject, message_id, when), ("Auto-Submitted", "auto-generated"),
               ("X-Auto-Response-Suppress", "All"), ("X-Mailer", "mailflow")]
    return _mail(headers, text, html)


def _mail(headers: list[tuple[str, str]], text: str, html: str = "",
          attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """The mail's bytes: written here when it is text with an optional HTML alternative (every
    reply but one with files), else by the `email` package (`_email_package`)."""
    if attachments:
        return _email_package(headers, text, html, attachments)
    return _written(headers, text, html)


def _email_package(headers: list[tuple[str, str]], text: str, html: str = "",
                   attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """The mail built as an `EmailMessage` and serialised by the `email` package."""
    mail = EmailMessage(policy=POLICY)
    for name, value in headers:
        mail[name] = value
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


# What `_email_package` writes for a text and an HTML alternative, written directly: the same
# bytes but the boundary, which is random in both (tests/unit/test_reply_mime.py compares them).
# The `email` package parses every header it is given with the header registry and folds it
# again, and builds each part's headers the same way: most of the time composing took. A header
# whose value it would write back unchanged (printable ASCII words one space apart that fit on
# one line, and for an address, a message id or a date, of their plain forms) is written as it
# is; any other (a Chinese name or subject: RFC 2047; a long References: folded) by the registry.
_WORDS = re.compile(r"[!-~]+(?: [!-~]+)*")
_ADDR = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_MAILBOX = rf"(?:{_ADDR}|[A-Za-z0-9_'-]+(?: [A-Za-z0-9_'-]+)* <{_ADDR}>)"
_KEPT = {
    "from": re.compile(_MAILBOX),
    "to": re.compile(rf"{_MAILBOX}(?:, {_MAILBOX})*"),
    "message-id": re.compile(rf"<{_ADDR}>"),
    "date": re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                       r" \d{4} \d\d:\d\d:\d\d [+-]\d{4}"),
}
_MAX_LINE = 78  # POLICY.max_line_length
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _folded(name: str, value: str) -> str:
    if len(name) + 2 + len(value) <= _MAX_LINE and _WORDS.fullmatch(value) and "=?" not in value:
        kept = _KEPT.get(name.lower())
        if kept is None or kept.fullmatch(value):
            return f"{name}: {value}\r\n"
    if len(value.splitlines()) > 1:  # as EmailPolicy.header_store_parse refuses it
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    return _registry_folded(name, value)


@functools.lru_cache(maxsize=256)
def _registry_folded(name: str, value: str) -> str:
    """Folded by the header registry, as the `email` package writes it: our own name, a buyer's
    name and the subjects of first replies recur from mail to mail."""
    return str(POLICY.header_factory(name, value).fold(policy=POLICY))


def _body(text: str) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, the body with CRLF line ends), chosen as the `email`
    package's `set_content` chooses them for UTF-8 text under `POLICY`."""
    lines = text.encode().splitlines()
    if max((len(line) for line in lines), default=0) <= _MAX_LINE:
        return "7bit" if text.isascii() else "8bit", b"\r\n".join(lines) + b"\r\n"
    sniff = b"\r\n".join(lines[:10]) + b"\r\n"
    sniff_qp = email.quoprimime.body_encode(sniff.decode("latin-1"), _MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        data = b"\r\n".join(lines) + b"\r\n"
        step = _MAX_LINE // 4 * 3
        encoded = "".join(binascii.b2a_base64(data[i:i + step]).decode("ascii") for i in range(0, len(data), step))
        return "base64", _NEWLINES.sub("\r\n", encoded).encode("ascii")
    if len(lines) > 10:
        sniff_qp = email.quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), _MAX_LINE)
    return "quoted-printable", _NEWLINES.sub("\r\n", sniff_qp).encode("ascii")


def _text_part(text: str, subtype: str, mime_version: bool) -> bytes:
    cte, body = _body(text)
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n'
            + ("MIME-Version: 1.0\r\n" if mime_version else "") + "\r\n").encode("ascii") + body


def _written(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    head = "".join(_folded(name, value) for name, value in headers).encode("ascii", "surrogateescape")
    if not html:
        return head + _text_part(text, "plain", mime_version=True)
    parts = (_text_part(text, "plain", mime_version=False), _text_part(html, "html", mime_version=True))
    token = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
    boundary, counter = token, 0
    while any(b"--" + boundary.encode("ascii") in part for part in parts):
        boundary, counter = f"{token}.{counter}", counter + 1
    if counter:  # a boundary made again is longer: folded by the registry
        content_type = _folded("Content-Type", f'multipart/alternative; boundary="{boundary}"')
    else:  # folded before the boundary, as the registry folds it
        content_type = f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'
    return b"".join((head, b"MIME-Version: 1.0\r\n", content_type.encode("ascii"),
                     f"\r\n--{boundary}\r\n".encode("ascii"), parts[0],
                     f"\r\n--{boundary}\r\n".encode("ascii"), parts[1],
                     f"\r\n--{boundary}--\r\n".encode("ascii")))


def replace_text(raw: bytes, text: str) -> bytes:
    """The same reply (headers, Message-ID, threading) with a person's edited text; an HTML part
    written from the old text is dropped rather than left saying something else."""
    import email

    old = email.message_from_bytes(raw, policy=POLICY)
    mail = EmailMessage(policy=POLICY)
    for name, value in old.items():
        if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
            mail[name] = value
    mail.set_content(text)
    return mail.as_bytes()


@dataclass(frozen=True)
class Readable:
    """A composed reply as a person reads it."""

    headers: dict[str, str]
    text: str
    html_text: str
    attachments: list[tuple[str, str, int]]  # (file name, content type, size)


def readable(raw: bytes) -> Readable:
    """The decoded text (quoted-printable and base64 undone), the HTML part as text, and the
    attachments by name and size, for an approver who is not going to read MIME."""
    import email

    from mailflow.parse import html_to_text

    mail = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {name: str(mail[name]) for name in ("From", "To", "Subject", "Date", "Message-ID",
                                                    "In-Reply-To") if mail[name] is not None}
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    attachments = []
    for part in mail.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        attachments.append((part.get_filename() or "(no name)", part.get_content_type(), len(payload)))
    return Readable(headers, str(plain.get_content()) if plain is not None else "",
                    html_to_text(str(html.get_content())) if html is not None else "", attachments)

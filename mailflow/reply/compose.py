"""A rendered reply -> RFC 5322 bytes: threaded, marked automatic, safe headers only.

Header values come from parsed, decoded mail with control characters already removed; the
`email` package's default policy refuses any value that would still break a header line.
"""

from __future__ import annotations

import datetime as dt
import email.headerregistry
import email.policy
import email.utils
import hashlib
import re
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


def _new_mail(sender: Address, to: tuple[Address, ...], subject: str, message_id: str,
              when: dt.datetime | None) -> EmailMessage:
    mail = EmailMessage(policy=POLICY)
    mail["From"] = email.utils.formataddr((sender.name, sender.addr))
    mail["To"] = ", ".join(email.utils.formataddr((a.name, a.addr)) for a in to)
    mail["Subject"] = subject
    mail["Date"] = email.utils.format_datetime(when or clock.now())
    mail["Message-ID"] = f"<{message_id}>"
    return mail


def compose_letter(*, sender: Address, to: tuple[Address, ...], subject: str, text: str, message_id: str,
                   attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """A letter of ours written by a person that answers nothing (our P/O to a supplier): not
    marked auto-submitted, so the supplier answers it as any business mail."""
    mail = _new_mail(sender, to, subject, message_id, None)
    mail["X-Mailer"] = "mailflow"
    mail.set_content(text)
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def compose(*, message: Message, sender: Address, to: tuple[Address, ...], subject: str, text: str,
            html: str, message_id: str, when: dt.datetime | None = None,
            attachments: Sequence[tuple[str, str, bytes]] = ()) -> bytes:
    """`attachments`: (file name, content type, bytes), e.g. the packing list's PDF."""
    mail = _new_mail(sender, to, subject, message_id, when)
    if message.message_id:
        mail["In-Reply-To"] = f"<{message.message_id}>"
        refs = [*message.references, message.message_id][-MAX_REFERENCES:]
        mail["References"] = " ".join(f"<{r}>" for r in refs)
    mail["Auto-Submitted"] = "auto-replied"
    mail["X-Auto-Response-Suppress"] = "All"
    mail["X-Mailer"] = "mailflow"
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def compose_new(*, sender: Address, to: tuple[Address, ...], subject: str, text: str, html: str,
                message_id: str, when: dt.datetime | None = None) -> bytes:
    """A mail of our own that answers nothing (the daily digest)."""
    mail = _new_mail(sender, to, subject, message_id, when)
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Auto-Response-Suppress"] = "All"
    mail["X-Mailer"] = "mailflow"
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    return mail.as_bytes()


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

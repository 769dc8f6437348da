"""Logging set-up. Secrets are redacted here, in one place, never at each call site.

Redaction happens in the formatter, on the finished line: the message, its arguments and any
traceback alike. Secrets come from the configuration (passwords) and from commands run while
the daemon works (`password_command`, `oauth2_token_command`): those register what they print.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mailflow.config import Config


class Secrets:
    """The values no log line may show."""

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, *values: str) -> None:
        with self._lock:
            new = {v for v in values if v and len(v) >= 3} - self._words
            if not new:
                return
            self._words |= new
            words = sorted(self._words, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, words)))

    def redact(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub("***", text) if pattern is not None else text


SECRETS = Secrets()


def register_secret(*values: str) -> None:
    """A secret learnt at run time (a command's output): from now on redacted in every line."""
    SECRETS.add(*values)


class RedactingFormatter(logging.Formatter):
    """Formats a record as usual, traceback included, then blanks every known secret."""

    def format(self, record: logging.LogRecord) -> str:
        return SECRETS.redact(super().format(record))

    def formatException(self, ei: object) -> str:
        return SECRETS.redact(super().formatException(ei))  # type: ignore[arg-type]


class JsonFormatter(RedactingFormatter):
    """One JSON object a line: time, level, logger, message, the fields a call passed
    (`extra={"fields": {...}}`: message_id, order, account, folder, uid, …) and the traceback;
    secrets blanked in the finished line, as in text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["traceback"] = logging.Formatter.formatException(self, record.exc_info)
        return SECRETS.redact(json.dumps(entry, ensure_ascii=False, default=str))


def secrets_of(config: Config) -> list[str]:
    """The configuration's secrets: the mailboxes' and the mail server's passwords."""
    found = [os.environ.get("MAILFLOW_IMAP_PASSWORD", "")]
    found += [source.imap.password for source in config.sources if source.imap]
    if config.smtp:
        found.append(config.smtp.password)
    return found


def setup_logging(verbose: bool = False, secrets: Iterable[str] = (), style: str = "text") -> None:
    SECRETS.add(*secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if style == "json"
                         else RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_mailflow", False):
            root.removeHandler(old)
    handler._mailflow = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("pdfminer", "charset_normalizer", "alembic", "invoice2data"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # its warnings repeat our own

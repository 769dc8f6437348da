"""Logging set-up. Secrets are redacted here, in one place, never at each call site.

Redaction happens in the formatter, on the finished line: the message, its arguments and any
traceback alike. Secrets come from the configuration (passwords) and from commands run while
the daemon works (`password_command`, `oauth2_token_command`): those register what they print.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable


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


def setup_logging(verbose: bool = False, secrets: Iterable[str] = ()) -> None:
    SECRETS.add(*secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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

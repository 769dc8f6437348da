"""Logging set-up. Secrets are redacted here, in one place, never at each call site."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        words = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.pattern is not None:
            record.msg = self.pattern.sub("***", record.getMessage())
            record.args = None
        return True


def setup_logging(verbose: bool = False, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
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

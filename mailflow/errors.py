"""Typed errors that carry what a person needs to fix the cause.

The CLI maps each to an exit status and one or two lines; `--traceback` shows the rest.
"""

from __future__ import annotations

from pathlib import Path


class MailflowError(Exception):
    exit_code = 1


class Located(MailflowError):
    """An error in a file the user edits, pointing at file:line and the field."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


class ConfigError(Located):
    exit_code = 2


class RuleError(Located):
    exit_code = 2


class ReplyTemplateError(Located):
    exit_code = 2


class ExtractionError(MailflowError):
    def __init__(self, reason: str, attachment: str = "") -> None:
        self.reason = reason
        self.attachment = attachment
        super().__init__(f"{attachment}: {reason}" if attachment else reason)


class QuarantinedMail(MailflowError):
    """A mail that cannot be processed; it is kept with its raw bytes and this reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NotFound(MailflowError):
    exit_code = 3


class StoreError(MailflowError):
    """The database or the archive cannot be used (not reachable, no permission, disk full)."""

    exit_code = 4


class ClaimLost(MailflowError):
    """This process's claim on an outbox row is no longer its own (its heartbeat could not
    reach the database and the claim lapsed, or another daemon recovered or took the row): the
    write it fenced was not made, and the sender must not go on (never start the data, never
    record an outcome)."""

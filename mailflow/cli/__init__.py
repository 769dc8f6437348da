"""Command line: one module per command group, each a thin wrapper that parses arguments, calls
one function and prints. Errors become one line and an exit code in one place (`base`)."""

from mailflow.cli import (  # noqa: F401
    archive,
    cases,
    db,
    desk,
    evidence,
    extract,
    follow,
    learning,
    orders,
    outbox,
    quarantine,
    rules,
    web,
)
from mailflow.cli.base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()

"""The databases a benchmark runs on: a fresh SQLite file and, where the server answers, a
fresh PostgreSQL database, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

DEFAULT_POSTGRES = os.environ.get("MAILFLOW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def databases(base: Path, postgres: str = DEFAULT_POSTGRES) -> Iterator[list[tuple[str, str]]]:
    """[(label, url)]: SQLite in `base`, then PostgreSQL (left out, with a line saying so, when
    it cannot be reached; left out silently when `postgres` is empty)."""
    found = [("SQLite", f"sqlite:///{base / 'bench.db'}")]
    if not postgres:
        yield found
        return
    name = f"mailflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    created = False
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created = True
        found.append(("PostgreSQL", postgres.rsplit("/", 1)[0] + f"/{name}"))
    except Exception as exc:  # noqa: BLE001 - the SQLite figures stand alone
        print(f"PostgreSQL not available ({type(exc).__name__}); SQLite only")
    try:
        yield found
    finally:
        if created:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

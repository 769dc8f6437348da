"""Schema changes go through Alembic migrations (versions/), applied by `mailflow db upgrade`.

A new database is created at the newest revision when mailflow first opens it. An existing one
must be at the newest revision: mailflow refuses to run against a database that is behind (it
would misread or fail on a missing column), and says how to upgrade. A database created before
migrations existed (no alembic_version table) is recognised by its tables and recorded as the
baseline revision on upgrade.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from mailflow.errors import StoreError

BASELINE = "0001"
BASELINE_TABLES = {"orders", "messages", "attachments", "outbox", "events", "order_aliases",
                   "quarantine", "source_positions", "source_health", "pending_actions"}


def _config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    script = ScriptDirectory.from_config(_config(None))
    return str(script.get_current_head())


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """Several daemons starting at once on a new database: one creates the schema, the others
    wait and then find it made (a PostgreSQL advisory lock; a lock file beside SQLite)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".schema-lock"), "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


_SCHEMA_LOCK = 0x6D66_0002


def ensure(engine: Engine) -> None:
    """At start-up: create a new database, accept an up-to-date one, refuse one that is behind."""
    with _one_at_a_time(engine):
        _ensure(engine)


def _ensure(engine: Engine) -> None:
    revision = current(engine)
    if revision is None and not (_tables(engine) & BASELINE_TABLES):
        upgrade(engine)
        return
    newest = head()
    if revision == newest:
        return
    where = engine.url.render_as_string(hide_password=True)
    if revision is None:
        raise StoreError(f"the database {where} was created before schema migrations; run "
                         "`mailflow db upgrade` to bring it up to date")
    raise StoreError(f"the database {where} is at schema revision {revision}, this mailflow needs "
                     f"{newest}: run `mailflow db upgrade` (back up the database first)")


def _missing_from_baseline(engine: Engine) -> list[str]:
    """Tables and columns the baseline revision has and this database lacks."""
    scratch = create_engine("sqlite://")
    with scratch.begin() as connection:
        command.upgrade(_config(connection), BASELINE)
    want, have = inspect(scratch), inspect(engine)
    tables = set(have.get_table_names())
    missing = []
    for table in sorted(set(want.get_table_names()) - {"alembic_version"}):
        if table not in tables:
            missing.append(f"table {table}")
            continue
        columns = {c["name"] for c in have.get_columns(table)}
        missing += [f"{table}.{c['name']}" for c in want.get_columns(table) if c["name"] not in columns]
    scratch.dispose()
    return missing


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """(revision before, revision after). A database from before migrations is stamped as the
    baseline first, provided it has the baseline's tables."""
    before = current(engine)
    with engine.begin() as connection:
        config = _config(connection)
        if before is None and _tables(engine) & BASELINE_TABLES:
            missing = _missing_from_baseline(engine)
            if missing:
                raise StoreError("the database was made by an older mailflow and lacks "
                                 f"{', '.join(missing)}; it cannot be upgraded in place: file its "
                                 "archive into a new database (`mailflow run --source`)")
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    return before, head()

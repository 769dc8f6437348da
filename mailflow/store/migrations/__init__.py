"""Schema changes go through Alembic migrations (versions/), applied by `mailflow db upgrade`.

A new database is created at the newest revision when mailflow first opens it. An existing one
must be at the newest revision: mailflow refuses to run against a database that is behind (it
would misread or fail on a missing column), and says how to upgrade; one at a revision it does
not know (a newer mailflow's) is refused too. A database created before migrations existed (no
alembic_version table) is recognised by its tables and recorded as the baseline revision on
upgrade.

The check at every start-up reads the version table and the names of the files in versions/
only: Alembic (about a quarter of a second of imports, with SQLAlchemy's PostgreSQL dialect) is
imported when a database is upgraded, or created on PostgreSQL. A new SQLite database is made
from `sqlite-schema.sql`: the schema the migrations give, as SQLite keeps it, written out by
`python -m mailflow.store.migrations` (a test holds it equal to what the migrations give, and
it is used only while its revision is the newest, so a migration without it still runs).
"""

from __future__ import annotations

import fcntl
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from mailflow.errors import StoreError
from mailflow.store.driver import on_driver

if TYPE_CHECKING:
    from alembic.config import Config

BASELINE = "0001"
BASELINE_TABLES = {"orders", "messages", "attachments", "outbox", "events", "order_aliases",
                   "quarantine", "source_positions", "source_health", "pending_actions"}
VERSIONS = Path(__file__).parent / "versions"
SNAPSHOT = Path(__file__).parent / "sqlite-schema.sql"
_SNAPSHOT_HEAD = "-- the schema of a new SQLite database at revision "


def _config(connection: object) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


@functools.cache
def revisions() -> tuple[str, ...]:
    """Every revision, oldest first: versions/NNNN_what.py holds revision NNNN, whose
    down_revision is the one before it (a test holds this list equal to Alembic's history)."""
    return tuple(sorted(p.name[:4] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py")))


def head() -> str:
    return revisions()[-1]


def current(engine: Engine) -> str | None:
    """The revision the database is at, from Alembic's version table; None when it has none."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        raise StoreError(f"the database's alembic_version table holds several revisions ({', '.join(found)}): "
                         "mailflow's schema has one line of revisions")
    return str(found[0]) if found else None


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
        if not _from_snapshot(engine):
            upgrade(engine)
        return
    newest = head()
    if revision == newest:
        return
    where = engine.url.render_as_string(hide_password=True)
    if revision is None:
        raise StoreError(f"the database {where} was created before schema migrations; run "
                         "`mailflow db upgrade` to bring it up to date")
    if revision not in revisions():
        raise StoreError(f"the database {where} is at schema revision {revision}, which this mailflow "
                         f"does not know (its newest is {newest}): a newer mailflow uses it")
    raise StoreError(f"the database {where} is at schema revision {revision}, this mailflow needs "
                     f"{newest}: run `mailflow db upgrade` (back up the database first)")


def _missing_from_baseline(engine: Engine) -> list[str]:
    """Tables and columns the baseline revision has and this database lacks."""
    from alembic import command

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
    from alembic import command

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


# --- a new SQLite database from the snapshot ---------------------------------------------------

def schema_of(engine: Engine) -> str:
    """A SQLite database's schema as SQL that makes it again: its tables (virtual ones too, not
    their shadow tables, which those make), then its indexes and triggers, each as SQLite keeps
    its text, and the revision it is at."""
    with engine.connect() as connection:
        shadow = {name for name, kind in connection.exec_driver_sql(
            "SELECT name, type FROM pragma_table_list WHERE schema = 'main'") if kind == "shadow"}
        found = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid").all()
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    statements = [f"{sql};" for _, name, sql in found if name not in shadow]
    return (f"{_SNAPSHOT_HEAD}{revision}\n" + "\n".join(statements)
            + f"\nINSERT INTO alembic_version (version_num) VALUES ('{revision}');\n")


def _from_snapshot(engine: Engine) -> bool:
    """A new SQLite database made from the snapshot, in one transaction; False (nothing done)
    on another database, or when the snapshot is missing or not at the newest revision."""
    if engine.dialect.name != "sqlite" or not SNAPSHOT.exists():
        return False
    script = SNAPSHOT.read_text(encoding="utf-8")
    if not script.startswith(f"{_SNAPSHOT_HEAD}{head()}\n"):
        return False
    with engine.connect() as connection:
        # its errors as SQLAlchemy's (a full disk, a read-only file: the store says so); a
        # failure leaves BEGIN open, and the pool's rollback takes back what was made
        on_driver(connection, "executescript", f"BEGIN IMMEDIATE;\n{script}COMMIT;\n")
    return True


def write_snapshot() -> Path:
    """`sqlite-schema.sql` written anew from the migrations, run on a scratch database."""
    import tempfile

    from mailflow.store.db import make_engine

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/schema.db")
        try:
            upgrade(engine)
            SNAPSHOT.write_text(schema_of(engine), encoding="utf-8")
        finally:
            engine.dispose()
    return SNAPSHOT

"""The database's schema."""

from __future__ import annotations

import click

from mailflow.cli.base import State, main, out, working


@main.group()
def db() -> None:
    """The database's schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(state: State) -> None:
    """Apply the schema migrations this mailflow brings (back the database up first)."""
    from mailflow.store import migrations
    from mailflow.store.db import make_engine

    engine = make_engine(state.config.database_url)
    try:
        with working("upgrading the database…"):
            before, after = migrations.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        out.print(f"the database is up to date (revision {after})")
    else:
        out.print(f"upgraded the database from revision {before or 'none'} to {after}")

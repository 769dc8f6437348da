"""Alembic's environment for mailflow's schema: run by mailflow.store.migrations, never by hand."""

from __future__ import annotations

from alembic import context

from mailflow.store.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters by copying
with context.begin_transaction():
    context.run_migrations()

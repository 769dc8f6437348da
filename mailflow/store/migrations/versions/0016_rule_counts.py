"""the rules page's counts at a desk's whole history: an index on the rule that filed each mail

The rules page says how many filed mails each rule decided: `SELECT rule, count(*) FROM
messages GROUP BY rule`. Without an index the database read every message's row (its text
too) and sorted or hashed them by rule (0.14 to 0.22 s at 100,000 messages, bench/web.py).
An index on `rule` holds each mail's rule in order, beside nothing else: SQLite counts it as a
covering index, PostgreSQL with an index-only scan, each rule's entries one run after another,
with no sort and no row of the table read.

Revision ID: 0016
Revises: 0015

"""
from collections.abc import Sequence

from alembic import op

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_messages_rule', 'messages', ['rule'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_messages_rule', table_name='messages')

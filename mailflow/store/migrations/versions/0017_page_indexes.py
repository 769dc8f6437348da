"""the rules page's counts and the outbox page at a desk's whole history: an index on the rule
that filed each mail, and the outbox's state index ordered by when each reply was written

The rules page says how many filed mails each rule decided: `SELECT rule, count(*) FROM
messages GROUP BY rule`. Without an index the database read every message's row (its text
too) and sorted or hashed them by rule (0.14 to 0.22 s at 100,000 messages, bench/web.py).
An index on `rule` holds each mail's rule in order, beside nothing else: SQLite counts it as a
covering index, PostgreSQL with an index-only scan, each rule's entries one run after another,
with no sort and no row of the table read.

The outbox page lists the newest (or, of the states a person acts on, the oldest) 200 replies
of a state. With the index on `state` alone the database read all of a state's rows (9,800
sent replies at 100,000 messages, 45 ms on SQLite) and sorted them by `created_at`; an index on
`(state, created_at, id)` gives them in that order, and the page reads its 200 and stops. It
takes the place of the index on `state`, whose every question it answers.

Revision ID: 0017
Revises: 0016

"""
from collections.abc import Sequence

from alembic import op

revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_messages_rule', 'messages', ['rule'], unique=False)
    op.create_index('ix_outbox_state_created', 'outbox', ['state', 'created_at', 'id'], unique=False)
    op.drop_index('ix_outbox_state', table_name='outbox')


def downgrade() -> None:
    op.create_index('ix_outbox_state', 'outbox', ['state'], unique=False)
    op.drop_index('ix_outbox_state_created', table_name='outbox')
    op.drop_index('ix_messages_rule', table_name='messages')

"""the daily plan at a desk's whole history: each order's last mail in and out, one index probe
each

0013's index held the four columns "waiting on the buyer" reads, yet the database still read
every message's entry in it to group them by order (0.1 s at 100,000 messages on SQLite, more
on PostgreSQL, bench/web.py). An index on the very expression the plan asks for,
`coalesce(date, received_at)` after the order and the direction, lets it read each open sales
order's newest mail in and newest mail out as the first entry of its range instead. It takes
the place of 0013's index, which nothing else reads.

Revision ID: 0015
Revises: 0014

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_messages_order_last_mail', 'messages',
                    ['order_id', 'direction', sa.text('coalesce(date, received_at)')], unique=False)
    op.drop_index('ix_messages_order_direction_date', table_name='messages')


def downgrade() -> None:
    op.create_index('ix_messages_order_direction_date', 'messages',
                    ['order_id', 'direction', 'date', 'received_at'], unique=False)
    op.drop_index('ix_messages_order_last_mail', table_name='messages')

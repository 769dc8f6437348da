"""document numbers: the numbers our documents take, each once, under unique constraints

A document's number was the count of the `document-number` events of its sequence's period
plus one, read and then written in one transaction: two desks writing at once on PostgreSQL
both counted the same and both took the number. `document_numbers` keeps each number taken,
unique per sequence, period and place in it, and per order, kind and supplier; the second desk
is refused by the database and takes the next. The numbers given before are copied from
their events, each at the place its event had in its period (a number two orders took at once
keeps both places; an order's second event of one kind was the same number again and adds no
row).

Revision ID: 0016
Revises: 0015

"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    numbers = op.create_table(
        'document_numbers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=200), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=200), nullable=False),
        sa.Column('party', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sequence', 'period', 'n', name='uq_document_numbers_n'),
        sa.UniqueConstraint('order_id', 'sequence', 'party', name='uq_document_numbers_order'))
    events = sa.table('events', sa.column('id', sa.Integer()), sa.column('at', sa.DateTime(timezone=True)),
                      sa.column('kind', sa.String()), sa.column('order_id', sa.Integer()), sa.column('detail', _JSON))
    connection = op.get_bind()
    counts: dict[tuple[str, str], int] = {}
    taken: set[tuple[int, str, str]] = set()
    rows: list[dict[str, Any]] = []
    query = sa.select(events.c.at, events.c.order_id, events.c.detail).where(
        events.c.kind == 'document-number', events.c.order_id.is_not(None)).order_by(events.c.id)
    for at, order_id, detail in connection.execute(query):
        sequence, period = str(detail.get('sequence', '')), str(detail.get('period', ''))
        counts[sequence, period] = n = counts.get((sequence, period), 0) + 1
        key = (order_id, sequence, str(detail.get('party', '')))
        if key in taken:
            continue
        taken.add(key)
        rows.append({'order_id': order_id, 'sequence': sequence, 'period': period, 'n': n,
                     'number': str(detail.get('number', '')), 'party': key[2], 'created_at': at})
    if rows:
        op.bulk_insert(numbers, rows)


def downgrade() -> None:
    op.drop_table('document_numbers')

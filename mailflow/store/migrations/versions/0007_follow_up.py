"""following the order: milestones, payments, the order's plan, next milestone and money; the
outbox holds mail of our own (the daily digest) that answers no message

Revision ID: 0007
Revises: 0006

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('milestones',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('order_id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.String(length=40), nullable=False),
                    sa.Column('plan', sa.String(length=60), nullable=False),
                    sa.Column('name', sa.Text(), nullable=False),
                    sa.Column('owner', sa.String(length=30), nullable=False),
                    sa.Column('position', sa.Integer(), nullable=False),
                    sa.Column('state', sa.String(length=20), nullable=False),
                    sa.Column('due', sa.Date(), nullable=True),
                    sa.Column('due_why', sa.Text(), nullable=False),
                    sa.Column('waiting_for', _JSON, nullable=False),
                    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('how', sa.String(length=20), nullable=False),
                    sa.Column('done_by', sa.String(length=200), nullable=False),
                    sa.Column('message_row_id', sa.Integer(), nullable=True),
                    sa.Column('note', sa.Text(), nullable=False),
                    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('overdue_since', sa.Date(), nullable=True),
                    sa.Column('last_chased_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('chases', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
                    sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('order_id', 'key'))
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_milestones_state_due', ['state', 'due'], unique=False)
    op.create_index('ix_milestones_open_due', 'milestones', ['due'], unique=False,
                    sqlite_where=sa.text("state != 'done'"), postgresql_where=sa.text("state != 'done'"))
    op.create_index('ix_milestones_open_owner', 'milestones', ['owner', 'due'], unique=False,
                    sqlite_where=sa.text("state != 'done'"), postgresql_where=sa.text("state != 'done'"))
    op.create_table('payments',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('order_id', sa.Integer(), nullable=False),
                    sa.Column('message_row_id', sa.Integer(), nullable=True),
                    sa.Column('amount', sa.String(length=40), nullable=False),
                    sa.Column('currency', sa.String(length=10), nullable=False),
                    sa.Column('value_date', sa.Date(), nullable=True),
                    sa.Column('reference', sa.String(length=100), nullable=False),
                    sa.Column('recorded_by', sa.String(length=200), nullable=False),
                    sa.Column('note', sa.Text(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
                    sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_message_row_id'), ['message_row_id'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name, length in (('plan', 60), ('status_by_hand', 20), ('next_milestone', 40), ('currency', 10),
                             ('total_due', 40), ('outstanding', 40)):
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                          server_default=sa.text("''")))
        batch_op.add_column(sa.Column('plan_by_hand', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('next_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('anchors', _JSON, nullable=False, server_default=sa.text("'{}'")))
        batch_op.create_index(batch_op.f('ix_orders_next_due'), ['next_due'], unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('answers_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('answers_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_next_due'))
        for name in ('anchors', 'next_due', 'plan_by_hand', 'outstanding', 'total_due', 'currency',
                     'next_milestone', 'status_by_hand', 'plan'):
            batch_op.drop_column(name)
    op.drop_table('payments')
    op.drop_table('milestones')

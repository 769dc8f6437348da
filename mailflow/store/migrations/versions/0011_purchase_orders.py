"""two kinds of order: a sales order (a buyer's PO) and a purchase order (our P/O to a supplier)

Every order filed before this was opened by a buyer's PO, or by mail taken for one: all become
sales orders. A purchase order names the sales order it serves (`for_order_id`); the
counterparty stays in `buyer`, which for a purchase order holds the supplier.

Revision ID: 0011
Revises: 0010

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='sale'))
        batch_op.add_column(sa.Column('for_order_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_for_order_id'), ['for_order_id'], unique=False)
        batch_op.create_foreign_key('fk_orders_for_order_id_orders', 'orders', ['for_order_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint('fk_orders_for_order_id_orders', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_for_order_id'))
        batch_op.drop_column('for_order_id')
        batch_op.drop_column('kind')

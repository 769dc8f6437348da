"""money per instalment: the order's instalments as following computed them, and the banks'
charges a payment says were taken

`orders.instalments` keeps the deposit and the balance (or the L/C drawing) with what is due,
paid and short and their due dates, so that the daily plan and `payments` show the instalment
due now without following every order again; it is filled the next time an order is followed
(`mailflow follow --refresh` does every open order). `payments.charges` is the 71F or "bank
charges" amount a slip gives, of the amount paid, shown beside it.

Revision ID: 0012
Revises: 0011

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    # plain ADD COLUMN on both databases: SQLite's batch mode would copy `orders` into a new
    # table, which the payments, milestones and messages that refer to it do not allow
    op.add_column('orders', sa.Column('instalments', _JSON, nullable=False, server_default='[]'))
    op.add_column('payments', sa.Column('charges', sa.String(length=40), nullable=False, server_default=''))


def downgrade() -> None:
    # plain DROP COLUMN on both databases (SQLite has it since 3.35), for the reason above: a
    # batch copy of `orders` fails on a store whose orders have payments, milestones or mail
    op.drop_column('payments', 'charges')
    op.drop_column('orders', 'instalments')

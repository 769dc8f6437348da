"""who releases a held reply: the role its hold names (see mailflow/policy.py)

Replies filed before this kept no approver. Those still waiting get the one their shipped rule
and template would have given (an order confirmation, a complaint acknowledgement and a reply
held by a `hold_if` on the order: a manager; any other: anyone who answers mail); the rest are
done with and keep none. A row written without one later (an older mailflow still running
beside this one) stays NULL, which the policy reads as a manager's.

Revision ID: 0010
Revises: 0009

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approver', sa.String(length=30), nullable=True))
    op.execute("UPDATE outbox SET approver = CASE "
               "WHEN template IN ('order_confirmation', 'complaint_ack') OR reason LIKE '%hold_if%' "
               "OR reason LIKE '%differs from the buyer%' THEN 'manager' ELSE '' END "
               "WHERE state IN ('held', 'queued', 'failed', 'uncertain')")
    op.execute("UPDATE outbox SET approver = '' WHERE approver IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('approver')

"""quarantine keeps its origin; folder leases, outbox leases and send claims for several daemons

Revision ID: 0004
Revises: 0003

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        # where a quarantined mail came from, to run it through the pipeline again from there
        batch_op.add_column(sa.Column('origin_data', _JSON, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_column('origin_data')

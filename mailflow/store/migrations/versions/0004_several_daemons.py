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
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_results', _JSON, nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True))
    # replies sent before: filed with their sending
    op.execute("UPDATE outbox SET filed_at = sent_at WHERE state = 'sent'")
    op.create_table('folder_leases',
                    sa.Column('source', sa.String(length=1024), nullable=False),
                    sa.Column('owner', sa.String(length=300), nullable=False),
                    sa.Column('generation', sa.BigInteger(), nullable=False),
                    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('source'))
    with op.batch_alter_table('source_positions', schema=None) as batch_op:
        batch_op.drop_column('rescan_until')  # only identical bytes are duplicates now


def downgrade() -> None:
    with op.batch_alter_table('source_positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rescan_until', sa.BigInteger(), nullable=False,
                                      server_default=sa.text('0')))
    op.drop_table('folder_leases')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('filed_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('recipient_results')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_column('origin_data')

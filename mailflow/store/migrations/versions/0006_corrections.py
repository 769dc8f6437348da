"""corrections: a person's category for a filed mail

Revision ID: 0006
Revises: 0005

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('corrections',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('message_row_id', sa.Integer(), nullable=False),
                    sa.Column('before', sa.String(length=50), nullable=False),
                    sa.Column('after', sa.String(length=50), nullable=False),
                    sa.Column('by', sa.String(length=200), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_message_row_id'), ['message_row_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_message_row_id'))
    op.drop_table('corrections')

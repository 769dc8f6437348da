"""several machines: what a machine kept under its working directory and another needs, kept
in the database

Web desks on several machines behind one load balancer share only the database: a session
made on one must be known on the others (one key, in `desk_shared`), and what an action said
must be shown on whichever desk serves the next page (`web_sessions.flash_said/flash_error`).
The classifier one daemon trains is published in `classifier_models` for every other to load,
and the newest correction a training has seen is in `desk_shared`, so it trains once.

Revision ID: 0014
Revises: 0013

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('web_sessions', sa.Column('flash_said', sa.Text(), nullable=False, server_default=''))
    op.add_column('web_sessions', sa.Column('flash_error', sa.Text(), nullable=False, server_default=''))
    op.create_table('desk_shared',
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.Column('value', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('name'))
    op.create_table('classifier_models',
                    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('file', sa.String(length=200), nullable=False),
                    sa.Column('pointer', sa.Text(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('version'))


def downgrade() -> None:
    op.drop_table('classifier_models')
    op.drop_table('desk_shared')
    op.drop_column('web_sessions', 'flash_error')
    op.drop_column('web_sessions', 'flash_said')

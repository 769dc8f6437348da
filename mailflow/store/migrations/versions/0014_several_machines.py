"""several machines: the web desk's words for a session's next page kept on its session row,
and the key that hashes session tokens kept in the database

Web desks on several machines behind one load balancer share only the database: a session
made on one must be known on the others (one key, `desk_secrets`), and what an action said
must be shown on whichever desk serves the next page (`web_sessions.flash_said/flash_error`).

Revision ID: 0014
Revises: 0012 (0013, the index of another change, comes before this one where both are merged:
set down_revision to '0013' then)

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('web_sessions', sa.Column('flash_said', sa.Text(), nullable=False, server_default=''))
    op.add_column('web_sessions', sa.Column('flash_error', sa.Text(), nullable=False, server_default=''))
    op.create_table('desk_secrets',
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.Column('value', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('name'))


def downgrade() -> None:
    op.drop_table('desk_secrets')
    op.drop_column('web_sessions', 'flash_error')
    op.drop_column('web_sessions', 'flash_said')

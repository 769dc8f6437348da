"""a desk's whole history (a million messages): the bigram indexes carry the message id, so
that a Chinese word's messages come newest first from the index alone; the sender's address is
indexed as compared (lower case), so that "has this address written before" reads one row

Revision ID: 0009
Revises: 0008

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('search_bigrams', schema=None) as batch_op:
        batch_op.drop_index('ix_search_bigrams_pair')
        batch_op.drop_index('ix_search_bigrams_c2')
        batch_op.create_index('ix_search_bigrams_pair', ['c1', 'c2', 'message_row_id'], unique=False)
        batch_op.create_index('ix_search_bigrams_c2', ['c2', 'message_row_id'], unique=False)
    op.create_index('ix_messages_from_addr_lower', 'messages', [sa.text('lower(from_addr)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_messages_from_addr_lower', table_name='messages')
    with op.batch_alter_table('search_bigrams', schema=None) as batch_op:
        batch_op.drop_index('ix_search_bigrams_c2')
        batch_op.drop_index('ix_search_bigrams_pair')
        batch_op.create_index('ix_search_bigrams_c2', ['c2'], unique=False)
        batch_op.create_index('ix_search_bigrams_pair', ['c1', 'c2'], unique=False)

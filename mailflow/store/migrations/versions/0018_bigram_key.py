"""the bigram table keyed by what it is searched by: (c1, c2, message), with no id of its own

Every pair of consecutive Chinese characters of a filed mail is a row of `search_bigrams` (a
Chinese mail has hundreds), and each row went into four B-trees on SQLite: the table by its
id, the index on (c1, c2, message), the one on (c2, message) and the one on the message (kept
for a foreign key no delete uses: messages are never deleted). The pair and the message are a
row's key already (a message's pairs are a set), so the table is now that key: on SQLite a
WITHOUT ROWID table, stored in the order of (c1, c2, message), which a two-character search
reads newest first as it read the index before; one index is left, (c2, message), for a
character searched as a pair's second half. PostgreSQL's table loses its id and the two
indexes the key takes the place of.

Revision ID: 0018
Revises: 0017

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # a table's rowid cannot be taken away: built anew
        op.create_table(
            'search_bigrams_new',
            sa.Column('c1', sa.String(length=1), nullable=False),
            sa.Column('c2', sa.String(length=1), nullable=False),
            sa.Column('message_row_id', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
            sa.PrimaryKeyConstraint('c1', 'c2', 'message_row_id'),
            sqlite_with_rowid=False)
        op.execute("INSERT INTO search_bigrams_new (c1, c2, message_row_id) "
                   "SELECT DISTINCT c1, c2, message_row_id FROM search_bigrams")
        op.drop_table('search_bigrams')  # its indexes with it
        op.rename_table('search_bigrams_new', 'search_bigrams')
        op.create_index('ix_search_bigrams_c2', 'search_bigrams', ['c2', 'message_row_id'], unique=False)
        return
    op.drop_index('ix_search_bigrams_pair', table_name='search_bigrams')
    op.drop_index('ix_search_bigrams_message_row_id', table_name='search_bigrams')
    op.drop_constraint('search_bigrams_pkey', 'search_bigrams', type_='primary')
    op.drop_column('search_bigrams', 'id')
    op.create_primary_key('search_bigrams_pkey', 'search_bigrams', ['c1', 'c2', 'message_row_id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_table(
            'search_bigrams_old',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('message_row_id', sa.Integer(), nullable=False),
            sa.Column('c1', sa.String(length=1), nullable=False),
            sa.Column('c2', sa.String(length=1), nullable=False),
            sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
            sa.PrimaryKeyConstraint('id'))
        op.execute("INSERT INTO search_bigrams_old (message_row_id, c1, c2) "
                   "SELECT message_row_id, c1, c2 FROM search_bigrams ORDER BY message_row_id")
        op.drop_table('search_bigrams')
        op.rename_table('search_bigrams_old', 'search_bigrams')
        op.create_index('ix_search_bigrams_c2', 'search_bigrams', ['c2', 'message_row_id'], unique=False)
    else:
        op.drop_constraint('search_bigrams_pkey', 'search_bigrams', type_='primary')
        op.add_column('search_bigrams', sa.Column('id', sa.Integer(), sa.Identity(), nullable=False))
        op.create_primary_key('search_bigrams_pkey', 'search_bigrams', ['id'])
    op.create_index('ix_search_bigrams_message_row_id', 'search_bigrams', ['message_row_id'], unique=False)
    op.create_index('ix_search_bigrams_pair', 'search_bigrams', ['c1', 'c2', 'message_row_id'], unique=False)

"""the order record: typed documents, complaint cases, order versions, signed decisions on replies

Revision ID: 0005
Revises: 0004

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('cases',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('number', sa.String(length=40), nullable=False),
                    sa.Column('order_id', sa.Integer(), nullable=True),
                    sa.Column('buyer', sa.String(length=255), nullable=False),
                    sa.Column('subject', sa.Text(), nullable=False),
                    sa.Column('status', sa.String(length=20), nullable=False),
                    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('closed_by', sa.String(length=200), nullable=False),
                    sa.Column('note', sa.Text(), nullable=False),
                    sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('number'))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)
    op.create_table('documents',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('message_row_id', sa.Integer(), nullable=False),
                    sa.Column('order_id', sa.Integer(), nullable=True),
                    sa.Column('kind', sa.String(length=40), nullable=False),
                    sa.Column('party', sa.String(length=20), nullable=False),
                    sa.Column('name', sa.Text(), nullable=False),
                    sa.Column('revision', sa.Integer(), nullable=False),
                    sa.Column('reason', sa.Text(), nullable=False),
                    sa.Column('record', _JSON, nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['message_row_id'], ['messages.id']),
                    sa.ForeignKeyConstraint(['order_id'], ['orders.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_message_row_id'), ['message_row_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_order_id'), ['order_id'], unique=False)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_foreign_key('fk_messages_case_id', 'cases', ['case_id'], ['id'])
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_key', sa.String(length=300), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.add_column(sa.Column('order_version', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('superseded_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=200), nullable=False,
                                      server_default=sa.text("''")))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('action', _JSON, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        for column in ('action', 'decided_at', 'decided_by', 'superseded_by', 'order_version', 'revision_key'):
            batch_op.drop_column(column)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_messages_case_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_case_id'))
        batch_op.drop_column('case_id')
    op.drop_table('documents')
    op.drop_table('cases')

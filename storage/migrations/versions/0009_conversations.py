"""conversations: messages held until their author picks a request; lookups for replies

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'held_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attached_ref', sa.String(length=32), nullable=True),
        sa.Column('attached_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_held_message_person_id', 'held_message', ['person_id'], unique=False)
    op.create_index('ix_request_thread_ref', 'request', ['thread_ref'], unique=False)
    op.create_index('ix_outbox_platform_ref', 'outbox', ['platform_ref'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_platform_ref', table_name='outbox')
    op.drop_index('ix_request_thread_ref', table_name='request')
    op.drop_index('ix_held_message_person_id', table_name='held_message')
    op.drop_table('held_message')

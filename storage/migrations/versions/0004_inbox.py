"""inbox: slash commands stored before the ack and run by a worker

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:45:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lease_until', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_inbox_waiting', 'inbox', ['done_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_waiting', table_name='inbox')
    op.drop_table('inbox')

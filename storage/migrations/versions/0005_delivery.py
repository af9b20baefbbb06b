"""delivery: each platform delivery claimed with its change; the Slack inbox goes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 13:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'delivery',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('seen_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answer', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_delivery_seen_at', 'delivery', ['seen_at'], unique=False)
    # Slack's claims lived among WeCom's nonces; they are deliveries now.
    op.execute("DELETE FROM seen_nonce WHERE nonce LIKE 'slack:%'")
    op.drop_index('ix_inbox_waiting', table_name='inbox')
    op.drop_table('inbox')


def downgrade() -> None:
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
    op.drop_index('ix_delivery_seen_at', table_name='delivery')
    op.drop_table('delivery')

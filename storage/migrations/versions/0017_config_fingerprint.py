"""config_fingerprint: the hash of the config the database last saw

A request's ``next_sweep_at`` is worked out from the config (targets, nudge points, ladders,
hours). When a process starts with a config whose hash differs from the one kept here, every
live request is checked again at once, so a reminder the new config moves earlier, or a rule
it adds, is not missed (``bot/runtime/scheduler.py``). The config itself is never stored.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 02:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'config_fingerprint',
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('scope'),
    )


def downgrade() -> None:
    op.drop_table('config_fingerprint')

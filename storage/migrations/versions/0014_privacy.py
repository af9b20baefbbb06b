"""privacy: retention and erasure

``request.purged_at``: when the retention job blanked a closed request's details, comments,
files and rating comment (the figures stay). ``erasure``: one row per person erased on
request (the right to erasure): the pseudonym that replaced them, who erased them and when,
and how many rows changed per table. The erased person's id is not kept.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-21 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'erasure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pseudonym', sa.String(length=64), nullable=False),
        sa.Column('erased_by', sa.String(length=64), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('pseudonym', name='uq_erasure_pseudonym'),
    )
    # plain ADD COLUMN (no batch: SQLite's batch mode would reflect the request table, whose
    # expression index it cannot read)
    op.add_column('request', sa.Column('purged_at', storage.types.UTCDateTime(timezone=True),
                                       nullable=True))
    op.create_index('ix_request_purged_at', 'request', ['purged_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_request_purged_at', table_name='request')
    op.execute('ALTER TABLE request DROP COLUMN purged_at')
    op.drop_table('erasure')

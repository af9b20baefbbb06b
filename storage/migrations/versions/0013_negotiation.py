"""negotiation: proposals of a new date or solution, and the agreement on the request

A desk proposes, the requester accepts, declines or counters (handlers/negotiation.py).
The request keeps the target the first agreement replaced (``original_resolution_due``),
when it was agreed, how many agreements this cycle (a fresh set of desk nudges each), and
when a desk proposal started waiting for the requester (``proposed_at``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-20 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('department', sa.String(length=64), nullable=False),
        sa.Column('cycle', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('proposer_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('due_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('overdue_since', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_proposal_request', 'proposal', ['request_id', 'id'], unique=False)
    op.create_index('ix_proposal_decided', 'proposal', ['department', 'decided_at'],
                    unique=False)
    # plain ADD COLUMNs (no batch: SQLite's batch mode would reflect the request table, whose
    # expression index it cannot read)
    op.add_column('request', sa.Column('original_resolution_due',
                                       storage.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('request', sa.Column('agreed_at', storage.types.UTCDateTime(timezone=True),
                                       nullable=True))
    op.add_column('request', sa.Column('agreements', sa.Integer(), nullable=False,
                                       server_default='0'))
    op.add_column('request', sa.Column('proposed_at', storage.types.UTCDateTime(timezone=True),
                                       nullable=True))


def downgrade() -> None:
    # plain DROP COLUMNs (SQLite 3.35+ and PostgreSQL): a batch rebuild of request would lose
    # its expression index
    for column in ('proposed_at', 'agreements', 'agreed_at', 'original_resolution_due'):
        op.execute(f'ALTER TABLE request DROP COLUMN {column}')
    op.drop_index('ix_proposal_decided', table_name='proposal')
    op.drop_index('ix_proposal_request', table_name='proposal')
    op.drop_table('proposal')

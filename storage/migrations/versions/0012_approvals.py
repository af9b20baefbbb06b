"""approvals: the steps of a request's approval chain, votes, and people away with a delegate

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-19 15:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'approval_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('spec', sa.JSON(), nullable=False),
        sa.Column('approvers', sa.JSON(), nullable=False),
        sa.Column('mode', sa.String(length=8), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('nudges', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', 'round', 'position', name='uq_approval_step'),
    )
    op.create_index('ix_approval_step_request', 'approval_step',
                    ['request_id', 'round', 'position'], unique=False)
    op.create_table(
        'approval_vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('step_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['step_id'], ['approval_step.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('step_id', 'person_id', name='uq_approval_vote'),
    )
    op.create_index('ix_approval_vote_step_id', 'approval_vote', ['step_id'], unique=False)
    op.create_table(
        'away',
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('delegate_id', sa.String(length=64), nullable=False),
        sa.Column('since', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('until', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('person_id'),
    )


def downgrade() -> None:
    op.drop_table('away')
    op.drop_index('ix_approval_vote_step_id', table_name='approval_vote')
    op.drop_table('approval_vote')
    op.drop_index('ix_approval_step_request', table_name='approval_step')
    op.drop_table('approval_step')

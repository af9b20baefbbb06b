"""service forms: typed field values, chat forms being filled, deflections

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-19 11:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'request_field',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('number', sa.Numeric(18, 2), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('day', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', 'key', name='uq_request_field'),
    )
    op.create_index('ix_request_field_request_id', 'request_field', ['request_id'],
                    unique=False)
    op.create_table(
        'form_draft',
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('department', sa.String(length=64), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('asking', sa.String(length=64), nullable=True),
        sa.Column('answer_to', sa.String(length=300), nullable=True),
        sa.Column('priority', sa.String(length=2), nullable=True),
        sa.Column('raise_priority', sa.Boolean(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('person_id'),
    )
    op.create_index('ix_form_draft_expires_at', 'form_draft', ['expires_at'], unique=False)
    op.create_table(
        'deflection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department', sa.String(length=64), nullable=False),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deflection_at', 'deflection', ['department', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_deflection_at', table_name='deflection')
    op.drop_table('deflection')
    op.drop_index('ix_form_draft_expires_at', table_name='form_draft')
    op.drop_table('form_draft')
    op.drop_index('ix_request_field_request_id', table_name='request_field')
    op.drop_table('request_field')

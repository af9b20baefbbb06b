"""attachments: files shared on requests, their bytes in the database or a shared folder

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 11:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('share_to', sa.String(length=100), nullable=True),
        sa.Column('internal', sa.Boolean(), nullable=False),
        sa.Column('location', sa.String(length=500), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('failed_reason', sa.String(length=300), nullable=True),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('fetch_until', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('stored_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_attachment_request', 'attachment', ['request_id', 'id'], unique=False)
    op.create_table(
        'file_blob',
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id']),
        sa.PrimaryKeyConstraint('attachment_id'),
    )


def downgrade() -> None:
    op.drop_table('file_blob')
    op.drop_index('ix_attachment_request', table_name='attachment')
    op.drop_table('attachment')

"""digest indexes: requests by created, first response and close time; ratings by time

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:30:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_request_first_response_at', ['first_response_at'], unique=False)
        batch_op.create_index('ix_request_closed_at', ['closed_at'], unique=False)
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_created_at')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_closed_at')
        batch_op.drop_index('ix_request_first_response_at')
        batch_op.drop_index('ix_request_created_at')

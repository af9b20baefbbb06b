"""request: index first_response_due and resolution_due, which the digest selects a week by

Every digest, scorecard and report counts the targets that fell due in each week it shows
(``digest_queries._fell_due``): without these indexes each week and target read the whole
request table (about 14 s for ten digests over a million requests on SQLite).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:00:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_request_first_response_due', 'request', ['first_response_due'])
    op.create_index('ix_request_resolution_due', 'request', ['resolution_due'])


def downgrade() -> None:
    op.drop_index('ix_request_resolution_due', table_name='request')
    op.drop_index('ix_request_first_response_due', table_name='request')

"""breach: ``met``, so a target met in time is kept too when a transfer or a reopen moves it

Before, only missed targets were kept: a resolution met in time, then reopened, dropped out
of its week's digest (the request's resolution target had moved to the new cycle), and so
did a first response met in time by a desk that then transferred the request.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: Union[str, None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('breach', sa.Column('met', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    op.execute('DELETE FROM breach WHERE met')
    op.execute('ALTER TABLE breach DROP COLUMN met')

"""outbox: drop ix_outbox_target_waiting, which no query reads any more

The dispatcher's claim finds the rows on their way through ``ix_outbox_pending`` and walks the
waiting rows through ``ix_outbox_waiting``; the per-target index from 0006 only cost every
outbox insert, lease and record an index write.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-22 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WAITING = "delivered_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    op.drop_index('ix_outbox_target_waiting', table_name='outbox')


def downgrade() -> None:
    op.create_index('ix_outbox_target_waiting', 'outbox', ['target', 'id', 'due_at'],
                    unique=False, postgresql_where=sa.text(WAITING),
                    sqlite_where=sa.text(WAITING))

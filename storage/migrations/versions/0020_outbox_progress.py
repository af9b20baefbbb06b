"""outbox: ``progress``, what earlier tries already sent of a message of several calls

A message sent in several platform calls (WeCom: a text then its chart, several texts, a file
after its notice; Slack: a shared file's notice, then the upload) kept the parts already sent
in the sending process's memory only: after a crash or a restart, or on another replica, the
next try sent them again. The row now keeps it (JSON: the sender's note and a digest of the
content it is about); a try reads it with the row and starts after it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 09:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0020'
down_revision: Union[str, None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # a plain ADD COLUMN (no batch: SQLite's batch mode would rebuild the outbox and its
    # partial index); rows on their way start with none, as a fresh process did
    op.add_column('outbox', sa.Column('progress', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE outbox DROP COLUMN progress')

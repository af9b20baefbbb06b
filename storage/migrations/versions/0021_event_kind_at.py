"""event: an index on (kind, at), so a week's closes, ratings and transfers are found by range

The digest and the report counted a week's closes and ratings from the request's current
``closed_at`` and its one rating row: a reopen in a later week cleared the close, and a new
rating replaced the old one, so a finished week's figures changed afterwards. They now read
what happened in the week from the history (``confirmed``, ``auto_confirmed``, ``rated``,
``transferred`` events); this index keeps that a range scan rather than a read of the whole
event table.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 15:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_event_kind_at', 'event', ['kind', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_event_kind_at', table_name='event')

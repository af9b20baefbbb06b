"""request: the open-queue index orders by what the desk owes soonest

The queue listed open requests by their resolution due time, so a request whose first
response was hours overdue (and escalated) sat behind others, often on a later page. It now
orders by the first response while one is owed and comes first, else the resolution; the
partial index is rebuilt on that expression so a deep queue's page stays an index scan.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 01:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATES = "state IN ('open', 'acknowledged', 'in_progress', 'waiting')"
OLD_ORDER = "coalesce(resolution_due, created_at)"
NEW_ORDER = ("COALESCE(\nCASE\n    WHEN state = 'open' AND first_response_at IS NULL AND "
             "first_response_due < resolution_due THEN first_response_due\n"
             "    ELSE resolution_due\nEND, created_at)")  # as PostgreSQL shows it back


def _index(order: str) -> None:
    op.create_index(
        'ix_request_open_queue', 'request', ['department', sa.text(order), 'priority', 'id'],
        postgresql_where=sa.text(OPEN_STATES), sqlite_where=sa.text(OPEN_STATES),
    )


def upgrade() -> None:
    op.drop_index('ix_request_open_queue', table_name='request')
    _index(NEW_ORDER)


def downgrade() -> None:
    op.drop_index('ix_request_open_queue', table_name='request')
    _index(OLD_ORDER)

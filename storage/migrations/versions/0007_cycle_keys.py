"""reopen cycles: breaches and nudge claims keyed per request, desk, target and cycle, not due time

A pause, a resume or a priority change moved a request's due time, and with it the keys of
its breach row and of every nudge claim: the ladder was sent again and the miss counted
again. Existing rows are kept: a request's breach rows for one desk and target are numbered
as cycles 0, 1, … in due order, and the desk nudges' claim keys are rewritten to the new
form (cycle 0, the request's desk), so nothing already sent goes out again after the upgrade.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""
import warnings
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DESK_NUDGES = ("warn", "breach", "repeat", "escalate")
BATCH = 1000


def _number_breaches(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text(
        "SELECT id, request_id, department, target FROM breach "
        "ORDER BY request_id, department, target, due_at, id")).all()
    group, cycle, updates = None, 0, []
    for row_id, request_id, department, target in rows:
        key = (request_id, department, target)
        cycle = cycle + 1 if key == group else 0
        group = key
        if cycle:
            updates.append({"id": row_id, "cycle": cycle})
    for start in range(0, len(updates), BATCH):
        conn.execute(sa.text("UPDATE breach SET cycle = :cycle WHERE id = :id"),
                     updates[start:start + BATCH])


def _rekey_claims(conn: sa.Connection) -> None:
    """``rid:kind:target:stamp:step:recipient`` → ``rid:c0:desk:kind:target:step:recipient``
    for the desk nudges; the other rules keep their keys (they hang on one event each)."""
    rows = conn.execute(sa.text(
        "SELECT c.key, c.request_id, c.claimed_at, r.department FROM nudge_claim c "
        "JOIN request r ON r.id = c.request_id")).all()
    old_keys, new_rows, seen = [], [], set()
    for key, request_id, claimed_at, department in rows:
        parts = key.split(":", 5)
        if len(parts) != 6 or parts[1] not in DESK_NUDGES or parts[3].startswith("c"):
            continue
        rid, kind, target, _stamp, step, recipient = parts
        new_key = f"{rid}:c0:{department}:{kind}:{target}:{step}:{recipient}"
        old_keys.append({"key": key})
        if new_key not in seen:
            seen.add(new_key)
            new_rows.append({"key": new_key, "request_id": request_id,
                             "claimed_at": claimed_at})
    for start in range(0, len(old_keys), BATCH):
        conn.execute(sa.text("DELETE FROM nudge_claim WHERE key = :key"),
                     old_keys[start:start + BATCH])
    for start in range(0, len(new_rows), BATCH):
        conn.execute(sa.text(
            "INSERT INTO nudge_claim (key, request_id, claimed_at) "
            "VALUES (:key, :request_id, :claimed_at)"), new_rows[start:start + BATCH])


def upgrade() -> None:
    # a plain ADD COLUMN (no batch: SQLite's batch mode would reflect the request table,
    # whose expression index it cannot read)
    op.add_column('request', sa.Column('cycle', sa.Integer(), nullable=False,
                                       server_default='0'))
    with op.batch_alter_table('breach') as batch:
        batch.add_column(sa.Column('cycle', sa.Integer(), nullable=False,
                                   server_default='0'))
    conn = op.get_bind()
    _number_breaches(conn)
    with warnings.catch_warnings():
        # SQLite rebuilds breach, reflecting request through the foreign key; request's
        # expression index cannot be reflected, and need not be: request is left as it is.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        with op.batch_alter_table('breach') as batch:
            batch.drop_constraint('uq_breach', type_='unique')
            batch.create_unique_constraint('uq_breach',
                                           ['request_id', 'department', 'target', 'cycle'])
    _rekey_claims(conn)


def downgrade() -> None:
    # Claims keep their new keys: after a downgrade a desk nudge may go out once more.
    with op.batch_alter_table('breach') as batch:
        batch.drop_constraint('uq_breach', type_='unique')
        batch.create_unique_constraint('uq_breach', ['request_id', 'target', 'due_at'])
        batch.drop_column('cycle')
    with op.batch_alter_table('request') as batch:
        batch.drop_column('cycle')

"""outbox: per-target order, permanent failures; send_log: pacing shared by replicas

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WAITING = "delivered_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('leased_at', storage.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('failed_at', storage.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('failed_reason', sa.String(length=100), nullable=True))
    op.create_index('ix_outbox_target_waiting', 'outbox', ['target', 'id', 'due_at'],
                    unique=False, postgresql_where=sa.text(WAITING),
                    sqlite_where=sa.text(WAITING))
    op.create_index('ix_outbox_waiting', 'outbox', ['id', 'due_at'], unique=False,
                    postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING))
    op.create_index('ix_outbox_failed', 'outbox', ['failed_at'], unique=False)
    op.create_table(
        'send_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_send_log_key', 'send_log', ['key', 'sent_at'], unique=False)
    # WeCom tokens were stored under a key that held part of the secret: fetched anew.
    op.execute("DELETE FROM platform_token WHERE key LIKE '%access_token' "
               "AND key NOT LIKE 'wecom:%' AND key NOT LIKE 'slack:%'")


def downgrade() -> None:
    op.drop_index('ix_send_log_key', table_name='send_log')
    op.drop_table('send_log')
    op.drop_index('ix_outbox_failed', table_name='outbox')
    op.drop_index('ix_outbox_waiting', table_name='outbox')
    op.drop_index('ix_outbox_target_waiting', table_name='outbox')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('failed_reason')
        batch.drop_column('failed_at')
        batch.drop_column('leased_at')

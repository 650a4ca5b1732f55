"""jobs: the durable record of work run by the huey task queue

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00

The queue itself moved to huey (SQLite file or Redis); this table keeps the
record the settings UI and the admin API read. Claiming columns go
(run_after, locked_by, locked_at, max_attempts); a heartbeat (updated_at),
the start time and a key that allows one queued or running job per shop and
kind come. Jobs still queued or running from the old queue are picked up by
the workers' sweep for stale jobs, which hands them to the new queue.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"
SINGLE_PER_SHOP = "('train', 'shopify_sync', 'purge_expired', 'shopify_register_webhooks')"


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('singleton_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE jobs SET started_at = locked_at, updated_at = COALESCE(finished_at, locked_at, created_at)")
    # The newest active job per shop and kind keeps that place; older duplicates the old queue allowed do not.
    op.execute(
        "UPDATE jobs SET singleton_key = kind || ':' || CAST(shop_id AS VARCHAR) WHERE id IN ("
        f"SELECT MAX(id) FROM jobs WHERE {ACTIVE} AND shop_id IS NOT NULL AND kind IN {SINGLE_PER_SHOP} "
        "GROUP BY kind, shop_id)"
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_index('ix_jobs_status_run_after')
        batch_op.drop_column('run_after')
        batch_op.drop_column('locked_by')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('max_attempts')
        batch_op.create_index('ix_jobs_status_updated', ['status', 'updated_at'], unique=False)
    op.create_index('uq_jobs_one_active_per_key', 'jobs', ['singleton_key'], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    op.drop_index('uq_jobs_one_active_per_key', table_name='jobs',
                  sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_updated')
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), nullable=False, server_default='5'))
        batch_op.add_column(sa.Column('run_after', sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column('locked_by', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE jobs SET locked_at = started_at WHERE status = 'running'")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('max_attempts', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('run_after', existing_type=sa.DateTime(), server_default=None)
        batch_op.drop_column('updated_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('singleton_key')
        batch_op.create_index('ix_jobs_status_run_after', ['status', 'run_after'], unique=False)

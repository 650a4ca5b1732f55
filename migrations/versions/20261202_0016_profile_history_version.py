"""perf: profiles count changes to what a page view's ranking reads of their history

Revision ID: perf_0016
Revises: merge_perf_0015
Create Date: 2026-12-02 14:00:00

Every write that changes what the serving ranking reads of a visitor (taste
events, conversions, orders, merges) adds one to ``history_version`` in the
same transaction, so a worker on any machine reuses a result computed from a
visitor's history exactly while that history is unchanged
(app/recommender/serving/visitor_memo.py).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'perf_0016'
down_revision = 'merge_perf_0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('history_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('history_version')

"""per-shop config and catalog versions: keys of the web workers' in-process caches

Revision ID: perf_0010
Revises: 0009
Create Date: 2026-12-04 04:30:00

Bumped on every change to a shop's settings, rules, segments, experiments or
active model (config_version) and to its products (catalog_version), so every
worker on every machine notices a change by reading two integers.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'perf_0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('catalog_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('catalog_version')
        batch_op.drop_column('config_version')

"""merge the shops' config and catalog versions (perf_0010) with the leads line

Revision ID: merge_perf_0015
Revises: merge_leads_0014, perf_0010
Create Date: 2026-12-02 06:15:00
"""
from __future__ import annotations

revision = 'merge_perf_0015'
down_revision = ('merge_leads_0014', 'perf_0010')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""merge the CLV traits (clv_0008) and the huey job records (0008), written in parallel from 0007

Revision ID: 0009
Revises: clv_0008, 0008
Create Date: 2026-12-02 03:00:00
"""
from __future__ import annotations

revision = '0009'
down_revision = ('clv_0008', '0008')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""merge the verified identity and revocable sessions (identity_0009) with 0009, written in parallel

Revision ID: 0010
Revises: 0009, identity_0009
Create Date: 2026-12-02 04:30:00
"""
from __future__ import annotations

revision = '0010'
down_revision = ('0009', 'identity_0009')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

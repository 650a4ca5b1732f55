"""merge main's head (0009: CLV and huey job records) with the merchant migrations (merchant_0009..0011, from clv_0008)

Revision ID: merchant_0012
Revises: 0009, merchant_0011
Create Date: 2026-12-10 05:00:00
"""
from __future__ import annotations

revision = 'merchant_0012'
down_revision = ('0009', 'merchant_0011')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""merge the merchant line (won-back stage, pins per slider: merchant_0012) with the embedded/surveys line

Revision ID: merge_merchant_0013
Revises: merge_embedded_0012, merchant_0012
Create Date: 2026-12-02 06:00:00
"""
from __future__ import annotations

revision = 'merge_merchant_0013'
down_revision = ('merge_embedded_0012', 'merchant_0012')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""merge one lead per address, consents and discount codes (leads_0010) with the merchant line

Revision ID: merge_leads_0014
Revises: merge_merchant_0013, leads_0010
Create Date: 2026-12-02 06:05:00
"""
from __future__ import annotations

revision = 'merge_leads_0014'
down_revision = ('merge_merchant_0013', 'leads_0010')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

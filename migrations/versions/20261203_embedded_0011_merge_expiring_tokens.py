"""merge the expiring Shopify tokens (shopify_tokens_0010) with 0010 (identity), written in parallel

Revision ID: embedded_0011
Revises: 0010, shopify_tokens_0010
Create Date: 2026-12-03 05:20:00
"""
from __future__ import annotations

revision = 'embedded_0011'
down_revision = ('0010', 'shopify_tokens_0010')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

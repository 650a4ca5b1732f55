"""merge the embedded admin's expiring Shopify tokens (embedded_0011) with the surveys line (merge_surveys_0011)

Revision ID: merge_embedded_0012
Revises: merge_surveys_0011, embedded_0011
Create Date: 2026-12-02 05:35:00
"""
from __future__ import annotations

revision = 'merge_embedded_0012'
down_revision = ('merge_surveys_0011', 'embedded_0011')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

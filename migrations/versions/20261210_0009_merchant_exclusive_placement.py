"""merchant: a widget has one placement, and only an explicit "replace" removes merchant content

Revision ID: merchant_0009
Revises: clv_0008
Create Date: 2026-12-10 09:00:00

Data only. Rules saved with both a slot and a selector (the editor
pre-filled the slot, the merchant typed the selector) keep the selector,
which is what the merchant typed, with the mode they chose for it. A slot
rule's mode was never used before (the script always replaced the slot's
children), so it was never the merchant's choice: slot rules become "append"
(inside the slot, keeping whatever else it holds); merchants who want the
slot's own content gone choose "replace".

The downgrade cannot bring back the slots dropped here; it restores the
mode the old script assumed for slots.
"""
from __future__ import annotations

from alembic import op


revision = 'merchant_0009'
down_revision = 'clv_0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE rules SET slot = NULL "
        "WHERE kind IN ('block', 'slider') AND slot IS NOT NULL AND slot <> '' AND selector IS NOT NULL AND selector <> ''"
    )
    op.execute("UPDATE rules SET mode = 'append' WHERE kind IN ('block', 'slider') AND slot IS NOT NULL AND slot <> ''")


def downgrade() -> None:
    op.execute("UPDATE rules SET mode = 'replace' WHERE kind IN ('block', 'slider') AND slot IS NOT NULL AND slot <> ''")

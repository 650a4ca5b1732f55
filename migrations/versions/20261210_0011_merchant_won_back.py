"""merchant: profiles keep the order before their last, for the "won back" journey stage

Revision ID: merchant_0011
Revises: merchant_0010
Create Date: 2026-12-10 15:00:00

A customer is won back when their latest order came after a lapse: the gap
between it and the order before was longer than the shop's lapse. That
previous order is kept current with every order from now on; existing
profiles get it from their stored orders here.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'merchant_0011'
down_revision = 'merchant_0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_order_at', sa.DateTime(), nullable=True))

    op.execute(
        "UPDATE profiles SET previous_order_at = "
        "(SELECT MAX(orders.placed_at) FROM orders WHERE orders.profile_id = profiles.id AND orders.placed_at < profiles.last_order_at) "
        "WHERE order_count > 1 AND last_order_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('previous_order_at')

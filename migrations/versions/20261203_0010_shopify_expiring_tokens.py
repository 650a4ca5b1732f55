"""shopify expiring offline tokens: the access token's expiry, the refresh token and its expiry

Revision ID: shopify_tokens_0010
Revises: 0009
Create Date: 2026-12-03 04:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'shopify_tokens_0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shopify_installs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_token_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('refresh_token_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('refresh_token_expires_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shopify_installs', schema=None) as batch_op:
        batch_op.drop_column('refresh_token_expires_at')
        batch_op.drop_column('refresh_token_encrypted')
        batch_op.drop_column('access_token_expires_at')

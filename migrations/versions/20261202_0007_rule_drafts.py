"""rule drafts (unsaved editor changes shown by "Preview changes")

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00

Commit 42526aa had added this table to 0006 after 0006 was committed. 0006 is
restored as first committed; databases migrated with that edited 0006 already
have the table, so it is created here only where it is missing.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table('rule_drafts'):
        return
    op.create_table('rule_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_rule_drafts_rule_id_rules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_rule_drafts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_drafts'))
    )
    with op.batch_alter_table('rule_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_drafts_shop_id'), ['shop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rule_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_drafts_shop_id'))
    op.drop_table('rule_drafts')

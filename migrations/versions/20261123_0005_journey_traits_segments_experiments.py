"""journey traits, segments, experiments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 03:10:37.811242
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('match', sa.String(length=3), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_segments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments'))
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_shop_id'), ['shop_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('experiment_key', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=140), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('arm', sa.String(length=64), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_assignments_profile_id_profiles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_assignments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('shop_id', 'experiment_key', 'unit_id', name=op.f('uq_assignments_shop_id_experiment_key_unit_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_profile_id'), ['profile_id'], unique=False)

    op.create_table('experiments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('variants', sa.JSON(), nullable=False),
    sa.Column('holdout', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_experiments_rule_id_rules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_experiments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiments'))
    )
    with op.batch_alter_table('experiments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiments_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_experiments_shop_id'), ['shop_id'], unique=False)

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('total_spend', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_order_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cart_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cart_value', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('viewed_categories', sa.JSON(), server_default='{}', nullable=False))

    # Profiles that already have orders get their order traits from them.
    op.execute(
        "UPDATE profiles SET "
        "order_count = (SELECT count(*) FROM orders WHERE orders.profile_id = profiles.id), "
        "total_spend = COALESCE((SELECT sum(total) FROM orders WHERE orders.profile_id = profiles.id), 0), "
        "last_order_at = (SELECT max(placed_at) FROM orders WHERE orders.profile_id = profiles.id)"
    )




def downgrade() -> None:

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('viewed_categories')
        batch_op.drop_column('cart_value')
        batch_op.drop_column('cart_count')
        batch_op.drop_column('last_order_at')
        batch_op.drop_column('total_spend')
        batch_op.drop_column('order_count')

    with op.batch_alter_table('experiments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiments_shop_id'))
        batch_op.drop_index(batch_op.f('ix_experiments_rule_id'))

    op.drop_table('experiments')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_profile_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_shop_id'))

    op.drop_table('segments')


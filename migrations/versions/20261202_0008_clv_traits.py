"""customer lifetime value: CLV traits on profiles, the shop's fitted models in clv_fits

Revision ID: clv_0008
Revises: 0007
Create Date: 2026-12-02 00:58:11.195032

first_order_at is kept current with every order from now on; existing
profiles get it from their stored orders here.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'clv_0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clv_fits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('fitted_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.Column('repeat_customers', sa.Integer(), nullable=False),
    sa.Column('bgnbd', sa.JSON(), nullable=True),
    sa.Column('gamma_gamma', sa.JSON(), nullable=True),
    sa.Column('horizon_months', sa.Integer(), nullable=False),
    sa.Column('monthly_discount_rate', sa.Float(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_clv_fits_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clv_fits'))
    )
    with op.batch_alter_table('clv_fits', schema=None) as batch_op:
        batch_op.create_index('ix_clv_fits_shop_fitted', ['shop_id', 'fitted_at'], unique=False)

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_order_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('predicted_clv', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('p_alive', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('expected_orders_90d', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('clv_percentile', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('clv_updated_at', sa.DateTime(), nullable=True))

    op.execute(
        "UPDATE profiles SET first_order_at = "
        "(SELECT MIN(orders.placed_at) FROM orders WHERE orders.profile_id = profiles.id) "
        "WHERE order_count > 0"
    )


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('clv_updated_at')
        batch_op.drop_column('clv_percentile')
        batch_op.drop_column('expected_orders_90d')
        batch_op.drop_column('p_alive')
        batch_op.drop_column('predicted_clv')
        batch_op.drop_column('first_order_at')

    with op.batch_alter_table('clv_fits', schema=None) as batch_op:
        batch_op.drop_index('ix_clv_fits_shop_fitted')

    op.drop_table('clv_fits')

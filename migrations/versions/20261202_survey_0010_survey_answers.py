"""NPS and CSAT survey answers, with the segments each shopper matched when answering

Revision ID: survey_0010
Revises: 0009
Create Date: 2026-12-02 03:38:37.522396
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'survey_0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('visitor_id', sa.String(length=64), nullable=True),
    sa.Column('decision_id', sa.String(length=64), nullable=True),
    sa.Column('variant', sa.String(length=40), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=True),
    sa.Column('clv_band', sa.String(length=16), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_survey_answers_profile_id_profiles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_survey_answers_rule_id_rules'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_survey_answers_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index('ix_survey_answers_shop_created', ['shop_id', 'created_at'], unique=False)
        batch_op.create_index('ix_survey_answers_shop_rule_profile', ['shop_id', 'rule_id', 'profile_id'], unique=False)

    op.create_table('survey_answer_segments',
    sa.Column('answer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['survey_answers.id'], name=op.f('fk_survey_answer_segments_answer_id_survey_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_survey_answer_segments_segment_id_segments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_survey_answer_segments_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'segment_id', name=op.f('pk_survey_answer_segments'))
    )
    with op.batch_alter_table('survey_answer_segments', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answer_segments_segment', ['segment_id', 'answer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survey_answer_segments', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answer_segments_segment')

    op.drop_table('survey_answer_segments')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_shop_rule_profile')
        batch_op.drop_index('ix_survey_answers_shop_created')
        batch_op.drop_index(batch_op.f('ix_survey_answers_profile_id'))

    op.drop_table('survey_answers')

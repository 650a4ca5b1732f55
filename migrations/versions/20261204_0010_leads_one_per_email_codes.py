"""leads: one per shop and email (duplicates merged), a consent record, double opt-in, discount codes

Revision ID: leads_0010
Revises: 0009
Create Date: 2026-12-04 04:30:00

Until now every pop-up submission was a new lead row, so one email could have
many, with contradicting consents. Each (shop, email) keeps one row: the
earliest (its created_at says when the shop first got the address), carrying
the newest answer's consent (with that answer's time as consent_at) and the
newest known profile, visitor, rule and decision. Nothing is lost: every old
row's answer is first copied into lead_consents, the consent record. Emails
are lower-cased and stripped first (as the endpoint always did), so two
spellings of one address merge too.

The downgrade drops the new columns and tables; merged rows stay merged.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'leads_0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CARRIED = ("profile_id", "visitor_id", "rule_id", "decision_id")


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('consent_pending_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('discount_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))

    _merge_duplicates(op.get_bind())

    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.alter_column('consent_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_leads_shop_id_email'), ['shop_id', 'email'])

    # Created only now: on SQLite the batch above rebuilds leads, and dropping the old table would
    # cascade to rows already pointing at it.
    op.create_table('lead_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('visitor_id', sa.String(length=64), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_consents_lead_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_lead_consents_rule_id_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_consents'))
    )
    with op.batch_alter_table('lead_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_consents_lead_id'), ['lead_id'], unique=False)

    op.execute(
        "INSERT INTO lead_consents (lead_id, consent, source, visitor_id, rule_id, decision_id, created_at) "
        "SELECT lead_id, consent, 'popup', visitor_id, rule_id, decision_id, created_at FROM lead_answers_0010 ORDER BY id"
    )
    op.drop_table('lead_answers_0010')

    op.create_table('discount_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_discount_codes_lead_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_discount_codes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_codes')),
    sa.UniqueConstraint('shop_id', 'code', name=op.f('uq_discount_codes_shop_id_code'))
    )
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.create_index('ix_discount_codes_shop_pool_assigned', ['shop_id', 'pool', 'assigned_at'], unique=False)


def _merge_duplicates(connection) -> None:
    connection.execute(sa.text("UPDATE leads SET email = LOWER(TRIM(email))"))
    # Every answer ever given, under the row that will remain: copied into the consent record below.
    connection.execute(sa.text(
        "CREATE TABLE lead_answers_0010 AS SELECT l.id AS id, (SELECT kept.id FROM leads kept WHERE kept.shop_id = l.shop_id AND kept.email = l.email "
        "ORDER BY kept.created_at, kept.id LIMIT 1) AS lead_id, l.consent AS consent, l.visitor_id AS visitor_id, "
        "l.rule_id AS rule_id, l.decision_id AS decision_id, l.created_at AS created_at FROM leads l"
    ))
    connection.execute(sa.text("UPDATE leads SET consent_at = created_at, updated_at = created_at"))
    groups = connection.execute(sa.text(
        "SELECT shop_id, email FROM leads GROUP BY shop_id, email HAVING COUNT(*) > 1"
    )).all()
    for shop_id, email in groups:
        rows = connection.execute(sa.text(
            f"SELECT id, consent, created_at, {', '.join(CARRIED)} FROM leads "
            "WHERE shop_id = :shop_id AND email = :email ORDER BY created_at, id"
        ), {"shop_id": shop_id, "email": email}).mappings().all()
        kept, newest = rows[0], rows[-1]
        carried = {column: next((row[column] for row in reversed(rows) if row[column] is not None), None)
                   for column in CARRIED}
        connection.execute(sa.text(
            "UPDATE leads SET consent = :consent, consent_at = :consent_at, updated_at = :consent_at, "
            + ", ".join(f"{column} = :{column}" for column in CARRIED) + " WHERE id = :id"
        ), {"consent": newest["consent"], "consent_at": newest["created_at"], "id": kept["id"], **carried})
        connection.execute(sa.text("DELETE FROM leads WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": [row["id"] for row in rows[1:]]})


def downgrade() -> None:
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_discount_codes_shop_pool_assigned')
    op.drop_table('discount_codes')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_leads_shop_id_email'), type_='unique')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('discount_code')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('consent_pending_at')
        batch_op.drop_column('consent_at')
    with op.batch_alter_table('lead_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_consents_lead_id'))
    op.drop_table('lead_consents')

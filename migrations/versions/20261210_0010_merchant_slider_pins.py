"""merchant: pins and boosts move from the shop's settings onto each slider rule

Revision ID: merchant_0010
Revises: merchant_0009
Create Date: 2026-12-10 12:00:00

Data only. Shop-wide pins headed every slider and boosts lifted items in
every one. So that no shopper sees a change, each of the shop's sliders gets
the shop's boosts, and its pins too unless the slider shows the shopper's
own history (recently viewed, buy again), where pins never applied; the
merchant then edits them slider by slider. Exclusions stay shop-wide. A
slider that already has its own pins or boosts keeps them.

The downgrade puts the pins and boosts of the shop's first slider back into
the shop's settings.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'merchant_0010'
down_revision = 'merchant_0009'
branch_labels = None
depends_on = None

OWN_HISTORY = ('recently_viewed', 'buy_again')
shops = sa.table('shops', sa.column('id', sa.Integer), sa.column('settings', sa.JSON))
rules = sa.table('rules', sa.column('id', sa.Integer), sa.column('shop_id', sa.Integer), sa.column('kind', sa.String),
                 sa.column('content', sa.JSON))


def _has_any(boost) -> bool:
    return isinstance(boost, dict) and any(isinstance(inner, dict) and inner for inner in boost.values())


def upgrade() -> None:
    connection = op.get_bind()
    for shop_id, settings in connection.execute(sa.select(shops.c.id, shops.c.settings)).all():
        stored = (settings or {}).get('recommendations')
        if not isinstance(stored, dict):
            continue
        pins = [str(pin) for pin in stored.get('pins') or []]
        boost = stored.get('boost') if _has_any(stored.get('boost')) else None
        sliders = connection.execute(
            sa.select(rules.c.id, rules.c.content).where(rules.c.shop_id == shop_id, rules.c.kind == 'slider').order_by(rules.c.id)
        ).all()
        for rule_id, content in sliders:
            content = dict(content or {})
            if content.get('pins') or _has_any(content.get('boost')):
                continue
            if pins and content.get('strategy') not in OWN_HISTORY:
                content['pins'] = pins
            if boost:
                content['boost'] = boost
            connection.execute(rules.update().where(rules.c.id == rule_id).values(content=content))
        remaining = {key: value for key, value in stored.items() if key not in ('pins', 'boost')}
        connection.execute(shops.update().where(shops.c.id == shop_id).values(settings={**settings, 'recommendations': remaining}))


def downgrade() -> None:
    connection = op.get_bind()
    for shop_id, settings in connection.execute(sa.select(shops.c.id, shops.c.settings)).all():
        first = connection.execute(
            sa.select(rules.c.content).where(rules.c.shop_id == shop_id, rules.c.kind == 'slider').order_by(rules.c.id).limit(1)
        ).scalar()
        if not first or not (first.get('pins') or _has_any(first.get('boost'))):
            continue
        stored = dict((settings or {}).get('recommendations') or {})
        stored.update({'pins': first.get('pins') or [], 'boost': first.get('boost') or {}})
        connection.execute(shops.update().where(shops.c.id == shop_id).values(settings={**(settings or {}), 'recommendations': stored}))

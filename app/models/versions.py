"""Per-shop config and catalog versions, bumped in the same transaction as every change they cover.

The web workers keep a shop's rules, segments, experiments, settings, active model
and catalog in memory (app/shop_state.py), keyed by these two integers. Any session
that flushes a change to one of those rows bumps the shop's version here, so every
worker on every machine notices by reading the shops row, with no broadcast.
Bulk Core writes that bypass the ORM call :func:`bump` themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from app.models.catalog import Product
from app.models.experiment import Experiment
from app.models.model_version import ModelVersion
from app.models.rule import Rule
from app.models.segment import Segment
from app.models.shop import Shop

CONFIG_MODELS = (Rule, Segment, Experiment, ModelVersion)
CATALOG_MODELS = (Product,)
# Shop columns whose change is not a config change (or is the version itself).
_SHOP_BOOKKEEPING = {"config_version", "catalog_version", "updated_at"}
# Called with the shop ids whose versions a transaction bumped, once it commits (this process's caches
# forget those shops at once; other processes notice within their version-check interval).
COMMIT_LISTENERS: list[Callable[[set[int]], None]] = []
# session.info key: shop ids whose versions this session's transaction has bumped (not yet committed).
PENDING_KEY = "p13n.bumped_shops"


def bump(session: Session, shop_id: int, *, config: bool = False, catalog: bool = False) -> None:
    """Bump a shop's versions with one UPDATE in the session's transaction (for writes that bypass the ORM)."""
    values = {}
    if config:
        values["config_version"] = Shop.config_version + 1
    if catalog:
        values["catalog_version"] = Shop.catalog_version + 1
    if not values:
        return
    session.execute(update(Shop).where(Shop.id == shop_id).values(**values).execution_options(synchronize_session=False))
    shop = session.identity_map.get(inspect(Shop).identity_key_from_primary_key((shop_id,)))
    if shop is not None:
        session.expire(shop, list(values))
    pending(session).add(shop_id)


def pending(session: Session) -> set[int]:
    return session.info.setdefault(PENDING_KEY, set())


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, flush_context, instances) -> None:
    config: set[int] = set()
    catalog: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, CONFIG_MODELS + CATALOG_MODELS):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            shop_id = obj.shop_id
            if shop_id is not None:
                (catalog if isinstance(obj, CATALOG_MODELS) else config).add(shop_id)
        elif isinstance(obj, Shop) and obj in session.dirty and _shop_config_changed(obj):
            config.add(obj.id)
    for shop_id in config | catalog:
        with session.no_autoflush:
            shop = session.get(Shop, shop_id)
        if shop is None:
            continue
        if shop_id in config:
            shop.config_version = Shop.config_version + 1
        if shop_id in catalog:
            shop.catalog_version = Shop.catalog_version + 1
        pending(session).add(shop_id)


def _shop_config_changed(shop: Shop) -> bool:
    state = inspect(shop)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _SHOP_BOOKKEEPING)


@event.listens_for(Session, "after_commit")
def _announce_committed(session: Session) -> None:
    shop_ids = session.info.pop(PENDING_KEY, None)
    if shop_ids:
        for listener in COMMIT_LISTENERS:
            listener(shop_ids)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)

"""A shop as the storefront's hot path sees it, held in memory and keyed by the shop's versions.

Every page view needs the shop's settings, enabled rules, segments, running
experiments and active model. Reading them from the database on every request
was most of a decision's cost; here they are loaded once per (shop, config
version) and shared by all requests of the process. The versions live on the
shops row and are bumped in the same transaction as any change they cover
(app/models/versions.py), so a worker notices a change by reading two integers:
at most once per ``VERSION_CHECK_SECONDS`` per shop, and at once for changes
committed by this process. Several workers and machines therefore agree
within that interval, without a broadcast.

Snapshots hold detached ORM rows: read them, never add them to a session.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Experiment, ModelVersion, Rule, Segment, Shop
from app.models import versions as shop_versions

# How stale another process's change may be here; a page view costs one tiny
# indexed read per shop per interval, not one per request.
VERSION_CHECK_SECONDS = 1.0
_MAX_SHOPS = 10_000


@dataclass
class ShopSnapshot:
    shop: Shop  # detached: read only
    config_version: int
    catalog_version: int
    rules: tuple[Rule, ...]  # enabled, highest priority first
    segments: dict[int, Segment]
    experiments: dict[int, Experiment]  # running, by rule id
    model_version: str | None
    model_path: str | None
    # Values derived from this snapshot (parsed settings, rendered scripts), computed once each.
    derived: dict = field(default_factory=dict)

    def memo(self, key, compute):
        value = self.derived.get(key)
        if value is None:
            value = self.derived[key] = compute()
        return value


@dataclass
class _Entry:
    snapshot: ShopSnapshot | None  # None: no shop has this key
    shop_id: int | None
    checked_at: float


_entries: dict[str, _Entry] = {}
_stale_shop_ids: set[int] = set()
_lock = threading.Lock()


# recent_snapshot's answer when this process has not checked the key within VERSION_CHECK_SECONDS.
NOT_RECENTLY_CHECKED = object()


def recent_snapshot(public_key: str) -> ShopSnapshot | None | object:
    """What ``shop_snapshot`` would answer, when that needs no database read; else NOT_RECENTLY_CHECKED.

    For a request that may need no session at all (the script tag's, served from memory).
    """
    entry = _entries.get(public_key)
    if entry is not None and time.monotonic() - entry.checked_at < VERSION_CHECK_SECONDS and entry.shop_id not in _stale_shop_ids:
        return entry.snapshot
    return NOT_RECENTLY_CHECKED


def shop_snapshot(session: Session, public_key: str) -> ShopSnapshot | None:
    """The shop with this public key as of its current versions; None when no shop has it."""
    recent = recent_snapshot(public_key)
    if recent is not NOT_RECENTLY_CHECKED:
        return recent
    entry = _entries.get(public_key)
    now = time.monotonic()
    row = session.execute(
        select(Shop.id, Shop.config_version, Shop.catalog_version).where(Shop.public_key == public_key)
    ).first()
    if row is None:
        _store(public_key, _Entry(None, None, now))
        return None
    shop_id, config_version, catalog_version = row
    _stale_shop_ids.discard(shop_id)
    current = entry.snapshot if entry is not None else None
    if current is None or current.shop.id != shop_id or (current.config_version, current.catalog_version) != (config_version, catalog_version):
        if current is not None and current.config_version == config_version and current.shop.id == shop_id:
            # Only the catalog moved: the config half stays.
            current = ShopSnapshot(**{**current.__dict__, "catalog_version": catalog_version, "derived": {}})
        else:
            current = _load(session, shop_id)
    if shop_id in shop_versions.pending(session):
        # This session's own uncommitted change: not for other requests to see.
        return current
    _store(public_key, _Entry(current, shop_id, now))
    return current


def _load(session: Session, shop_id: int) -> ShopSnapshot:
    # A separate session on the same connection (and transaction): its rows are
    # its own to detach, never objects the caller's session holds.
    with Session(bind=session.connection(), expire_on_commit=False, autoflush=False) as loader:
        shop = loader.get(Shop, shop_id)
        rules = loader.scalars(
            select(Rule).where(Rule.shop_id == shop_id, Rule.enabled.is_(True)).order_by(Rule.priority.desc(), Rule.id)
        ).all()
        segments = loader.scalars(select(Segment).where(Segment.shop_id == shop_id)).all()
        experiments = loader.scalars(
            select(Experiment).where(Experiment.shop_id == shop_id, Experiment.status == "running")
        ).all()
        model = loader.execute(
            select(ModelVersion.version, ModelVersion.artifact_path)
            .where(ModelVersion.shop_id == shop_id, ModelVersion.status == "active")
        ).first()
        loader.expunge_all()
    usable = model is not None and bool(model.artifact_path)
    return ShopSnapshot(
        shop=shop,
        config_version=shop.config_version,
        catalog_version=shop.catalog_version,
        rules=tuple(rules),
        segments={segment.id: segment for segment in segments},
        experiments={experiment.rule_id: experiment for experiment in experiments},
        model_version=model.version if usable else None,
        model_path=model.artifact_path if usable else None,
    )


def _store(public_key: str, entry: _Entry) -> None:
    with _lock:
        if len(_entries) >= _MAX_SHOPS and public_key not in _entries:
            _entries.clear()
        _entries[public_key] = entry


def _forget(shop_ids: set[int]) -> None:
    """Changes this process committed: check those shops' versions on their next request."""
    _stale_shop_ids.update(shop_ids)


def clear() -> None:
    """Forget every snapshot (tests reuse shop ids across emptied databases)."""
    with _lock:
        _entries.clear()
        _stale_shop_ids.clear()


shop_versions.COMMIT_LISTENERS.append(_forget)

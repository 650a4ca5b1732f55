"""Where the sync of each resource stands, kept in ShopifyInstall.sync_state[resource].

    high_water  Shopify's time up to which every change is stored; absent until the
                first full (bulk) sync has finished, which is what makes the next one
                incremental
    bulk        while a bulk export runs or is being imported: {id, created_at,
                lines_done, objects, failures}; lines_done is where a broken-off
                import resumes in the JSONL file
    since, cursor, fetched, max_seen
                while an incremental run pages through changes (resumable)
    count, synced_at
                the last finished run, for the settings page
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import ShopifyInstall
from app.shopify.mapping import parse_time

# Shopify's search index trails writes by a little: an object changed just before the
# high-water mark may not have been findable when we last asked. Each incremental run
# therefore starts a few minutes back; re-reading an object is harmless (upserts).
OVERLAP = timedelta(minutes=5)


def state(install: ShopifyInstall, resource: str) -> dict:
    return dict((install.sync_state or {}).get(resource) or {})


def save(install: ShopifyInstall, resource: str, value: dict) -> None:
    # A new dict: SQLAlchemy does not see in-place changes to a JSON column.
    install.sync_state = {**(install.sync_state or {}), resource: value}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def since(high_water: str | None) -> str | None:
    """The `updated_at` an incremental run asks from: the high-water mark less the overlap."""
    moment = parse_time(high_water)
    return iso(moment - OVERLAP) if moment else None


def later(first: str | None, second: str | None) -> str | None:
    """The later of two Shopify timestamps, normalised to UTC `...Z`."""
    moments = [moment for moment in (parse_time(first), parse_time(second)) if moment is not None]
    return iso(max(moments)) if moments else None

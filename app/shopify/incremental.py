"""Incremental syncs: what changed since the high-water mark, page by page, oldest change first.

After every page the cursor is saved and committed, so a run that dies carries
on from that page. When the last page is in, the high-water mark moves to the
latest `updatedAt` seen (Shopify's clock, never ours).
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Shop, ShopifyInstall
from app.shopify import queries, sync_state
from app.shopify.client import AdminClient
from app.shopify.store import store_nodes

# progress(resource, done, message)
Progress = Callable[[str, int, str], None]


def sync_changes(session: Session, shop: Shop, install: ShopifyInstall, client: AdminClient,
                 name: str, progress: Progress) -> int:
    """Store everything of `name` changed since its high-water mark; how many objects were read."""
    resource = queries.RESOURCES[name]
    state = sync_state.state(install, name)
    resuming = bool(state.get("cursor"))
    cursor = state.get("cursor") if resuming else None
    since = state.get("since") if resuming else sync_state.since(state.get("high_water"))
    max_seen = state.get("max_seen") if resuming else None
    done = state.get("fetched", 0) if resuming else 0
    document = queries.page_query(resource)
    search = queries.search_since(resource.search_field, since)
    progress(name, done, f"{name}: resuming changes" if resuming else f"{name}: reading changes")
    while True:
        data = client.query(document, {"first": resource.page_size, "after": cursor, "query": search})
        connection = data.get(resource.root) if isinstance(data.get(resource.root), dict) else {}
        page = queries.nodes(connection)
        for node in page:
            _complete_children(client, resource, node)
            max_seen = sync_state.later(max_seen, node.get("updatedAt"))
        done += store_nodes(session, shop, install, name, page)
        page_info = connection.get("pageInfo") or {}
        cursor = page_info.get("endCursor") if page_info.get("hasNextPage") and page_info.get("endCursor") else None
        sync_state.save(install, name, {**state, "since": since, "cursor": cursor, "fetched": done, "max_seen": max_seen})
        session.commit()
        progress(name, done, f"{name}: {done} changed so far")
        if cursor is None:
            break
    sync_state.save(install, name, {
        "high_water": sync_state.later(state.get("high_water"), max_seen), "cursor": None,
        "count": done, "synced_at": utcnow().isoformat(),
    })
    session.commit()
    progress(name, done, f"{name}: {done} changed")
    return done


def _complete_children(client: AdminClient, resource: queries.Resource, node: dict) -> None:
    """Fetch the children one page did not hold (a product's 26th variant on), into the node itself."""
    for child in resource.children:
        connection = node.get(child.field)
        if not isinstance(connection, dict):
            continue
        edges = list(connection.get("edges") or [])
        page_info = connection.get("pageInfo") or {}
        document = None
        while page_info.get("hasNextPage") and page_info.get("endCursor"):
            document = document or queries.rest_of_children_query(resource, child)
            more = (client.query(document, {"id": node["id"], "after": page_info["endCursor"]}).get("node") or {})
            more_connection = more.get(child.field) if isinstance(more.get(child.field), dict) else {}
            edges += more_connection.get("edges") or []
            page_info = more_connection.get("pageInfo") or {}
        node[child.field] = {"edges": edges}

"""The Admin API sync: products, collections, orders, customers, page by page and resumable.

After every page the next page's URL is saved in ShopifyInstall.sync_state and
committed, so a sync that dies (rate limits, an outage, a deploy) continues
where it stopped on its next run instead of starting over.

Orders come before customers: storing an order adds to its buyer's traits,
and the customer pass then only raises them to Shopify's totals (which also
count orders from before the install), so nothing is counted twice.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Shop, ShopifyInstall
from app.shopify import records
from app.shopify.client import AdminClient

RESOURCES = ("products", "collections", "orders", "customers")
COLLECTION_KINDS = ("custom_collections", "smart_collections")

# progress(resource, done, message)
Progress = Callable[[str, int, str], None]


@dataclass
class Resource:
    name: str
    path: str
    key: str  # the list's key in the response body
    params: dict


LISTS = {
    "products": Resource("products", "products.json", "products", {}),
    # status=any: closed and cancelled orders are history too.
    "orders": Resource("orders", "orders.json", "orders", {"status": "any"}),
    "customers": Resource("customers", "customers.json", "customers", {}),
}


def sync_shop(session: Session, install: ShopifyInstall, client: AdminClient,
              resources=RESOURCES, progress: Progress | None = None) -> dict:
    """Sync every resource; the number synced per resource.

    Raises app.shopify.client.ShopifyAPIError when a page keeps failing; what was
    saved so far stays, and the next run resumes from it.
    """""
    shop = session.get(Shop, install.shop_id)
    report = {}
    for name in resources:
        report[name] = _sync_resource(session, shop, install, client, name, progress or (lambda *args: None))
    return report


def _sync_resource(session, shop, install, client, name, progress) -> int:
    state = dict((install.sync_state or {}).get(name) or {})
    done = state.get("fetched", 0) if state.get("cursor") else 0
    cursor = state.get("cursor")
    if cursor and not client.owns(cursor):
        cursor = None  # saved for another shop domain or API host: start over
    if name == "collections":
        url = cursor or client.first_page_url(f"{COLLECTION_KINDS[0]}.json")
    else:
        resource = LISTS[name]
        url = cursor or client.first_page_url(resource.path, **resource.params)
    progress(name, done, f"{name}: resuming" if cursor else f"{name}: starting")
    while url:
        page = client.get_page(url)
        if name == "collections":
            done += _store_collections(session, shop.id, client, page.body)
            next_url = page.next_url or _next_collection_kind(client, url)
        else:
            items = page.body.get(LISTS[name].key) or []
            done += _store(session, shop, install, name, items)
            next_url = page.next_url
        _save_state(install, name, {**state, "cursor": next_url, "fetched": done})
        session.commit()
        progress(name, done, f"{name}: {done} so far")
        url = next_url
    _save_state(install, name, {"cursor": None, "fetched": 0, "count": done, "synced_at": utcnow().isoformat()})
    session.commit()
    progress(name, done, f"{name}: done")
    return done


def _store(session, shop, install, name, items) -> int:
    if name == "products":
        return records.store_products(session, shop, install.shop_domain, items)
    if name == "orders":
        records.store_orders(session, shop.id, items)
        return len(items)
    return records.store_customers(session, shop.id, items)


def _next_collection_kind(client: AdminClient, url: str) -> str | None:
    """Custom collections, then smart ones: one resumable stream of list pages."""
    if f"/{COLLECTION_KINDS[0]}.json" in url:
        return client.first_page_url(f"{COLLECTION_KINDS[1]}.json")
    return None


def _store_collections(session, shop_id: int, client: AdminClient, body: dict) -> int:
    collections = [*(body.get("custom_collections") or []), *(body.get("smart_collections") or [])]
    for collection in collections:
        # collections/{id}/products.json lists members of custom and smart collections alike.
        url = client.first_page_url(f"collections/{collection['id']}/products.json", fields="id")
        product_ids = []
        while url:
            page = client.get_page(url)
            product_ids += [product["id"] for product in page.body.get("products") or []]
            url = page.next_url
        records.tag_collection(session, shop_id, collection.get("title") or str(collection["id"]), product_ids)
    return len(collections)


def _save_state(install: ShopifyInstall, name: str, value: dict) -> None:
    # A new dict: SQLAlchemy does not see in-place changes to a JSON column.
    install.sync_state = {**(install.sync_state or {}), name: value}


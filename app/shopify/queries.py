"""Every GraphQL document we send to the Admin API, in one place.

The same field selections serve the bulk export (a first sync: no page sizes,
nested connections come back as JSONL lines carrying `__parentId`) and the
paged queries of an incremental sync (page sizes chosen so one page stays well
under Shopify's 1,000-point single-query limit). Connections are always read as
`edges { node { ... } }`, the form bulk operations require.
"""
from __future__ import annotations

from dataclasses import dataclass

PRODUCT_FIELDS = ("id title handle status vendor productType tags updatedAt "
                  "featuredMedia { preview { image { url } } }")
VARIANT_FIELDS = "id price inventoryPolicy inventoryQuantity inventoryItem { tracked }"
COLLECTION_FIELDS = "id title"
ORDER_FIELDS = ("id createdAt processedAt updatedAt currencyCode "
                "totalPriceSet { shopMoney { amount currencyCode } } customer { id }")
LINE_ITEM_FIELDS = "id quantity originalUnitPriceSet { shopMoney { amount } } product { id }"
CUSTOMER_FIELDS = "id createdAt updatedAt numberOfOrders amountSpent { amount currencyCode }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"


@dataclass(frozen=True)
class Child:
    field: str  # the connection on the parent, e.g. "variants"
    fields: str
    page_size: int  # in a paged query; the rest is fetched per parent when there is more


@dataclass(frozen=True)
class Resource:
    name: str  # ours: products, orders, customers, collections
    root: str  # the query root connection
    fields: str
    children: tuple[Child, ...]
    page_size: int  # top-level objects per page of an incremental sync
    search_field: str = "updated_at"


RESOURCES = {
    # ~70 points a product (25 variants with their inventory item, 10 collections): 10 a page.
    "products": Resource("products", "products", PRODUCT_FIELDS,
                         (Child("variants", VARIANT_FIELDS, 25), Child("collections", COLLECTION_FIELDS, 10)), 10),
    # ~66 points an order with 15 lines: 10 a page.
    "orders": Resource("orders", "orders", ORDER_FIELDS, (Child("lineItems", LINE_ITEM_FIELDS, 15),), 10),
    "customers": Resource("customers", "customers", CUSTOMER_FIELDS, (), 100),
    # Incremental syncs only: which products a changed collection now holds.
    "collections": Resource("collections", "collections", COLLECTION_FIELDS + " updatedAt",
                            (Child("products", "id", 100),), 5),
}


def _bulk_connection(field: str, fields: str, children: tuple[Child, ...]) -> str:
    nested = " ".join(_bulk_connection(child.field, child.fields, ()) for child in children)
    return f"{field} {{ edges {{ node {{ {fields} {nested} }} }} }}"


def bulk_query(resource: Resource) -> str:
    """The document bulkOperationRunQuery runs: every object, every child, no pagination."""
    return "{ " + _bulk_connection(resource.root, resource.fields, resource.children) + " }"


def page_query(resource: Resource) -> str:
    """One page of objects changed since a time ($query is Shopify search syntax), oldest change first."""
    children = " ".join(
        f"{child.field}(first: {child.page_size}) {{ {PAGE_INFO} edges {{ node {{ {child.fields} }} }} }}"
        for child in resource.children
    )
    return (
        f"query Page($first: Int!, $after: String, $query: String) {{ "
        f"{resource.root}(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{ {PAGE_INFO} "
        f"edges {{ node {{ {resource.fields} {children} }} }} }} }}"
    )


def rest_of_children_query(resource: Resource, child: Child) -> str:
    """The children one page did not hold (a product with more than 25 variants, say), 250 at a time."""
    parent_type = {"products": "Product", "orders": "Order", "collections": "Collection"}[resource.name]
    return (
        f"query More($id: ID!, $after: String) {{ node(id: $id) {{ ... on {parent_type} {{ "
        f"{child.field}(first: 250, after: $after) {{ {PAGE_INFO} edges {{ node {{ {child.fields} }} }} }} }} }} }}"
    )


BULK_OPERATION_FIELDS = "id status errorCode createdAt completedAt objectCount rootObjectCount url partialDataUrl"

RUN_BULK_QUERY = (
    "mutation RunBulk($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: true) { "
    f"bulkOperation {{ {BULK_OPERATION_FIELDS} }} userErrors {{ field message code }} }} }}"
)
BULK_OPERATION = f"query BulkOperation($id: ID!) {{ node(id: $id) {{ ... on BulkOperation {{ {BULK_OPERATION_FIELDS} }} }} }}"

CREATE_WEBHOOK = (
    "mutation Subscribe($topic: WebhookSubscriptionTopic!, $uri: String!) { "
    "webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) { "
    "webhookSubscription { id topic uri } userErrors { field message } } }"
)

MAIN_THEME_SETTINGS = (
    '{ themes(first: 1, roles: [MAIN]) { edges { node { id name '
    'files(filenames: ["config/settings_data.json"], first: 1) { edges { node { filename '
    'body { ... on OnlineStoreThemeFileBodyText { content } } } } } } } } }'
)

CURRENT_WEB_PIXEL = "{ webPixel { id settings } }"
CREATE_WEB_PIXEL = (
    "mutation CreatePixel($settings: JSON!) { webPixelCreate(webPixel: {settings: $settings}) { "
    "webPixel { id settings } userErrors { field message code } } }"
)
UPDATE_WEB_PIXEL = (
    "mutation UpdatePixel($id: ID!, $settings: JSON!) { webPixelUpdate(id: $id, webPixel: {settings: $settings}) { "
    "webPixel { id settings } userErrors { field message code } } }"
)


def nodes(connection) -> list[dict]:
    """The nodes of a connection as the API returns it ({edges: [{node}]}), or a list already reassembled."""
    if isinstance(connection, list):
        return [node for node in connection if isinstance(node, dict)]
    if isinstance(connection, dict):
        return [edge["node"] for edge in connection.get("edges") or []
                if isinstance(edge, dict) and isinstance(edge.get("node"), dict)]
    return []


def search_since(field: str, since: str | None) -> str | None:
    """Shopify search syntax for "changed after `since`" (the caller moves `since` back a little: see sync.py)."""
    return f"{field}:>'{since}'" if since else None

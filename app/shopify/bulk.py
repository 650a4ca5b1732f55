"""Bulk operations: Shopify exports a whole resource as one JSONL file, which we read line by line.

A bulk query's nested connections do not nest in its output: every object is one
line, and a child (a variant, a line item) carries `__parentId`, the id of the
object it belongs to. We run bulk queries with `groupObjects: true`, so each
child follows its parent directly; `reassemble` can then hand over one complete
object at a time while holding only that one object in memory, however large
the file.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.shopify import queries
from app.shopify.client import AdminClient, ShopifyAPIError, user_errors
from app.shopify.graphql_shapes import gid_type

# Statuses after which the operation will not change any more.
FINISHED = ("COMPLETED", "FAILED", "CANCELED", "EXPIRED")
# The key a child line goes under on its parent, by the type in its id.
CHILD_KEYS = {"ProductVariant": "variants", "Collection": "collections", "LineItem": "lineItems", "Product": "products"}


class BulkFormatError(ShopifyAPIError):
    """The JSONL result is not what we asked for (a line that is not JSON, or a child away from its parent)."""


@dataclass(frozen=True)
class BulkOperation:
    id: str
    status: str
    error_code: str | None = None
    created_at: str | None = None
    completed_at: str | None = None
    object_count: int = 0
    url: str | None = None
    partial_data_url: str | None = None

    @classmethod
    def from_node(cls, node: dict) -> BulkOperation:
        try:
            count = int(node.get("objectCount") or 0)
        except (TypeError, ValueError):
            count = 0
        return cls(id=str(node["id"]), status=str(node.get("status") or "").upper(),
                   error_code=node.get("errorCode"), created_at=node.get("createdAt"),
                   completed_at=node.get("completedAt"), object_count=count, url=node.get("url"),
                   partial_data_url=node.get("partialDataUrl"))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def start(client: AdminClient, resource: queries.Resource) -> BulkOperation:
    data = client.query(queries.RUN_BULK_QUERY, {"query": queries.bulk_query(resource)})
    payload = user_errors(data.get("bulkOperationRunQuery"), "bulkOperationRunQuery")
    if not isinstance(payload.get("bulkOperation"), dict):
        raise ShopifyAPIError("bulkOperationRunQuery answered without a bulk operation")
    return BulkOperation.from_node(payload["bulkOperation"])


def fetch(client: AdminClient, operation_id: str) -> BulkOperation | None:
    """The operation as it is now (None when Shopify no longer knows it)."""
    node = client.query(queries.BULK_OPERATION, {"id": operation_id}).get("node")
    return BulkOperation.from_node(node) if isinstance(node, dict) and node.get("id") else None


def reassemble(lines: Iterable[bytes], start_line: int = 0) -> Iterator[tuple[dict, int]]:
    """(top-level object with its children in lists, lines read up to and including its last child).

    The second value is where to resume (`AdminClient.stream_lines(url, skip=...)`)
    once that object is stored: the next object starts on the following line.
    """
    current: dict | None = None
    number = start_line
    for line in lines:
        number += 1
        try:
            obj = json.loads(line)
        except ValueError as error:
            raise BulkFormatError(f"line {number} of the bulk result is not JSON: {error}") from None
        if not isinstance(obj, dict):
            raise BulkFormatError(f"line {number} of the bulk result is not an object")
        parent = obj.pop("__parentId", None)
        if parent is None:
            if current is not None:
                yield current, number - 1
            current = obj
            continue
        if current is None or parent != current.get("id"):
            raise BulkFormatError(
                f"line {number}: a child of {parent} away from its parent (the bulk result is not grouped)")
        kind = gid_type(obj.get("id"))
        current.setdefault(CHILD_KEYS.get(kind, kind or "children"), []).append(obj)
    if current is not None:
        yield current, number

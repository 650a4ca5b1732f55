"""A stand-in for Shopify's GraphQL Admin API behind `responses`: bulk operations, paged queries, node(id).

Answers have the documented shapes (data + extensions.cost); bulk results are
JSONL files on a signed storage URL, served without our token.
"""
from __future__ import annotations

import json
import re
from datetime import datetime

import responses

from tests.helpers.shopify import GRAPHQL_URL, TOKEN, cost
from tests.shopify.graphql_fixtures import Store, gid

STORAGE = "https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-operation-outputs"
CHILD_KINDS = {"variants": "ProductVariant", "collections": "Collection", "lineItems": "LineItem", "products": "Product"}


def _time(value: str | None) -> datetime:
    return datetime.fromisoformat((value or "1970-01-01T00:00:00Z").replace("Z", "+00:00"))


class FakeAdmin:
    def __init__(self, store: Store, now: str = "2026-11-30T12:00:00Z", polls_before_done: int = 1):
        self.store, self.now, self.polls_before_done = store, now, polls_before_done
        self.operations: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.scripted: list[tuple[str, tuple]] = []  # (text in the document, (status, headers, body)), used once
        self.failing_operations: dict[str, list[str]] = {}  # resource -> statuses its next operations end in
        self.collection_updated_at = "2026-12-01T09:00:00Z"
        responses.add_callback(responses.POST, GRAPHQL_URL, callback=self)

    def answer(self, data: dict, requested: float = 10, available: float = 1990) -> tuple:
        return 200, {}, json.dumps({"data": data, "extensions": {"cost": cost(requested=requested, available=available)}})

    def __call__(self, request):
        assert request.headers["X-Shopify-Access-Token"] == TOKEN
        body = json.loads(request.body)
        document, variables = body["query"], body.get("variables") or {}
        self.calls.append((document, variables))
        for index, (needle, reply) in enumerate(self.scripted):
            if needle in document:
                del self.scripted[index]
                return reply
        if "bulkOperationRunQuery" in document:
            return self._start_bulk(variables["query"])
        if "... on BulkOperation" in document:
            return self._bulk_status(variables["id"])
        if document.startswith("query Page"):
            return self._page(document, variables)
        if document.startswith("query More"):
            return self._more(document, variables)
        raise AssertionError(f"unexpected GraphQL document: {document[:120]}")

    # -- bulk operations ------------------------------------------------------------------
    def bulk_calls(self) -> list[str]:
        return [variables["query"].split("{")[1].strip() for document, variables in self.calls
                if "bulkOperationRunQuery" in document]

    def _start_bulk(self, query: str) -> tuple:
        assert "groupObjects: true" not in query  # an argument of the mutation, not of the query
        resource = query.split("{")[1].strip()
        number = len(self.operations) + 1
        operation_id = gid("BulkOperation", 720900 + number)
        endings = self.failing_operations.get(resource) or []
        self.operations[operation_id] = {"resource": resource, "polls": 0, "number": number,
                                         "ends": endings.pop(0) if endings else "COMPLETED"}
        operation = {"id": operation_id, "status": "CREATED", "errorCode": None, "createdAt": self.now,
                     "completedAt": None, "objectCount": "0", "rootObjectCount": "0", "url": None, "partialDataUrl": None}
        return self.answer({"bulkOperationRunQuery": {"bulkOperation": operation, "userErrors": []}})

    def url_of(self, operation_id: str) -> str:
        return f"{STORAGE}/{self.operations[operation_id]['number']}.jsonl?X-Goog-Signature=abc"

    def _bulk_status(self, operation_id: str) -> tuple:
        operation = self.operations.get(operation_id)
        if operation is None:
            return self.answer({"node": None})
        operation["polls"] += 1
        done = operation["polls"] > self.polls_before_done
        status = operation["ends"] if done else "RUNNING"
        url = None
        if done and status == "COMPLETED":
            url = self.url_of(operation_id)
            if not operation.get("file"):
                operation["file"] = responses.get(url, body=self.store.jsonl(operation["resource"]))
        node = {"id": operation_id, "status": status, "errorCode": "INTERNAL_SERVER_ERROR" if status == "FAILED" else None,
                "createdAt": self.now, "completedAt": self.now if done else None, "objectCount": "3",
                "rootObjectCount": "1", "url": url, "partialDataUrl": None}
        return self.answer({"node": node})

    # -- paged queries ----------------------------------------------------------------------
    def _objects(self, resource: str) -> list[dict]:
        if resource == "collections":
            return [{"id": gid("Collection", 9000 + n), "title": title, "updatedAt": self.collection_updated_at,
                     "__members": members} for n, (title, members) in enumerate(sorted(self.store.collections.items()))]
        return [{**self.store.node(resource, obj), "__rest": obj} for obj in self.store.objects(resource)]

    def _children(self, resource: str, obj: dict) -> dict[str, list[dict]]:
        if resource == "collections":
            return {"products": [{"id": gid("Product", member)} for member in obj["__members"]]}
        return self.store.children(resource, obj["__rest"])

    def _page(self, document: str, variables: dict) -> tuple:
        resource = re.search(r"\{ (\w+)\(first: \$first", document).group(1)
        since = re.search(r"updated_at:>'([^']+)'", variables.get("query") or "")
        found = [obj for obj in self._objects(resource) if not since or _time(obj["updatedAt"]) > _time(since.group(1))]
        found.sort(key=lambda obj: _time(obj["updatedAt"]))
        start = int(variables.get("after") or 0)
        page = found[start:start + variables["first"]]
        child_sizes = dict(re.findall(r"(\w+)\(first: (\d+)\) \{ pageInfo", document))
        edges = []
        for obj in page:
            node = {key: value for key, value in obj.items() if not key.startswith("__")}
            for field, children in self._children(resource, obj).items():
                size = int(child_sizes[field])
                node[field] = {"pageInfo": {"hasNextPage": len(children) > size, "endCursor": str(size)},
                               "edges": [{"node": child} for child in children[:size]]}
            edges.append({"cursor": "c", "node": node})
        more = start + len(page) < len(found)
        connection = {"pageInfo": {"hasNextPage": more, "endCursor": str(start + len(page)) if more else None},
                      "edges": edges}
        return self.answer({resource: connection}, requested=702)

    def _more(self, document: str, variables: dict) -> tuple:
        field = re.search(r"\{ (\w+)\(first: 250, after: \$after\)", document).group(1)
        kind = re.search(r"\.\.\. on (\w+)", document).group(1)
        resource = {"Product": "products", "Order": "orders", "Collection": "collections"}[kind]
        obj = next(obj for obj in self._objects(resource) if obj["id"] == variables["id"])
        children = self._children(resource, obj)[field]
        start = int(variables["after"])
        page = children[start:start + 250]
        more = start + len(page) < len(children)
        return self.answer({"node": {field: {"pageInfo": {"hasNextPage": more, "endCursor": str(start + len(page))},
                                             "edges": [{"node": child} for child in page]}}})

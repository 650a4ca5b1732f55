"""The Admin API sync: a first full sync by bulk operations, later ones incremental by `updated_at`.

A resource never fully synced is exported by Shopify as a bulk operation
(`bulkOperationRunQuery`); the sync starts it and returns, and a later run (the
`bulk_operations/finish` webhook wakes it, polling is the fallback) streams the
JSONL result into the same writers the webhooks use. From then on each run asks
only for what changed since the resource's high-water mark (app/shopify/incremental.py).

Resources go one after another. Orders come before customers: storing an order
adds to its buyer's traits, and the customer pass then only raises them to
Shopify's totals (which also count orders from before the install), so nothing
is counted twice. Collections ride along with products in the bulk export
(each product lists its collections); incremental runs read changed collections.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Shop, ShopifyInstall
from app.shopify import bulk, queries, records, sync_state
from app.shopify.client import AdminClient, ShopifyAPIError
from app.shopify.incremental import sync_changes
from app.shopify.mapping import parse_time
from app.shopify.store import store_nodes

log = logging.getLogger(__name__)

RESOURCES = ("products", "collections", "orders", "customers")
BATCH = 200  # objects stored (and committed) at a time while importing a bulk result
MAX_BULK_FAILURES = 3
RUN = "run"  # the sync_state key of the run in progress
# A run left unfinished this long ago (its job gave up) is not continued: a new one starts.
STALE_RUN = timedelta(days=1)

# progress(resource, done, message)
Progress = Callable[[str, int, str], None]


@dataclass
class SyncResult:
    """Finished, or waiting for Shopify to finish exporting `waiting_for`."""

    counts: dict = field(default_factory=dict)
    waiting_for: str | None = None
    bulk_operation_id: str | None = None

    @property
    def finished(self) -> bool:
        return self.waiting_for is None


def sync_shop(session: Session, install: ShopifyInstall, client: AdminClient,
              resources=RESOURCES, progress: Progress | None = None) -> SyncResult:
    """Take every resource as far as it can go now. Commits as it goes.

    Raises app.shopify.client.ShopifyAPIError when Shopify keeps failing; what was
    stored so far stays, and the next run resumes from it.
    """
    shop = session.get(Shop, install.shop_id)
    report = progress or (lambda *args: None)
    result = SyncResult()
    run = _current_run(install)
    for name in resources:
        if name in run["done"]:  # finished earlier in this run, before it waited for an export
            result.counts[name] = sync_state.state(install, name).get("count", 0)
            continue
        if name == "collections":
            # The products' bulk export carries each product's collections, and sets this
            # high-water mark; until it has finished there is nothing to do here.
            if sync_state.state(install, "products").get("high_water"):
                result.counts[name] = sync_changes(session, shop, install, client, name, report)
                _finished(session, install, run, name)
            continue
        if sync_state.state(install, name).get("high_water"):
            result.counts[name] = sync_changes(session, shop, install, client, name, report)
            _finished(session, install, run, name)
            continue
        outcome = _bulk_step(session, shop, install, client, name, report)
        if isinstance(outcome, bulk.BulkOperation):
            result.waiting_for, result.bulk_operation_id = name, outcome.id
            return result
        result.counts[name] = outcome
        _finished(session, install, run, name)
    install.sync_state = {key: value for key, value in (install.sync_state or {}).items() if key != RUN}
    session.commit()
    return result


def _current_run(install: ShopifyInstall) -> dict:
    """The run in progress: one sync spans several jobs while it waits for exports."""
    run = (install.sync_state or {}).get(RUN)
    started = parse_time(run.get("started_at")) if isinstance(run, dict) else None
    if started is None or utcnow() - started > STALE_RUN:
        run = {"started_at": utcnow().isoformat(), "done": []}
        sync_state.save(install, RUN, run)
    return run


def _finished(session: Session, install: ShopifyInstall, run: dict, name: str) -> None:
    run["done"] = [*run["done"], name]
    sync_state.save(install, RUN, dict(run))
    session.commit()


def _bulk_step(session, shop, install, client, name, progress) -> int | bulk.BulkOperation:
    """Start, check on, or import the resource's bulk export: the number imported, or the running operation."""
    state = sync_state.state(install, name)
    running = state.get("bulk") or {}
    if not running.get("id"):
        return _start(session, install, client, name, state, failures=0, progress=progress)
    operation = bulk.fetch(client, running["id"])
    if operation is None or operation.status in ("FAILED", "CANCELED", "EXPIRED"):
        failures = running.get("failures", 0) + 1
        problem = f"{operation.status} ({operation.error_code})" if operation else "unknown to Shopify"
        log.warning("shopify bulk export of %s for %s: %s", name, install.shop_domain, problem)
        if failures >= MAX_BULK_FAILURES:
            sync_state.save(install, name, {key: value for key, value in state.items() if key != "bulk"})
            session.commit()
            raise ShopifyAPIError(f"Shopify's bulk export of {name} failed {failures} times, last: {problem}")
        return _start(session, install, client, name, state, failures=failures, progress=progress)
    if not operation.finished:
        progress(name, 0, f"{name}: Shopify is exporting ({operation.object_count} so far)")
        return operation
    return _import(session, shop, install, client, name, operation, progress)


def _start(session, install, client, name, state, failures, progress) -> bulk.BulkOperation:
    operation = bulk.start(client, queries.RESOURCES[name])
    fresh = {key: value for key, value in state.items() if key in ("count", "synced_at")}
    sync_state.save(install, name, {**fresh, "bulk": {
        "id": operation.id, "created_at": operation.created_at, "lines_done": 0, "objects": 0, "failures": failures,
    }})
    session.commit()
    progress(name, 0, f"{name}: Shopify is exporting")
    return operation


def _import(session, shop, install, client, name, operation: bulk.BulkOperation, progress) -> int:
    state = sync_state.state(install, name)
    running = dict(state["bulk"])
    lines_done, done = running.get("lines_done", 0), running.get("objects", 0)
    progress(name, done, f"{name}: importing" if not lines_done else f"{name}: resuming the import")
    if operation.url:  # none when there was nothing to export
        lines = client.stream_lines(operation.url, skip=lines_done)
        batch: list[dict] = []
        for obj, line_number in bulk.reassemble(lines, start_line=lines_done):
            batch.append(obj)
            lines_done = line_number
            if len(batch) >= BATCH:
                done += _store_batch(session, shop, install, name, state, running, batch, lines_done, done, progress)
                batch = []
        if batch:
            done += _store_batch(session, shop, install, name, state, running, batch, lines_done, done, progress)
    # Everything changed since the export started will be read by the next, incremental run.
    finished = {"high_water": sync_state.later(None, operation.created_at) or utcnow().isoformat(),
                "cursor": None, "count": done, "synced_at": utcnow().isoformat()}
    sync_state.save(install, name, finished)
    if name == "products":
        sync_state.save(install, "collections", {**finished, "count": records.collection_count(session, shop.id)})
    session.commit()
    progress(name, done, f"{name}: {done} imported")
    return done


def _store_batch(session, shop, install, name, state, running, batch, lines_done, done, progress) -> int:
    stored = store_nodes(session, shop, install, name, batch)
    running.update(lines_done=lines_done, objects=done + stored)
    sync_state.save(install, name, {**state, "bulk": dict(running)})
    session.commit()
    progress(name, done + stored, f"{name}: {done + stored} imported so far")
    return stored


def running_bulk_operations(install: ShopifyInstall) -> dict[str, str]:
    """{bulk operation id: resource} of the exports this install is waiting for."""
    return {
        value["bulk"]["id"]: name
        for name, value in (install.sync_state or {}).items()
        if isinstance(value, dict) and isinstance(value.get("bulk"), dict) and value["bulk"].get("id")
    }

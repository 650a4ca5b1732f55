"""The lead webhook: each lead, as JSON signed with the shop's secret, POSTed to the merchant's URL.

A delivery is a job (kind ``lead_webhook``): its record in the jobs table is the durable log
(status, attempts, last error, the answer's status code), huey retries it with backoff. The event
is frozen into the job when the lead arrives, so every retry sends the same body; the URL and
secret are read at each attempt, so a merchant who fixes a wrong URL gets the waiting deliveries.
"""
from __future__ import annotations

import json
import time

import requests
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.jobs import enqueue
from app.jobs.kinds import LEAD_WEBHOOK
from app.jobs.running import PermanentFailure
from app.leads.records import describe
from app.leads.sealing import Unreadable
from app.leads.signing import HEADER, signature_header
from app.models import Job, Lead, Shop
from app.resources import lead_settings

TIMEOUT_SECONDS = 10.0
USER_AGENT = "p13n-lead-webhook/1"


class DeliveryFailed(Exception):
    pass


def queue_event(session: Session, shop: Shop, lead: Lead, event: str) -> Job | None:
    """Queue the event for the shop's webhook (None when it has none); sent once the caller commits."""
    if not lead_settings.has_webhook(shop):
        return None
    payload = {"type": event, "shop_id": shop.id, "occurred_at": utcnow().isoformat(), "lead": describe(lead)}
    return enqueue(session, LEAD_WEBHOOK, payload, shop_id=shop.id)


def body_of(job: Job) -> bytes:
    """The delivery's body: the frozen event with its id (the same on every retry, for receivers to deduplicate)."""
    return json.dumps({"id": f"evt_{job.id}", **job.payload}, separators=(",", ":"), sort_keys=True).encode()


def deliver(session: Session, job: Job, secret_key: str, http: requests.Session | None = None) -> None:
    shop = session.get(Shop, job.shop_id)
    try:
        target = lead_settings.webhook(shop, secret_key) if shop is not None else None
    except Unreadable as error:
        raise PermanentFailure(str(error)) from None
    if target is None:
        job.progress = {"skipped": "the shop has no lead webhook any more"}
        return
    url, secret = target
    body = body_of(job)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        HEADER: signature_header(secret, body, int(time.time())),
        "X-P13n-Event": job.payload.get("type", ""),
        "X-P13n-Delivery": f"evt_{job.id}",
    }
    try:
        response = (http or requests).post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        raise DeliveryFailed(f"{url}: {type(error).__name__}") from None
    job.progress = {"status_code": response.status_code, "url": url}
    if not 200 <= response.status_code < 300:
        session.commit()  # keep the answer's code on the record; the retry comes from the raise
        raise DeliveryFailed(f"{url} answered {response.status_code}")

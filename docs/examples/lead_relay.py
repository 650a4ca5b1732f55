"""A small relay from p13n's lead webhook to Klaviyo or Mailchimp (docs/leads.md).

Point the shop's webhook at it (Settings -> Leads -> Webhook URL). It checks each delivery's
signature, then subscribes a lead who consented to your list, and unsubscribes one who
withdrew. Leads without consent are not added. Run it beside your mail tool's credentials:

    P13N_WEBHOOK_SECRET=whsec_... TARGET=klaviyo KLAVIYO_API_KEY=pk_... KLAVIYO_LIST_ID=Y6nRLr \\
        python docs/examples/lead_relay.py            # or: gunicorn 'lead_relay:application'

    P13N_WEBHOOK_SECRET=whsec_... TARGET=mailchimp MAILCHIMP_API_KEY=...-us21 MAILCHIMP_LIST_ID=a1b2c3 \\
        python docs/examples/lead_relay.py

Standard library and `requests` only; about a hundred lines to read before you trust it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from wsgiref.simple_server import make_server

import requests

TOLERANCE_SECONDS = 300
KLAVIYO_REVISION = "2025-01-15"


def verified(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """`X-P13n-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, recent and matching."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or abs((now or time.time()) - int(parts["t"])) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def klaviyo(lead: dict, env) -> None:
    """Subscribe (or unsubscribe) the address on the list, with Klaviyo's Subscribe Profiles API."""
    subscribe = lead["consent"]
    kind = "profile-subscription-bulk-create-job" if subscribe else "profile-subscription-bulk-delete-job"
    profile = {"type": "profile", "attributes": {"email": lead["email"], "subscriptions": {
        "email": {"marketing": {"consent": "SUBSCRIBED" if subscribe else "UNSUBSCRIBED"}}}}}
    body = {"data": {"type": kind, "attributes": {"profiles": {"data": [profile]}},
                     "relationships": {"list": {"data": {"type": "list", "id": env["KLAVIYO_LIST_ID"]}}}}}
    if subscribe:
        body["data"]["attributes"]["custom_source"] = "p13n pop-up"
    path = "profile-subscription-bulk-create-jobs" if subscribe else "profile-subscription-bulk-delete-jobs"
    response = requests.post(f"https://a.klaviyo.com/api/{path}", json=body, timeout=10, headers={
        "Authorization": f"Klaviyo-API-Key {env['KLAVIYO_API_KEY']}", "revision": KLAVIYO_REVISION,
        "accept": "application/vnd.api+json", "content-type": "application/vnd.api+json"})
    response.raise_for_status()


def mailchimp(lead: dict, env) -> None:
    """Add or update the list member (Mailchimp Marketing API 3.0, members by the MD5 of the lower-case address)."""
    key = env["MAILCHIMP_API_KEY"]
    member = hashlib.md5(lead["email"].lower().encode()).hexdigest()  # noqa: S324 - Mailchimp's id, not security
    url = f"https://{key.rsplit('-', 1)[-1]}.api.mailchimp.com/3.0/lists/{env['MAILCHIMP_LIST_ID']}/members/{member}"
    if lead["consent"]:
        response = requests.put(url, auth=("p13n", key), timeout=10, json={
            "email_address": lead["email"], "status_if_new": "subscribed", "status": "subscribed"})
    else:
        response = requests.patch(url, auth=("p13n", key), timeout=10, json={"status": "unsubscribed"})
        if response.status_code == 404:
            return  # never subscribed: nothing to withdraw
    response.raise_for_status()


TARGETS = {"klaviyo": klaviyo, "mailchimp": mailchimp}


def application(environ, start_response):
    """WSGI: 204 when handled, 401 for a bad signature; a 5xx from the target makes p13n retry."""
    env = os.environ if "relay.env" not in environ else environ["relay.env"]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if environ["REQUEST_METHOD"] != "POST" or not verified(env["P13N_WEBHOOK_SECRET"], environ.get("HTTP_X_P13N_SIGNATURE", ""), body):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    event = json.loads(body)
    lead = event["lead"]
    # With p13n's double opt-in a "yes" waits for lead.confirmed; "no" and confirmed "yes" go through.
    if not lead.get("consent_pending"):
        try:
            TARGETS[env["TARGET"]](lead, env)
        except requests.RequestException:
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return [b""]
    start_response("204 No Content", [])
    return [b""]


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8787"))
    print(f"relaying p13n leads to {os.environ['TARGET']} on http://127.0.0.1:{port}/")
    make_server("127.0.0.1", port, application).serve_forever()

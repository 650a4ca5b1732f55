"""docs/examples/lead_relay.py, end to end: our signed webhook -> the relay -> Klaviyo's or Mailchimp's API."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import responses

from app.runner import run_pending

RELAY = Path(__file__).resolve().parents[2] / "docs" / "examples" / "lead_relay.py"
SECRET = "whsec_relay-test-secret-0123456789"


def _load_relay():
    spec = importlib.util.spec_from_file_location("lead_relay", RELAY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def relay_url():
    server = make_server("127.0.0.1", 0, _load_relay().application, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def via_relay(app, shop, admin, relay_url, monkeypatch):
    shop, secret_key = shop
    monkeypatch.setenv("P13N_WEBHOOK_SECRET", SECRET)
    assert admin("PUT", "/admin/api/leads/settings", secret_key, {"webhook_url": relay_url, "webhook_secret": SECRET}).status_code == 200
    responses.add_passthru("http://127.0.0.1")  # our delivery to the relay is real HTTP; only the mail tools are mocked
    return shop


@responses.activate
def test_a_consenting_lead_is_subscribed_in_klaviyo(app, via_relay, post_lead, monkeypatch):
    monkeypatch.setenv("TARGET", "klaviyo")
    monkeypatch.setenv("KLAVIYO_API_KEY", "pk_test")
    monkeypatch.setenv("KLAVIYO_LIST_ID", "Y6nRLr")
    responses.post("https://a.klaviyo.com/api/profile-subscription-bulk-create-jobs", status=202)
    post_lead(via_relay, "ann@example.com", True)
    post_lead(via_relay, "nobody@example.com", False)
    responses.post("https://a.klaviyo.com/api/profile-subscription-bulk-delete-jobs", status=202)
    assert run_pending(app) == 2
    create, delete = (call for call in responses.calls if "klaviyo" in call.request.url)
    body = json.loads(create.request.body)
    assert create.request.headers["Authorization"] == "Klaviyo-API-Key pk_test" and create.request.headers["revision"]
    assert body["data"]["relationships"]["list"]["data"]["id"] == "Y6nRLr"
    profile = body["data"]["attributes"]["profiles"]["data"][0]["attributes"]
    assert profile == {"email": "ann@example.com", "subscriptions": {"email": {"marketing": {"consent": "SUBSCRIBED"}}}}
    assert "bulk-delete-jobs" in delete.request.url


@responses.activate
def test_mailchimp_members_are_put_by_the_hash_of_the_address(app, via_relay, post_lead, monkeypatch):
    monkeypatch.setenv("TARGET", "mailchimp")
    monkeypatch.setenv("MAILCHIMP_API_KEY", "abc123-us21")
    monkeypatch.setenv("MAILCHIMP_LIST_ID", "a1b2c3")
    member = hashlib.md5(b"ann@example.com").hexdigest()
    url = f"https://us21.api.mailchimp.com/3.0/lists/a1b2c3/members/{member}"
    responses.put(url, json={"status": "subscribed"})
    post_lead(via_relay, "Ann@Example.com", True)
    assert run_pending(app) == 1
    (call,) = [call for call in responses.calls if "mailchimp" in call.request.url]
    assert json.loads(call.request.body) == {"email_address": "ann@example.com", "status_if_new": "subscribed", "status": "subscribed"}


def test_the_relay_refuses_an_unsigned_or_stale_delivery():
    relay = _load_relay()
    body = b'{"lead": {}}'
    assert not relay.verified(SECRET, "", body)
    assert not relay.verified(SECRET, "t=1000,v1=00", body, now=1000)
    assert not relay.verified(SECRET, "t=1000,v1=" + "0" * 64, body, now=5000)

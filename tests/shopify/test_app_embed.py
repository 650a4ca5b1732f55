"""Reading whether our app embed is on in the live theme."""
from __future__ import annotations

import json

import requests
import responses

from app.shopify.app_embed import app_embed_status
from tests.shopify.conftest import API, API_KEY, DOMAIN

EMBED_TYPE = "shopify://apps/p13n/blocks/p13n/0b8e6f2a-1111-2222-3333-444455556666"


def mock_theme(settings_data):
    responses.get(f"{API}/themes.json", json={"themes": [{"id": 1, "role": "unpublished"}, {"id": 828155753, "role": "main"}]})
    responses.get(f"{API}/themes/828155753/assets.json",
                  json={"asset": {"key": "config/settings_data.json", "value": json.dumps(settings_data)}})


@responses.activate
def test_enabled_when_our_block_is_present_and_not_disabled(installed, app):
    _, install = installed
    mock_theme({"current": {"blocks": {"123": {"type": EMBED_TYPE, "disabled": False, "settings": {}}}}})
    with app.app_context():
        status = app_embed_status(install)
    assert status == {"enabled": True, "error": None, "editor_url": status["editor_url"]}
    assert status["editor_url"] == f"https://{DOMAIN}/admin/themes/current/editor?context=apps&activateAppId={API_KEY}/p13n"
    from urllib.parse import parse_qs, urlparse

    assert parse_qs(urlparse(responses.calls[1].request.url).query) == {"asset[key]": ["config/settings_data.json"]}


@responses.activate
def test_disabled_or_absent_block_is_off(installed, app):
    _, install = installed
    mock_theme({"current": {"blocks": {"1": {"type": EMBED_TYPE, "disabled": True},
                                       "2": {"type": "shopify://apps/other/blocks/chat/1"}}}})
    with app.app_context():
        assert app_embed_status(install)["enabled"] is False


@responses.activate
def test_preset_name_instead_of_settings_is_off(installed, app):
    _, install = installed
    mock_theme({"current": "Default", "presets": {}})
    with app.app_context():
        assert app_embed_status(install)["enabled"] is False


@responses.activate
def test_network_errors_give_unknown_and_never_raise(installed, app):
    _, install = installed
    responses.get(f"{API}/themes.json", body=requests.ConnectTimeout("timed out"))
    with app.app_context():
        status = app_embed_status(install)
    assert status["enabled"] is None and "timed out" in status["error"]


@responses.activate
def test_uninstalled_is_unknown_without_calling_shopify(installed, app):
    _, install = installed
    install.access_token_encrypted = None
    with app.app_context():
        status = app_embed_status(install)
    assert status["enabled"] is None and status["error"] and len(responses.calls) == 0

"""Reading whether our app embed is on in the live theme (GraphQL `themes` / `theme.files`)."""
from __future__ import annotations

import json

import requests
import responses

from app.shopify.app_embed import app_embed_status
from app.shopify.queries import MAIN_THEME_SETTINGS
from tests.helpers.shopify import API_KEY, DOMAIN, GRAPHQL_URL, theme_answer

EMBED_TYPE = "shopify://apps/p13n/blocks/p13n/0b8e6f2a-1111-2222-3333-444455556666"
# Shopify heads settings_data.json with a comment: the file is not plain JSON.
HEADER = """/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 * ------------------------------------------------------------
 */
"""


def mock_theme(settings_data, header: str = HEADER):
    responses.post(GRAPHQL_URL, json=theme_answer(header + json.dumps(settings_data)))


@responses.activate
def test_enabled_when_our_block_is_present_and_not_disabled(installed, app):
    _, install = installed
    mock_theme({"current": {"blocks": {"123": {"type": EMBED_TYPE, "disabled": False, "settings": {}}}}})
    with app.app_context():
        status = app_embed_status(install)
    assert status == {"enabled": True, "error": None, "editor_url": status["editor_url"]}
    assert status["editor_url"] == f"https://{DOMAIN}/admin/themes/current/editor?context=apps&activateAppId={API_KEY}/p13n"
    sent = json.loads(responses.calls[0].request.body)
    assert sent["query"] == MAIN_THEME_SETTINGS and "roles: [MAIN]" in sent["query"]
    assert 'filenames: ["config/settings_data.json"]' in sent["query"]


@responses.activate
def test_disabled_or_absent_block_is_off(installed, app):
    _, install = installed
    mock_theme({"current": {"blocks": {"1": {"type": EMBED_TYPE, "disabled": True},
                                       "2": {"type": "shopify://apps/other/blocks/chat/1"}}}}, header="")
    with app.app_context():
        assert app_embed_status(install)["enabled"] is False


@responses.activate
def test_preset_name_instead_of_settings_is_off(installed, app):
    _, install = installed
    mock_theme({"current": "Default", "presets": {}})
    with app.app_context():
        assert app_embed_status(install)["enabled"] is False


@responses.activate
def test_no_published_theme_is_unknown(installed, app):
    _, install = installed
    responses.post(GRAPHQL_URL, json=theme_answer(None, theme=False))
    with app.app_context():
        status = app_embed_status(install)
    assert status["enabled"] is None and "no published theme" in status["error"]


@responses.activate
def test_network_errors_give_unknown_and_never_raise(installed, app):
    _, install = installed
    responses.post(GRAPHQL_URL, body=requests.ConnectTimeout("timed out"))
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

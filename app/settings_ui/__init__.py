"""The merchant's settings UI: server-rendered pages under /settings/, a little vanilla JS, no build step."""
from flask import Blueprint, Flask, current_app
from werkzeug.exceptions import NotFound as PageNotFound

from app.merchant_auth.csrf import csrf_token, protect_from_forgery
from app.resources import errors as resource_errors

blueprint = Blueprint(
    "settings_ui", __name__, url_prefix="/settings", template_folder="templates",
    static_folder="static", static_url_path="/static",
)

from app.settings_ui import (  # noqa: E402,F401 - routes register on import
    auth,
    install,
    journey_page,
    model_page,
    rules_pages,
    segments_pages,
    privacy_page,
    dashboard,
    leads_page,
    shopify_page,
)
from app.settings_ui.labels import template_helpers  # noqa: E402
from app.settings_ui.security_headers import add_security_headers  # noqa: E402


NAV = [
    ("settings_ui.dashboard", "Dashboard"),
    ("settings_ui.install", "Install"),
    ("settings_ui.rules", "Widgets"),
    ("settings_ui.segments", "Segments"),
    ("settings_ui.journey", "Journey"),
    ("settings_ui.model", "Model"),
    ("settings_ui.leads", "Leads"),
    ("settings_ui.privacy", "Privacy"),
    ("settings_ui.shopify", "Shopify"),
]


def settings_nav() -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label in NAV if endpoint in current_app.view_functions]


blueprint.before_request(protect_from_forgery)
# Another shop's rule or segment in a URL is a page that does not exist, as is a deleted one.
blueprint.register_error_handler(resource_errors.NotFound, lambda error: PageNotFound())
blueprint.after_request(add_security_headers)
blueprint.context_processor(lambda: {"csrf_token": csrf_token, "settings_nav": settings_nav, **template_helpers()})


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

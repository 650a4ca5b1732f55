"""The settings UI blueprint (/settings/...), which the page modules of this package fill."""
from flask import Blueprint, current_app
from werkzeug.exceptions import NotFound as PageNotFound

from app.merchant_auth.csrf import csrf_token, protect_from_forgery
from app.resources import errors as resource_errors
from app.settings_ui import embedded
from app.settings_ui.labels import template_helpers
from app.settings_ui.security_headers import add_security_headers

blueprint = Blueprint(
    "settings_ui", "app.settings_ui", url_prefix="/settings", template_folder="templates",
    static_folder="static", static_url_path="/static",
)

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
    ("settings_ui.shop_settings_page", "Shop settings"),
    ("settings_ui.texts", "Shopper texts"),
]


def settings_nav() -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label in NAV if endpoint in current_app.view_functions]


# Inside the Shopify admin a session token signs the request in (and stands in for the CSRF token): first.
blueprint.before_request(embedded.sign_in_embedded)
blueprint.before_request(protect_from_forgery)
blueprint.url_defaults(embedded.keep_embedded_params)
# Another shop's rule or segment in a URL is a page that does not exist, as is a deleted one.
blueprint.register_error_handler(resource_errors.NotFound, lambda error: PageNotFound())
blueprint.after_request(add_security_headers)
blueprint.after_request(embedded.carry_through_redirect)
blueprint.context_processor(lambda: {"csrf_token": csrf_token, "settings_nav": settings_nav, **template_helpers(),
                                     **embedded.template_context()})

"""The Shopify app: OAuth install, webhooks, Admin API sync, the theme app embed's status.

Routes live under /shopify/ and answer 503 until SHOPIFY_API_KEY and
SHOPIFY_API_SECRET are set; the business logic (signatures, mapping, sync)
is plain Python in the other modules of this package.
"""
from flask import Blueprint, Flask

blueprint = Blueprint("shopify", __name__, url_prefix="/shopify")


def _require_configuration():
    from app.shopify.settings import MISSING_MESSAGE, is_configured

    if not is_configured():
        return MISSING_MESSAGE, 503, {"Content-Type": "text/plain; charset=utf-8"}
    return None


blueprint.before_request(_require_configuration)

from app.shopify import oauth, webhooks  # noqa: E402,F401 - routes register on import


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

"""The Shopify blueprint (/shopify/...), which oauth.py and webhooks.py fill."""
from flask import Blueprint

from app.shopify.settings import MISSING_MESSAGE, is_configured

blueprint = Blueprint("shopify", __name__, url_prefix="/shopify")


@blueprint.before_request
def _require_configuration():
    if not is_configured():
        return MISSING_MESSAGE, 503, {"Content-Type": "text/plain; charset=utf-8"}
    return None

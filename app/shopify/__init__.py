"""The Shopify app: OAuth install, webhooks, Admin API sync, the theme app embed's status.

Routes live under /shopify/ and answer 503 until SHOPIFY_API_KEY and
SHOPIFY_API_SECRET are set; the business logic (signatures, mapping, sync)
is plain Python in the other modules of this package.
"""
from flask import Flask

from app.shopify import oauth, proxy, webhooks  # noqa: F401 - the routes
from app.shopify.blueprint import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

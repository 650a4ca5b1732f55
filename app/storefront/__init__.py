"""The public storefront API: the script tag and event ingest. CORS-open, keyed by a shop's public key."""
from flask import Flask
from flask_cors import CORS

from app.storefront import decide, events, leads, limits, recommendations, script, surveys  # noqa: F401 - the routes
from app.storefront.blueprint import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    limits.init_app(app)
    # Any origin, never credentials: these endpoints are keyed by a public key,
    # not by cookies, so a shop's pages on any domain may call them. The patterns
    # are regular expressions matched from the start of the path: anchored, so
    # that /settings, /store and /shopify (which also start with "/s") stay closed.
    CORS(
        app,
        resources={r"^/v1/.*$": {"origins": "*"}, r"^/s/[^/]+\.js$": {"origins": "*"}},
        supports_credentials=False,
        send_wildcard=True,
        expose_headers=["Retry-After"],  # the script backs off as the server asks
        max_age=86400,
    )

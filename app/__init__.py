"""The application factory.

Creating the app opens no connection and touches no file: engines connect on
first use, the served script is read on first request.
"""
from __future__ import annotations

from flask import Flask

from app import config as config_module


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
    if "DATABASE_URL" in (config or {}):
        app.config["DATABASE_URL"] = config_module.normalize_database_url(app.config["DATABASE_URL"])

    from app import db, errors, health, secret_key
    from app.admin import init_app as init_admin
    from app.cli import init_app as init_cli
    from app.settings_ui import init_app as init_settings_ui
    from app.shopify import init_app as init_shopify
    from app.storefront import init_app as init_storefront

    db.init_app(app)
    secret_key.init_app(app)
    errors.init_app(app)
    health.init_app(app)
    init_storefront(app)
    init_admin(app)
    init_settings_ui(app)
    init_shopify(app)
    init_cli(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("DEMO_STORE"):
        from app.demo import init_app as init_demo

        init_demo(app)
    return app

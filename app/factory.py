"""The application factory.

Creating the app opens no connection and touches no file: engines connect on
first use, the served script is read on first request.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import admin, commands, config, db, demo, errors, health, request_guards, secret_key, settings_ui, shopify, storefront, tasks
from app.json_provider import OrjsonProvider


def create_app(config_overrides: dict | None = None) -> Flask:
    app = Flask("app", static_folder=None)
    app.json = OrjsonProvider(app)
    app.config.update(config.from_environment())
    if config_overrides:
        app.config.update(config_overrides)
    if "DATABASE_URL" in (config_overrides or {}):
        app.config["DATABASE_URL"] = config.normalize_database_url(app.config["DATABASE_URL"])

    db.init_app(app)
    tasks.init_app(app)
    secret_key.init_app(app)
    errors.init_app(app)
    request_guards.init_app(app)  # before the blueprints: their routes use its <id:...> converter
    health.init_app(app)
    storefront.init_app(app)
    admin.init_app(app)
    settings_ui.init_app(app)
    shopify.init_app(app)
    commands.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("DEMO_STORE"):
        demo.init_app(app)
    return app

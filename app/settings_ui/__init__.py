"""The merchant's settings UI: server-rendered pages under /settings/, a little vanilla JS, no build step."""
from flask import Flask

from app.settings_ui import (  # noqa: F401 - the pages
    auth,
    dashboard,
    install,
    journey_page,
    lead_setup,
    leads_page,
    model_page,
    privacy_page,
    rules_pages,
    segments_pages,
    shopify_page,
)
from app.settings_ui.blueprint import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

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
    shop_page,
    shopify_page,
    survey_section,
    texts_page,
)
from app.settings_ui.blueprint import blueprint
from app.settings_ui.embedded import app_home


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    # The Shopify app's application_url: the admin opens the embedded settings there.
    app.add_url_rule("/", "app_home", app_home)

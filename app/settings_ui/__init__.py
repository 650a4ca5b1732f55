"""The merchant's settings UI (server-rendered pages under /settings/)."""
from flask import Blueprint, Flask

blueprint = Blueprint("settings_ui", __name__, url_prefix="/settings", template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

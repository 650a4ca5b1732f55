"""The admin API: the merchant's own data, behind the shop's secret key."""
from flask import Blueprint, Flask

from app.admin import jobs

blueprint = Blueprint("admin_api", __name__, url_prefix="/admin/api")

from app.admin import experiments, products, recommendation_rules, rules, segments  # noqa: E402,F401 - routes register on import


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.register_blueprint(jobs.blueprint)

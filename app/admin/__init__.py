"""The admin API: the merchant's own data, behind the shop's secret key."""
from flask import Flask

from app.admin import experiments, jobs, leads, products, recommendation_rules, rules, segments, shop_settings  # noqa: F401 - the routes
from app.admin.blueprint import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

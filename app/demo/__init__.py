"""The demo store: a small shop front with the script tag installed, on real (UCI Online Retail) data."""
from flask import Flask

from app.demo.store import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)

"""The demo store: a small shop front with the script tag installed, on real (UCI Online Retail) data."""
from flask import Flask


def init_app(app: Flask) -> None:
    from app.demo.store import blueprint

    app.register_blueprint(blueprint)

"""A second app on the test database, configured differently from the suite's (limits on, another Redis...)."""
from __future__ import annotations

from app import db
from app.factory import create_app

# What the suite's `app` fixture sets, so a second app on the same database behaves alike.
BASE_CONFIG = {"SECRET_KEY": "test-secret", "TESTING": True}


def another_app(suite_app, **config):
    """An app on the suite app's database (emptied by the suite's fixture after the test) with ``config`` on top."""
    return create_app({**BASE_CONFIG, "DATABASE_URL": suite_app.config["DATABASE_URL"], **config})


def dispose(app) -> None:
    db.database(app).engine.dispose()

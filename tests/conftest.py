"""Fixtures: a real database (SQLite file by default, PostgreSQL when TEST_DATABASE_URL is set),
migrated once per run with Alembic, emptied after every test."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import redis
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import db, migrate
from app.config import normalize_database_url
from app.db import Base, make_engine
from app.factory import create_app
from app.recommender.serving import trending, visitor_memo
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop
from tests.helpers.stats_history import three_days_ago

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = normalize_database_url(url)
        _reset_postgres_schema(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    migrate.upgrade(url)
    return url


def _reset_postgres_schema(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def app(database_url):
    # Abuse limits off: many tests play hundreds of shoppers from one test client's address.
    # tests/storefront/test_rate_limits.py runs apps with them on, as production does.
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True, "RATE_LIMITS_ENABLED": False,
                      "DEMO_STORE": (Path(__file__).parents[1] / "app/demo/store.py").exists(),
                      # Tasks wait in memory until a test runs them (app.runner.run_pending), as a worker would.
                      "TASK_QUEUE": "memory"})
    yield app
    _empty_tables(app)
    trending.clear_cache()
    visitor_memo.clear()
    db.database(app).engine.dispose()


def _empty_tables(app) -> None:
    engine = db.database(app).engine
    tables = list(reversed(Base.metadata.sorted_tables))
    # A browser test's last request (an event batch sent as the page closed) may still be running in
    # the live server's thread: PostgreSQL may then pick the TRUNCATE as a deadlock's victim. Try again.
    for attempt in range(5):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    names = ", ".join(table.name for table in tables)
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        connection.execute(table.delete())
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    with app.app_context():
        yield db.session()


@pytest.fixture
def make_shop(db_session):
    def factory(name: str = "Shop", domain: str | None = None, currency: str = "USD", locale: str = "en", settings=None):
        shop, secret_key = create_shop(db_session, name, domain, currency, locale, settings, box=box_for(current_app, IDENTITY_SECRETS))
        db_session.commit()
        return shop, secret_key

    return factory


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis the tests may write to (CI starts redis-server); tests that need it skip without it."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/N (.ci/run starts redis-server)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis reachable at TEST_REDIS_URL={url}: {exc}")
    return url


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"needs the shared data sets at {SHARED_DATASETS} (absent in a standalone clone)")
    return SHARED_DATASETS


@pytest.fixture
def day0():
    """The first day of tests.helpers.stats_history's three days."""
    return three_days_ago()

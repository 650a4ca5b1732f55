"""The schema is built by Alembic only: one head, up and down cleanly, and it matches the models."""
from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app import migrate
from app.config import normalize_database_url
from app.db import Base, make_engine


def test_single_head(database_url):
    assert len(migrate.heads(database_url)) == 1


def test_models_match_migrations(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_upgrade_downgrade_upgrade_on_an_empty_database(tmp_path):
    url, cleanup = _empty_database(tmp_path)
    try:
        migrate.upgrade(url)
        assert "events" in _tables(url)
        migrate.downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        migrate.upgrade(url)
        assert {"shops", "products", "profiles", "visitor_ids", "events", "rejected_events", "orders", "order_lines"} <= _tables(url)
    finally:
        cleanup()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _empty_database(tmp_path):
    """A brand-new database on the backend under test."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}", lambda: None
    server_url = normalize_database_url(server_url)
    name = f"p13n_migrations_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def cleanup():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, cleanup

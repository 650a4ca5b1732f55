"""A brand-new, empty database on the backend under test (SQLite file, or a fresh PostgreSQL database)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable

from sqlalchemy import text

from app.config import normalize_database_url
from app.db import make_engine


def empty_database(tmp_path) -> tuple[str, Callable[[], None]]:
    """(url, cleanup) of a database with no tables, for migrations to run on."""
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

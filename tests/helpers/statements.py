"""The SQL statements an app runs: what a request reads and writes, as its first three words."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event as sa_event

from app import db


@contextmanager
def statements(app):
    """The SQL statements run on the app's engine inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()[:3]).upper())

    engine = db.database(app).engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)

"""Database engine and sessions: one engine per app, one session per app context.

Plain SQLAlchemy 2.x rather than Flask-SQLAlchemy so that the CLI, the
importers, the benchmarks and (later) worker processes share exactly the same
session handling without a Flask app in the middle.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Insert, MetaData, create_engine, event, exc, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names, so Alembic migrations (and SQLite batch mode) can
# refer to constraints by name on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The database cannot be reached or used right now (stopped, restarting, unreachable, no free
# connection): worth a retry later, not a bug. The web app answers these 503 with Retry-After.
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# More runs than any process makes of one statement: psycopg's automatic preparation never starts.
NEVER_PREPARE_BY_ITSELF = 2**62


def make_engine(
    url: str, *, connect_timeout: float = 2.0, pool_timeout: float = 2.0, statement_timeout: float = 0,
    prepared_statements: bool = True, **kwargs
) -> Engine:
    """Create an engine; nothing connects until first use.

    On PostgreSQL every wait is bounded, so an outage is an error at once
    rather than a hung request: connecting (``connect_timeout``; libpq's
    minimum is 2 s), a free pooled connection (``pool_timeout``), and, if
    given, each statement (``statement_timeout``). A connection that sat in
    the pool for a while is pinged before use (``_ping_when_idle``), so the app
    recovers by itself from a restart.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    # psycopg prepares a statement after five runs; our hot statements carry
    # variable-length IN lists and executemany batches, whose server-side
    # prepared plans measured 2x slower than plain execution (benchmarks/ingest.py).
    # So nothing is prepared unless asked for (execute(..., prepare=True), as the
    # page view's profile read does); None refuses even that (``prepared_statements=False``:
    # for a pooler that does not keep them, the read then runs unprepared).
    threshold = NEVER_PREPARE_BY_ITSELF if prepared_statements else None
    connect_args = {"prepare_threshold": threshold, "connect_timeout": max(2, math.ceil(connect_timeout))}
    if statement_timeout:
        connect_args["options"] = f"-c statement_timeout={int(statement_timeout * 1000)}"
    kwargs.setdefault("pool_timeout", pool_timeout)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _ping_when_idle(engine)
    return engine


# A connection back in the pool for longer than this is pinged before its next use.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` for connections that sat idle: pinging every checkout cost a page view one of its
    round trips. A connection in steady use is not pinged; if the server went away under it, its failed
    statement invalidates the whole pool (SQLAlchemy's disconnect handling) and that request answers 503
    like any other during an outage; the next ones connect afresh."""

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out (or opens) another.
            raise exc.DisconnectionError("a pooled connection failed its ping") from error


def _configure_sqlite(engine: Engine) -> None:
    database = engine.url.database

    @event.listens_for(engine, "do_connect")
    def _make_parent_directory(dialect, conn_rec, cargs, cparams):
        # The default database lives under instance/, which a fresh clone lacks.
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets the demo server read while an import or training writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class Database:
    """The engine and session factory an app owns."""

    def __init__(self, url: str, **options):
        """``options``: make_engine's (timeouts, prepared statements)."""
        self.engine = make_engine(url, **options)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        # Page views (see ``page_view``): on PostgreSQL every statement commits by itself, so their one or two
        # reads are not wrapped in a BEGIN and a ROLLBACK, two of a page view's four round trips. Same pool.
        self.page_view_engine = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT") if self.engine.dialect.name == "postgresql" else self.engine
        )
        self.page_view_sessionmaker = sessionmaker(self.page_view_engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["p13n.db"] = Database(
        config["DATABASE_URL"],
        connect_timeout=config.get("DATABASE_CONNECT_TIMEOUT", 2.0),
        pool_timeout=config.get("DATABASE_POOL_TIMEOUT", 2.0),
        statement_timeout=config.get("DATABASE_STATEMENT_TIMEOUT", 0),
        prepared_statements=config.get("DATABASE_PREPARED_STATEMENTS", True),
    )
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["p13n.db"]


def session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        store = database()
        g.db_session = (store.page_view_sessionmaker if g.get("db_page_view") else store.sessionmaker)()
    return g.db_session


def page_view() -> None:
    """This request is a page view's: it reads, and whatever it writes is one statement (an experiment's
    assignment, inserted ignoring conflicts), so its statements need no transaction around them. A session
    already open in this app context (tests share theirs with their requests) stays as it is."""
    g.db_page_view = True


def _close_session(exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        if exc is not None:
            db_session.rollback()
        db_session.close()


def insert_ignoring_conflicts(session: Session, model, unique_columns: list[str]) -> Insert:
    """INSERT ... ON CONFLICT (unique_columns) DO NOTHING, on the session's backend.

    For writes that may race an identical write from another worker: the
    loser's rows are skipped instead of failing its whole transaction.
    """
    # The Core table, not the ORM entity: ORM bulk inserts with RETURNING ask
    # for ordered results, which PostgreSQL then runs one row at a time.
    statement = dialect_insert(session, model.__table__)
    if hasattr(statement, "on_conflict_do_nothing"):
        return statement.on_conflict_do_nothing(index_elements=unique_columns)
    return statement


def dialect_insert(session: Session, table) -> Insert:
    """The backend's own INSERT, with its ON CONFLICT clauses (PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql_insert(table)
    if dialect == "sqlite":
        return sqlite_insert(table)
    return insert(table)

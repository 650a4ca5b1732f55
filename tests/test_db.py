"""Connections: page views read without a transaction around them; a connection killed while idle is replaced."""
from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from app import db
from app.db import make_engine


@pytest.fixture
def engine(app):
    engine = db.database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("round trips and killed connections are PostgreSQL's (SQLite runs in the process)")
    return engine


def backend_pid(connection) -> int:
    return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def kill(engine, pid: int) -> None:
    killer = make_engine(engine.url.render_as_string(hide_password=False))
    with killer.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def dbapi_autocommit(session) -> bool:
    return session.connection().connection.dbapi_connection.autocommit


def test_a_page_views_statements_commit_alone_and_the_next_session_is_transactional_again(app, engine):
    engine.dispose()  # one pooled connection, shared by both requests below
    with app.test_request_context("/v1/decide"):
        db.page_view()
        assert dbapi_autocommit(db.session()), "no BEGIN and ROLLBACK around a page view's reads"
        page_view_pid = backend_pid(db.session().connection())
    with app.test_request_context("/v1/events", method="POST"):
        session = db.session()
        assert backend_pid(session.connection()) == page_view_pid, "the same pooled connection"
        assert not dbapi_autocommit(session), "ingest and every other request keep their transaction"


def test_a_session_open_before_the_page_view_keeps_its_transaction(app, engine):
    with app.test_request_context("/v1/decide"):
        session = db.session()
        db.page_view()
        assert db.session() is session and not dbapi_autocommit(session)


def test_a_connection_killed_while_idle_in_the_pool_is_replaced_before_use(engine, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        killed = backend_pid(connection)
    kill(engine, killed)
    with engine.connect() as connection:
        assert backend_pid(connection) != killed


def test_a_connection_in_steady_use_is_not_pinged_and_its_failure_invalidates_the_pool(engine, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    with engine.connect() as connection:
        killed = backend_pid(connection)
    kill(engine, killed)
    with engine.connect() as connection, pytest.raises(exc.DBAPIError) as failed:
        backend_pid(connection)
    assert failed.value.connection_invalidated, "a disconnect: the app answers 503 for it (db.UNAVAILABLE)"
    with engine.connect() as connection:
        assert backend_pid(connection) != killed

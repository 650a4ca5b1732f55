"""The one read every page view of a known visitor makes: their profile, by the visitor id the page sends.

On PostgreSQL it goes to the driver as a prepared statement and comes back as a plain named tuple.
Through SQLAlchemy's result machinery the same read cost the worker about twice the CPU (its result
metadata alone builds psycopg's 27 column descriptions per call) for the same one row. Errors are
translated as SQLAlchemy's own are, so the caller sees the same exceptions (db.UNAVAILABLE for an
outage), a dropped connection is discarded from the pool, and statement listeners are called
with no execution context (documented as possible), as a Core execution would do.
"""
from __future__ import annotations

from collections import namedtuple
from datetime import UTC
from functools import lru_cache

from sqlalchemy import Connection, bindparam, exc, select
from sqlalchemy.engine import Dialect

from app.models import Profile, VisitorId
from app.models.types import UTCDateTime

_COLUMNS = tuple(Profile.__table__.columns)
PROFILE_STATEMENT = select(*_COLUMNS).join(VisitorId, VisitorId.profile_id == Profile.id).where(
    VisitorId.shop_id == bindparam("shop_id"), VisitorId.visitor_id == bindparam("visitor_id")
)
# The profile as the hot path reads it: attribute access like the model's, read only.
ProfileRow = namedtuple("ProfileRow", [column.name for column in _COLUMNS])
# Stored as naive UTC (models/types.UTCDateTime), handed out aware, as through SQLAlchemy.
_UTC_POSITIONS = tuple(position for position, column in enumerate(_COLUMNS) if isinstance(column.type, UTCDateTime))


def read_profile(connection: Connection, shop_id: int, visitor_id: str) -> ProfileRow | None:
    """The profile ``visitor_id`` belongs to in this shop, or None."""
    parameters = {"shop_id": shop_id, "visitor_id": visitor_id}
    if connection.dialect.name != "postgresql":
        row = connection.execute(PROFILE_STATEMENT, parameters).first()
        return ProfileRow._make(row) if row is not None else None
    statement = _driver_sql(connection.dialect)
    driver_connection = connection.connection.driver_connection
    events = connection.dispatch  # statement listeners (logging, tracing, tests) see this read as any other
    try:
        with driver_connection.cursor() as cursor:
            events.before_cursor_execute(connection, cursor, statement, parameters, None, False)
            # Prepared per connection on first use: the server plans this join once, not per page view.
            cursor.execute(statement, parameters, prepare=True)
            values = cursor.fetchone()
            events.after_cursor_execute(connection, cursor, statement, parameters, None, False)
    except connection.dialect.loaded_dbapi.Error as error:
        raise _translated(connection, error, statement, parameters) from error
    if values is None:
        return None
    values = list(values)
    for position in _UTC_POSITIONS:
        if values[position] is not None:
            values[position] = values[position].replace(tzinfo=UTC)
    return ProfileRow._make(values)


@lru_cache(maxsize=4)
def _driver_sql(dialect: Dialect) -> str:
    return str(PROFILE_STATEMENT.compile(dialect=dialect))


def _translated(connection: Connection, error: Exception, statement: str, parameters: dict) -> exc.DBAPIError:
    """``error`` as SQLAlchemy raises it; the connection is invalidated if the server went away."""
    dialect = connection.dialect
    disconnected = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
    if disconnected:
        connection.invalidate(error)
    return exc.DBAPIError.instance(statement, parameters, error, dialect.loaded_dbapi.Error,
                                   connection_invalidated=disconnected, dialect=dialect)

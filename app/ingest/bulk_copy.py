"""New rows by PostgreSQL's COPY (binary), the cheapest way in for both sides, all or nothing.

A batch's events went in as INSERT ... SELECT FROM json_to_recordset(...) ON CONFLICT DO NOTHING:
the app encoded every row as JSON and the server decoded it again and checked each row for a
conflict before inserting it. COPY takes the rows as they are stored (psycopg writes its binary
format in C; no JSON, no statement to plan), and measured about a third less CPU per row on
both sides (docs/scaling.md "Ingest"). COPY has no ON CONFLICT, so it runs in a savepoint: when any
row's unique key is already stored (a replayed batch, or a retry racing its original, whose
insert we wait for as ON CONFLICT would), nothing of it is kept and the caller inserts the rows
the conflict-tolerant way instead.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import psycopg
from psycopg import errors, sql
from sqlalchemy import Connection, Table, exc
from sqlalchemy.orm import Session

_SAVEPOINT = "p13n_bulk_copy"
_statements: dict[tuple[str, tuple[str, ...]], sql.Composed] = {}


def copy_unless_conflicting(session: Session, table: Table, columns: Sequence[str], types: Sequence[str], rows: Iterable[tuple]) -> bool:
    """COPY ``rows`` (tuples in ``columns`` order, with PostgreSQL ``types`` for their binary format) into ``table``.

    True when all were stored; False, with none stored and the transaction still usable, when a row
    broke a unique constraint. Values must be what the column stores: naive UTC datetimes, JSON as text.
    """
    connection = session.connection()
    driver_connection = connection.connection.driver_connection
    statement = _statements.get((table.name, tuple(columns)))
    if statement is None:
        statement = _statements[(table.name, tuple(columns))] = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
    try:
        with driver_connection.cursor() as cursor:
            cursor.execute(f"SAVEPOINT {_SAVEPOINT}")
            try:
                with cursor.copy(statement) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
            except errors.UniqueViolation:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                return False
            cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    except psycopg.Error as error:
        raise _as_sqlalchemy_raises_it(connection, driver_connection, statement, error) from error
    return True


def _as_sqlalchemy_raises_it(connection: Connection, driver_connection, statement, error: psycopg.Error) -> exc.DBAPIError:
    """The error as SQLAlchemy's own statements raise it, its connection dropped from the pool when the server is gone.

    The driver's errors do not pass through SQLAlchemy here: unwrapped, a server stopped mid-batch
    would be a 500 instead of the 503 with Retry-After the app answers for an unreachable database.
    """
    gone = connection.dialect.is_disconnect(error, driver_connection, None)
    if gone:
        connection.invalidate(error)
    return exc.DBAPIError.instance(
        statement.as_string(driver_connection), None, error, psycopg.Error, connection_invalidated=gone, dialect=connection.dialect
    )

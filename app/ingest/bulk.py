"""Many rows in one statement with constant text: PostgreSQL's ``unnest`` of one array per column.

Ingest's cost on PostgreSQL was not the database: a batch of 100 events sent one
UPDATE per profile, and its multi-row INSERT and IN lists had a different text
for every batch size, which psycopg parses anew each time. Here every column
travels as one array parameter, so a batch is one round trip per statement and
the statement text never changes. Other databases (SQLite) keep the portable path.
"""
from __future__ import annotations

import json

from sqlalchemy import JSON, Table, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


def supported(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignoring_conflicts_returning(
    session: Session, table: Table, rows: list[dict], conflict: list[str], returning: str
) -> list:
    """INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING ``returning``: the values actually inserted."""
    columns = list(rows[0])
    names = ", ".join(columns)
    arrays = ", ".join(_array(session, table, column) for column in columns)
    statement = text(
        f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING RETURNING {returning}"
    )
    return list(session.execute(statement, _params(session, table, columns, rows)).scalars())


def update_by_key(session: Session, table: Table, key: str, rows: list[dict]) -> None:
    """UPDATE ... FROM unnest(...) WHERE table.key = v.key: every row's new values in one statement."""
    columns = list(rows[0])
    values = [column for column in columns if column != key]
    assignments = ", ".join(f"{column} = v.{column}" for column in values)
    arrays = ", ".join(_array(session, table, column) for column in columns)
    statement = text(
        f"UPDATE {table.name} SET {assignments} FROM unnest({arrays}) AS v({', '.join(columns)}) "
        f"WHERE {table.name}.{key} = v.{key}"
    )
    session.execute(statement, _params(session, table, columns, rows))


def in_list(session: Session, column, values):
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``, whose text does not grow with the list."""
    values = list(values)
    if not supported(session):
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


_casts: dict[tuple[str, str], str] = {}


def _array(session: Session, table: Table, column: str) -> str:
    cast = _casts.get((table.name, column))
    if cast is None:
        sql_type = table.c[column].type.compile(dialect=session.get_bind().dialect)
        cast = _casts[(table.name, column)] = f"CAST(:{column} AS {sql_type}[])"
    return cast


def _params(session: Session, table: Table, columns: list[str], rows: list[dict]) -> dict:
    dialect = session.get_bind().dialect
    params = {}
    for column in columns:
        column_type = table.c[column].type
        values = [row[column] for row in rows]
        if isinstance(column_type, JSON):
            values = [None if value is None else json.dumps(value) for value in values]
        elif isinstance(column_type, TypeDecorator):
            values = [column_type.process_bind_param(value, dialect) for value in values]
        params[column] = values
    return params

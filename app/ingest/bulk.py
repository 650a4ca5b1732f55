"""Many rows in one statement with constant text: on PostgreSQL, one JSON parameter read by ``json_to_recordset``.

Ingest's cost on PostgreSQL was not the database: a batch of 100 events sent one
UPDATE per profile, and its multi-row INSERT and IN lists had a different text
for every batch size, which psycopg parses anew each time. Then every column
travelled as one array parameter, whose values psycopg adapts one by one in
Python (a fifth of ingest's CPU). Now all rows travel as one JSON text, encoded
by orjson and decoded by the server, so a batch is one
round trip per statement, the statement text never changes, and no value is
adapted in Python. Other databases (SQLite) keep the portable path.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
from sqlalchemy import JSON, Select, Table, Text, TextClause, bindparam, cast, func, select, text, true
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


def supported(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignoring_conflicts_returning(
    session: Session, table: Table, rows: list[dict], conflict: list[str], returning: str
) -> list:
    """INSERT ... SELECT FROM json_to_recordset(...) ON CONFLICT DO NOTHING RETURNING ``returning``: the values actually inserted."""
    return _insert_returning(session, table, rows, f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING", returning)


def insert_returning(session: Session, table: Table, rows: list[dict], returning: str) -> list:
    """INSERT ... SELECT FROM json_to_recordset(...) RETURNING ``returning``, in no particular order."""
    return _insert_returning(session, table, rows, "", returning)


def _insert_returning(session: Session, table: Table, rows: list[dict], on_conflict: str, returning: str) -> list:
    columns = list(rows[0])
    key = ("insert", table.name, tuple(columns), on_conflict, returning)
    statement = _statements.get(key)
    if statement is None:
        names = ", ".join(columns)
        statement = _statements[key] = text(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {_recordset(session, table, columns)} {on_conflict} RETURNING {returning}"
        )
    return list(session.connection().execute(statement, {"rows": _rows_json(session, table, columns, rows)}).scalars())


def update_by_key(session: Session, table: Table, key: str, rows: list[dict], increments: tuple[str, ...] = ()) -> None:
    """UPDATE ... FROM json_to_recordset(...) WHERE table.key = v.key: every row's new values in one statement.

    ``increments``: columns whose row value is added to the stored one (a counter that concurrent
    batches must not overwrite with what each of them read).
    """
    columns = list(rows[0])
    cache_key = ("update", table.name, tuple(columns), key, increments)
    statement = _statements.get(cache_key)
    if statement is None:
        assignments = ", ".join(
            f"{column} = {table.name}.{column} + v.{column}" if column in increments else f"{column} = v.{column}"
            for column in columns if column != key
        )
        statement = _statements[cache_key] = text(
            f"UPDATE {table.name} SET {assignments} FROM {_recordset(session, table, columns)} WHERE {table.name}.{key} = v.{key}"
        )
    session.connection().execute(statement, {"rows": _rows_json(session, table, columns, rows)})


def in_values(session: Session, values) -> list | str:
    """The values for ``unique_matches``' parameter."""
    values = list(values)
    return encode_json(values) if supported(session) else values


def unique_matches(session: Session, columns: list, key, name: str, *where) -> Select:
    """SELECT ``columns`` of the rows whose ``key`` (unique with ``where``) is one of parameter ``name``'s values.

    Give the values with ``in_values``. On PostgreSQL each value is one probe of the unique index
    (LATERAL ... LIMIT 1): with ``key IN (...)`` the planner may read every row of the shop and filter
    them whenever its statistics think the shop small (a new shop, a table not analyzed yet), which
    costs a batch as much as the shop has rows. Elsewhere (SQLite) ``key IN (...)``.
    """
    if not supported(session):
        return select(*columns).where(key.in_(bindparam(name, expanding=True)), *where)
    wanted = func.json_array_elements_text(cast(bindparam(name, type_=Text), JSON)).table_valued("value").alias(f"each_{name}")
    # LIMIT 1: the key is unique anyway; it keeps the subquery a probe per value (a plain join may be flattened).
    found = select(*columns).where(key == wanted.c.value, *where).limit(1).lateral(f"found_{name}")
    return select(*found.c).select_from(wanted).join(found, true())


# Statements are built once: building and compiling one costs more than its 100 rows' values.
_statements: dict[tuple, TextClause] = {}
_recordsets: dict[tuple[str, tuple[str, ...]], str] = {}


def _recordset(session: Session, table: Table, columns: list[str]) -> str:
    """``json_to_recordset(CAST(:rows AS json)) AS v(column type, ...)`` for these columns of ``table``."""
    cache_key = (table.name, tuple(columns))
    recordset = _recordsets.get(cache_key)
    if recordset is None:
        dialect = session.get_bind().dialect
        definitions = ", ".join(f"{column} {table.c[column].type.compile(dialect=dialect)}" for column in columns)
        recordset = _recordsets[cache_key] = f"json_to_recordset(CAST(:rows AS json)) AS v({definitions})"
    return recordset


def _rows_json(session: Session, table: Table, columns: list[str], rows: list[dict]) -> str:
    """The rows as one JSON array of objects; times as their column stores them (UTC)."""
    dialect = session.get_bind().dialect
    converted = [table.c[column] for column in columns if isinstance(table.c[column].type, TypeDecorator)]
    if converted:
        rows = [row.copy() for row in rows]
        for column in converted:
            name, column_type = column.name, column.type
            for row in rows:
                value = row[name]
                # UTC as it is: a timestamp column ignores the "+00:00" (documented), saving a conversion per value.
                if not (isinstance(value, datetime) and value.tzinfo is UTC):
                    row[name] = column_type.process_bind_param(value, dialect)
    # None is SQL NULL in every column, JSON ones included (as with the arrays before).
    return encode_json(rows)


def encode_json(value) -> str:
    """Compact JSON of ``value`` by orjson (8x the standard library's speed on these rows), Decimals as strings.

    What orjson refuses (integers past 64 bits, lone surrogates) the standard library encodes as
    before. NaN and Infinity never get here: the schemas refuse them at the edge.
    """
    try:
        return orjson.dumps(value, default=_as_text).decode()
    except TypeError:
        return _encode(value)


def _as_text(value) -> str:
    # Decimals (money) travel as JSON strings, which the server reads with numeric's own input: no float rounding.
    return value.isoformat() if isinstance(value, datetime) else str(value)


_encode = json.JSONEncoder(default=_as_text, allow_nan=False, separators=(",", ":")).encode

"""Column types shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

# What the columns hold on PostgreSQL (which refuses more; SQLite would store it), so that
# input is bounded at the edge and running totals saturate instead of failing a write.
MAX_RECORD_ID = 2**31 - 1  # an INTEGER primary key
MAX_COUNT = 2**31 - 1  # an INTEGER counter
MAX_MONEY = Decimal("999999999999.99")  # NUMERIC(14, 2)

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no time zones and drops them; PostgreSQL keeps them. Storing
    naive UTC everywhere and handing back aware UTC keeps comparisons and
    arithmetic identical on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class epoch_seconds(FunctionElement):  # noqa: N801 - named like the SQL functions it stands for
    """A :class:`UTCDateTime` expression as Unix seconds (a float), computed by the database.

    The hot path reads a visitor's history as times to do arithmetic on; converting hundreds of rows
    to datetimes and back to seconds in Python cost more than the query.
    """

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds)
def _epoch_seconds(element, compiler, **kw):
    # Naive UTC timestamps: EXTRACT reads them as UTC. It returns NUMERIC; the float is what we want.
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element, compiler, **kw):
    # SQLite stores the ISO text; julianday() parses it (2440587.5 is the Unix epoch's Julian day).
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"

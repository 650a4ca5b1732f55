"""Event history import: JSON Lines of events in the API's shape (CSV: the same columns, ``props`` as JSON text).

Imported events keep their own timestamps (no clock-skew correction: they are
history, not live traffic); an event id seen before is a duplicate, so an
import can be re-run safely.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.importers.reading import Row
from app.importers.report import ImportReport, format_errors
from app.ingest.events import ingest_batch

REQUIRED_CSV_COLUMNS = ("id", "type", "visitor_id", "ts")
CHUNK = 500


def import_events(
    session: Session, shop_id: int, rows: Iterable[Row], on_progress: Callable[[int], None] = lambda n: None
) -> ImportReport:
    report = ImportReport("events")
    chunk: list[Row] = []
    for row in rows:
        on_progress(1)
        if row.error:
            report.add_problem(row.line, row.error)
            continue
        chunk.append(row)
        if len(chunk) == CHUNK:
            _ingest_chunk(session, shop_id, chunk, report)
            chunk = []
    if chunk:
        _ingest_chunk(session, shop_id, chunk, report)
    return report


def _ingest_chunk(session: Session, shop_id: int, rows: list[Row], report: ImportReport) -> None:
    result = ingest_batch(
        session,
        shop_id,
        [_from_csv_shape(row.data) for row in rows],
        sent_at=None,
        received_at=utcnow(),
        source="import",
        correct_clock=False,
    )
    report.imported += result.accepted
    report.skipped += result.duplicates
    for rejected in result.rejected:
        report.add_problem(rows[rejected["index"]].line, format_errors(rejected["errors"]))


def _from_csv_shape(data: dict) -> dict:
    props = data.get("props")
    if isinstance(props, str):
        try:
            data = {**data, "props": json.loads(props)}
        except ValueError:
            pass  # left as text, the schema reports it as not an object
    return data

"""Experiment assignments, written once per (shop, experiment, unit) and off the request path.

A decision used to insert (or try to) an assignment row on every page view and
commit: on SQLite every page view then queued for the database's one write
lock. An arm is a pure hash of the unit (app/experiments/bucketing.py), so the
row only records that the unit was exposed, once. Each process remembers the
units it has recorded (bounded), and with write-behind on, a background thread
inserts the new ones in batches with ON CONFLICT DO NOTHING. A row lost to a
crash before its flush is written again on that unit's next page view.
"""
from __future__ import annotations

import logging
import os
import threading
import weakref
from collections import OrderedDict

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from app.db import insert_ignoring_conflicts
from app.models import Assignment

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
REMEMBERED = 200_000  # units per process: ~30 MB at most
_KEY = ("shop_id", "experiment_key", "unit_id")


class AssignmentWriter:
    def __init__(self, engine: Engine, write_behind: bool):
        self.engine = engine
        self.write_behind = write_behind
        self._recorded: OrderedDict[tuple, None] = OrderedDict()
        self._queue: list[dict] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def record(self, row: dict) -> None:
        key = tuple(row[name] for name in _KEY)
        with self._lock:
            if key in self._recorded:
                self._recorded.move_to_end(key)
                return
            self._recorded[key] = None
            if len(self._recorded) > REMEMBERED:
                self._recorded.popitem(last=False)
            if self.write_behind:
                self._queue.append(row)
                self._ensure_thread()
                return
        self._write([row])

    def flush(self) -> None:
        """Write what is queued now (the thread does this every FLUSH_SECONDS)."""
        with self._lock:
            rows, self._queue = self._queue, []
        if rows:
            self._write(rows)

    def _write(self, rows: list[dict]) -> None:
        try:
            with Session(self.engine) as session:
                session.execute(insert_ignoring_conflicts(session, Assignment, list(_KEY)), rows)
                session.commit()
        except Exception:  # noqa: BLE001 - recording exposure must never break a page; the next view retries
            log.exception("could not record %d experiment assignments", len(rows))
            with self._lock:
                for row in rows:
                    self._recorded.pop(tuple(row[name] for name in _KEY), None)

    def _ensure_thread(self) -> None:
        # Called with the lock held. A forked worker (gunicorn) starts its own thread.
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="assignment-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()


# Keyed by the engine's pool: engines that share it (db.Database.page_view_engine, the same engine with
# autocommit) record through the one writer.
_writers: weakref.WeakKeyDictionary[Pool, AssignmentWriter] = weakref.WeakKeyDictionary()


def configure(engine: Engine, write_behind: bool) -> AssignmentWriter:
    """The app factory's choice for this engine (write-behind in production, immediate in tests)."""
    writer = _writers[engine.pool] = AssignmentWriter(engine, write_behind)
    return writer


def writer_for(session: Session) -> AssignmentWriter:
    engine = session.get_bind()
    writer = _writers.get(engine.pool)
    if writer is None:
        writer = configure(engine, write_behind=False)
    return writer

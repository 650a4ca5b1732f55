"""The task queue: huey, its storage, the job kinds with their retries, and the periodic work.

The top floor, beside app/runner.py and the commands: nothing below imports it.
Web code records a job (app/jobs) and, once committed, it is handed to
``dispatch`` here, which puts the job's id on huey's queue; workers
(app/runner.py) run it. huey's storage is only the queue: status, progress and
errors live in the jobs table, which every machine reads.

Each kind's handler is a plain function ``(session, job)`` in its domain
package, named here by import path and imported when its first task runs: the
web process registers the same tasks (to enqueue them) but never runs
training, so it never loads LightFM (the commands' lazy loading, for the same reason).
"""
from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import db
from app.config import INSTANCE_DIR
from app.jobs import kinds
from app.jobs.records import DISPATCH
from app.jobs.running import recover_stale_jobs, run_job
from app.privacy.retention_job import schedule_daily_purges
from app.recommender.training.schedule import queue_due_trainings

EXTENSION = "p13n.tasks"
RETRY_BACKOFF = 2.0  # each retry waits twice as long as the one before


@dataclass(frozen=True)
class JobKind:
    handler: str  # "module:function", a plain function (session, job)
    retries: int = 4
    retry_delay: float = 10.0  # seconds before the first retry


JOB_KINDS: dict[str, JobKind] = {
    # NotEnoughData fails at once (PermanentFailure); retries are for a lost database connection.
    kinds.TRAIN: JobKind("app.recommender.training.job:run_training", retries=2, retry_delay=60.0),
    kinds.PURGE_EXPIRED: JobKind("app.privacy.retention_job:run_purge", retries=2, retry_delay=60.0),
    # Shopify's API already retries 429 and 5xx inside one run; these retries outlast a longer outage.
    kinds.SHOPIFY_SYNC: JobKind("app.shopify.jobs:run_sync", retry_delay=30.0),
    kinds.SHOPIFY_WEBHOOK: JobKind("app.shopify.jobs:run_webhook"),
    kinds.SHOPIFY_REGISTER_WEBHOOKS: JobKind("app.shopify.jobs:register_webhooks", retry_delay=30.0),
    kinds.SHOPIFY_CONNECT_PIXEL: JobKind("app.shopify.jobs:connect_web_pixel", retry_delay=30.0),
    # A merchant's endpoint may be down for a while: 30 s, 1, 2 ... 64 min: 9 tries over about 2 hours.
    kinds.LEAD_WEBHOOK: JobKind("app.leads.jobs:deliver_webhook", retries=8, retry_delay=30.0),
    kinds.LEAD_CONFIRMATION: JobKind("app.leads.jobs:send_confirmation", retries=5, retry_delay=30.0),
}


def _retrain_due_models(app: Flask, session: Session) -> None:
    queue_due_trainings(session, app.config["RETRAIN_INTERVAL_HOURS"])


def _queue_daily_purges(app: Flask, session: Session) -> None:
    schedule_daily_purges(session)


def _recover_stale_jobs(app: Flask, session: Session) -> None:
    recover_stale_jobs(session)


# name -> (when, what). Each is safe to run on several workers at once: the jobs table decides.
PERIODIC_TASKS: dict[str, tuple[Callable, Callable[[Flask, Session], None]]] = {
    # Checked every 10 minutes, so a model is retrained within minutes of RETRAIN_INTERVAL_HOURS.
    "retrain_due_models": (crontab(minute="*/10"), _retrain_due_models),
    # Hourly, each shop at most once a day: a worker down at some hour does not skip a day.
    "queue_daily_purges": (crontab(minute="17"), _queue_daily_purges),
    "recover_stale_jobs": (crontab(minute="*/5"), _recover_stale_jobs),
}


@cache
def handler(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class TaskQueue:
    """One app's huey instance with its tasks, built on first use (creating the app opens nothing)."""

    def __init__(self, app: Flask):
        self.app = app
        self._built: tuple[Huey, dict[str, Callable]] | None = None
        self._lock = threading.Lock()

    @property
    def huey(self) -> Huey:
        return self._build_once()[0]

    def dispatch(self, kind: str, job_id: int, delay: float | None = None) -> None:
        """Put a committed job on the queue (app/jobs calls this after the commit), to run ``delay`` seconds from now."""
        _huey, tasks = self._build_once()
        if delay:
            tasks[kind].schedule((job_id,), delay=delay)
        else:
            tasks[kind](job_id)

    def _build_once(self) -> tuple[Huey, dict[str, Callable]]:
        with self._lock:
            if self._built is None:
                huey = make_huey(self.app.config)
                tasks = {
                    kind: huey.task(retries=spec.retries, retry_delay=spec.retry_delay, retry_backoff=RETRY_BACKOFF,
                                    context=True, name=kind)(self._job_task(spec))
                    for kind, spec in JOB_KINDS.items()
                }
                for name, (when, function) in PERIODIC_TASKS.items():
                    huey.periodic_task(when, name=name)(self._periodic_task(function))
                self._built = (huey, tasks)
            return self._built

    def _job_task(self, spec: JobKind) -> Callable:
        app = self.app

        def run(job_id: int, task=None) -> None:
            with app.app_context():
                run_job(db.session(), job_id, handler(spec.handler), last_attempt=not task.retries)

        return run

    def _periodic_task(self, function: Callable[[Flask, Session], None]) -> Callable:
        app = self.app

        def run() -> None:
            with app.app_context():
                function(app, db.session())

        return run


class SqliteQueueStorage(SqliteStorage):
    """huey's SQLite storage with synchronous=NORMAL, like our own SQLite database (app/db.py).

    In WAL mode that is safe against corruption and saves an fsync per enqueue
    and per dequeue (5.6 ms -> 0.1 ms each on this machine's disk); a queue
    entry lost to a power cut is handed over again by the stale-job sweep,
    since the job's record is in the database.
    """

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def make_huey(config) -> Huey:
    """huey on the configured storage; results are not kept (the jobs table is the record)."""
    mode = config.get("TASK_QUEUE") or ("redis" if config.get("REDIS_URL") else "sqlite")
    name = config.get("TASK_QUEUE_NAME") or "p13n"
    if mode == "redis":
        if not config.get("REDIS_URL"):
            raise ValueError("TASK_QUEUE is 'redis' but REDIS_URL is not set")
        return RedisHuey(name, url=config["REDIS_URL"], results=False)
    if mode == "sqlite":
        return SqliteHuey(name, filename=str(sqlite_queue_path(config["DATABASE_URL"])), results=False,
                          storage_class=SqliteQueueStorage)
    if mode in ("memory", "immediate"):
        return MemoryHuey(name, results=False, immediate=mode == "immediate")
    raise ValueError(f"TASK_QUEUE must be redis, sqlite, memory or immediate, not {mode!r}")


def sqlite_queue_path(database_url: str) -> Path:
    """The queue's file: beside a SQLite database ("x.sqlite3" -> "x-tasks.sqlite3"), else under instance/."""
    url = make_url(database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).with_name(f"{Path(database).stem}-tasks.sqlite3")
    else:
        path = INSTANCE_DIR / "p13n-tasks.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def init_app(app: Flask) -> None:
    queue = TaskQueue(app)
    app.extensions[EXTENSION] = queue
    app.extensions[DISPATCH] = queue.dispatch


def task_queue(app: Flask) -> TaskQueue:
    return app.extensions[EXTENSION]

"""The workers: the table of job kinds, the loop that runs them, and the embedded default's threads.

The top floor, beside the commands: it imports the job functions of every
domain package; nothing below imports it.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from sqlalchemy.orm import Session

from app import db
from app.jobs import queue
from app.jobs.queue import Handler, claim_next, run_job, worker_name
from app.privacy.retention_job import run_purge, schedule_daily_purges
from app.recommender.training.job import run_training
from app.recommender.training.pipeline import options_from_config
from app.recommender.training.schedule import retrain_stale_shops
from app.shopify.jobs import register_webhooks, run_sync, run_webhook

log = logging.getLogger(__name__)

JOB_HANDLERS: dict[str, Handler] = {
    "train": run_training,
    "purge_expired": run_purge,
    "shopify_sync": run_sync,
    "shopify_webhook": run_webhook,
    "shopify_register_webhooks": register_webhooks,
}

# How often a worker looks for periodic work to queue (the daily retention purges).
MAINTENANCE_EVERY = 15 * 60


def run_pending(session: Session, limit: int | None = None, kinds: list[str] | None = None) -> int:
    """Run every runnable job now, in this process (tests and the CLI); the number run."""
    return queue.run_pending(session, JOB_HANDLERS, limit, kinds)


def work_forever(app: Flask, idle_seconds: float = 1.0, stop: threading.Event | None = None) -> None:
    name = worker_name()
    next_maintenance = 0.0
    while stop is None or not stop.is_set():
        with app.app_context():
            session = db.session()
            if time.monotonic() >= next_maintenance:
                schedule_periodic_jobs(session)
                next_maintenance = time.monotonic() + MAINTENANCE_EVERY
            job = claim_next(session, name)
            if job is not None:
                run_job(session, job, JOB_HANDLERS)
                continue
        time.sleep(idle_seconds)


def schedule_periodic_jobs(session: Session) -> None:
    try:
        schedule_daily_purges(session)
    except Exception:  # noqa: BLE001 - maintenance must never stop the worker from running jobs
        session.rollback()
        log.exception("scheduling periodic jobs failed")


def start_worker_thread(app: Flask, idle_seconds: float = 0.5) -> threading.Thread:
    """The embedded default's worker: one daemon thread in the serving process."""
    thread = threading.Thread(target=work_forever, args=(app, idle_seconds), name="p13n-worker", daemon=True)
    thread.start()
    return thread


def start_background_retraining(app: Flask, hours: float) -> threading.Thread:
    """The embedded default's scheduler: a daemon thread in the serving process.

    Fine for one process on SQLite; with several workers run `retrain-loop`
    (or `train --all --stale-hours H` from cron) in its own process instead.
    """

    def loop() -> None:
        while True:
            time.sleep(min(hours * 3600, 600))
            with app.app_context():
                session = db.session()
                try:
                    retrain_stale_shops(session, app.config["MODEL_DIR"], hours, options_from_config(app.config))
                finally:
                    session.close()

    thread = threading.Thread(target=loop, name="p13n-retrain", daemon=True)
    thread.start()
    return thread

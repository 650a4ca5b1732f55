"""`flask --app wsgi worker`: a worker process, and the demo's in-process worker thread."""
from __future__ import annotations

import logging
import threading
import time

import click

from app import db
from app.jobs.queue import claim_next, run_job, worker_name


# How often a worker looks for periodic work to queue (the daily retention purges).
MAINTENANCE_EVERY = 15 * 60


def work_forever(app, idle_seconds: float = 1.0, stop: threading.Event | None = None) -> None:
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
                run_job(session, job)
                continue
        time.sleep(idle_seconds)


def schedule_periodic_jobs(session) -> None:
    from app.privacy.retention_job import schedule_daily_purges

    try:
        schedule_daily_purges(session)
    except Exception:  # noqa: BLE001 - maintenance must never stop the worker from running jobs
        session.rollback()
        logging.getLogger(__name__).exception("scheduling periodic jobs failed")


@click.command("worker")
@click.option("--idle-seconds", default=1.0, show_default=True, type=click.FloatRange(min=0.05),
              help="How long to sleep when the queue is empty.")
def worker(idle_seconds: float) -> None:
    """Run background jobs (training, Shopify sync, webhooks) until stopped; run as many as you like."""
    from flask import current_app

    from app.cli import ensure_schema

    ensure_schema()
    click.echo(f"worker {worker_name()} waiting for jobs", err=True)
    work_forever(current_app._get_current_object(), idle_seconds)


def start_worker_thread(app, idle_seconds: float = 0.5) -> threading.Thread:
    """The embedded default's worker: one daemon thread in the serving process."""
    thread = threading.Thread(target=work_forever, args=(app, idle_seconds), name="p13n-worker", daemon=True)
    thread.start()
    return thread

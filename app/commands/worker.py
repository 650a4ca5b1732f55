"""`flask --app wsgi worker`: a huey consumer running background tasks and the periodic work."""
from __future__ import annotations

import logging

import click
from flask import current_app

from app.commands.schema import ensure_schema
from app.runner import run_consumer


@click.command("worker")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1, max=64),
              help="Tasks run at once in this process (threads); or start more worker processes.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also queue the periodic work (retraining, daily purges, recovering stale jobs); "
                   "safe on every worker, the database decides what is due.")
def worker(workers: int, periodic: bool) -> None:
    """Run background tasks (training, Shopify syncs and webhooks, retention purges) until stopped; run as many as you like.

    SIGINT lets running tasks finish; SIGTERM stops at once (an interrupted job is queued again by the sweep).
    """
    ensure_schema()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_consumer(current_app._get_current_object(), workers, periodic)

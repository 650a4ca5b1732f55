"""`flask --app wsgi worker`: a worker process running background jobs."""
from __future__ import annotations

import click
from flask import current_app

from app.commands.schema import ensure_schema
from app.jobs.queue import worker_name
from app.runner import work_forever


@click.command("worker")
@click.option("--idle-seconds", default=1.0, show_default=True, type=click.FloatRange(min=0.05),
              help="How long to sleep when the queue is empty.")
def worker(idle_seconds: float) -> None:
    """Run background jobs (training, Shopify sync, webhooks) until stopped; run as many as you like."""
    ensure_schema()
    click.echo(f"worker {worker_name()} waiting for jobs", err=True)
    work_forever(current_app._get_current_object(), idle_seconds)

"""Background work behind a database-backed queue: training, Shopify sync, webhook processing.

Web processes only enqueue; `flask --app wsgi worker` processes (any number,
on any machine) claim and run jobs. The embedded default runs one worker
thread inside the demo server instead.
"""
from app.jobs.queue import enqueue, handler, latest_job, run_pending, set_progress

__all__ = ["enqueue", "handler", "latest_job", "run_pending", "set_progress"]

"""Background work behind a database-backed queue: training, Shopify sync, webhook processing.

Web processes only enqueue; workers (app/runner.py, any number, on any
machine) claim and run jobs with the table of job kinds assembled there.
"""
from app.jobs.queue import enqueue, latest_job, set_progress

__all__ = ["enqueue", "latest_job", "set_progress"]

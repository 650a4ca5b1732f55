"""Running the task queue: the worker process's consumer, the demo's consumer thread, and draining it in place.

The top floor, beside app/tasks.py and the commands; nothing below imports it.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_app_context
from huey.consumer import Consumer
from huey.utils import utcnow as huey_utcnow

from app import db
from app.tasks import task_queue

# With SQLite storage the consumer polls; a click on "Retrain" waits at most this long.
MAX_POLL_SECONDS = 2.0


def run_consumer(app: Flask, workers: int = 1, periodic: bool = True) -> None:
    """Run tasks (and, with ``periodic``, the periodic ones) until SIGINT (finish running tasks) or SIGTERM."""
    consumer = task_queue(app).huey.create_consumer(workers=workers, periodic=periodic, worker_type="thread",
                                                    max_delay=MAX_POLL_SECONDS)
    consumer.run()


class InProcessConsumer(Consumer):
    """A consumer on threads of a process that owns its signals (the demo's server keeps its Ctrl+C)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer_thread(app: Flask, periodic: bool = True) -> InProcessConsumer:
    """The embedded default's worker: the consumer's threads inside the serving process; ``stop()`` ends them."""
    consumer = InProcessConsumer(task_queue(app).huey, workers=1, periodic=periodic, worker_type="thread",
                                 max_delay=MAX_POLL_SECONDS)
    consumer.start()
    return consumer


def run_pending(app: Flask | None = None, now: datetime | None = None) -> int:
    """Run every waiting task in this process, as a consumer would, until none is left; how many ran.

    ``now`` (naive UTC, huey's clock) also runs the retries due by then. For
    tests and one-off use; the caller's session then sees what the tasks wrote.
    """
    app = app or current_app._get_current_object()
    huey = task_queue(app).huey
    ran = 0
    while True:
        timestamp = now or huey_utcnow()
        for task in huey.read_schedule(timestamp):
            huey.enqueue(task)
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task, timestamp)
        ran += 1
    if has_app_context() and current_app._get_current_object() is app:
        db.session().expire_all()
    return ran

"""Running the task queue for real: the demo's consumer thread on SQLite and on Redis, and `flask worker`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from app import tasks
from app.jobs import enqueue
from app.jobs.kinds import PURGE_EXPIRED
from app.models import Job
from app.runner import start_consumer_thread
from app.tasks import task_queue

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 120  # seconds: only so that a broken queue fails the test instead of hanging it


def purge_job(db_session, make_shop) -> Job:
    shop, _ = make_shop(settings={"retention_days": 30})
    job = enqueue(db_session, PURGE_EXPIRED, shop_id=shop.id)
    db_session.commit()
    return job


def run_through_consumer(app, db_session, make_shop) -> Job:
    huey = task_queue(app).huey
    finished = threading.Event()

    @huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)
    def on_finish(signal_name, task, *args):
        finished.set()

    consumer = start_consumer_thread(app, periodic=False)
    try:
        job = purge_job(db_session, make_shop)
        assert finished.wait(HANG_GUARD), "the consumer did not run the job"
    finally:
        consumer.stop(graceful=True)
    db_session.expire_all()
    return db_session.get(Job, job.id)


def test_the_consumer_thread_runs_jobs_from_the_sqlite_queue(app, db_session, make_shop, tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "INSTANCE_DIR", tmp_path)  # on PostgreSQL the queue file would go to instance/
    app.config.update(TASK_QUEUE="sqlite", TASK_QUEUE_NAME=f"test-{uuid.uuid4().hex}")
    job = run_through_consumer(app, db_session, make_shop)
    assert (job.status, job.attempts, job.progress["retention_days"]) == ("done", 1, 30)


def test_the_consumer_thread_runs_jobs_from_redis(app, db_session, make_shop, redis_url):
    app.config.update(TASK_QUEUE="", REDIS_URL=redis_url, TASK_QUEUE_NAME=f"test-{uuid.uuid4().hex}")
    try:
        job = run_through_consumer(app, db_session, make_shop)
        assert (job.status, job.attempts) == ("done", 1)
    finally:
        task_queue(app).huey.flush()


def test_the_worker_command_runs_jobs_until_interrupted(app, database_url, db_session, make_shop):
    if not database_url.startswith("sqlite"):
        pytest.skip("the worker's SQLite queue sits beside a SQLite database; "
                    "on PostgreSQL tests/test_scale_out.py runs the worker on Redis")
    app.config["TASK_QUEUE"] = "sqlite"  # the file the worker opens too
    job = purge_job(db_session, make_shop)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "REDIS_URL": ""}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--no-periodic"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + HANG_GUARD
        while db_session.get(Job, job.id, populate_existing=True).status != "done":
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker did not run the job"
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=HANG_GUARD)[0]
    assert worker.returncode == 0, output
    assert "Executing app.tasks.purge_expired" in output

"""Background work: the durable record of each job, and running one with that record kept current.

Web code enqueues a job record; once committed, it is handed to the task queue
(huey, assembled with the table of job kinds in app/tasks.py), whose workers
(app/runner.py, any number, on any machine) run each kind's handler, a plain
function ``(session, job)`` in its domain package.
"""
from app.jobs.records import active_job, describe, enqueue, enqueue_single, latest_job, set_progress, shop_job
from app.jobs.running import PermanentFailure, RunLater

__all__ = ["PermanentFailure", "RunLater", "active_job", "describe", "enqueue", "enqueue_single", "latest_job", "set_progress", "shop_job"]

"""/admin/api/model/retrain and /admin/api/jobs/<id> — background work started and followed over the API.

The same job records and the same "one training at a time" rule as the
settings UI's Retrain button: both call app/jobs.
"""
from __future__ import annotations

from flask import jsonify, url_for

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.errors import ApiError
from app.jobs import describe, enqueue_single, shop_job
from app.jobs.kinds import TRAIN

# Its own blueprint under the admin API's prefix, registered by app/admin's init_app.

# jobs.id is a 32-bit integer column; a larger id cannot exist (and PostgreSQL would refuse to compare it).
LARGEST_ID = 2**31 - 1


@blueprint.post("/model/retrain")
@shop_required
def retrain():
    """Queue a training of the shop's model; while one is queued or running, that one is answered."""
    session = db.session()
    job, _created = enqueue_single(session, TRAIN, current_shop().id)
    session.commit()
    response = jsonify(describe(job))
    response.status_code = 202
    response.headers["Location"] = url_for("admin_api.get_job", job_id=job.id)
    return response


@blueprint.get("/jobs/<job_id>")
@shop_required
def get_job(job_id: str):
    """A job's status ("queued", "running", "done", "failed"), progress and error; another shop's is 404."""
    number = int(job_id) if job_id.isascii() and job_id.isdigit() and len(job_id) <= 10 else None
    job = shop_job(db.session(), current_shop().id, number) if number is not None and 0 < number <= LARGEST_ID else None
    if job is None:
        raise ApiError(404, "No such job.")
    return jsonify(describe(job))

"""/admin/api/model/retrain and /admin/api/jobs/<id>: one training at a time, followed to the end, per shop."""
from __future__ import annotations

from sqlalchemy import select

from app.models import ModelVersion
from app.runner import run_pending
from tests.helpers.recommender_shop import build_shop


def auth(secret_key: str) -> dict:
    return {"Authorization": f"Bearer {secret_key}"}


def test_a_retrain_is_queued_once_followed_and_activates_a_new_version(app, client, db_session, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop, secret = make_shop()
    build_shop(db_session, shop, customers=20)

    queued = client.post("/admin/api/model/retrain", headers=auth(secret))
    assert queued.status_code == 202
    job_id = queued.get_json()["job_id"]
    assert queued.headers["Location"] == f"/admin/api/jobs/{job_id}"
    again = client.post("/admin/api/model/retrain", headers=auth(secret))
    assert again.status_code == 202 and again.get_json()["job_id"] == job_id, "one training at a time per shop"
    status = client.get(f"/admin/api/jobs/{job_id}", headers=auth(secret)).get_json()
    assert (status["status"], status["kind"], status["error"]) == ("queued", "train", None)

    assert run_pending() == 1
    done = client.get(f"/admin/api/jobs/{job_id}", headers=auth(secret))
    assert done.status_code == 200
    body = done.get_json()
    assert body["status"] == "done" and body["error"] is None and body["attempts"] == 1
    assert body["progress"]["done"] == body["progress"]["total"] > 0
    version = db_session.scalar(select(ModelVersion).where(ModelVersion.shop_id == shop.id, ModelVersion.status == "active"))
    assert body["progress"]["message"] == f"version {version.version} active"

    next_one = client.post("/admin/api/model/retrain", headers=auth(secret)).get_json()["job_id"]
    assert next_one != job_id, "after it finished, a retrain starts a new job"


def test_a_training_that_cannot_succeed_fails_with_its_reason(app, client, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop, secret = make_shop()
    job_id = client.post("/admin/api/model/retrain", headers=auth(secret)).get_json()["job_id"]
    run_pending()
    body = client.get(f"/admin/api/jobs/{job_id}", headers=auth(secret)).get_json()
    assert body["status"] == "failed" and "NotEnoughData: no product views" in body["error"]


def test_other_shops_jobs_and_odd_ids_are_404_never_500(client, make_shop):
    shop, secret = make_shop()
    other, other_secret = make_shop("Other")
    theirs = client.post("/admin/api/model/retrain", headers=auth(other_secret)).get_json()["job_id"]
    assert client.get(f"/admin/api/jobs/{theirs}", headers=auth(other_secret)).status_code == 200
    for job_id in (str(theirs), "0", "-1", "abc", "1.5", "2147483648", "9" * 30, "\u0661\u0662", "%20"):
        response = client.get(f"/admin/api/jobs/{job_id}", headers=auth(secret))
        assert response.status_code == 404 and response.get_json() == {"error": "No such job."}, job_id


def test_the_jobs_api_needs_the_shops_secret(client, make_shop):
    shop, secret = make_shop()
    assert client.post("/admin/api/model/retrain").status_code == 401
    assert client.post("/admin/api/model/retrain", headers=auth("sk_wrong")).status_code == 401
    assert client.get("/admin/api/jobs/1").status_code == 401

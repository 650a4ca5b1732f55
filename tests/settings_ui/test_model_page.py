"""The model page: versions against popularity, the retrain button, training progress and failures."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import Job, ModelVersion
from app.runner import run_pending
from app.settings_ui.model_page import against_popularity
from tests.helpers.recommender_shop import build_shop


def train_jobs(db_session, shop):
    return db_session.scalar(select(func.count()).select_from(Job).where(Job.shop_id == shop.id, Job.kind == "train"))


def test_retrain_enqueues_once_runs_and_shows_the_new_active_version(app, signed_in, db_session, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop = signed_in.shop
    build_shop(db_session, shop, customers=20)
    assert signed_in.get("/settings/model/progress").get_json() == {"status": "none"}
    assert 'id="no-active-version"' in signed_in.get("/settings/model").get_data(as_text=True)

    response = signed_in.post("/settings/model/retrain")
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/model")
    again = signed_in.post("/settings/model/retrain", follow_redirects=True).get_data(as_text=True)
    assert "Training is already running" in again
    assert train_jobs(db_session, shop) == 1
    assert signed_in.get("/settings/model/progress").get_json()["status"] == "queued"

    assert run_pending() == 1
    progress = signed_in.get("/settings/model/progress").get_json()
    assert progress["status"] == "done" and progress["error"] is None
    assert progress["progress"]["done"] == progress["progress"]["total"] > 0 and "active" in progress["progress"]["message"]

    version = db_session.scalars(select(ModelVersion).where(ModelVersion.shop_id == shop.id)).one()
    html = signed_in.get("/settings/model").get_data(as_text=True)
    assert f'id="active-version">{version.version}<' in html
    row = html[html.index(f'id="version-{version.id}"'):]
    row = row[: row.index("</table>")]
    assert f'id="version-{version.id}" class="active-row" aria-current="true"' in html
    assert ">active<" in row and f">{version.n_users}<" in row
    if version.metrics.get("popularity"):
        comparison = html[html.index('id="active-comparison"'):]
        assert 'data-metric="precision_at_k"' in comparison and "×</span>" in row
    assert 'style="' not in html


def test_a_failed_training_shows_its_reason(app, signed_in, db_session, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    signed_in.post("/settings/model/retrain")
    run_pending()
    progress = signed_in.get("/settings/model/progress").get_json()
    assert "NotEnoughData: no product views" in progress["error"], progress
    assert progress["status"] == "failed", "retrying cannot help until more data arrives"
    html = signed_in.get("/settings/model").get_data(as_text=True)
    assert re.search(r'id="training-error">[^<]*' + "no product views, carts or orders stored", html)
    failed = db_session.scalars(select(ModelVersion).where(ModelVersion.shop_id == signed_in.shop.id)).one()
    assert failed.status == "failed" and ">failed<" in html and '<span class="error">NotEnoughData: no product views' in html


def test_another_shops_versions_and_jobs_stay_hidden(signed_in, db_session, make_shop):
    other, _ = make_shop("Other", "other.example")
    db_session.add(ModelVersion(shop_id=other.id, version="other-shop-v1", status="active", metrics={}))
    db_session.add(Job(shop_id=other.id, kind="train", status="running", progress={"message": "other shop busy"}))
    db_session.commit()
    html = signed_in.get("/settings/model").get_data(as_text=True)
    assert "other-shop-v1" not in html and "other shop busy" not in html and 'id="no-versions"' in html
    assert signed_in.get("/settings/model/progress").get_json() == {"status": "none"}
    signed_in.post("/settings/model/retrain")
    assert train_jobs(db_session, signed_in.shop) == 1, "another shop's running job does not block this one"


def test_against_popularity_ratios():
    rows = against_popularity({"blend": {"precision_at_k": 0.3, "auc": 0.9, "recall_at_k": float("nan")},
                               "popularity": {"precision_at_k": 0.1, "auc": 0.0}})
    assert [(r["key"], r["ratio"]) for r in rows] == [("precision_at_k", 0.3 / 0.1), ("auc", None)]
    assert against_popularity({}) == [] and against_popularity(None) == []


def test_signed_out_requests_go_to_the_login(app):
    client = app.test_client()
    for url in ("/settings/model", "/settings/model/progress"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/settings/login")
    assert client.post("/settings/model/retrain").status_code in (302, 400, 403)

"""Retraining a shop refits its lifetime value too, and a CLV failure never fails the training."""
from __future__ import annotations

from sqlalchemy import select

from app.clv import refresh
from app.clv.refresh import latest_fit
from app.jobs import enqueue
from app.models import Job, ModelVersion
from app.runner import run_pending
from tests.helpers.recommender_shop import build_shop


def train(db_session, shop) -> Job:
    job = enqueue(db_session, "train", shop_id=shop.id)
    db_session.commit()
    assert run_pending() == 1
    db_session.expire_all()
    return db_session.get(Job, job.id)


def test_the_training_job_refreshes_clv(app, db_session, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop, _ = make_shop()
    build_shop(db_session, shop, customers=40)
    job = train(db_session, shop)
    assert job.status == "done"
    fit = latest_fit(db_session, shop.id)
    assert fit is not None and fit.customers == 40 and fit.repeat_customers == 40


def test_a_clv_failure_leaves_the_training_done(app, db_session, make_shop, tmp_path, monkeypatch):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop, _ = make_shop()
    build_shop(db_session, shop, customers=20)

    def broken(session, shop_id, now=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(refresh, "refresh_shop_clv", broken)
    job = train(db_session, shop)
    assert job.status == "done" and job.error is None
    assert db_session.scalar(select(ModelVersion.status).where(ModelVersion.shop_id == shop.id)) == "active"
    assert latest_fit(db_session, shop.id) is None

"""The model page: the shop's recommender versions, how they beat popularity, and a retrain button."""
from __future__ import annotations

import math

from flask import flash, g, jsonify, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.jobs import describe, enqueue_single, latest_job
from app.jobs.kinds import TRAIN
from app.models import Job, ModelVersion
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint

SHOWN_VERSIONS = 20
# (key in the stored validation metrics, what the merchant reads)
METRICS = (("precision_at_k", "Precision@k"), ("recall_at_k", "Recall@k"), ("ndcg_at_k", "NDCG@k"), ("auc", "AUC"))


def _number(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def against_popularity(metrics: dict | None) -> list[dict]:
    """The served blend against the popularity baseline, per metric, on the version's validation split.

    ``ratio`` above 1 means the model ranks the products people then bought
    higher than "show the bestsellers" would have.
    """
    metrics = metrics or {}
    model, baseline = metrics.get("blend") or {}, metrics.get("popularity") or {}
    rows = []
    for key, label in METRICS:
        ours, theirs = _number(model.get(key)), _number(baseline.get(key))
        if ours is None and theirs is None:
            continue
        rows.append({"key": key, "label": label, "model": ours, "popularity": theirs,
                     "ratio": ours / theirs if ours is not None and theirs else None})
    return rows


def shop_versions(session: Session, shop_id: int, limit: int = SHOWN_VERSIONS) -> list[ModelVersion]:
    return list(session.scalars(
        select(ModelVersion).where(ModelVersion.shop_id == shop_id)
        .order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc()).limit(limit)
    ))


def job_progress(job: Job | None) -> dict:
    """What the progress block shows (and polls for)."""
    if job is None:
        return {"status": "none"}
    progress = job.progress or {}
    shown = {"done": progress.get("done", 0), "total": progress.get("total", 0), "message": progress.get("message", "")}
    return {**describe(job), "progress": shown}


@blueprint.get("/model")
@login_required
def model():
    session = db.session()
    versions = shop_versions(session, g.shop.id)
    return render_template(
        "settings/model.html", versions=versions, comparisons={v.id: against_popularity(v.metrics) for v in versions},
        active=next((v for v in versions if v.status == "active"), None),
        job=job_progress(latest_job(session, g.shop.id, TRAIN)),
    )


@blueprint.post("/model/retrain")
@login_required
def retrain():
    session = db.session()
    _job, created = enqueue_single(session, TRAIN, g.shop.id)
    session.commit()
    if created:
        flash("Retraining started. It runs in the background; you can leave this page.", "info")
    else:
        flash("Training is already running; this page shows its progress.", "info")
    return redirect(url_for("settings_ui.model"))


@blueprint.get("/model/progress")
@login_required
def model_progress():
    return jsonify(job_progress(latest_job(db.session(), g.shop.id, TRAIN)))

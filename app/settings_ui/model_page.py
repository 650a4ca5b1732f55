"""The model page: the shop's recommender versions, how they compare with recent bestsellers, and a retrain button."""
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


def against_recent_popularity(metrics: dict | None) -> list[dict]:
    """The served model against ``recent_popularity`` (the bestsellers of the last days, tuned like the model),
    per metric, on the version's validation slice.

    ``ratio`` above 1 means the model ranks the products people then viewed or
    bought higher than "show what sold best lately" would have. Versions
    trained before that baseline existed compare their blend with all-time
    popularity, and say so (``baseline``).
    """
    metrics = metrics or {}
    if metrics.get("served"):
        model, baseline, name = metrics["served"], metrics.get("recent_popularity") or {}, "recent_popularity"
    else:
        model, baseline, name = metrics.get("blend") or {}, metrics.get("popularity") or {}, "popularity"
    rows = []
    for key, label in METRICS:
        ours, theirs = _number(model.get(key)), _number(baseline.get(key))
        if ours is None and theirs is None:
            continue
        rows.append({"key": key, "label": label, "model": ours, "baseline": theirs, "baseline_name": name,
                     "ratio": ours / theirs if ours is not None and theirs else None})
    return rows


def baseline_description(metrics: dict | None) -> str:
    """How the recent-popularity baseline of a version counts, in words (its settings were chosen on the same slice)."""
    settings = ((metrics or {}).get("settings") or {}).get("popularity") or {}
    days = _number(settings.get("days"))
    if settings.get("kind") == "window" and days:
        return f"the bestsellers of the last {days:g} days (distinct shoppers)"
    if settings.get("kind") == "half_life" and days:
        return f"the bestsellers, each shopper counting half as much every {days:g} days"
    return "the all-time bestsellers"


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
        "settings/model.html", versions=versions, comparisons={v.id: against_recent_popularity(v.metrics) for v in versions},
        baselines={v.id: baseline_description(v.metrics) for v in versions},
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

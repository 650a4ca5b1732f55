"""/admin/api/experiments and /admin/api/stats — testing rules against each other and the holdout."""
from __future__ import annotations

from datetime import timedelta

from flask import jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from app import db
from app.admin import blueprint
from app.admin.auth import current_shop, shop_required
from app.errors import ApiError
from app.experiments.variants import check_variant_content
from app.models import Experiment, Rule
from app.clock import utcnow
from app.schemas.experiments import ExperimentSchema, StatsQuerySchema
from app.stats.report import stats_report

_schema = ExperimentSchema()
_stats_query = StatsQuerySchema()


@blueprint.get("/experiments")
@shop_required
def list_experiments():
    found = db.session().scalars(select(Experiment).where(Experiment.shop_id == current_shop().id).order_by(Experiment.id)).all()
    return jsonify(experiments=_schema.dump(found, many=True))


@blueprint.post("/experiments")
@shop_required
def create_experiment():
    data = _load(request.get_json(silent=True))
    experiment = Experiment(shop_id=current_shop().id, **data)
    session = db.session()
    session.add(experiment)
    session.commit()
    return jsonify(_schema.dump(experiment)), 201


@blueprint.get("/experiments/<int:experiment_id>")
@shop_required
def get_experiment(experiment_id: int):
    return jsonify(_schema.dump(_own(experiment_id)))


@blueprint.put("/experiments/<int:experiment_id>")
@shop_required
def replace_experiment(experiment_id: int):
    experiment = _own(experiment_id)
    for field, value in _load(request.get_json(silent=True)).items():
        setattr(experiment, field, value)
    db.session().commit()
    return jsonify(_schema.dump(experiment))


@blueprint.delete("/experiments/<int:experiment_id>")
@shop_required
def delete_experiment(experiment_id: int):
    session = db.session()
    session.delete(_own(experiment_id))
    session.commit()
    return "", 204


@blueprint.get("/stats")
@shop_required
def get_stats():
    try:
        query = _stats_query.load(request.args.to_dict())
    except ValidationError as error:
        raise ApiError(400, "Invalid query.", error.normalized_messages()) from None
    end = query["end"] or utcnow()
    start = query["start"] or end - timedelta(days=30)
    return jsonify(stats_report(db.session(), current_shop().id, start, end, query["rule"]))


def _load(payload) -> dict:
    if not isinstance(payload, dict):
        raise ApiError(400, "Body must be a JSON object describing the experiment.")
    try:
        data = _schema.load(payload)
    except ValidationError as error:
        raise ApiError(400, "Invalid experiment; nothing was changed.", error.normalized_messages()) from None
    rule = db.session().scalar(select(Rule).where(Rule.id == data["rule_id"], Rule.shop_id == current_shop().id))
    if rule is None:
        raise ApiError(400, "Invalid experiment; nothing was changed.", {"rule_id": ["No such rule."]})
    errors = check_variant_content(rule, data["variants"])
    if errors:
        raise ApiError(400, "Invalid experiment; nothing was changed.", {"variants": errors})
    return data


def _own(experiment_id: int) -> Experiment:
    experiment = db.session().scalar(
        select(Experiment).where(Experiment.id == experiment_id, Experiment.shop_id == current_shop().id)
    )
    if experiment is None:
        raise ApiError(404, "No such experiment.")
    return experiment

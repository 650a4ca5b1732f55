"""/admin/api/experiments and /admin/api/stats — testing rules against each other and the holdout."""
from __future__ import annotations

from datetime import timedelta

from flask import jsonify, request
from marshmallow import ValidationError

from app import db
from app.admin.auth import current_shop, shop_required
from app.admin.blueprint import blueprint
from app.admin.payload import json_object
from app.clock import utcnow
from app.errors import ApiError
from app.resources import experiments
from app.schemas.experiments import ExperimentSchema, StatsQuerySchema
from app.stats.report import stats_report

_schema = ExperimentSchema()
_stats_query = StatsQuerySchema()
_DESCRIBING_AN_EXPERIMENT = "a JSON object describing the experiment"


@blueprint.get("/experiments")
@shop_required
def list_experiments():
    return jsonify(experiments=_schema.dump(experiments.listed(db.session(), current_shop().id), many=True))


@blueprint.post("/experiments")
@shop_required
def create_experiment():
    session = db.session()
    data = experiments.validate(session, current_shop().id, json_object(_DESCRIBING_AN_EXPERIMENT))
    experiment = experiments.save(session, current_shop().id, None, data)
    session.commit()
    return jsonify(_schema.dump(experiment)), 201


@blueprint.get("/experiments/<id:experiment_id>")
@shop_required
def get_experiment(experiment_id: int):
    return jsonify(_schema.dump(experiments.own(db.session(), current_shop().id, experiment_id)))


@blueprint.put("/experiments/<id:experiment_id>")
@shop_required
def replace_experiment(experiment_id: int):
    session = db.session()
    experiment = experiments.own(session, current_shop().id, experiment_id)
    data = experiments.validate(session, current_shop().id, json_object(_DESCRIBING_AN_EXPERIMENT))
    experiments.save(session, current_shop().id, experiment, data)
    session.commit()
    return jsonify(_schema.dump(experiment))


@blueprint.delete("/experiments/<id:experiment_id>")
@shop_required
def delete_experiment(experiment_id: int):
    session = db.session()
    experiments.delete(session, experiments.own(session, current_shop().id, experiment_id))
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

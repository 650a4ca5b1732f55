from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import db


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)


def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return jsonify(status="error", database=f"unreachable: {exc.__class__.__name__}"), 503
    return jsonify(status="ok", database="ok")

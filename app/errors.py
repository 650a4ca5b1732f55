"""JSON errors for the APIs, so clients always get a machine-readable answer."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from app.db import UNAVAILABLE

log = logging.getLogger(__name__)

API_PREFIXES = ("/v1/", "/admin/api/")
# How long clients wait before sending again while the database is away; the
# storefront script adds its own jitter, so thousands of browsers do not return in step.
DATABASE_RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An error the API reports to its caller with a status and a message."""

    def __init__(self, status: int, message: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, _http_error)
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)


def api_error_response(error: ApiError):
    body = {"error": error.message}
    if error.errors is not None:
        body["errors"] = error.errors
    return jsonify(body), error.status, error.headers


def is_api_request() -> bool:
    """Whether the caller reads JSON errors (the public and admin APIs)."""
    return request.path.startswith(API_PREFIXES)


def _http_error(error: HTTPException):
    if is_api_request():
        return jsonify(error=error.description), error.code
    return error


def database_unavailable(error: Exception):
    """503 with Retry-After: the request was fine, the database is not (stopped, restarting, out of connections).

    Never a 500: the client should send the same thing again later, and the
    storefront script does (events carry ids, so a retry is stored once).
    """
    log.warning("database unavailable on %s %s: %s", request.method, request.path, error.__class__.__name__)
    message = "Database unavailable; retry later."
    if request.path.startswith(API_PREFIXES):
        response = jsonify(error=message, retry_after=DATABASE_RETRY_AFTER_SECONDS)
        response.status_code = 503
    else:
        response = Response(message + "\n", status=503, content_type="text/plain; charset=utf-8")
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response

"""JSON errors for the APIs, so clients always get a machine-readable answer."""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

API_PREFIXES = ("/v1/", "/admin/api/")


class ApiError(Exception):
    """An error the API reports to its caller with a status and a message."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, _http_error)


def api_error_response(error: ApiError):
    body = {"error": error.message}
    if error.errors is not None:
        body["errors"] = error.errors
    return jsonify(body), error.status


def is_api_request() -> bool:
    """Whether the caller reads JSON errors (the public and admin APIs)."""
    return request.path.startswith(API_PREFIXES)


def _http_error(error: HTTPException):
    if is_api_request():
        return jsonify(error=error.description), error.code
    return error

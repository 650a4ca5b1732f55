"""The JSON object an admin request sends, or a 400 that says what was expected."""
from __future__ import annotations

from flask import request

from app.errors import ApiError


def json_object(expected: str) -> dict:
    """The body as a JSON object; ``expected`` finishes the sentence "Body must be ..."."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, f"Body must be {expected}.")
    return payload

"""The JSON object an admin request sends, or a 400 that says what was expected."""
from __future__ import annotations

from flask import request

from app.errors import ApiError
from app.schemas.json_values import UnreadableJson, parse


def json_object(expected: str) -> dict:
    """The body as a JSON object; ``expected`` finishes the sentence "Body must be ...".

    Read whatever the Content-Type (a client that forgets the header gets the
    same answer), within the app's MAX_CONTENT_LENGTH (413 past it).
    """
    try:
        payload = parse(request.get_data(cache=True))
    except UnreadableJson as exc:
        if "nested" in str(exc):
            raise ApiError(400, str(exc)) from None
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(400, f"Body must be {expected}.")
    return payload

"""Reading the JSON bodies the storefront script posts (as text/plain, which needs no CORS preflight)."""
from __future__ import annotations

from flask import request

from app.errors import ApiError
from app.schemas.json_values import UnreadableJson, parse


def json_object_body(max_bytes: int, shape: str) -> dict:
    """The body as a JSON object whatever its Content-Type; 413 past ``max_bytes``, 400 when not an object."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError(413, f"Body larger than {max_bytes} bytes; send smaller batches.")
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ApiError(413, f"Body larger than {max_bytes} bytes; send smaller batches.")
    try:
        payload = parse(raw)
    except UnreadableJson as exc:
        raise ApiError(400, str(exc)) from None
    if not isinstance(payload, dict):
        raise ApiError(400, f"Body must be a JSON object like {shape}.")
    return payload

"""Reading the JSON bodies the storefront script posts (as text/plain, which needs no CORS preflight).

A body is read and parsed once per request: the rate limiter needs its shop
key before the view runs, and the view then reads the same parse.
"""
from __future__ import annotations

from flask import request

from app.errors import ApiError
from app.schemas.events import MAX_BATCH_BYTES
from app.schemas.json_values import UnreadableJson, parse

# The largest body any public endpoint takes (an event batch); each view checks its own smaller cap.
MAX_PUBLIC_BODY_BYTES = MAX_BATCH_BYTES
_RAW, _PARSED = "p13n.raw_body", "p13n.parsed_body"


def json_object_body(max_bytes: int, shape: str) -> dict:
    """The body as a JSON object whatever its Content-Type; 413 past ``max_bytes``, 400 when not an object."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError(413, f"Body larger than {max_bytes} bytes; send smaller batches.")
    raw = _raw_body()
    if len(raw) > max_bytes:
        raise ApiError(413, f"Body larger than {max_bytes} bytes; send smaller batches.")
    payload = _parsed(raw)
    if isinstance(payload, ApiError):
        raise payload
    if not isinstance(payload, dict):
        raise ApiError(400, f"Body must be a JSON object like {shape}.")
    return payload


def posted_key() -> str | None:
    """The ``key`` of the posted JSON object, or None when the body is too large, not JSON or has none."""
    if request.content_length is not None and request.content_length > MAX_PUBLIC_BODY_BYTES:
        return None
    raw = _raw_body()
    if len(raw) > MAX_PUBLIC_BODY_BYTES:
        return None
    payload = _parsed(raw)
    key = payload.get("key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) else None


def _raw_body() -> bytes:
    # Kept on the request itself: `g` outlives a request when an app context was already pushed.
    if _RAW not in request.environ:
        # One byte past the largest cap tells "too large" apart without reading a flood whole.
        request.environ[_RAW] = request.stream.read(MAX_PUBLIC_BODY_BYTES + 1)
    return request.environ[_RAW]


def _parsed(raw: bytes):
    """The JSON value of ``raw``, or the ApiError saying why it is not JSON (parsed once per request)."""
    if _PARSED not in request.environ:
        try:  # bounded depth, no NaN/Infinity, no lone surrogates (app/schemas/json_values.py)
            request.environ[_PARSED] = parse(raw)
        except UnreadableJson as exc:
            request.environ[_PARSED] = ApiError(400, str(exc))
    return request.environ[_PARSED]

"""What any request may be, checked before a view reads it: body size, ids in paths, characters in URLs.

- ``MAX_CONTENT_LENGTH`` caps every body (413 before it is read when the
  length is declared, and as soon as it is passed when not); views with a
  smaller budget lower it for their request (the Shopify webhook).
- ``<id:name>`` in a route is a record id an INTEGER column can hold: a larger
  number matches no route (a 404), never a query the database refuses.
- A NUL in a path or query string is a 400: no URL of ours has one, and
  PostgreSQL refuses it in text, which would turn a lookup into a 500.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

from app.errors import ApiError, api_error_response, is_api_request
from app.models.types import MAX_RECORD_ID


class RecordIdConverter(IntegerConverter):
    """``<id:rule_id>``: a whole number from 1 to MAX_RECORD_ID; any other number is a 404.

    A 404 is raised here rather than the route not matching: Werkzeug checks
    the method before the converter, so a PUT to a path whose id no route
    takes would otherwise be a 405 (the GET rule "matched" on its method).
    """

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_RECORD_ID)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: routes are compiled with the converters known then."""
    app.url_map.converters["id"] = RecordIdConverter
    app.before_request(_refuse_nul_in_url)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def _refuse_nul_in_url():
    if "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string:
        raise BadRequest("The URL contains a NUL character (%00).")


def _too_large(error: RequestEntityTooLarge):
    limit = request.max_content_length
    if limit:
        message = f"The request body is larger than the {limit} bytes {request.method} {request.path} accepts."
    else:
        message = error.description
    if is_api_request():
        return api_error_response(ApiError(413, message))
    return message, 413, {"Content-Type": "text/plain; charset=utf-8"}

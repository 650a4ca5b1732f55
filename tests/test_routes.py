"""Every route's numeric id is bounded to what an id column holds, so a huge one is a 404 and never reaches the database."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from app.models.types import MAX_RECORD_ID


def test_every_integer_in_a_route_is_bounded(app):
    unbounded = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter) and (converter.max is None or converter.max > MAX_RECORD_ID)
    ]
    assert unbounded == []


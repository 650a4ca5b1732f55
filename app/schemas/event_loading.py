"""Loading a batch's events: the plain event checked value by value, anything else by EventSchema.

``EventSchema().load`` costs most of ingest's CPU: its machinery (hooks, getters, error
bookkeeping) runs for every field of every event, present or not. The events the storefront
script sends are plain: known fields holding strings, numbers or null, and a flat ``props``.
Such an event is checked here against the same rules (the same limits, the same storability
checks, the schema's own field objects for times, amounts, currencies and signatures) and loaded
to the same dict. Whatever is not plain in that sense (an unknown field, traits, nested props,
order lines, a value of another kind) and every event that breaks a rule goes through
EventSchema itself, whose result and error messages stand. tests/schemas/test_event_loading.py
checks that both always agree.
"""
from __future__ import annotations

import json
import math
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from marshmallow import ValidationError

from app.models import EVENT_TYPES
from app.schemas.events import MAX_QUANTITY, NEEDS_PRODUCT, EventSchema
from app.schemas.fields import utc_in_range
from app.schemas.json_values import storable_text, unstorable_text

_schema = EventSchema()
_fields = _schema.fields
_TYPES = frozenset(EVENT_TYPES)
_MAX_URL = 2048
_MAX_PROPS_BYTES = 8 * 1024
# What BoundedDict measures (json.dumps with these arguments), without building an encoder per call.
_compact_json = json.JSONEncoder(separators=(",", ":"), default=str).encode


class _NotPlain(Exception):
    """This value needs the schema (it may be valid, but this module does not decide that)."""


def load_event(raw) -> dict:
    """What ``EventSchema().load(raw)`` returns, or the ValidationError it raises."""
    if type(raw) is dict:
        try:
            return _plain_event(raw)
        except _NotPlain:
            pass
    return _schema.load(raw)


def _plain_event(raw: dict) -> dict:
    loaded = {
        "customer_id": None, "customer_sig": None, "traits": None, "product_id": None, "order_id": None,
        "value": None, "currency": None, "url": None, "referrer": None, "ts": None, "props": {},
    }
    for name, value in raw.items():
        check = _CHECKS.get(name)
        if check is None:  # unknown: the schema drops it, after checking that it is storable
            raise _NotPlain
        loaded[name] = check(name, value, raw)
    if "id" not in raw or "type" not in raw or "visitor_id" not in raw:
        raise _NotPlain
    event_type = loaded["type"]
    if (event_type in NEEDS_PRODUCT and not loaded["product_id"]) or (event_type == "identify" and not loaded["customer_id"]):
        raise _NotPlain
    return loaded


def _short_text(name: str, value, raw: dict) -> str:
    if type(value) is not str or not 0 < len(value) <= 64 or not storable_text(value):
        raise _NotPlain
    return value


def _event_type(name: str, value, raw: dict) -> str:
    if type(value) is not str or value not in _TYPES:
        raise _NotPlain
    return value


def _external_id(name: str, value, raw: dict) -> str | None:
    if value is None:
        return None
    if type(value) is int:
        value = str(value)
    elif type(value) is not str or not storable_text(value):
        raise _NotPlain
    if not 0 < len(value) <= 128:
        raise _NotPlain
    return value


def _page_url(name: str, value, raw: dict) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not _plain_url(value):
        raise _NotPlain
    return value


@lru_cache(maxsize=1024)
def _plain_url(value: str) -> bool:
    """Remembered: a shop's pages and referrers repeat from event to event, and parsing is most of an event's checks."""
    if len(value) > _MAX_URL or not storable_text(value):
        return False
    try:
        urlsplit(value).hostname  # noqa: B018 - parsing is the check, as in PageUrl
    except ValueError:
        return False
    return True


def _by_field(name: str, value, raw: dict):
    """Times, amounts, currencies, signatures: the schema's own field, after the schema's storability check."""
    if unstorable_text(value):
        raise _NotPlain
    try:
        return _fields[name].deserialize(value, name, raw)
    except ValidationError:
        raise _NotPlain from None


def _time(name: str, value, raw: dict) -> datetime | None:
    """UtcDateTime's reading (ISO 8601 by fromisoformat, UTC when naive, 1970-2200) without the field's machinery."""
    if value is None:
        return None
    if type(value) is not str:
        raise _NotPlain
    try:
        in_utc = utc_in_range(datetime.fromisoformat(value))
    except ValueError:
        raise _NotPlain from None
    if in_utc is None:
        raise _NotPlain
    return in_utc


def _no_traits(name: str, value, raw: dict) -> None:
    if value is not None:
        raise _NotPlain
    return None


def _flat_props(name: str, props, raw: dict) -> dict:
    """A flat object of storable strings, finite numbers, true/false and null; a valid quantity; no order lines."""
    if type(props) is not dict or "lines" in props:
        raise _NotPlain
    # An upper bound of BoundedDict's measure (compact JSON, non-ASCII escaped: at most 12 characters for
    # one of a string's), so that only props that might be too large are encoded to be measured.
    most = 2
    for key, value in props.items():
        if type(key) is not str or not storable_text(key):
            raise _NotPlain
        kind = type(value)
        if kind is str:
            if not storable_text(value):
                raise _NotPlain
            most += 12 * len(value) + 2
        elif kind is float:
            if not math.isfinite(value):
                raise _NotPlain
            most += 24  # repr of a float: sign, 17 digits, point, exponent
        elif kind is int:
            most += value.bit_length() // 3 + 2  # digits and sign
        elif kind is bool or value is None:
            most += 5
        else:
            raise _NotPlain
        most += 12 * len(key) + 4  # quotes, colon, comma
    if "quantity" in props:
        quantity = props["quantity"]
        if type(quantity) not in (int, float) or not 0 < quantity <= MAX_QUANTITY:
            raise _NotPlain
    if most > _MAX_PROPS_BYTES and len(_compact_json(props)) > _MAX_PROPS_BYTES:
        raise _NotPlain
    return dict(props)


_CHECKS = {
    "id": _short_text,
    "type": _event_type,
    "visitor_id": _short_text,
    "customer_id": _external_id,
    "customer_sig": _by_field,
    "traits": _no_traits,
    "product_id": _external_id,
    "order_id": _external_id,
    "value": _by_field,
    "currency": _by_field,
    "url": _page_url,
    "referrer": _page_url,
    "ts": _time,
    "props": _flat_props,
}

"""load_event must answer exactly what EventSchema().load answers, for any input whatever."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from app.schemas import event_loading
from app.schemas.event_loading import load_event
from app.schemas.events import EventSchema

_schema = EventSchema()

_EDGE_TEXT = [
    "", "a", "x" * 64, "x" * 65, "x" * 128, "x" * 129, "x" * 2048, "x" * 2049, "a\x00b", "a\ud800b", "\udfff",
    "https://shop.example/p/1?utm_source=news", "http://[::1", "https://[", "//host/path", "not a url", "ÿ€",
    "2026-01-02T03:04:05", "2026-01-02T03:04:05.123+05:00", "2026-01-02", "0001-01-01T00:00+05:00",
    "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00", "yesterday",
    "EUR", "eur", "EURO", "f" * 64, "F" * 64, "f" * 64 + "\n", "g" * 64, "12.345", "1e999", "NaN", "-0.005",
    "page_view", "product_view", "add_to_cart", "identify", "purchase", "widget_click", "PAGE_VIEW",
]
_numbers = st.one_of(
    st.integers(), st.integers(min_value=-(10**140), max_value=10**140),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, 1, -1, 10**6, 10**6 + 1, 0.5, 1e6, 1e6 + 0.5, 10**11, 1e11 + 1]),
)
_text = st.one_of(st.sampled_from(_EDGE_TEXT), st.text(max_size=70), st.text(st.characters(codec=None), max_size=8))
_scalars = st.one_of(st.none(), st.booleans(), _numbers, _text)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3), max_leaves=8)
_prop_keys = st.one_of(st.sampled_from(["quantity", "lines", "device", "title", "utm_source", "country", "decision_id"]), _text)
_lines = st.lists(st.dictionaries(st.sampled_from(["product_id", "quantity", "price", "x"]), _scalars, max_size=4), max_size=3)
_props = st.one_of(
    st.dictionaries(_prop_keys, _scalars, max_size=6),
    st.dictionaries(_prop_keys, _scalars | _lines, max_size=4),
    st.dictionaries(_prop_keys, _json, max_size=3),
    st.just({"big": "x" * 9000}), st.just({"q": "x" * 8180}), _scalars,
)
_FIELDS = list(EventSchema().fields)
_VALID = [
    {"id": "e1", "type": "page_view", "visitor_id": "v1", "url": "https://shop.example/", "ts": "2026-01-02T03:04:05Z"},
    {"id": "e2", "type": "product_view", "visitor_id": "v2", "product_id": "SKU-1", "props": {"title": "A", "device": "mobile"}},
    {"id": "e3", "type": "add_to_cart", "visitor_id": "v3", "product_id": 7, "value": 9.5, "currency": "EUR", "props": {"quantity": 2}},
    {"id": "e4", "type": "identify", "visitor_id": "v4", "customer_id": "c1", "customer_sig": "ab" * 32},
    {"id": "e5", "type": "purchase", "visitor_id": "v5", "order_id": "o1", "value": "12.30", "referrer": None},
]
_flat_props = st.dictionaries(_prop_keys, _scalars, max_size=4)
_edge_props = st.fixed_dictionaries({"title": _text}, optional={"quantity": _scalars, "device": _text, "other": _scalars})
_values = {
    "props": st.one_of(_flat_props, _edge_props, _props),
    **{name: st.one_of(st.sampled_from(_EDGE_TEXT), _scalars) for name in _FIELDS if name not in ("props", "traits")},
    "traits": st.one_of(st.none(), st.dictionaries(_text, _scalars, max_size=3), _scalars),
}


@st.composite
def raw_events(draw):
    """A valid event with a few of its values replaced (or removed, or unknown ones added): mostly edge cases of one rule."""
    event = dict(draw(st.sampled_from(_VALID)))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(_FIELDS + ["unknown", "Type", "a\x00"]))
        if draw(st.integers(0, 5)) == 0:
            event.pop(name, None)
        else:
            event[name] = draw(_values.get(name, _scalars if draw(st.booleans()) else _json))
    return event


def _outcome(load, raw):
    try:
        loaded = load(raw)
    except ValidationError as error:
        return "refused", error.normalized_messages()
    return "loaded", sorted((name, type(value).__name__, repr(value)) for name, value in loaded.items())


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(raw_events(), _json))
def test_load_event_answers_what_the_schema_answers(raw):
    assert _outcome(load_event, raw) == _outcome(_schema.load, raw)


def test_every_schema_field_has_a_plain_check():
    assert event_loading._CHECKS.keys() == EventSchema().fields.keys()


def test_what_the_storefront_script_sends_is_loaded_without_the_schema():
    """The point of the module: the plain events of a page are loaded by the value checks alone."""
    page_view = {
        "id": "e1", "type": "page_view", "visitor_id": "v1", "url": "https://shop.example/?utm_source=news",
        "referrer": "https://www.google.com/", "ts": "2026-01-02T03:04:05.120Z", "props": {"title": "Home", "device": "mobile"},
    }
    add_to_cart = {
        "id": "e2", "type": "add_to_cart", "visitor_id": "v1", "product_id": 123, "value": 19.99, "currency": "EUR",
        "customer_id": "c1", "customer_sig": "ab" * 32, "props": {"quantity": 2},
    }
    for raw in (page_view, add_to_cart):
        assert event_loading._plain_event(raw) == _schema.load(raw)


_EDGE_VALUES = [
    *_EDGE_TEXT, None, True, False, 0, 1, -1, 10**6, 10**6 + 1, 0.0, 0.5, -0.5, 1e6, 1e6 + 0.5, 10**11, 10**11 + 1, 10**200,
    float("nan"), float("inf"), -float("inf"), [], ["a"], {}, {"a": 1}, {"a": {"b": [1]}}, [[[]]],
]


def test_every_edge_value_in_every_field_is_answered_as_the_schema_answers():
    for template in _VALID:
        for name in [*_FIELDS, "unknown"]:
            for value in _EDGE_VALUES:
                raw = {**template, name: value}
                assert _outcome(load_event, raw) == _outcome(_schema.load, raw), raw
            raw = {key: value for key, value in template.items() if key != name}
            assert _outcome(load_event, raw) == _outcome(_schema.load, raw), raw


def test_every_edge_value_in_props_is_answered_as_the_schema_answers():
    for key in ["quantity", "lines", "device", "title", "", "a\x00", "\ud800"]:
        for value in [*_EDGE_VALUES, "x" * 8200, [{"product_id": "p", "quantity": 1, "price": 2}]]:
            raw = {**_VALID[2], "props": {"title": "A", key: value}}
            assert _outcome(load_event, raw) == _outcome(_schema.load, raw), raw

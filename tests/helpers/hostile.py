"""Hypothesis strategies for hostile input, and the settings every fuzz test runs with.

A fuzz test takes a valid request for an endpoint and lets Hypothesis break
it: fields (at any depth) replaced by hostile values, dropped, or added; whole
bodies replaced by junk. The property is always the same: the answer is below
500 (and where it applies, the valid parts of the request were kept).

``FUZZ_EXAMPLES`` sets the examples per test (default 60, which keeps the
whole fuzz suite at about a minute on two cores); raise it for a campaign:
``FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/fuzz -p no:cacheprovider``.
"""
from __future__ import annotations

import copy
import json
import os
from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))

# Deterministic in CI (the same examples every run, so a failure is never a fluke),
# no example database written into the checkout, no deadline on a loaded machine.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

# Values that broke endpoints before (issue 10), and their relatives.
NOTORIOUS_TEXT = [
    "", " ", "\x00", "a\x00b", "\ud800", "\udfff x", "a\r\nSet-Cookie: x=1", "\u2028", "\u202e", "\ufeff", "%00", "%",
    "http://[::1/", "http://[::1]:99999/", "//", "javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
    "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00", "1970-01-01", "2026-02-30", "1e999", "-1e999", "NaN", "Infinity",
    "10" * 40, "<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>", "{{7*7}}", "../../etc/passwd", "x" * 5000,
    "日本語", "🛒" * 10, "null", "true", "[]", "{}",
]
NOTORIOUS_NUMBERS = [0, -1, 1, 2**31 - 1, 2**31, 2**63, 10**30, -(10**30), 1e300, -1e300, 1.5, float("inf"), float("-inf"), float("nan")]


def hostile_scalars():
    return st.one_of(
        st.none(), st.booleans(), st.sampled_from(NOTORIOUS_NUMBERS), st.integers(), st.floats(),
        st.sampled_from(NOTORIOUS_TEXT), st.text(max_size=40),
    )


def hostile_json():
    """Any JSON value (as Python decodes it, NaN and Infinity included), nested a few levels."""
    return st.recursive(
        hostile_scalars(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=12,
    )


def deeply_nested(depth: int):
    return st.sampled_from(["[", '{"a":']).map(lambda opener: opener * depth + ("]" * depth if opener == "[" else "1" + "}" * depth))


def junk_bodies():
    """Bodies that are not the JSON object an endpoint expects."""
    return st.one_of(
        st.binary(max_size=200), st.text(max_size=200).map(str.encode),
        hostile_json().map(lambda value: json.dumps(value).encode()),
        st.sampled_from([100, 900, 5000, 100_000]).flatmap(deeply_nested).map(str.encode),
    )


def _paths(value, prefix=()):
    """Every key path into nested dicts and lists, the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


def _apply(example, operations):
    value = copy.deepcopy(example)
    for path, action, replacement in operations:
        if not path:
            value = replacement
            continue
        parent = value
        try:
            for step in path[:-1]:
                parent = parent[step]
            if action == "drop" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif action == "add" and isinstance(parent, dict):
                parent[f"{path[-1]}_extra"] = replacement
            else:
                parent[path[-1]] = replacement
        except (KeyError, IndexError, TypeError):
            continue  # an earlier operation changed the shape under this path
    return value


def mutations(example, values=None):
    """``example`` with 1 to 4 of its fields (at any depth) replaced, dropped or joined by a hostile value."""
    paths = list(_paths(example))[1:] or [()]
    operation = st.tuples(st.sampled_from(paths), st.sampled_from(["replace", "replace", "drop", "add"]), values or hostile_json())
    return st.lists(operation, min_size=1, max_size=4).map(lambda operations: _apply(example, operations))


def hostile_query_values():
    """What a query string or form field can carry: text, including NUL and lone surrogates (percent-encoded)."""
    return st.one_of(st.sampled_from(NOTORIOUS_TEXT), st.text(max_size=60), st.sampled_from(NOTORIOUS_NUMBERS).map(str))


def query_mutations(example: dict):
    """A query (or form) dict with some values replaced by hostile text, some dropped, some added."""
    keys = list(example)
    operation = st.tuples(st.sampled_from(keys), st.sampled_from(["replace", "replace", "drop", "add"]), hostile_query_values())

    def apply(operations):
        query = dict(example)
        for key, action, value in operations:
            if action == "drop":
                query.pop(key, None)
            elif action == "add":
                query[f"{key}_extra"] = value
            else:
                query[key] = value
        return query

    return st.lists(operation, min_size=1, max_size=4).map(apply)


def encode_query(query: dict) -> str:
    """The query string, percent-encoding even what is not valid UTF-8 (a lone surrogate) the way a hostile client could."""
    parts = []
    for key, value in query.items():
        parts.append(f"{_quote(key)}={_quote(value)}")
    return "&".join(parts)


def path_segments():
    """What a hostile client puts where a route expects an id or key."""
    return st.one_of(
        st.sampled_from([str(n) for n in (0, 1, -1, 2**31 - 1, 2**31, 2**63, 10**30)]),
        st.sampled_from(NOTORIOUS_TEXT), st.text(min_size=1, max_size=30),
    ).map(_quote)


def _quote(value) -> str:
    text = str(value)
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


class Tally:
    """Counts the requests a fuzz test sent and the answers by status class, for the closing figures."""

    def __init__(self):
        self.by_class: dict[str, int] = {}

    def record(self, status: int) -> int:
        key = f"{status // 100}xx"
        self.by_class[key] = self.by_class.get(key, 0) + 1
        return status

    @property
    def requests(self) -> int:
        return sum(self.by_class.values())

    def report(self, name: str) -> None:
        """With ``FUZZ_TALLY=path``, append this test's counts to that file (one JSON line per test)."""
        path = os.environ.get("FUZZ_TALLY")
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"test": name, "requests": self.requests, **self.by_class}) + "\n")

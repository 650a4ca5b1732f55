"""Checks on decoded JSON from outside: nesting and text no database can store.

Iterative, so a value nested a thousand levels deep is measured without
recursing into it (the recursion is what fails further on: serialising it for a
JSON column, or walking it in a validator).
"""
from __future__ import annotations

import json
import math

# Deeper than any payload of ours (an order's lines are three levels); generous for merchants' own props.
MAX_DEPTH = 32
# A body nested deeper than this is refused whole, before the parser recurses into it: how deep the
# parser itself could go depends on the interpreter's recursion limit, which libraries may raise.
MAX_BODY_DEPTH = 512

NUL_OR_SURROGATE = "Must not contain the character U+0000 or an unpaired surrogate (\\ud800-\\udfff)."
NOT_FINITE = "Must be a finite number (not NaN or Infinity)."


class UnreadableJson(ValueError):
    """A body that is not JSON, or is nested too deeply for any parser to read."""


def parse(raw: bytes | str):
    """The JSON value in ``raw``; UnreadableJson says why not.

    Python's parser recurses: a body of ``[[[[...`` a hundred thousand deep
    raises RecursionError, which would otherwise escape as a 500.
    """
    if _nested_deeper_than(raw, MAX_BODY_DEPTH):
        raise UnreadableJson("Body is nested too deeply to read.")
    try:
        return json.loads(raw)
    except RecursionError:
        raise UnreadableJson("Body is nested too deeply to read.") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableJson(f"Body is not valid JSON: {exc}") from None


def _nested_deeper_than(raw: bytes | str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``: one pass, no recursion."""
    opening = raw.count(b"[") + raw.count(b"{") if isinstance(raw, bytes) else raw.count("[") + raw.count("{")
    if opening <= limit:
        return False  # the usual body: too few brackets to nest that deep, no scan needed
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def nesting_exceeds(value, max_depth: int = MAX_DEPTH) -> bool:
    """Whether lists and objects in ``value`` nest more than ``max_depth`` levels."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def unstorable_text(value, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``value`` cannot be stored as it is (NUL or lone surrogates in a string or key, NaN or Infinity, too deep), or None.

    PostgreSQL refuses U+0000 in text, and a lone surrogate (which JSON's
    ``\\ud800`` escape can produce) is not UTF-8 at all: either would fail the
    write with a 500 instead of a field message.
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not storable_text(item):
                return NUL_OR_SURROGATE
        elif isinstance(item, float):
            if not math.isfinite(item):  # Python reads 1e999 as inf; no JSON column (PostgreSQL's) takes it
                return NOT_FINITE
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                return f"Must not be nested deeper than {max_depth} levels."
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
    return None


def storable_text(text: str) -> bool:
    """False for a string PostgreSQL cannot store as text: a NUL, or a lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""The segment editor's rows of ``field op value`` <-> the segments API's conditions. Plain functions."""
from __future__ import annotations

import re

from app.journey.segments import FIELDS

MAX_CONDITIONS = 8
LIST_OPERATORS = ("in", "not_in", "any_of")
OPERATOR_LABELS = {
    "eq": "is", "ne": "is not", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "in": "is one of", "not_in": "is none of",
    "contains": "contains", "not_contains": "does not contain", "starts_with": "starts with", "any_of": "has any of",
    "before": "before", "after": "after", "within_days": "within the last N days", "not_within_days": "not within the last N days",
    "is_set": "is known", "is_not_set": "is unknown",
}
_DAYS_AGO = re.compile(r"^(\d{1,4})\s*days?\s*ago$", re.IGNORECASE)


def segment_payload(form) -> dict:
    conditions = []
    for index in range(MAX_CONDITIONS):
        field = (form.get(f"conditions.{index}.field") or "").strip()
        if not field:
            continue
        op = (form.get(f"conditions.{index}.op") or "").strip()
        raw = (form.get(f"conditions.{index}.value") or "").strip()
        condition = {"field": field, "op": op, "value": _value(FIELDS.get(field), op, raw)}
        conditions.append({**condition, **_when((form.get(f"conditions.{index}.when") or "").strip())})
    return {"name": (form.get("name") or "").strip(), "match": form.get("match") or "all", "conditions": conditions}


def segment_values(segment: dict) -> dict:
    values = {"name": segment.get("name", ""), "match": segment.get("match", "all")}
    for index, condition in enumerate(segment.get("conditions", [])[:MAX_CONDITIONS]):
        value = condition.get("value")
        values[f"conditions.{index}.field"] = condition.get("field")
        values[f"conditions.{index}.op"] = condition.get("op")
        values[f"conditions.{index}.value"] = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else value)
        values[f"conditions.{index}.when"] = when_text(condition)
    return values


def when_text(condition: dict) -> str:
    """How the editor shows a look-back: "2026-11-01T00:00" (UTC), "14 days ago", or "" for now."""
    if condition.get("as_of"):
        return condition["as_of"].removesuffix("+00:00").removesuffix(":00")
    if condition.get("days_ago") is not None:
        return f"{condition['days_ago']} days ago"
    return ""


def condition_errors(messages: dict) -> dict[str, str]:
    """{"conditions": {"0": {"op": [...]}}} as {"conditions.0.op": "..."}."""
    flat = {}
    for key, inner in messages.items():
        if key == "conditions" and isinstance(inner, dict):
            for index, fields in inner.items():
                for field, text in (fields.items() if isinstance(fields, dict) else [("field", fields)]):
                    flat[f"conditions.{index}.{field}"] = " ".join(text) if isinstance(text, list) else str(text)
        else:
            flat[key] = " ".join(inner) if isinstance(inner, list) else str(inner)
    return flat


def _when(raw: str) -> dict:
    """The editor's "when" cell: blank or "now", "N days ago", or a moment (the schema checks it)."""
    if raw.lower() in ("", "now"):
        return {}
    days = _DAYS_AGO.match(raw)
    return {"days_ago": int(days.group(1))} if days else {"as_of": raw}


def _value(kind: str | None, op: str, raw: str):
    if op in ("is_set", "is_not_set"):
        return None
    if op in LIST_OPERATORS:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if kind == "number" or op in ("within_days", "not_within_days"):
        try:
            number = float(raw)
        except ValueError:
            return raw  # the schema says "Must be a number."
        return int(number) if number.is_integer() else number
    return raw

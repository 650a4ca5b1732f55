"""The segment editor's rows of ``field op value`` <-> the segments API's conditions. Plain functions."""
from __future__ import annotations

from app.journey.segments import FIELDS

MAX_CONDITIONS = 8
LIST_OPERATORS = ("in", "not_in", "any_of")
OPERATOR_LABELS = {
    "eq": "is", "ne": "is not", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "in": "is one of", "not_in": "is none of",
    "contains": "contains", "not_contains": "does not contain", "starts_with": "starts with", "any_of": "has any of",
    "before": "before", "after": "after", "within_days": "within the last N days", "not_within_days": "not within the last N days",
    "is_set": "is known", "is_not_set": "is unknown",
}


def segment_payload(form) -> dict:
    conditions = []
    for index in range(MAX_CONDITIONS):
        field = (form.get(f"conditions.{index}.field") or "").strip()
        if not field:
            continue
        op = (form.get(f"conditions.{index}.op") or "").strip()
        raw = (form.get(f"conditions.{index}.value") or "").strip()
        conditions.append({"field": field, "op": op, "value": _value(FIELDS.get(field), op, raw)})
    return {"name": (form.get("name") or "").strip(), "match": form.get("match") or "all", "conditions": conditions}


def segment_values(segment: dict) -> dict:
    values = {"name": segment.get("name", ""), "match": segment.get("match", "all")}
    for index, condition in enumerate(segment.get("conditions", [])[:MAX_CONDITIONS]):
        value = condition.get("value")
        values[f"conditions.{index}.field"] = condition.get("field")
        values[f"conditions.{index}.op"] = condition.get("op")
        values[f"conditions.{index}.value"] = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else value)
    return values


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

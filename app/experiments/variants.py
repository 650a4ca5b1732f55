"""Variant content overrides, checked against the rule they apply to (for the admin API and the editor alike)."""
from __future__ import annotations

from marshmallow import ValidationError

from app.models import Rule
from app.schemas.rules import CONTENT_SCHEMAS, sanitize_html


def check_variant_content(rule: Rule, variants: list[dict]) -> dict:
    """Field errors by variant index; block HTML in overrides is sanitized in place, as on the rule itself."""
    content_schema = CONTENT_SCHEMAS[rule.kind]()
    errors = {}
    for index, variant in enumerate(variants):
        try:
            content_schema.load({**(rule.content or {}), **variant["content"]})
        except ValidationError as error:
            errors[str(index)] = {"content": error.messages}
    if not errors and rule.kind == "block":
        for variant in variants:
            if "html" in variant["content"]:
                variant["content"]["html"] = sanitize_html(variant["content"]["html"])
    return errors

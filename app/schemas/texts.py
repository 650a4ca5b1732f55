"""A merchant's own wording for what shoppers read: ``{language: {key: text}}``, checked against the catalogs."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields

from app.texts import CATALOGS, REFERENCE, placeholders

MAX_TEXT_CHARS = 300
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")


class TextOverrides(fields.Field):
    """Loads to ``{language: {key: text or None}}``; None (or a blank text) removes the override, back to the catalog's."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError('Must be an object like {"de": {"send": "Abschicken"}}.')
        loaded, errors = {}, {}
        for language, texts in value.items():
            if language not in CATALOGS:
                errors[language] = [f"No such language: use one of {', '.join(sorted(CATALOGS))}."]
                continue
            if not isinstance(texts, dict):
                errors[language] = ["Must be an object of text keys and texts."]
                continue
            loaded[language] = {}
            for key, text in texts.items():
                problem = _problem(key, text)
                if problem:
                    errors.setdefault(language, {})[key] = [problem]
                else:
                    loaded[language][key] = text.strip() if isinstance(text, str) and text.strip() else None
        if errors:
            raise ValidationError(errors)
        return loaded


def _problem(key, text) -> str | None:
    if key not in REFERENCE:
        return "No such text."
    if text is None:
        return None
    if not isinstance(text, str):
        return "Must be text."
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        return f"At most {MAX_TEXT_CHARS} characters."
    if CONTROL.search(text.replace("\n", "") if "\n" in REFERENCE[key] else text):
        return "Plain text only: no control characters." if "\n" in REFERENCE[key] else "One line of plain text: no control characters."
    if MARKUP.search(text):
        return "Plain text only: no HTML tags or entities."
    allowed = placeholders(REFERENCE[key])
    unknown = placeholders(text) - allowed
    if unknown:
        names = ", ".join("{" + name + "}" for name in sorted(allowed))
        return f"Unknown placeholder {{{sorted(unknown)[0]}}}: " + (f"this text may use {names}." if allowed else "this text takes none.")
    return None


def merged(stored: dict, changes: dict) -> dict:
    """The shop's overrides after ``changes`` (as loaded above): texts set, None removes; empty languages dropped."""
    result = {language: dict(texts) for language, texts in (stored or {}).items() if isinstance(texts, dict)}
    for language, texts in changes.items():
        current = result.setdefault(language, {})
        for key, text in texts.items():
            if text is None:
                current.pop(key, None)
            else:
                current[key] = text
    return {language: texts for language, texts in result.items() if texts}

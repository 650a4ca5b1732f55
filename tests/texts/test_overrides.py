"""A merchant's wording: keys from the catalog, bounded plain text, only the standard text's placeholders."""
from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from app.schemas.texts import MAX_TEXT_CHARS, TextOverrides, merged


class _Payload(Schema):
    texts = TextOverrides()


def load(texts):
    return _Payload().load({"texts": texts})["texts"]


def errors(texts):
    with pytest.raises(ValidationError) as raised:
        load(texts)
    return raised.value.messages["texts"]


def test_valid_overrides_are_trimmed_and_blank_means_back_to_standard():
    assert load({"de": {"send": "  Abschicken ", "close": "", "copy": None}}) == {"de": {"send": "Abschicken", "close": None, "copy": None}}
    assert load({"en": {"reason.viewed": "Seen recently: {title}", "reason.pinned": "Our favourite"}})["en"]["reason.viewed"] == "Seen recently: {title}"


@pytest.mark.parametrize(("texts", "path", "fragment"), [
    ({"fr": {"send": "Envoyer"}}, ("fr",), "No such language"),
    ({"de": "Abschicken"}, ("de",), "object"),
    ({"de": {"sendd": "Abschicken"}}, ("de", "sendd"), "No such text"),
    ({"de": {"send": 5}}, ("de", "send"), "Must be text"),
    ({"de": {"send": "x" * (MAX_TEXT_CHARS + 1)}}, ("de", "send"), f"At most {MAX_TEXT_CHARS}"),
    ({"de": {"send": "<b>Los</b>"}}, ("de", "send"), "Plain text only"),
    ({"de": {"send": "Los&nbsp;geht's"}}, ("de", "send"), "Plain text only"),
    ({"de": {"send": "Los\ngeht's"}}, ("de", "send"), "control characters"),
    ({"de": {"reason.viewed": "Angesehen: {name}"}}, ("de", "reason.viewed"), "may use {title}"),
    ({"de": {"send": "Los {title}"}}, ("de", "send"), "takes none"),
])
def test_bad_overrides_get_a_message_per_field(texts, path, fragment):
    messages = errors(texts)
    for step in path:
        messages = messages[step]
    assert any(fragment in message for message in messages), messages


def test_a_multi_line_standard_text_may_be_replaced_by_lines():
    body = "Hallo,\n\nbitte bestätigen: {url}\n\nIhr {shop}"
    assert load({"de": {"confirm.email_body": body}})["de"]["confirm.email_body"] == body


def test_not_an_object():
    with pytest.raises(ValidationError):
        load(["de"])


def test_merged_sets_and_removes_and_drops_empty_languages():
    stored = {"de": {"send": "Los", "close": "Zu"}, "en": {"send": "Go"}}
    assert merged(stored, {"de": {"send": None, "copy": "Kopie"}, "en": {"send": None}}) == {"de": {"close": "Zu", "copy": "Kopie"}}

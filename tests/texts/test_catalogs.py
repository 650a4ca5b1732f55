"""The catalogs are complete and consistent, and the language is chosen as documented."""
from __future__ import annotations

import re

import pytest

from app.config import PROJECT_ROOT
from app.models import Shop
from app.texts import CATALOGS, REFERENCE, SCRIPT_KEYS, Texts, choose_language, fill, language_of, placeholders, texts_for


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_catalog_has_every_key_with_the_same_placeholders(language):
    catalog = CATALOGS[language]
    assert set(catalog) == set(REFERENCE), f"{language}: missing {set(REFERENCE) - set(catalog)}, extra {set(catalog) - set(REFERENCE)}"
    for key, text in catalog.items():
        assert text.strip(), f"{language}.{key} is empty"
        assert placeholders(text) == placeholders(REFERENCE[key]), f"{language}.{key}"
        assert not re.search(r"<[a-zA-Z/!]", text), f"{language}.{key}: plain text only"


def test_german_is_a_translation_not_a_copy():
    same = [key for key in REFERENCE if CATALOGS["de"][key] == REFERENCE[key]]
    assert same == [], f"German catalog keeps English text for {same}"


def test_the_script_keys_are_in_the_catalog():
    assert set(SCRIPT_KEYS) <= set(REFERENCE)


@pytest.mark.parametrize(("tag", "language"), [
    ("de-DE", "de"), ("de_AT", "de"), ("DE", "de"), ("de-CH-1996", "de"), ("en-GB", "en"), ("en", "en"),
    ("fr-FR", None), ("", None), (None, None), ("x", None),
])
def test_language_of_a_tag(tag, language):
    assert language_of(tag) == language


@pytest.mark.parametrize(("page", "shop", "chosen"), [
    ("de", "en-GB", "de"),      # the page's language, which we have, wins
    ("en-US", "de-DE", "en"),
    ("fr", "de-DE", "de"),      # no French catalog: the shop's
    (None, "de-DE", "de"),
    ("", "de-DE", "de"),
    ("fr", "it-IT", "en"),      # neither: English
    (None, None, "en"),
])
def test_choose_language(page, shop, chosen):
    assert choose_language(page, shop) == chosen


def test_merchant_override_wins_for_its_language_only():
    shop = Shop(name="S", public_key="pk", locale="de-DE", settings={"texts": {"de": {"send": "Abschicken"}, "en": {"send": "Go"}}})
    assert texts_for(shop)("send") == "Abschicken"
    assert texts_for(shop)("close") == "Schließen"
    assert texts_for(shop, "en")("send") == "Go"
    assert texts_for(shop, "en-GB").script()["close"] == "Close"


def test_unknown_override_keys_are_ignored():
    assert "nonsense" not in Texts("de", {"nonsense": "x"}).messages


def test_fill_only_substitutes_named_placeholders():
    assert fill("Weil Sie {title} angesehen haben", {"title": "Mantel"}) == "Weil Sie Mantel angesehen haben"
    assert fill("{title.__class__} {0} {missing}", {"title": "x"}) == "{title.__class__} {0} {missing}"


def test_or_default_recognises_any_catalogs_default():
    german = Texts("de")
    assert german.or_default(None, "send") == "Senden"
    assert german.or_default("Send", "send") == "Senden", "an English default stored by an older version"
    assert german.or_default("Jetzt anmelden", "send") == "Jetzt anmelden", "the merchant's own wording"


def test_the_script_sources_write_none_of_the_labels_themselves():
    """Every label the widgets show is T.<key> (the config's or the decision's), never an English literal."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "widgets" / "src").glob("*.js")))
    literals = set(re.findall(r"'((?:[^'\\\n]|\\.)*)'", sources))
    written = sorted(CATALOGS["en"][key] for key in SCRIPT_KEYS if CATALOGS["en"][key] in literals)
    assert written == [], f"English labels written in widgets/src: {written}"

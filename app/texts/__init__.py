"""What shoppers read, in their language: per-language message catalogs and the merchant's own wording.

Every shopper-facing string the storefront script or the public API produces
comes from here: widget labels, pop-up and survey defaults, recommendation
reasons. The language is the page's (``<html lang>``, sent by the script) when
we have a catalog for it, else the shop's (``shops.locale``, "de-DE" -> "de"),
else English. A merchant may reword any message per language
(``shop.settings["texts"]``, edited through app/resources/shop_settings.py);
the catalog's text is the fallback.

Plain dictionaries rather than gettext/Babel: the keys double as the stable
names of merchant overrides (a gettext msgid is the English text itself, which
we would then have to keep stable forever), there is no compile step, and a
test checks every catalog against the English one, key by key and
placeholder by placeholder. Placeholders are ``{name}`` and are filled by
``fill``, never by ``str.format`` (a merchant's text must not reach attributes).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from app.texts import de, en

CATALOGS: dict[str, dict[str, str]] = {"en": en.MESSAGES, "de": de.MESSAGES}
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"
REFERENCE = CATALOGS[DEFAULT_LANGUAGE]
# What the storefront script renders itself (labels, its own defaults); it gets these with its config.
SCRIPT_KEYS = (
    "close", "copy", "copied", "email", "email_placeholder", "send", "thanks", "recommendations", "previous", "next",
    "survey_failed", "add_to_cart", "added", "try_again", "days",
)
SETTINGS_KEY = "texts"  # shop.settings["texts"] = {language: {key: text}}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def language_of(tag: str | None) -> str | None:
    """The catalog for a BCP 47 tag or POSIX locale ("de-DE", "de_AT", "DE"), or None when we have none."""
    if not tag or not isinstance(tag, str):
        return None
    primary = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    return primary if primary in CATALOGS else None


def choose_language(page_lang: str | None, shop_locale: str | None) -> str:
    """The page's language if we have it, else the shop's, else English."""
    return language_of(page_lang) or language_of(shop_locale) or DEFAULT_LANGUAGE


def shop_language(shop) -> str:
    return choose_language(None, shop.locale)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def fill(template: str, values: Mapping[str, object]) -> str:
    """``{name}`` replaced by ``values[name]``; anything else is left as written."""
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]) if match[1] in values else match[0], template)


def overrides_of(settings: Mapping | None) -> dict[str, dict[str, str]]:
    stored = (settings or {}).get(SETTINGS_KEY)
    return stored if isinstance(stored, dict) else {}


class Texts:
    """One language's messages for one shop: the merchant's wording where they gave one, else the catalog's."""

    def __init__(self, language: str, overrides: Mapping[str, str] | None = None):
        self.language = language
        self.messages = {**CATALOGS[language], **{key: text for key, text in (overrides or {}).items() if key in REFERENCE}}

    def __call__(self, key: str, **values) -> str:
        return fill(self.messages[key], values)

    def script(self) -> dict[str, str]:
        """The labels the storefront script renders."""
        return {key: self.messages[key] for key in SCRIPT_KEYS}

    def or_default(self, value: str | None, key: str) -> str:
        """``value`` unless it is empty or a catalog's default for ``key`` (saved by an older version), then ours."""
        if not value or any(value == catalog.get(key) for catalog in CATALOGS.values()):
            return self(key)
        return value


def texts_for(shop, page_lang: str | None = None) -> Texts:
    language = choose_language(page_lang, shop.locale)
    return Texts(language, overrides_of(shop.settings).get(language))


def snapshot_texts(state, page_lang: str | None = None) -> Texts:
    """``texts_for`` the shop of an app/shop_state snapshot, built once per language and config version."""
    language = choose_language(page_lang, state.shop.locale)
    return state.memo(("texts", language), lambda: Texts(language, overrides_of(state.shop.settings).get(language)))

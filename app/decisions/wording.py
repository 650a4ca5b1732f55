"""A decision in the shopper's language: pop-up and survey defaults filled in, and the script's labels when needed.

Defaults are applied here, when the pop-up is shown, not when the rule is
saved: a pop-up whose consent text or button the merchant left alone speaks
the language of the page it opens on. Text equal to a catalog's default (what
older versions stored) counts as left alone; anything else is the merchant's
own wording and is shown as written.
"""
from __future__ import annotations

from app.models import Shop
from app.texts import Texts, shop_language

SURVEY_WORDING = ("question", "low_label", "high_label")


def with_wording(decision: dict, texts: Texts, shop: Shop) -> dict:
    decision["popups"] = [{**popup, "content": popup_content(popup.get("content") or {}, texts)} for popup in decision.get("popups", [])]
    if texts.language != shop_language(shop):
        decision["t"] = texts.script()  # the script's config carries the shop language's labels; this page asked for others
    return decision


def popup_content(content: dict, texts: Texts) -> dict:
    content = dict(content)
    if content.get("email_capture"):
        content["consent_label"] = texts.or_default(content.get("consent_label"), "consent_label")
    if content.get("email_capture") or content.get("survey"):
        content["button"] = texts.or_default(content.get("button"), "send")
    survey = content.get("survey")
    if survey:
        survey = dict(survey)
        kind = survey.get("kind")
        for field in SURVEY_WORDING:
            if f"survey.{kind}.{field}" in texts.messages:
                survey[field] = texts.or_default(survey.get(field), f"survey.{kind}.{field}")
        survey["comment_label"] = texts.or_default(survey.get("comment_label"), "survey.comment_label")
        survey["thanks"] = texts.or_default(survey.get("thanks"), "survey.thanks")
        content["survey"] = survey
    return content

"""English: the reference catalog. Every key here must exist in every other catalog, with the same {placeholders}."""
from __future__ import annotations

MESSAGES = {
    # Widget labels (the storefront script gets these, app/texts/__init__.py SCRIPT_KEYS)
    "close": "Close",
    "copy": "Copy",
    "copied": "Copied",
    "email": "Email",
    "email_placeholder": "you@example.com",
    "send": "Send",
    "thanks": "Thank you!",
    "recommendations": "Recommendations",
    "previous": "Previous",
    "next": "Next",
    "survey_failed": "Sorry, your answer did not go through. Please try again.",
    # Pop-up defaults, applied when the pop-up is shown (a merchant's own wording is kept as written)
    "consent_label": "Email me offers. I can unsubscribe any time.",
    # Why a product is recommended (/v1/decide sliders, /v1/recommendations)
    "reason.viewed": "Because you viewed {title}",
    "reason.bought": "Because you bought {title}",
    "reason.similar": "Similar to {title}",
    "reason.bought_with": "Often bought with {title}",
    "reason.restock": "Time to restock {title}",
    "reason.trending": "Trending now",
    "reason.trending_in": "Trending in {subject}",
    "reason.for_you": "Picked for you",
    "reason.pinned": "Staff pick",
    "reason.this": "this",
    # Survey pop-ups' default wording
    "survey.nps.question": "How likely are you to recommend us to a friend or colleague?",
    "survey.nps.low_label": "Not at all likely",
    "survey.nps.high_label": "Extremely likely",
    "survey.csat.question": "How satisfied are you with your shopping experience?",
    "survey.csat.low_label": "Very dissatisfied",
    "survey.csat.high_label": "Very satisfied",
    "survey.comment_label": "Anything you would like to tell us? (optional)",
    "survey.thanks": "Thank you for your answer!",
}

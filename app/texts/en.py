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
    # Quick add-to-cart on slider items, and the countdown's days ("2d 04:13:22")
    "add_to_cart": "Add to cart",
    "added": "Added ✓",
    "try_again": "Try again",
    "days": "{n}d",
    # Block templates' default wording, where the merchant wrote none ({{...}} are the block's variables)
    "template.free_shipping": "Spend {{free_shipping_remaining}} more for free shipping.",
    "template.free_shipping_reached": "Your order ships free!",
    "template.countdown": "Ends in {{countdown}}",
    "template.social_proof": "Bought {{bought_today}} times in the last 24 hours",
    "template.restock": "Time to restock your {{restock_title}}",
    # What a new widget starts as in the editor (the shop's language), for the merchant to change
    "starter.block_headline": "Your headline",
    "starter.block_text": "Your message.",
    "starter.popup_headline": "Before you go",
    "starter.slider_title": "Picked for you",
    "starter.survey_headline": "One quick question",
    # Leads: the answer to the email form, the double opt-in email and page
    "lead.check_inbox": "Almost done: please confirm with the link we just emailed you.",
    "lead.pool_empty": "Sorry, all codes have been given out for now. Thank you for signing up!",
    "lead.not_created": "Your code could not be created just now. Please send the form again in a minute.",
    "confirm.email_subject": "Please confirm your subscription to {shop}",
    "confirm.email_body": (
        "Hello,\n"
        "\n"
        "you (or someone with your address) asked to receive emails from {shop}.\n"
        "To confirm, open this link:\n"
        "\n"
        "{url}\n"
        "\n"
        "If that was not you, ignore this email: without the confirmation you will receive nothing.\n"
    ),
    "confirm.title": "Confirm your subscription to {shop}",
    "confirm.text": "Confirm that {email} may receive emails from {shop}.",
    "confirm.button": "Confirm my subscription",
    "confirm.back": "Back to {shop}",
    "confirm.invalid_title": "Link not valid",
    "confirm.invalid": "This link is not valid.",
    "confirm.expired": "This link has expired. Sign up again in the shop to get a new one.",
    "confirm.unsubscribed": "You unsubscribed after this link was sent, so it no longer signs you up.",
    "confirm.done": "{email} is now subscribed to emails from {shop}.",
}

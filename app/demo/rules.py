"""The demo shop's widgets: what a merchant would set up on day one, one per journey moment."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Rule
from app.resources import rules

BROWSING = ["new_visitor", "returning_browser", "cart_builder"]
BUYERS = ["first_time_buyer", "loyal"]

DEMO_RULES = [
    {
        "kind": "block", "name": "Welcome offer for new visitors", "slot": "home-hero", "priority": 10,
        "targeting": {"stages": BROWSING, "page_kinds": ["home"]},
        "content": {"min_height": 120, "min_height_mobile": 170, "html": (
            "<h2>New here? Welcome!</h2><p>Take <strong>10% off</strong> your first order with the code "
            "<strong>WELCOME10</strong>. Over 3,000 gifts, homeware and little things that make people smile.</p>"
        )},
    },
    {
        "kind": "block", "name": "Thank-you for customers", "slot": "home-hero", "priority": 20,
        "targeting": {"stages": BUYERS, "page_kinds": ["home"]},
        "content": {"min_height": 120, "min_height_mobile": 170, "html": (
            "<h2>Welcome back, customer {{customer_id}}!</h2><p>Thank you for shopping with us again. "
            "Members get <strong>free delivery</strong> on every order this month.</p>"
        )},
    },
    {
        # Shown only to a signed-in customer with a product due again (the buy_again hazard); anyone else gets the
        # slot's next rule. The demo's own history ends in 2011, so only new orders can make a product due here.
        "kind": "block", "name": "Restock reminder", "slot": "home-hero", "priority": 25,
        "targeting": {"page_kinds": ["home"]},
        "content": {"template": "restock", "min_height": 120, "min_height_mobile": 170, "html": (
            "<h2>Running low?</h2><p>Time to restock your {{restock_title}}: <a href=\"{{restock_url}}\">order it again</a>. "
            "Members get <strong>free delivery</strong> on every order this month.</p>"
        )},
    },
    {
        "kind": "block", "name": "Win-back for lapsed customers", "slot": "home-hero", "priority": 30,
        "targeting": {"stages": ["lapsed"], "page_kinds": ["home"]},
        "content": {"min_height": 120, "min_height_mobile": 170, "html": (
            "<h2>We have missed you</h2><p>A lot is new since your last visit. Here is <strong>15% off</strong> "
            "to welcome you back: <strong>COMEBACK15</strong>.</p>"
        )},
    },
    {
        "kind": "block", "name": "Welcome for won-back customers", "slot": "home-hero", "priority": 30,
        "targeting": {"stages": ["won_back"], "page_kinds": ["home"]},
        "content": {"min_height": 120, "min_height_mobile": 170, "html": (
            "<h2>Good to have you back!</h2><p>Thank you for your order, {{first_name|friend}}. Here is what is new "
            "since your last visit; members get <strong>free delivery</strong> this month.</p>"
        )},
    },
    {
        "kind": "block", "name": "Delivery banner on collections", "slot": "collection-top",
        "targeting": {"page_kinds": ["collection", "search"]},
        "content": {"min_height": 64, "html": "<p><strong>Free UK delivery</strong> on orders over £50.</p>"},
    },
    {
        "kind": "popup", "name": "Exit offer for first-time visitors", "priority": 10,
        "targeting": {"stages": BROWSING},
        "frequency": {"once_per_session": True, "every_days": 7, "stop_after_conversion": True},
        "content": {
            "headline": "Before you go: 10% off", "body": "Leave your email and we will keep your code for you.",
            "coupon": "WELCOME10", "email_capture": True, "button": "Send my code",
            "consent_label": "Email me offers from the Demo Gift Shop. I can unsubscribe any time.",
            "trigger": {"exit_intent": True, "mobile_exit": True, "min_dwell_seconds": 3},
        },
    },
    {
        # On the thank-you page, before the exit offer (one pop-up per page): the page asks for its
        # decision while its purchase event is on the way, so the page kind, not the stage, says "bought".
        "kind": "popup", "name": "NPS after an order", "priority": 20,
        "targeting": {"page_kinds": ["order"]},
        "frequency": {"once_per_session": True, "every_days": 90, "stop_after_conversion": False},
        "content": {
            "headline": "One quick question", "button": "Send",
            "survey": {"kind": "nps", "question": "How likely are you to recommend the Demo Gift Shop to a friend?"},
            "trigger": {"exit_intent": False, "mobile_exit": False, "min_dwell_seconds": 0, "time_on_page_seconds": 2},
        },
    },
    {
        "kind": "slider", "name": "Home: picked for you", "slot": "home-recommendations",
        "targeting": {"page_kinds": ["home"]},
        "content": {"title": "Picked for you", "strategy": "personalized", "limit": 12},
    },
    {
        "kind": "slider", "name": "Product: similar items", "slot": "product-recommendations",
        "targeting": {"page_kinds": ["product"]},
        "content": {"title": "You may also like", "strategy": "similar", "limit": 12},
    },
    {
        "kind": "slider", "name": "Cart: bought together", "slot": "cart-recommendations",
        "targeting": {"page_kinds": ["cart"]},
        "content": {"title": "Often bought together", "strategy": "bought_together", "limit": 12},
    },
]


def seed_demo_rules(session: Session, shop_id: int) -> int:
    """Create the demo widgets unless the shop has rules already (the merchant may have edited them)."""
    if session.scalar(select(func.count()).select_from(Rule).where(Rule.shop_id == shop_id)):
        return 0
    for definition in DEMO_RULES:
        rules.save(session, shop_id, None, rules.validate(session, shop_id, definition))
    return len(DEMO_RULES)

"""A demo-like store for a German shop (de-DE, EUR): German catalog and widgets, whose own labels the catalogs supply."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app

from app.clock import utcnow
from app.demo.seed import DEMO_DOMAIN
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Product
from app.resources import rules
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop

PRODUCTS = [(f"P{n:02d}", f"Geschenkkorb {n}", Decimal("2.50") + n) for n in range(16)]
# The merchant's own words, in German; the widgets' labels, the pop-up's button and consent text and
# the reasons are left to the catalogs.
GERMAN_RULES = [
    {"kind": "block", "name": "Willkommen", "slot": "home-hero", "priority": 10,
     "content": {"min_height": 120, "html": "<h2>Willkommen!</h2><p>10 % Rabatt auf Ihre erste Bestellung.</p>"}},
    {"kind": "slider", "name": "Startseite", "slot": "home-recommendations", "content": {"strategy": "personalized", "limit": 8}},
    {"kind": "slider", "name": "Produkt", "slot": "product-recommendations",
     "content": {"title": "Das könnte Ihnen gefallen", "strategy": "similar", "quick_add": True}},
    {"kind": "popup", "name": "Abschied", "priority": 10,
     "content": {"headline": "Bevor Sie gehen: 10 % Rabatt", "body": "Hinterlassen Sie Ihre E-Mail-Adresse.", "coupon": "WILLKOMMEN10",
                 "email_capture": True, "trigger": {"exit_intent": True, "mobile_exit": False, "min_dwell_seconds": 0}}},
]


def build_german_store(db_session, extra_rules: list[dict] = (), settings: dict | None = None):
    shop, _ = create_shop(db_session, "Geschenkeladen", DEMO_DOMAIN, currency="EUR", locale="de-DE",
                          settings={"holdout_percent": 0, **(settings or {})}, box=box_for(current_app, IDENTITY_SECRETS))
    for external_id, title, price in PRODUCTS:
        db_session.add(Product(shop_id=shop.id, external_id=external_id, title=title, price=price, currency="EUR",
                               url=f"/store/products/{external_id}", image_url=f"/store/images/{external_id}.svg", tags=[], in_stock=True))
    db_session.flush()
    store_new_orders(db_session, shop.id, [
        OrderData(f"H{n}", utcnow() - timedelta(days=n % 9), lines=[OrderLineData(PRODUCTS[n % 16][0], 1, Decimal(3))])
        for n in range(60)
    ], "import")
    for payload in [*GERMAN_RULES, *extra_rules]:
        rules.save(db_session, shop.id, None, rules.validate(db_session, shop.id, payload))
    db_session.commit()
    return shop

"""The demo store's shop as browser tests build it: a small catalog with some sales, with or without the demo's widgets."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app

from app.clock import utcnow
from app.demo.rules import seed_demo_rules
from app.demo.seed import DEMO_DOMAIN, DEMO_NAME, DEMO_SETTINGS
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Product
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop

PRODUCTS = [(f"P{n:02d}", f"Demo Product {n}", Decimal("2.50") + n) for n in range(16)]


def build_demo_store(db_session, with_demo_rules: bool = True, sales: int = 60):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB", settings=dict(DEMO_SETTINGS), box=box_for(current_app, IDENTITY_SECRETS))
    for external_id, title, price in PRODUCTS:
        db_session.add(Product(shop_id=shop.id, external_id=external_id, title=title, price=price, currency="GBP",
                               url=f"/store/products/{external_id}", image_url=f"/store/images/{external_id}.svg", tags=[], in_stock=True))
    db_session.flush()
    # Some sales, so that the sliders (trending without a trained model) have items: spread over as
    # many products as keep three buyers each, trending's minimum support.
    sold = max(1, min(len(PRODUCTS), sales // 3))
    store_new_orders(db_session, shop.id, [
        OrderData(f"H{n}", utcnow() - timedelta(days=n % 9), lines=[OrderLineData(PRODUCTS[n % sold][0], 1, Decimal(3))])
        for n in range(sales)
    ], "import")
    if with_demo_rules:
        seed_demo_rules(db_session, shop.id)
    db_session.commit()
    return shop

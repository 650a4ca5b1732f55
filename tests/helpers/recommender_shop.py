"""A small shop with a planted structure: two families of products, customers who stay within one."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Product, Profile
from app.recommender.training.lightfm_model import HyperParameters
from app.recommender.training.pipeline import TrainingOptions
from app.recommender.training.train_shop import train_shop

FAMILIES = {
    "mug": [(f"MUG-{n}", f"Ceramic Coffee Mug Style {n}", "kitchen") for n in range(12)],
    "lamp": [(f"LAMP-{n}", f"Brass Reading Lamp Model {n}", "lighting") for n in range(12)],
}
FAST = TrainingOptions(hyperparameters=HyperParameters(no_components=8, epochs=15, num_threads=1))
START = datetime(2026, 1, 1, tzinfo=UTC)


def build_shop(db_session, shop, customers: int = 60, seed: int = 3) -> None:
    rng = random.Random(seed)
    for family, items in FAMILIES.items():
        for external_id, title, category in items:
            db_session.add(Product(
                shop_id=shop.id, external_id=external_id, title=title, category=category, price=Decimal("10.00"),
                currency="EUR", url=f"/p/{external_id}", image_url=f"/i/{external_id}.svg", tags=[family], in_stock=True,
            ))
    orders = []
    for n in range(customers):
        family = "mug" if n % 2 == 0 else "lamp"
        profile = Profile(shop_id=shop.id, customer_id=f"C{n}", first_seen_at=START, last_seen_at=START, session_count=1)
        db_session.add(profile)
        db_session.flush()
        for k in range(4):
            picks = rng.sample(FAMILIES[family], 3)
            orders.append(OrderData(
                external_id=f"O{n}-{k}", placed_at=START + timedelta(days=10 * k + n % 7), customer_id=profile.customer_id,
                profile_id=profile.id, currency="EUR",
                lines=[OrderLineData(item_id, 1, Decimal("10.00")) for item_id, _, _ in picks],
            ))
    store_new_orders(db_session, shop.id, orders, source="import")
    db_session.commit()


def trained_shop(db_session, make_shop, model_dir):
    """A shop built as above with its model trained (fast settings): (shop, its model version)."""
    shop, _ = make_shop(currency="EUR")
    build_shop(db_session, shop)
    return shop, train_shop(db_session, shop.id, model_dir, FAST)

"""Seeding the demo shop from the shipped slice of UCI Online Retail; idempotent."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.rules import seed_demo_rules
from app.importers import orders as order_import
from app.importers import products as product_import
from app.importers.reading import read_rows
from app.merchant_auth.accounts import create_user, set_password
from app.models import Order, Product, Shop, ShopUser
from app.shops import create_shop

DATA_DIR = Path(__file__).resolve().parent / "data"
PRODUCTS_FILE = DATA_DIR / "products.csv.gz"
ORDERS_FILE = DATA_DIR / "orders.csv.gz"
DEMO_DOMAIN = "demo-store.localhost"
DEMO_NAME = "Demo Gift Shop"
# Whoever opens the demo should see the widgets: no shop-wide holdout here
# (real shops hold out 5% by default to measure the total uplift).
DEMO_SETTINGS = {"demo": True, "holdout_percent": 0}
DEMO_MERCHANT_EMAIL = "merchant@demo-store.localhost"


@dataclass
class SeedResult:
    shop: Shop
    secret_key: str | None  # only when the shop was created just now
    products: int
    orders: int


def demo_shop(session: Session) -> Shop | None:
    return session.scalar(select(Shop).where(Shop.domain == DEMO_DOMAIN))


def seed_demo(session: Session, echo: Callable[[str], None] = lambda message: None) -> SeedResult:
    """Create the demo shop and import its catalog and order history, unless already there."""
    shop = demo_shop(session)
    secret_key = None
    if shop is None:
        shop, secret_key = create_shop(session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB", settings=DEMO_SETTINGS)
        session.commit()
    if not _count(session, Product, shop.id):
        echo("importing the demo catalog ...")
        product_import.import_products(session, shop.id, read_rows(PRODUCTS_FILE, "csv", product_import.REQUIRED_CSV_COLUMNS))
        session.commit()
    if not _count(session, Order, shop.id):
        echo("importing the demo order history (takes a little while) ...")
        order_import.import_orders(session, shop.id, read_rows(ORDERS_FILE, "csv", order_import.REQUIRED_CSV_COLUMNS))
        session.commit()
    seed_demo_rules(session, shop.id)
    session.commit()
    return SeedResult(shop, secret_key, _count(session, Product, shop.id), _count(session, Order, shop.id))


def _count(session: Session, model, shop_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.shop_id == shop_id))


def demo_merchant_sign_in(session: Session, shop: Shop) -> tuple[str, str]:
    """The demo merchant's settings-UI sign-in, with a fresh password each start (it is printed, never stored in clear)."""
    password = secrets.token_urlsafe(12)
    user = session.scalar(select(ShopUser).where(ShopUser.email == DEMO_MERCHANT_EMAIL))
    if user is None:
        create_user(session, shop.id, DEMO_MERCHANT_EMAIL, password)
    else:
        set_password(user, password)
    session.commit()
    return DEMO_MERCHANT_EMAIL, password

"""Creating shops. A shop's secret key is returned once and only its hash is kept."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Shop


def create_shop(
    session: Session,
    name: str,
    domain: str | None,
    currency: str = "USD",
    locale: str = "en",
    settings: dict | None = None,
) -> tuple[Shop, str]:
    secret_key = Shop.new_secret_key()
    shop = Shop(
        name=name,
        domain=domain,
        currency=currency,
        locale=locale,
        public_key=Shop.new_public_key(),
        settings=settings or {},
    )
    shop.set_secret_key(secret_key)
    session.add(shop)
    session.flush()
    return shop, secret_key

"""Creating shops. A shop's secret key is returned once and only its hash is kept; its identity secret is kept encrypted."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import identity_secrets
from app.models import Shop
from app.secret_box import SecretBox


def create_shop(
    session: Session,
    name: str,
    domain: str | None,
    currency: str = "USD",
    locale: str = "en",
    settings: dict | None = None,
    *,
    box: SecretBox,
) -> tuple[Shop, str]:
    """The new shop and its secret key (shown once). ``box`` encrypts the shop's identity secret
    (``secret_box.box_for(app, IDENTITY_SECRETS)``), which identity_secrets.current_secret reads back."""
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
    identity_secrets.issue(shop, box)
    session.add(shop)
    session.flush()
    return shop, secret_key

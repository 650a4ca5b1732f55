"""Our Shop and its ShopifyInstall: found by myshopify domain, created on first install."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Shop, ShopifyInstall
from app.secret_box import SecretBox
from app.shops import create_shop


def install_by_domain(session: Session, shop_domain: str) -> ShopifyInstall | None:
    return session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_domain == shop_domain))


def install_of_shop(session: Session, shop_id: int) -> ShopifyInstall | None:
    return session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_id == shop_id))


def shop_for_domain(session: Session, shop_domain: str) -> Shop | None:
    """The shop that is (or was) installed on this Shopify store, else one created with that domain."""
    install = install_by_domain(session, shop_domain)
    if install is not None:
        return session.get(Shop, install.shop_id)
    return session.scalar(select(Shop).where(Shop.domain == shop_domain))


def record_install(
    session: Session, shop_domain: str, token_encrypted: str, scopes: str | None, box: SecretBox
) -> tuple[Shop, ShopifyInstall]:
    """Find or create the shop and (re)activate its install with the new token; the caller commits.

    ``box`` encrypts a new shop's identity secret (app/identity_secrets.py).
    """
    shop = shop_for_domain(session, shop_domain)
    if shop is None:
        shop, _secret_key = create_shop(session, shop_domain.split(".")[0], shop_domain, box=box)
    install = install_of_shop(session, shop.id) or install_by_domain(session, shop_domain)
    if install is None:
        install = ShopifyInstall(shop_id=shop.id, shop_domain=shop_domain, sync_state={})
        session.add(install)
    install.shop_domain = shop_domain
    install.access_token_encrypted = token_encrypted
    install.scopes = scopes
    install.uninstalled_at = None
    session.flush()
    return shop, install

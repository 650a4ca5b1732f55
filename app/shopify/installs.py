"""Our Shop and its ShopifyInstall: found by myshopify domain, created on first install."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jobs
from app.jobs.kinds import SHOPIFY_CONNECT_PIXEL, SHOPIFY_REGISTER_WEBHOOKS, SHOPIFY_SYNC
from app.models import Shop, ShopifyInstall
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shopify.access_tokens import Grant, store_grant
from app.shops import create_shop


def install_by_domain(session: Session, shop_domain: str) -> ShopifyInstall | None:
    return session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_domain == shop_domain))


def install_of_shop(session: Session, shop_id: int) -> ShopifyInstall | None:
    return session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_id == shop_id))


def active_install(session: Session, shop_domain: str) -> ShopifyInstall | None:
    """The install of that store if the app is installed there now and we hold its token."""
    install = install_by_domain(session, shop_domain)
    if install is None or install.uninstalled_at is not None or not install.access_token_encrypted:
        return None
    return install


def shop_for_domain(session: Session, shop_domain: str) -> Shop | None:
    """The shop that is (or was) installed on this Shopify store, else one created with that domain."""
    install = install_by_domain(session, shop_domain)
    if install is not None:
        return session.get(Shop, install.shop_id)
    return session.scalar(select(Shop).where(Shop.domain == shop_domain))


def record_install(session: Session, app, shop_domain: str, grant: Grant) -> tuple[Shop, ShopifyInstall]:
    """Find or create the shop and (re)activate its install with the new tokens (encrypted); the caller commits.

    A new shop gets its identity secret (app/identity_secrets.py), encrypted with the app's key for those.
    """
    shop = shop_for_domain(session, shop_domain)
    if shop is None:
        shop, _secret_key = create_shop(session, shop_domain.split(".")[0], shop_domain, box=box_for(app, IDENTITY_SECRETS))
    install = install_of_shop(session, shop.id) or install_by_domain(session, shop_domain)
    if install is None:
        install = ShopifyInstall(shop_id=shop.id, shop_domain=shop_domain, sync_state={})
        session.add(install)
    install.shop_domain = shop_domain
    store_grant(app, install, grant)
    install.uninstalled_at = None
    session.flush()
    return shop, install


def complete_install(session: Session, app, shop_domain: str, grant: Grant, base_url: str) -> tuple[Shop, ShopifyInstall]:
    """What every install does, whether the token came from the OAuth callback or a token exchange.

    The shop and its install are recorded with the (encrypted) tokens, then the webhooks are registered,
    the Web Pixel connected and a first sync run, as jobs. `base_url`: where Shopify reaches us. The caller commits.
    """
    shop, install = record_install(session, app, shop_domain, grant)
    jobs.enqueue(session, SHOPIFY_REGISTER_WEBHOOKS, {"address": base_url + "/shopify/webhooks"}, shop_id=shop.id)
    jobs.enqueue(session, SHOPIFY_CONNECT_PIXEL, {"backend_url": base_url}, shop_id=shop.id)
    jobs.enqueue(session, SHOPIFY_SYNC, shop_id=shop.id)
    return shop, install

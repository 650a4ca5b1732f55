"""The merchant inside the Shopify admin: signed in for one request at a time by a Shopify session token.

The settings UI runs in an iframe of admin.shopify.com, where browsers block our cookies (third-party
cookies), so no cookie session is kept there. Instead every request carries a session token that App Bridge
hands out (a one-minute JWT, app/shopify/session_tokens.py): in the `Authorization: Bearer` header of fetch
calls (App Bridge adds it), and as the `id_token` parameter of page loads and form posts. A valid token of a
shop that has installed the app signs that shop in for that request only; nothing is stored.

The first page load after Shopify installed the app (managed install) comes with a valid token but no
access token yet: that load exchanges the session token for one (token exchange) and completes the install.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Shop
from app.shopify import session_tokens, settings, token_crypto, token_exchange
from app.shopify.access_tokens import Grant
from app.shopify.installs import active_install, complete_install
from app.shopify.session_tokens import InvalidSessionToken, SessionToken

log = logging.getLogger(__name__)

# On a 401 to a fetch call, tells App Bridge to fetch a new session token and send the request once more.
RETRY_HEADER = {"X-Shopify-Retry-Invalid-Session-Request": "1"}


class NotSignedIn(Exception):
    """The request's session token does not sign a shop in; `message` may be shown to the merchant."""

    def __init__(self, message: str, retry: bool = False, status: int = 401):
        super().__init__(message)
        self.message = message
        self.retry = retry  # a fresh session token from App Bridge may succeed
        self.status = status


@dataclass(frozen=True)
class EmbeddedSession:
    shop: Shop
    token: SessionToken
    via: str  # "header" (fetch calls) or "document" (page loads and form posts)


def verified(raw: str | None) -> SessionToken:
    if not settings.is_configured():
        raise NotSignedIn("The Shopify app is not configured on this server (SHOPIFY_API_KEY, SHOPIFY_API_SECRET).", status=503)
    config = settings.current()
    secrets = [config.api_secret, current_app.config.get("SHOPIFY_API_SECRET_PREVIOUS") or ""]
    try:
        return session_tokens.verify(raw, config.api_key, secrets)
    except InvalidSessionToken as error:
        raise NotSignedIn(error.message, retry=error.retry) from None


def installed_shop(session: Session, shop_domain: str) -> Shop | None:
    install = active_install(session, shop_domain)
    return session.get(Shop, install.shop_id) if install is not None else None


def from_bearer(session: Session, raw: str) -> EmbeddedSession:
    """Fetch calls from the embedded UI: the token must be valid and its shop must have installed the app."""
    token = verified(raw)
    shop = installed_shop(session, token.shop_domain)
    if shop is None:
        raise NotSignedIn(f"{token.shop_domain} has not installed this app (or uninstalled it).")
    return EmbeddedSession(shop=shop, token=token, via="header")


def from_document(session: Session, raw: str, base_url: str) -> EmbeddedSession:
    """Page loads: as fetch calls, except that a shop without a usable access token gets one by token exchange.

    Usable: stored and still readable (a changed SECRET_KEY or SHOPIFY_TOKEN_KEY makes stored tokens
    unreadable; the merchant opening the app then replaces theirs).
    """
    token = verified(raw)
    install = active_install(session, token.shop_domain)
    if install is not None and token_crypto.is_readable(current_app._get_current_object(), install.access_token_encrypted):
        shop = session.get(Shop, install.shop_id)
    else:
        shop = _install_by_token_exchange(session, token, base_url)
    return EmbeddedSession(shop=shop, token=token, via="document")


def _install_by_token_exchange(session: Session, token: SessionToken, base_url: str) -> Shop:
    config = settings.current()
    try:
        granted = token_exchange.exchange(token.shop_domain, config.api_key, config.api_secret, token.raw)
    except token_exchange.TokenRequestFailed as error:
        log.warning("token exchange for %s failed: %s", token.shop_domain, error.message)
        raise NotSignedIn(f"Shopify did not give this app access to {token.shop_domain}: {error.message}", retry=error.retry,
                          status=401 if error.retry else 502) from None
    try:
        shop, _install = complete_install(session, current_app._get_current_object(), token.shop_domain,
                                          Grant.from_answer(granted), base_url)
        session.commit()
    except IntegrityError:
        # Another request of the same merchant completed the install at the same moment: use theirs.
        session.rollback()
        shop = installed_shop(session, token.shop_domain)
        if shop is None:
            raise
    log.info("installed on %s by token exchange", token.shop_domain)
    return shop


def bearer_token(authorization: str | None) -> str | None:
    """The session token of an `Authorization: Bearer <JWT>` header (not a shop's `sk_...` secret key), else None."""
    scheme, _, value = (authorization or "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and session_tokens.looks_like_jwt(value) else None


def begin(embedded: EmbeddedSession) -> None:
    """Sign the token's shop in for the rest of this request (and only this request)."""
    g.embedded_session = embedded


def current() -> EmbeddedSession | None:
    return g.get("embedded_session")

"""Shopify session tokens (App Bridge's "ID tokens"): the short-lived JWTs the embedded admin sends instead of a cookie.

Checked the way Shopify's own libraries check them (shopify.dev, "ID tokens"): HS256 signed with the app's
client secret, `aud` the app's client id, `exp` and `nbf` with a few seconds of leeway for clock skew, `dest`
the shop (`https://{shop}.myshopify.com`) and `iss` that shop's admin (`https://{shop}.myshopify.com/admin`).
A token lives one minute; App Bridge fetches a new one for every request. Whether the shop has installed the
app is for the caller to check (app/merchant_auth/embedded.py). Plain Python, no Flask.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt

from app.shopify.signatures import is_shop_domain

ALGORITHM = "HS256"
# Seconds of clock skew forgiven on `exp` and `nbf` (Shopify's libraries allow 10; a token lives 60).
LEEWAY_SECONDS = 5
REQUIRED_CLAIMS = ("iss", "dest", "aud", "exp", "nbf")
# Three base64url segments: what tells a session token from a shop's `sk_...` secret key.
_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class InvalidSessionToken(Exception):
    """Not a valid session token of this app for a shop; the message says why and may be shown."""

    # Whether a fresh token from App Bridge could succeed (the token only expired).
    retry = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ExpiredSessionToken(InvalidSessionToken):
    retry = True


@dataclass(frozen=True)
class SessionToken:
    shop_domain: str  # your-store.myshopify.com, from `dest`
    user_id: str | None  # `sub`: the staff member using the admin
    session_id: str | None  # `sid`: their admin session
    expires_at: int  # `exp`, seconds since the epoch
    raw: str  # the token itself, to pass on (token exchange, a redirect within the app)


def looks_like_jwt(value: str | None) -> bool:
    return bool(value) and len(value) <= 8192 and _JWT_SHAPE.fullmatch(value) is not None


def verify(raw: str | None, api_key: str, secrets: Iterable[str], leeway: float = LEEWAY_SECONDS) -> SessionToken:
    """The token's claims if Shopify signed it for this app and it is current, else InvalidSessionToken.

    `secrets`: the client secret, then the previous one while it is being rotated.
    """
    if not looks_like_jwt(raw):
        raise InvalidSessionToken("The session token is malformed (not a JWT).")
    if not api_key:
        raise InvalidSessionToken("The Shopify app is not configured (SHOPIFY_API_KEY).")
    claims = None
    for secret in [secret for secret in secrets if secret]:
        try:
            claims = jwt.decode(raw, secret, algorithms=[ALGORITHM], audience=api_key, leeway=leeway,
                                options={"require": list(REQUIRED_CLAIMS)})
            break
        except jwt.InvalidSignatureError:
            continue  # perhaps signed with the previous secret
        except jwt.ExpiredSignatureError:
            raise ExpiredSessionToken("The session token expired.") from None
        except jwt.ImmatureSignatureError:
            raise InvalidSessionToken("The session token is not valid yet (nbf is in the future).") from None
        except jwt.InvalidAudienceError:
            raise InvalidSessionToken("The session token was issued for another app (aud).") from None
        except jwt.PyJWTError as error:
            raise InvalidSessionToken(f"The session token is malformed: {error}.") from None
    if claims is None:
        raise InvalidSessionToken("The session token's signature is wrong: it was not signed with this app's secret.")
    shop_domain = _shop_of(claims)
    sub, sid = claims.get("sub"), claims.get("sid")
    return SessionToken(shop_domain=shop_domain, user_id=str(sub) if sub is not None else None,
                        session_id=str(sid) if sid is not None else None, expires_at=int(claims["exp"]), raw=raw)


def _shop_of(claims: dict) -> str:
    """`dest` must be a myshopify store and `iss` its admin: a token for one shop never names another."""
    dest, issuer = urlsplit(str(claims.get("dest") or "")), urlsplit(str(claims.get("iss") or ""))
    shop_domain = (dest.hostname or "").lower()
    if dest.scheme != "https" or dest.path not in ("", "/") or not is_shop_domain(shop_domain):
        raise InvalidSessionToken("The session token's dest is not a shop (https://your-store.myshopify.com).")
    if issuer.scheme != "https" or (issuer.hostname or "").lower() != shop_domain:
        raise InvalidSessionToken("The session token's iss and dest name different shops.")
    return shop_domain

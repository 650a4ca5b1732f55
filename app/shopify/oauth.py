"""Installing the app: Shopify's OAuth authorization code grant.

/shopify/install sends the merchant to Shopify with a random `state` we also
keep in a signed, short-lived cookie; /shopify/callback accepts the code only
when the query's HMAC, the state, the timestamp and the shop domain all check
out, and only then exchanges it for a token.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import time
from urllib.parse import urlencode

import requests
from flask import current_app, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import db, jobs
from app.jobs.kinds import SHOPIFY_CONNECT_PIXEL, SHOPIFY_REGISTER_WEBHOOKS, SHOPIFY_SYNC
from app.merchant_auth.sessions import sign_in
from app.shopify import settings, token_crypto
from app.shopify.blueprint import blueprint
from app.shopify.installs import record_install
from app.shopify.signatures import is_shop_domain, params_from_multidict, query_is_authentic

log = logging.getLogger(__name__)

STATE_COOKIE = "p13n_shopify_oauth"
STATE_MAX_AGE = 600  # seconds the merchant has to approve the install
MAX_TIMESTAMP_AGE = 24 * 3600
MAX_CLOCK_SKEW = 300
TOKEN_TIMEOUT = 10


def _text(message: str, status: int):
    return message, status, {"Content-Type": "text/plain; charset=utf-8"}


def _state_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="shopify-oauth-state")


def callback_url() -> str:
    return settings.public_base_url() + "/shopify/callback"


def authorize_url(shop_domain: str, api_key: str, scopes: str, redirect_uri: str, state: str) -> str:
    query = urlencode({"client_id": api_key, "scope": scopes, "redirect_uri": redirect_uri, "state": state})
    return f"https://{shop_domain}/admin/oauth/authorize?{query}"


@blueprint.get("/install")
def install():
    shop_domain = (request.args.get("shop") or "").strip().lower()
    shop_domain = shop_domain.removeprefix("https://").removeprefix("http://").rstrip("/")  # pasted from the address bar
    if shop_domain and "." not in shop_domain:
        shop_domain += ".myshopify.com"  # the merchant typed only the store's handle
    if not is_shop_domain(shop_domain):
        return _text("Give the store's myshopify domain, like ?shop=your-store.myshopify.com.", 400)
    config = settings.current()
    state = secrets.token_urlsafe(32)
    redirect_uri = callback_url()
    response = redirect(authorize_url(shop_domain, config.api_key, config.scopes, redirect_uri, state))
    # Secure when the callback is served over HTTPS (always, in production: Shopify requires it)
    # or when the app says its cookies are secure; SameSite=Lax lets the cookie ride Shopify's redirect back.
    secure = current_app.config.get("SESSION_COOKIE_SECURE") is not False or redirect_uri.startswith("https://")
    response.set_cookie(
        STATE_COOKIE, _state_serializer().dumps({"state": state, "shop": shop_domain}),
        max_age=STATE_MAX_AGE, httponly=True, secure=secure, samesite="Lax", path="/shopify/",
    )
    return response


def timestamp_problem(raw: str | None, now: float | None = None) -> str | None:
    now = time.time() if now is None else now
    try:
        timestamp = int(raw or "")
    except ValueError:
        return "The request has no valid timestamp."
    if timestamp < now - MAX_TIMESTAMP_AGE:
        return "The install link expired (older than 24 hours); start the install again."
    if timestamp > now + MAX_CLOCK_SKEW:
        return "The request's timestamp is in the future; check the server's clock."
    return None


def _state_matches(cookie: str | None, state: str | None, shop_domain: str) -> bool:
    if not cookie or not state:
        return False
    try:
        saved = _state_serializer().loads(cookie, max_age=STATE_MAX_AGE)
    except BadSignature:  # includes SignatureExpired
        return False
    return (
        isinstance(saved, dict)
        and hmac.compare_digest(str(saved.get("state", "")).encode(), state.encode())
        and saved.get("shop") == shop_domain
    )


def exchange_code(shop_domain: str, api_key: str, api_secret: str, code: str) -> dict:
    response = requests.post(
        f"https://{shop_domain}/admin/oauth/access_token",
        json={"client_id": api_key, "client_secret": api_secret, "code": code},
        headers={"Accept": "application/json"},
        timeout=TOKEN_TIMEOUT,
    )
    response.raise_for_status()
    body = response.json()
    if not body.get("access_token"):
        raise ValueError("Shopify answered without an access token")
    return body


@blueprint.get("/callback")
def callback():
    config = settings.current()
    params = params_from_multidict(request.args)
    if not query_is_authentic(config.api_secret, params):
        return _text("The request's signature (hmac) is missing or wrong: it did not come from Shopify.", 401)
    shop_domain = request.args.get("shop", "")
    if not is_shop_domain(shop_domain):
        return _text("The shop must be a your-store.myshopify.com domain.", 400)
    problem = timestamp_problem(request.args.get("timestamp"))
    if problem:
        return _text(problem, 400)
    if not _state_matches(request.cookies.get(STATE_COOKIE), request.args.get("state"), shop_domain):
        return _text("The install was not started from this browser, or took too long; start it again from /shopify/install.", 403)
    code = request.args.get("code")
    if not code:
        return _text("Shopify sent no authorization code.", 400)
    try:
        granted = exchange_code(shop_domain, config.api_key, config.api_secret, code)
    except (requests.RequestException, ValueError) as error:
        log.warning("shopify token exchange for %s failed: %s", shop_domain, error)
        return _text("Shopify did not give us an access token; try installing again.", 502)

    session = db.session()
    token = token_crypto.encrypt(current_app, granted["access_token"])
    shop, install = record_install(session, shop_domain, token, granted.get("scope"))
    base_url = settings.public_base_url()
    jobs.enqueue(session, SHOPIFY_REGISTER_WEBHOOKS, {"address": base_url + "/shopify/webhooks"}, shop_id=shop.id)
    jobs.enqueue(session, SHOPIFY_CONNECT_PIXEL, {"backend_url": base_url}, shop_id=shop.id)
    jobs.enqueue(session, SHOPIFY_SYNC, shop_id=shop.id)
    session.commit()
    sign_in(shop, None, via="shopify")
    response = redirect("/settings/install")
    response.delete_cookie(STATE_COOKIE, path="/shopify/")
    return response

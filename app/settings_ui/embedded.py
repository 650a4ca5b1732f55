"""The settings UI inside the Shopify admin (an iframe of admin.shopify.com), without cookies.

Browsers block third-party cookies in that iframe, so the embedded UI signs each request in with a
Shopify session token instead (app/merchant_auth/embedded.py), following Shopify's guidance for apps
rendered in the admin:

- Page loads carry the token as `id_token`: Shopify appends it (with `shop`, `host`, `embedded=1`) to the
  first load; settings.js adds a fresh one from App Bridge (`shopify.idToken()`) to every link followed and
  every form sent (a hidden field). Links and redirects keep `shop`, `host` and `embedded=1`; a redirect
  after a form also carries the token it came with (a minute's validity is plenty for one redirect), and
  the flashed messages, which live in the session cookie elsewhere, ride along signed.
- Fetch calls carry it in `Authorization: Bearer`, which App Bridge adds on its own to requests to our origin.
- A page load without a token, or with an expired one (a reload, a link opened anew), gets a small "bounce"
  page that loads App Bridge, asks it for a token and loads the same address again with it.

Nothing is stored between requests: the token itself is the proof, for one minute. Embedded responses get
their own CSP (security_headers.py): framed only by the admin and the shop, App Bridge's script allowed.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, g, jsonify, redirect, render_template, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import db
from app.merchant_auth import embedded
from app.settings_ui.security_headers import APP_BRIDGE_URL
from app.shopify import settings as shopify_settings
from app.shopify.signatures import is_shop_domain

# Parameters that only bring a page load in: never copied onto the next address.
ARRIVAL_PARAMS = ("id_token", "flashed", "bounced", "hmac", "timestamp", "session", "locale")
FLASHES_MAX_AGE = 300  # seconds a redirect's flashed messages stay readable
# Shopify's `host`: base64 of the admin's address, e.g. "admin.shopify.com/store/your-store".
_HOST = re.compile(r"(admin\.shopify\.com|[a-z0-9][a-z0-9-]*\.myshopify\.com)(/[A-Za-z0-9/_-]*)?")


@dataclass(frozen=True)
class Frame:
    """This response is for the admin's iframe: `shop` may frame it (with the admin), App Bridge loads in it."""

    shop: str | None  # the signed-in shop, or (bounce and error pages) the shop the address names
    host: str | None


def frame() -> Frame | None:
    return g.get("embedded_frame")


def valid_host(value: str | None) -> str | None:
    if not value or len(value) > 512:
        return None
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return value if _HOST.fullmatch(decoded) else None


def _named_shop() -> str | None:
    shop = (request.args.get("shop") or "").lower()
    return shop if is_shop_domain(shop) else None


def sign_in_embedded():
    """Before every settings request (and before the CSRF check): sign in by session token, or bounce."""
    if request.endpoint == "settings_ui.static":
        return None
    bearer = embedded.bearer_token(request.headers.get("Authorization"))
    raw = bearer or request.args.get("id_token") or request.form.get("id_token")
    if not raw:
        if request.args.get("embedded") != "1":
            return None  # not embedded: the cookie session, as ever
        g.embedded_frame = Frame(shop=_named_shop(), host=valid_host(request.args.get("host")))
        if request.method == "GET":
            return bounce_page()
        return _error_page(embedded.NotSignedIn("This form was sent without a Shopify session token; reload the app and try again."))
    try:
        if bearer:
            signed_in = embedded.from_bearer(db.session(), raw)
        else:
            signed_in = embedded.from_document(db.session(), raw, shopify_settings.public_base_url())
    except embedded.NotSignedIn as error:
        if bearer:
            return jsonify(error=error.message), error.status, embedded.RETRY_HEADER if error.retry else {}
        g.embedded_frame = Frame(shop=_named_shop(), host=valid_host(request.args.get("host")))
        if error.retry and request.method == "GET" and request.args.get("bounced") != "1":
            return bounce_page()
        return _error_page(error)
    embedded.begin(signed_in)
    g.embedded_frame = Frame(shop=signed_in.token.shop_domain, host=valid_host(request.args.get("host")))
    _restore_flashes(request.args.get("flashed"))
    return None


def bounce_page():
    """A page whose only job is to get a fresh session token from App Bridge and load this address again with it."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in ARRIVAL_PARAMS]
    reload_url = urlunsplit(("", "", request.path, urlencode([*query, ("bounced", "1")]), ""))
    return render_template("settings/bounce.html", reload_url=reload_url)


def _error_page(error: embedded.NotSignedIn):
    return render_template("settings/embedded_error.html", message=error.message), error.status


def keep_embedded_params(endpoint: str, values: dict) -> None:
    """url_for() of a settings page inside the admin keeps `embedded`, `shop` and `host` (not the token)."""
    here = frame()
    if here is None or embedded.current() is None or endpoint == "settings_ui.static":
        return
    values.setdefault("embedded", "1")
    values.setdefault("shop", here.shop)
    if here.host:
        values.setdefault("host", here.host)


def carry_through_redirect(response):
    """A redirect within the settings after a page load or form sent with a token carries that token on."""
    signed_in = embedded.current()
    if signed_in is None or signed_in.via != "document" or response.status_code not in (301, 302, 303, 307, 308):
        return response
    target = urlsplit(response.headers.get("Location", ""))
    if target.scheme or target.netloc or not target.path.startswith("/settings/"):
        return response
    query = [(key, value) for key, value in parse_qsl(target.query, keep_blank_values=True) if key not in ARRIVAL_PARAMS]
    query.append(("id_token", signed_in.token.raw))
    flashes = session.pop("_flashes", None)
    if flashes:
        query.append(("flashed", _flash_serializer().dumps(flashes)))
    response.headers["Location"] = urlunsplit(("", "", target.path, urlencode(query), target.fragment))
    return response


def _flash_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="embedded-flashes")


def _restore_flashes(signed: str | None) -> None:
    if not signed:
        return
    try:
        flashes = _flash_serializer().loads(signed, max_age=FLASHES_MAX_AGE)
    except BadSignature:
        return
    if isinstance(flashes, list):
        session["_flashes"] = [tuple(pair) for pair in flashes if isinstance(pair, list) and len(pair) == 2]


def template_context() -> dict:
    here = frame()
    return {"embedded": {"api_key": shopify_settings.current().api_key, "app_bridge_url": APP_BRIDGE_URL,
                         "shop": here.shop, "host": here.host} if here else None}


def app_home():
    """`/`, the application_url in shopify.app.toml: the admin opens the app here, with its parameters."""
    query = request.query_string.decode()
    return redirect("/settings/" + (f"?{query}" if query else ""))

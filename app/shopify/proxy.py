"""/shopify/proxy/*: what the shop's storefront asks us through Shopify's App Proxy (`/apps/p13n/*` on the shop).

Every request here must carry Shopify's signature (app/shopify/app_proxy.py); one with a missing, wrong or
stale signature, or for a store that has not installed the app, gets the same bare 401 whatever the reason,
so probing learns nothing. What a signed request says (the shop, the signed-in customer) is then a fact.

Shopify strips cookies both ways on proxied requests, and the answers depend on the customer, so none is cached.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify, request

from app import db, identity_secrets
from app.models import Shop
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shopify import app_proxy, settings
from app.shopify.app_proxy import InvalidProxyRequest, ProxyRequest
from app.shopify.blueprint import blueprint
from app.shopify.installs import active_install
from app.shopify.signatures import params_from_multidict

log = logging.getLogger(__name__)

proxy = Blueprint("proxy", __name__, url_prefix="/proxy")
NOT_AUTHORIZED = ("Unauthorized", 401, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"})


@proxy.before_request
def _require_shopify_signature():
    secrets = [settings.current().api_secret, current_app.config.get("SHOPIFY_API_SECRET_PREVIOUS") or ""]
    try:
        verified = app_proxy.verify(params_from_multidict(request.args), secrets)
    except InvalidProxyRequest as error:
        log.info("app proxy request refused: %s", error)
        return NOT_AUTHORIZED
    install = active_install(db.session(), verified.shop_domain)
    if install is None:
        log.info("app proxy request refused: %s has not installed the app", verified.shop_domain)
        return NOT_AUTHORIZED
    g.proxy_request, g.proxy_shop_id = verified, install.shop_id
    return None


@proxy.after_request
def _never_cached(response):
    response.headers["Cache-Control"] = "no-store, private"
    return response


def current() -> ProxyRequest:
    return g.proxy_request


@proxy.get("/customer")
def customer():
    """The storefront's signed-in customer as Shopify vouches for it, with the `customer_sig` that makes the id count.

    The app embed hands both to the storefront script (data-p13n-customer-sig), which sends them with its events:
    the same signature the merchant's own server would compute with the shop's identity secret (README,
    "Signed-in customers"), which Liquid cannot. `customer_sig` is null when nobody is signed in, or when this
    server can no longer read the shop's secret (a changed key; Settings > Install issues a new one).
    """
    customer_id = current().customer_id
    secret = None
    if customer_id is not None:
        shop = db.session().get(Shop, g.proxy_shop_id)
        secret = identity_secrets.current_secret(shop, box_for(current_app, IDENTITY_SECRETS))
    return jsonify({"customer_id": customer_id,
                    "customer_sig": identity_secrets.sign(secret, customer_id) if secret else None})


@proxy.route("/", defaults={"rest": ""}, methods=["GET", "POST"])
@proxy.route("/<path:rest>", methods=["GET", "POST"])
def anything_else(rest: str):
    """Every other address under the proxy: routed here so that it, too, answers 401 unless signed."""
    return jsonify({"error": "Not found."}), 404


blueprint.register_blueprint(proxy)

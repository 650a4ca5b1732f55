"""Security headers on every settings page.

No inline scripts or styles anywhere in the UI, so the CSP can forbid them;
the pages may be framed only by ourselves (the preview iframe is the other
way round: our page frames the store). Pages served into the Shopify admin
(embedded.py) are the exception, and only they: those may be framed by the
admin and by the shop's own admin domain (as Shopify requires, naming the
shop), and may load App Bridge's one script from Shopify's CDN.
"""
from __future__ import annotations

from flask import Response, g

APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
SHOPIFY_ADMIN = "https://admin.shopify.com"

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https:",
    "frame-src": "'self' https: http://localhost:* http://127.0.0.1:*",
    "connect-src": "'self'",
    "form-action": "'self' https://*.myshopify.com",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'self'",
}


def content_security_policy(embedded_in: str | None = None, in_shopify_admin: bool = False) -> str:
    """The policy of a settings page; `in_shopify_admin` for the admin's iframe, `embedded_in` the shop it shows."""
    directives = dict(DIRECTIVES)
    if in_shopify_admin:
        directives["script-src"] += f" {APP_BRIDGE_URL}"
        directives["frame-ancestors"] = " ".join([SHOPIFY_ADMIN, *([f"https://{embedded_in}"] if embedded_in else [])])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()


def add_security_headers(response: Response) -> Response:
    frame = g.get("embedded_frame")
    response.headers.setdefault("Content-Security-Policy", content_security_policy(frame.shop, True) if frame else CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if frame is None:
        # X-Frame-Options cannot name the admin; CSP frame-ancestors, which browsers prefer, does it for embedded pages.
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "same-origin"
    # Signed-in pages hold the merchant's data: never keep them in a shared cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response

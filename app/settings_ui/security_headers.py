"""Security headers on every settings page.

No inline scripts or styles anywhere in the UI, so the CSP can forbid them;
the pages may be framed only by ourselves (the preview iframe is the other
way round: our page frames the store).
"""
from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "frame-src 'self' https: http://localhost:* http://127.0.0.1:*",
    "connect-src 'self'",
    "form-action 'self' https://*.myshopify.com",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'self'",
])


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Referrer-Policy"] = "same-origin"
    # Signed-in pages hold the merchant's data: never keep them in a shared cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response

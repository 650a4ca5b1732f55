"""Who the merchant is in a browser: the signed-in session and its CSRF token, or a Shopify session token.

Shared by every audience that trusts the merchant's browser: the settings UI
(its pages and login form), the admin API (called by those pages) and the
Shopify app (which signs the merchant in after an install). It knows nothing
of any of their blueprints, so each imports it at the top of the module; for
the embedded admin (embedded.py) it uses the Shopify app's plain modules
(session tokens, installs, token exchange), never its routes.
"""

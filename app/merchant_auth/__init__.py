"""Who the merchant is in a browser: the signed-in session and its CSRF token.

Shared by every audience that trusts the merchant's session cookie: the
settings UI (its pages and login form), the admin API (called by those pages)
and the Shopify app (which signs the merchant in after an install). It knows
nothing of any of them, so each imports it at the top of the module.
"""

"""The public endpoints never open Flask's cookie session.

The session is the settings UI's sign-in. The storefront API is keyed by a public key and called
cross-origin without credentials, so it has nothing to read there; opening and verifying the cookie
session on every page view was pure cost (a twentieth of a warm /s/KEY.js).
"""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

PUBLIC_PATHS = ("/v1/", "/s/")


class CookielessPublicPaths(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if request.path.startswith(PUBLIC_PATHS):
            return self.make_null_session(app)  # read-only and empty; never written back
        return super().open_session(app, request)

"""Findings 6 and 7 of issue 10: sessions end for real, and the sign-in lockout holds under concurrent guesses."""
from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy

from werkzeug.serving import make_server

from app.merchant_auth.accounts import MAX_FAILURES_PER_EMAIL, create_user
from tests.helpers.settings_ui import PASSWORD, csrf_from, sign_in


def signed_in_cookie(client, email: str) -> str:
    assert sign_in(client, email, PASSWORD).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def with_cookie(app, value: str):
    """Another browser holding a copy of the session cookie (stolen, or left on a shared machine)."""
    thief = app.test_client()
    thief.set_cookie("session", value, domain="localhost")
    return thief


def test_a_copied_session_cookie_stops_working_once_the_merchant_signs_out(app, client, merchant):
    _shop, email, _password = merchant
    copied = signed_in_cookie(client, email)
    assert with_cookie(app, copied).get("/settings/install").status_code == 200

    token = csrf_from(client.get("/settings/install").get_data(as_text=True))
    assert client.post("/settings/logout", data={"csrf_token": token}).status_code == 302
    response = with_cookie(app, copied).get("/settings/install")
    assert response.status_code == 302 and "/settings/login" in response.headers["Location"]
    assert with_cookie(app, copied).get("/admin/api/rules").status_code == 401


def test_set_password_ends_every_session_of_the_account(app, client, runner, merchant, make_shop, db_session):
    _shop, email, _password = merchant
    laptop = signed_in_cookie(client, email)
    phone = signed_in_cookie(app.test_client(), email)
    changed = runner.invoke(args=["set-password", "--email", email, "--password", "a brand new password"])
    assert changed.exit_code == 0, changed.output
    for copied in (laptop, phone):
        assert with_cookie(app, copied).get("/settings/install").status_code == 302
    # A fresh sign-in with the new password works as before.
    assert sign_in(app.test_client(), email, "a brand new password").status_code == 302


def test_signing_out_ends_the_other_sessions_of_that_account_only(app, client, merchant, make_shop, db_session):
    shop, email, _password = merchant
    create_user(db_session, shop.id, "colleague@merchant.example", PASSWORD)
    db_session.commit()
    other_device = signed_in_cookie(app.test_client(), email)
    colleague = signed_in_cookie(app.test_client(), "colleague@merchant.example")
    signed_in_cookie(client, email)
    token = csrf_from(client.get("/settings/install").get_data(as_text=True))
    client.post("/settings/logout", data={"csrf_token": token})
    assert with_cookie(app, other_device).get("/settings/install").status_code == 302
    assert with_cookie(app, colleague).get("/settings/install").status_code == 200


def _serve(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _login_form(base: str):
    """A browser of its own (cookie jar) with the login form's CSRF token."""
    jar = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "http")))
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/settings/login", timeout=30).read().decode()
    return opener, csrf_from(page)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_thirty_concurrent_wrong_guesses_get_at_most_ten_password_checks(app, merchant):
    """Real threads against the real app and database: the check-and-record of the lockout is one atomic step."""
    _shop, email, _password = merchant
    server, thread = _serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        browsers = [_login_form(base) for _ in range(30)]
        start = threading.Barrier(len(browsers))
        statuses: list[int] = []

        def guess(opener, token, n):
            body = urllib.parse.urlencode({"email": email, "password": f"wrong guess {n}", "csrf_token": token}).encode()
            start.wait()
            try:
                statuses.append(opener.open(f"{base}/settings/login", data=body, timeout=120).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        threads = [threading.Thread(target=guess, args=(opener, token, n)) for n, (opener, token) in enumerate(browsers)]
        for worker in threads:
            worker.start()
        for worker in threads:
            worker.join(timeout=300)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert sorted(statuses) == [401] * MAX_FAILURES_PER_EMAIL + [429] * (30 - MAX_FAILURES_PER_EMAIL)


def test_a_session_opened_through_shopify_without_an_account_is_revocable_too(app, client, make_shop):
    shop, _ = make_shop("Shopify shop", "shopify-shop.example")
    with client.session_transaction() as session:  # what app/shopify/oauth.py's sign_in(shop, None, "shopify") leaves
        session.update({"shop_id": shop.id, "user_id": None, "via": "shopify", "epoch": 0})
    copied = client.get_cookie("session").value
    assert with_cookie(app, copied).get("/settings/install").status_code == 200
    token = csrf_from(client.get("/settings/install").get_data(as_text=True))
    client.post("/settings/logout", data={"csrf_token": token})
    assert with_cookie(app, copied).get("/settings/install").status_code == 302

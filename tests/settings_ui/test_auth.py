"""Signing in and out, CSRF, session cookie flags and security headers."""
from __future__ import annotations

import re

from app.models import ShopUser
from tests.helpers.settings_ui import csrf_from, sign_in


def test_a_merchant_signs_in_with_email_and_password_and_out_again(client, merchant):
    shop, email, password = merchant
    response = sign_in(client, email.upper(), password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/dashboard")
    page = client.get("/settings/install")
    assert page.status_code == 200 and shop.public_key in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    assert client.post("/settings/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/settings/install").status_code == 302


def test_a_wrong_password_or_unknown_email_is_refused_alike(client, merchant):
    _shop, email, _password = merchant
    wrong = sign_in(client, email, "not the password")
    unknown = sign_in(client, "nobody@example.com", "whatever whatever")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/settings/install").status_code == 302


def test_passwords_are_stored_hashed(db_session, merchant):
    _shop, email, password = merchant
    user = db_session.query(ShopUser).filter_by(email=email).one()
    assert password not in user.password_hash and user.password_hash.startswith("scrypt:")


def test_signed_out_pages_redirect_to_the_login_with_the_way_back(client, merchant):
    response = client.get("/settings/rules")
    assert response.status_code == 302
    assert "/settings/login?next=/settings/rules" in response.headers["Location"]


def test_after_login_only_our_own_pages_are_a_next_target(client, merchant):
    _shop, email, password = merchant
    page = client.get("/settings/login").get_data(as_text=True)
    for target, expected in (("/settings/rules", "/settings/rules"), ("https://evil.example/", "/settings/dashboard"),
                             ("//evil.example/settings/", "/settings/dashboard")):
        client.post("/settings/logout", data={"csrf_token": csrf_from(page)})
        page = client.get("/settings/login").get_data(as_text=True)
        response = client.post(f"/settings/login?next={target}", data={"email": email, "password": password, "csrf_token": csrf_from(page)})
        assert response.headers["Location"] == expected
        page = client.get("/settings/install").get_data(as_text=True)


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(signed_in, db_session):
    response = signed_in.client.post("/settings/rules/new/popup", data={"name": "Forged", "content.headline": "Hi"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    login = signed_in.client.post("/settings/login", data={"email": "x@y.z", "password": "p"})
    assert login.status_code == 400


def test_session_cookie_is_httponly_samesite_and_secure_by_default(client, merchant):
    _shop, email, password = merchant
    response = sign_in(client, email, password)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_pages_carry_a_strict_content_security_policy(client, signed_in):
    pages = ("/settings/login", "/settings/dashboard", "/settings/install", "/settings/rules", "/settings/rules/new/block",
             "/settings/rules/new/popup", "/settings/rules/new/slider", "/settings/segments", "/settings/segments/new",
             "/settings/journey", "/settings/model", "/settings/leads", "/settings/privacy", "/settings/shopify")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert re.search(r"<title>[^<]{1,80} · p13n</title>", response.get_data(as_text=True)), path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'self'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_the_admin_api_accepts_the_session_but_wants_the_csrf_header_for_changes(signed_in, make_shop):
    assert signed_in.client.get("/admin/api/rules").status_code == 200
    body = {"name": "Buyers", "conditions": [{"field": "order_count", "op": "gte", "value": 1}]}
    assert signed_in.client.post("/admin/api/segments", json=body).status_code == 403
    assert signed_in.json("POST", "/admin/api/segments", body).status_code == 201


def test_the_admin_api_without_session_or_key_is_401(client):
    assert client.get("/admin/api/rules").status_code == 401


def test_password_guessing_is_slowed_down_per_email(client, merchant, db_session):
    from app.merchant_auth.accounts import MAX_FAILURES_PER_EMAIL

    _shop, email, password = merchant
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert sign_in(client, email, "guess guess guess").status_code == 401
    blocked = sign_in(client, email, password)
    assert blocked.status_code == 429 and "Too many failed sign-ins. Try again in 15 minutes." in blocked.get_data(as_text=True)
    assert client.get("/settings/install").status_code == 302
    assert sign_in(client, "other@merchant.example", "whatever whatever").status_code == 401, "other emails are not blocked"


def test_a_successful_sign_in_forgets_earlier_failures(client, merchant, db_session):
    from app.models import LoginFailure

    _shop, email, password = merchant
    for _ in range(3):
        sign_in(client, email, "wrong wrong wrong")
    assert sign_in(client, email, password).status_code == 302
    assert db_session.query(LoginFailure).filter_by(email=email).count() == 0


def test_behind_a_trusted_proxy_throttling_counts_the_real_client_address(app, client, merchant, db_session):
    from app import db
    from app.factory import create_app
    from app.models import LoginFailure

    proxied_app = create_app({**app.config, "TRUSTED_PROXIES": 1})
    proxied = proxied_app.test_client()
    page = proxied.get("/settings/login").get_data(as_text=True)
    proxied.post("/settings/login", data={"email": "x@y.example", "password": "wrong wrong", "csrf_token": csrf_from(page)},
                 headers={"X-Forwarded-For": "203.0.113.9"})
    db.database(proxied_app).engine.dispose()
    assert db_session.query(LoginFailure.ip).all() == [("203.0.113.9",)]

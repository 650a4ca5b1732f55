"""Password sign-in as plain functions: the attempt counted first, then the account, and the throttle."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.clock import utcnow
from app.merchant_auth.accounts import FAILURE_WINDOW, MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP, create_user
from app.merchant_auth.passwords import authenticate, count_sign_in_attempt
from app.models import LoginThrottle

PASSWORD = "correct horse battery"


def attempts(db_session, key) -> int | None:
    return db_session.scalar(select(LoginThrottle.attempts).where(LoginThrottle.key == key))


def sign_in(db_session, email, password, ip, now):
    """As the login view does it: count, then check."""
    wait = count_sign_in_attempt(db_session, email, ip, now)
    return wait, (authenticate(db_session, email, password, ip, now) if wait is None else None)


def test_the_right_password_opens_the_account_and_forgets_earlier_attempts(db_session, make_shop):
    shop, _ = make_shop()
    user = create_user(db_session, shop.id, "owner@shop.example", PASSWORD)
    now = utcnow()
    assert sign_in(db_session, "owner@shop.example", "wrong wrong", "10.0.0.1", now) == (None, None)
    assert attempts(db_session, "email:owner@shop.example") == 1 and attempts(db_session, "ip:10.0.0.1") == 1
    wait, signed_in = sign_in(db_session, "owner@shop.example", PASSWORD, "10.0.0.1", now)
    assert wait is None and signed_in is user and user.last_login_at == now
    assert attempts(db_session, "email:owner@shop.example") is None
    assert attempts(db_session, "ip:10.0.0.1") == 1, "the successful attempt is not charged to the address"


def test_an_unknown_email_counts_like_a_wrong_password(db_session):
    assert sign_in(db_session, "nobody@shop.example", PASSWORD, "10.0.0.1", utcnow()) == (None, None)
    assert attempts(db_session, "email:nobody@shop.example") == 1


def test_too_many_attempts_refuse_even_the_right_password_until_the_window_passes(db_session, make_shop):
    shop, _ = make_shop()
    create_user(db_session, shop.id, "owner@shop.example", PASSWORD)
    start = utcnow()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        sign_in(db_session, "owner@shop.example", "guess guess", "10.0.0.1", start)
    wait, user = sign_in(db_session, "owner@shop.example", PASSWORD, "10.0.0.2", start + timedelta(minutes=5))
    assert user is None and wait == FAILURE_WINDOW - timedelta(minutes=5)
    wait, user = sign_in(db_session, "owner@shop.example", PASSWORD, "10.0.0.2", start + FAILURE_WINDOW + timedelta(seconds=1))
    assert wait is None and user is not None


def test_one_address_guessing_many_emails_is_stopped_too(db_session):
    now = utcnow()
    for n in range(MAX_FAILURES_PER_IP):
        assert sign_in(db_session, f"user{n}@shop.example", "guess guess", "10.0.0.9", now)[0] is None
    wait, _ = sign_in(db_session, "another@shop.example", "guess guess", "10.0.0.9", now)
    assert wait == FAILURE_WINDOW
    assert attempts(db_session, "email:another@shop.example") is None, "a blocked address spends no email's attempts"

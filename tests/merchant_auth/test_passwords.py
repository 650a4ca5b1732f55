"""Password sign-in as a plain function: the account, the failures it records, and the throttle."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.clock import utcnow
from app.merchant_auth.accounts import FAILURE_WINDOW, MAX_FAILURES_PER_EMAIL, create_user
from app.merchant_auth.passwords import check_password
from app.models import LoginFailure

PASSWORD = "correct horse battery"


def _failures(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(LoginFailure))


def test_the_right_password_opens_the_account_and_forgets_earlier_failures(db_session, make_shop):
    shop, _ = make_shop()
    user = create_user(db_session, shop.id, "owner@shop.example", PASSWORD)
    now = utcnow()
    assert check_password(db_session, "owner@shop.example", "wrong wrong", "10.0.0.1", now).user is None
    assert _failures(db_session) == 1
    checked = check_password(db_session, "owner@shop.example", PASSWORD, "10.0.0.1", now)
    assert checked.user is user and checked.retry_after is None and user.last_login_at == now
    assert _failures(db_session) == 0


def test_an_unknown_email_fails_like_a_wrong_password(db_session):
    checked = check_password(db_session, "nobody@shop.example", PASSWORD, "10.0.0.1", utcnow())
    assert (checked.user, checked.retry_after) == (None, None) and _failures(db_session) == 1


def test_too_many_failures_refuse_even_the_right_password_until_the_window_passes(db_session, make_shop):
    shop, _ = make_shop()
    create_user(db_session, shop.id, "owner@shop.example", PASSWORD)
    start = utcnow()
    for _ in range(MAX_FAILURES_PER_EMAIL):
        check_password(db_session, "owner@shop.example", "guess guess", "10.0.0.1", start)
    blocked = check_password(db_session, "owner@shop.example", PASSWORD, "10.0.0.2", start + timedelta(minutes=5))
    assert blocked.user is None and blocked.retry_after == FAILURE_WINDOW - timedelta(minutes=5)
    later = check_password(db_session, "owner@shop.example", PASSWORD, "10.0.0.2", start + FAILURE_WINDOW + timedelta(seconds=1))
    assert later.user is not None

"""Merchant sign-in accounts for the settings UI (plain functions; the CLI and the demo use them too)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import LoginFailure, ShopUser

MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    pass


def create_user(session: Session, shop_id: int, email: str, password: str) -> ShopUser:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError(f"not an email address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(ShopUser).where(ShopUser.email == email)) is not None:
        raise AccountError(f"{email} already has an account")
    user = ShopUser(shop_id=shop_id, email=email, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(user: ShopUser, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None


# Sign-in throttling: after this many failures for one email (or many more from one address)
# within the window, further attempts are refused until the window has passed.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_IP = 50


def sign_in_blocked_for(session: Session, email: str, ip: str, now: datetime) -> timedelta | None:
    """How long this sign-in must wait, or None when it may go ahead."""
    since = now - FAILURE_WINDOW
    for column, value, limit in ((LoginFailure.email, email, MAX_FAILURES_PER_EMAIL), (LoginFailure.ip, ip, MAX_FAILURES_PER_IP)):
        times = session.scalars(
            select(LoginFailure.at).where(column == value, LoginFailure.at >= since).order_by(LoginFailure.at.desc()).limit(limit)
        ).all()
        if len(times) >= limit:
            return times[-1] + FAILURE_WINDOW - now
    return None


def record_failure(session: Session, email: str, ip: str, now: datetime) -> None:
    session.add(LoginFailure(email=email[:320], ip=ip[:64], at=now))
    # Old rows have done their job; keep the table small.
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURE_WINDOW))


def clear_failures(session: Session, email: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))

"""Signing in with email and password, throttled so that guessing passwords is slow.

Two steps, each followed by a commit in the caller: count the attempt
(accounts.count_sign_in_attempt, atomic), then check the password. Counting
first is what makes the limit hold under concurrent guesses.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.merchant_auth.accounts import count_sign_in_attempt, forget_attempts, verify_password
from app.models import ShopUser

__all__ = ["authenticate", "count_sign_in_attempt"]


def authenticate(session: Session, email: str, password: str, ip: str, now: datetime) -> ShopUser | None:
    """The account these credentials open, or None; a success forgets the email's earlier attempts. The caller commits."""
    user = session.scalar(select(ShopUser).where(ShopUser.email == email)) if email else None
    # verify_password runs even for an unknown email, so timing does not tell which emails exist.
    if verify_password(user.password_hash if user else None, password) and user is not None:
        user.last_login_at = now
        forget_attempts(session, email, ip, now)
        return user
    return None

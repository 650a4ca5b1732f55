"""Signing in with email and password, throttled so that guessing passwords is slow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.merchant_auth.accounts import clear_failures, record_failure, sign_in_blocked_for, verify_password
from app.models import ShopUser


@dataclass(frozen=True)
class PasswordCheck:
    user: ShopUser | None = None  # the account the credentials open
    retry_after: timedelta | None = None  # set when too many failures refuse even a right password


def check_password(session: Session, email: str, password: str, ip: str, now: datetime) -> PasswordCheck:
    """The account these credentials open, or why not; a failure is recorded, a success forgets earlier ones.

    The caller commits (a failure must be stored even though nobody signs in).
    """
    wait = sign_in_blocked_for(session, email, ip, now)
    if wait is not None:
        return PasswordCheck(retry_after=wait)
    user = session.scalar(select(ShopUser).where(ShopUser.email == email)) if email else None
    # verify_password runs even for an unknown email, so timing does not tell which emails exist.
    if verify_password(user.password_hash if user else None, password) and user is not None:
        user.last_login_at = now
        clear_failures(session, email)
        return PasswordCheck(user=user)
    record_failure(session, email, ip, now)
    return PasswordCheck()

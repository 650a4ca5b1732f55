"""Merchant sign-in accounts for the settings UI (plain functions; the CLI and the demo use them too)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import dialect_insert
from app.models import LoginThrottle, ShopUser
from app.models.types import UTCDateTime

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
    """A new password; every session opened with the old one ends (a forgotten password may be a stolen one)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = generate_password_hash(password)
    user.session_epoch = (user.session_epoch or 0) + 1


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None


# Sign-in throttling: after this many attempts for one email (or many more from one address)
# within a window, further attempts are refused until the window has passed.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_IP = 50


def count_sign_in_attempt(session: Session, email: str, ip: str, now: datetime) -> timedelta | None:
    """Count this attempt against its address and its email, before any password is checked.

    Returns how long the attempt must wait, or None when it may go ahead. Each
    count is one atomic upsert, so thirty concurrent guesses get exactly ten
    checks, never more. The caller commits at once, so the counter rows are
    not held locked while the slow password hash is computed.
    """
    for key, limit in ((f"ip:{ip}", MAX_FAILURES_PER_IP), (f"email:{email}", MAX_FAILURES_PER_EMAIL)):
        attempts, window_started_at = _count_attempt(session, key[:400], now)
        if attempts > limit:
            return window_started_at + FAILURE_WINDOW - now
    return None


def _count_attempt(session: Session, key: str, now: datetime) -> tuple[int, datetime]:
    table = LoginThrottle.__table__
    expired = table.c.window_started_at <= now - FAILURE_WINDOW
    started = literal(now, UTCDateTime())  # typed, so it is stored as UTC like every other time
    statement = dialect_insert(session, table).values(key=key, window_started_at=now, attempts=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        # Both read the row as it was: an expired window starts over with this attempt.
        set_={
            "attempts": case((expired, 1), else_=table.c.attempts + 1),
            "window_started_at": case((expired, started), else_=table.c.window_started_at),
        },
    ).returning(table.c.attempts, table.c.window_started_at)
    attempts, window_started_at = session.execute(statement).one()
    return attempts, window_started_at


def forget_attempts(session: Session, email: str, ip: str, now: datetime) -> None:
    """A successful sign-in: the email starts afresh, and the address is not charged for it."""
    table = LoginThrottle.__table__
    # Rows in the order count_sign_in_attempt takes them (address, then email): no deadlock between the two.
    session.execute(update(table).where(table.c.key == f"ip:{ip}"[:400], table.c.attempts > 0).values(attempts=table.c.attempts - 1))
    session.execute(delete(table).where(table.c.key == f"email:{email}"[:400]))
    # Expired windows have done their job; keep the table small. Rows another sign-in holds
    # are skipped (PostgreSQL) rather than waited for: no lock cycles with concurrent counts.
    expired = select(table.c.key).where(table.c.window_started_at <= now - FAILURE_WINDOW).limit(1000)
    session.execute(delete(table).where(table.c.key.in_(expired.with_for_update(skip_locked=True))))

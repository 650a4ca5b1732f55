"""Profiles as tests need them."""
from __future__ import annotations

from app.models import Profile


def give_traits(db_session, monkeypatch, profile: Profile, traits: dict) -> None:
    """Set what a verified identify would have stored on the profile (``traits.first_name``...).

    The ``traits`` column arrives with the identity work (customer_sig); until
    it is on this branch, the profile's traits are patched onto the model for
    the test's duration (the live server runs in this process).
    """
    if "traits" in Profile.__table__.columns:
        profile.traits = {**(profile.traits or {}), **traits}
        db_session.commit()
        return
    known = {profile.id: dict(traits)}
    monkeypatch.setattr(Profile, "traits", property(lambda self: known.get(self.id, {})), raising=False)

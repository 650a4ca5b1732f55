"""How the recommender names shoppers and describes them: user keys, and their feature tokens at request time."""
from __future__ import annotations

from app.models import Profile
from app.recommender.serving import tokens


def user_key(profile_id: int) -> str:
    return f"p{profile_id}"


def guest_order_key(order_id: int) -> str:
    return f"o{order_id}"


def buyer_stage(order_count: int) -> str:
    """A coarse purchase stage as a model feature (the journey stages proper are their own module)."""
    if order_count == 0:
        return "browser"
    return "first_time_buyer" if order_count == 1 else "repeat_buyer"


def profile_tokens(profile: Profile | None, order_count: int) -> list[str]:
    """The same user tokens for a visitor at request time (a new visitor: whatever we know so far)."""
    if profile is None:
        return tokens.user_tokens(stage=buyer_stage(0))
    return tokens.user_tokens(
        country=profile.country, device=profile.device, source=profile.traffic_medium, stage=buyer_stage(order_count)
    )

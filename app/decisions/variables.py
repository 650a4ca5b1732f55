"""The {{variables}} a content block may use, as the decision fills them for one visitor."""
from __future__ import annotations

from app.models import Profile

MAX_NAME_LENGTH = 100


def first_name(profile: Profile | None) -> str:
    """The customer's first name from a verified identity's traits, else "" (the block then shows its fallback).

    ``traits`` holds only what a verified identify (or the shop platform, such
    as Shopify's customer record) stored; a first name merely claimed by a
    browser never gets there, so it is never shown back to anyone.
    """
    traits = getattr(profile, "traits", None) if profile is not None else None
    name = traits.get("first_name") if isinstance(traits, dict) else None
    return " ".join(name.split())[:MAX_NAME_LENGTH] if isinstance(name, str) else ""


def block_vars(profile: Profile | None, cart_count: int) -> dict:
    return {
        "first_name": first_name(profile),
        "customer_id": (profile.customer_id or "") if profile is not None else "",
        "cart_count": cart_count,
    }

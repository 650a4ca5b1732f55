"""Block variables: the first name only from what a verified identity stored on the profile."""
from __future__ import annotations

from app.decisions.variables import block_vars, first_name
from app.models import Profile


def profile_with(traits) -> Profile:
    profile = Profile(customer_id="C1")
    profile.traits = traits
    return profile


def test_the_first_name_comes_from_the_profiles_traits():
    assert first_name(profile_with({"first_name": "  Ada \n Mary "})) == "Ada Mary"
    assert block_vars(profile_with({"first_name": "Ada"}), 2) == {"first_name": "Ada", "customer_id": "C1", "cart_count": 2}


def test_no_name_or_no_profile_is_empty_so_the_block_shows_its_fallback():
    assert first_name(None) == ""
    assert first_name(Profile()) == ""
    assert first_name(profile_with({"first_name": 42})) == ""
    assert first_name(profile_with("Ada")) == ""

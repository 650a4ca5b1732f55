"""A block or slider is placed in a slot or at a selector, never both; only an explicit "replace" removes anything."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from app.schemas.rules import RuleSchema

BLOCK = {"kind": "block", "name": "b", "content": {"html": "<p>x</p>"}}


def load(**fields):
    return RuleSchema().load({**BLOCK, **fields})


def test_a_slot_and_a_selector_together_are_refused():
    with pytest.raises(ValidationError) as error:
        load(slot="home-hero", selector="article h1", mode="after")
    assert error.value.messages == {"selector": ["Choose a slot or a CSS selector, not both."]}


def test_a_placement_is_required_for_blocks_and_sliders():
    with pytest.raises(ValidationError) as error:
        RuleSchema().load({"kind": "slider", "name": "s", "content": {}})
    assert "slot" in error.value.messages


@pytest.mark.parametrize(("fields", "mode"), [
    ({"slot": "home-hero"}, "append"),
    ({"selector": "article h1"}, "after"),
    ({"selector": "article h1", "mode": "replace"}, "replace"),
    ({"slot": "home-hero", "mode": "replace"}, "replace"),
])
def test_the_mode_defaults_to_one_that_removes_nothing(fields, mode):
    assert load(**fields)["mode"] == mode


def test_a_slot_is_filled_from_inside():
    with pytest.raises(ValidationError) as error:
        load(slot="home-hero", mode="after")
    assert "mode" in error.value.messages


def test_a_pop_up_has_no_placement():
    data = RuleSchema().load({"kind": "popup", "name": "p", "content": {"headline": "Hi"}, "slot": "home-hero"})
    assert (data["slot"], data["selector"]) == (None, None)

"""Honest layout: how much space each slot keeps for its widget before the decision arrives.

The storefront script gets this with its config (inlined in the script, no
request), reserves the space as soon as it runs, so the page does not move
when the widget lands, and collapses a slot that gets nothing only where
that moves nothing the shopper sees (below the fold, or while the page is
hidden). Blocks reserve their rule's ``min_height`` (and ``min_height_mobile``
on phones, where text wraps more); sliders reserve SLIDER_HEIGHT, which
their clamped layout never exceeds (tests/browser/test_layout_shift.py
checks it), and show a skeleton meanwhile.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Rule

# A slider: heading row, then cards of a 180 px image, two lines of title, price and reason.
SLIDER_HEIGHT = 320
QUICK_ADD_HEIGHT = 40  # the "Add to cart" button under each card


def slider_height(content: dict) -> int:
    return SLIDER_HEIGHT + (QUICK_ADD_HEIGHT if content.get("quick_add") else 0)


def reserved_space(session: Session, shop_id: int) -> dict[str, list[int]]:
    """``{slot: [height, height on phones, 1 if a slider may fill it else 0]}`` for the shop's enabled slot widgets.

    The largest of the rules that may fill a slot: a shorter widget leaves
    some blank space, never a shift.
    """
    rows = session.execute(
        select(Rule.slot, Rule.kind, Rule.content).where(
            Rule.shop_id == shop_id, Rule.enabled.is_(True), Rule.kind.in_(("block", "slider")), Rule.slot.is_not(None)
        )
    )
    reserved: dict[str, list[int]] = {}
    for slot, kind, content in rows:
        content = content or {}
        if kind == "slider":
            wide = narrow = slider_height(content)
        else:
            wide = int(content.get("min_height") or 0)
            narrow = int(content.get("min_height_mobile") or wide)
        current = reserved.setdefault(slot, [0, 0, 0])
        current[0], current[1] = max(current[0], wide), max(current[1], narrow)
        current[2] = current[2] or int(kind == "slider")
    return {slot: space for slot, space in sorted(reserved.items()) if space[0] or space[1]}


PHONE_MEDIA = "(max-width: 599px)"
SLOT_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")


def reservation_css(reserved: dict[str, list[int]]) -> str:
    """The same reservations as a stylesheet for the merchant's theme (the Install page gives it to copy).

    The script reserves the space as soon as it runs, but an async script may
    run after the page's first paint; a theme stylesheet is there from the
    start. ``:not([data-p13n-empty])`` lets the script give the space back
    where a slot gets nothing.
    """
    wide, narrow = [], []
    for slot, (height, phone_height, _slider) in reserved.items():
        if not SLOT_NAME.fullmatch(slot):
            continue  # validated on save; never let anything else into a stylesheet
        selector = f'[data-p13n-slot="{slot}"]:not([data-p13n-empty])'
        wide.append(f"{selector} {{ min-height: {height}px; }}")
        if phone_height != height:
            narrow.append(f"  {selector} {{ min-height: {phone_height}px; }}")
    if narrow:
        wide += [f"@media {PHONE_MEDIA} {{", *narrow, "}"]
    return "\n".join(wide)

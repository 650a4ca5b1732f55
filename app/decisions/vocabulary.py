"""The words a rule is written in: which pages it may target, and how its widget is placed in the page.

Defined here, beside the code that gives them meaning (``targeting.page_kind``
tells the page kinds apart; the storefront script places a widget by mode),
so the schemas at the edge and the settings UI import them rather than
keeping copies that could drift.
"""
from __future__ import annotations

PAGE_KINDS = ("home", "product", "collection", "cart", "order", "search", "other")  # order: confirmation / thank-you / order status
# Where a widget goes relative to its target element. Only "replace" removes
# anything, and only what the target held: it is never a default.
MODES = ("after", "before", "append", "prepend", "replace")
# A slot is the merchant's placeholder for us: it is filled from inside.
SLOT_MODES = ("append", "prepend", "replace")
# What a placement gets when the merchant names no mode: nothing of theirs is removed.
DEFAULT_SLOT_MODE = "append"
DEFAULT_SELECTOR_MODE = "after"


def default_mode(slot: str | None) -> str:
    return DEFAULT_SLOT_MODE if slot else DEFAULT_SELECTOR_MODE

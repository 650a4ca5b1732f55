"""The words a rule is written in: which pages it may target, and how its widget is placed in the page.

Defined here, beside the code that gives them meaning (``targeting.page_kind``
tells the page kinds apart; the storefront script places a widget by mode),
so the schemas at the edge and the settings UI import them rather than
keeping copies that could drift.
"""
from __future__ import annotations

PAGE_KINDS = ("home", "product", "collection", "cart", "search", "other")
# Where a widget goes relative to its selector's element (a slot is always replaced).
MODES = ("replace", "prepend", "append", "before", "after")

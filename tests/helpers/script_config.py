"""Reading the shop's config back out of the served storefront script."""
from __future__ import annotations

import json


def inlined_config(body: str) -> dict:
    """The config object as inlined (sorted keys, so it starts with "api"), read as JSON whatever it holds."""
    start = body.find('{"api":')
    assert start >= 0, "the shop's config is inlined into the script"
    return json.JSONDecoder().raw_decode(body, start)[0]

"""GET /v1/decide: one widget per slot, and one on each side of a selector's element."""
from __future__ import annotations

from tests.helpers.rules import make_rule


def test_one_block_per_slot_but_one_per_side_of_a_selector(client, db_session, make_shop):
    shop, _ = make_shop(settings={"holdout_percent": 0})
    make_rule(db_session, shop, "block", name="top", priority=3, slot="hero")
    make_rule(db_session, shop, "block", name="lower", priority=2, slot="hero", mode="replace")
    after = make_rule(db_session, shop, "block", name="after", slot=None, selector="h1", mode="after")
    before = make_rule(db_session, shop, "block", name="before", slot=None, selector="h1", mode="before")
    answer = client.get("/v1/decide", query_string={"key": shop.public_key, "url": "https://shop.example/"}).get_json()
    in_slot = [block["rule_id"] for block in answer["blocks"] if block["slot"] == "hero"]
    by_selector = {(block["selector"], block["mode"], block["rule_id"]) for block in answer["blocks"] if block["selector"]}
    assert len(in_slot) == 1 and len(answer["blocks"]) == 3
    assert by_selector == {("h1", "after", after.id), ("h1", "before", before.id)}

"""Journey stages now and the stage-to-stage moves of the last week, rebuilt from real events and orders."""
from __future__ import annotations

import re
from datetime import timedelta

from app.clock import utcnow
from app.journey.moves import stage_moves
from tests.helpers.events import event
from tests.helpers.journey import build_week, track


def test_stage_moves_rebuild_the_stage_a_week_ago(db_session, make_shop):
    shop, _ = make_shop("A")
    now = utcnow()
    build_week(db_session, shop, now)
    other, _ = make_shop("B")
    build_week(db_session, other, now)

    moves = stage_moves(db_session, shop.id, now)
    got = {(before, after): row[after] for before, row in moves.moves.items() for after in row if row[after]}
    assert got == {
        ("new_visitor", "new_visitor"): 1,            # a: one visit, nothing since
        ("new_visitor", "returning_browser"): 1,      # b: came back two days ago
        ("cart_builder", "first_time_buyer"): 1,      # c: bought yesterday what was in the cart
        (None, "new_visitor"): 1,                     # d: first seen yesterday
        ("lapsed", "lapsed"): 1,                      # E: three orders, none for 300 days
        ("first_time_buyer", "lapsed"): 1,            # F: crossed 120 days without an order this week
        ("returning_browser", "returning_browser"): 1,  # h: emptied the cart the day after filling it
    }, "the merged tombstone G and the other shop count nowhere"
    assert moves.now_counts()["lapsed"] == 2 and sum(moves.now_counts().values()) == 7


def week_ago(now) -> str:
    return (now - timedelta(days=7)).date().isoformat()


def test_the_journey_page_shows_counts_and_the_move_matrix(signed_in, db_session, make_shop):
    now = utcnow()
    build_week(db_session, signed_in.shop, now)
    other, _ = make_shop("Other", "other.example")
    build_week(db_session, other, now)
    track(db_session, other, now - timedelta(hours=1), *[event("page_view", f"x{n}") for n in range(5)])

    response = signed_in.get(f"/settings/journey?from={week_ago(now)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'style="' not in html
    counts = dict(re.findall(r'id="now-(\w+)">([\d,]+)<', html))
    assert counts == {"new_visitor": "2", "returning_browser": "2", "cart_builder": "0", "first_time_buyer": "1", "loyal": "0", "lapsed": "2", "won_back": "0"}
    cell = lambda before, after: re.search(  # noqa: E731
        rf'<td class="num([^"]*)" data-from="{before}" data-to="{after}">(?:<a href="[^"]+">)?([^<]+)<', html).groups()
    assert cell("cart_builder", "first_time_buyer") == (" moved", "1")
    assert cell("lapsed", "lapsed") == (" stayed", "1")
    assert cell("loyal", "loyal") == (" stayed", "·")
    assert cell("new", "new_visitor") == (" moved", "1")
    assert "Not seen yet" in html and "lapsed after 120 days" in html
    assert html.count('class="chart sankey sankey-wide"') == 1 and html.count('class="chart sankey sankey-narrow"') == 1


def test_thresholds_come_from_the_shop_settings(signed_in, db_session):
    signed_in.shop.settings = {**(signed_in.shop.settings or {}), "journey": {"lapsed_days": 500}}
    db_session.commit()
    build_week(db_session, signed_in.shop, utcnow())
    html = signed_in.get("/settings/journey").get_data(as_text=True)
    assert re.search(r'id="now-lapsed">0<', html) and "lapsed after 500 days" in html


def test_signed_out_requests_go_to_the_login(app):
    response = app.test_client().get("/settings/journey")
    assert response.status_code == 302 and response.headers["Location"].startswith("/settings/login")

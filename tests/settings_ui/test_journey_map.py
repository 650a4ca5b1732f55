"""The journey map: every count on the Journey page opens the segment of exactly those shoppers, live."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import RequestFacts, ingest_batch
from app.models import Segment
from tests.helpers.events import event
from tests.helpers.journey import build_week, landing_count, segment_links

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0"


def varied_week(db_session, shop, now):
    """build_week's shoppers plus some from search, social and email, on phones and desktops."""
    build_week(db_session, shop, now)
    for n, (source, agent) in enumerate([("google", PHONE), ("facebook", PHONE), ("newsletter", DESKTOP), ("google", DESKTOP), ("bing", DESKTOP)]):
        visitor = f"s{n}"
        seen, carted = now - timedelta(days=12), now - timedelta(days=3)
        ingest_batch(db_session, shop.id, [event("page_view", visitor, url=f"https://shop.example/?utm_source={source}", ts=seen.isoformat())],
                     sent_at=None, received_at=seen, facts=RequestFacts(user_agent=agent))
        if n % 2 == 0:
            ingest_batch(db_session, shop.id, [event("add_to_cart", visitor, product_id="P1", ts=carted.isoformat())],
                         sent_at=None, received_at=carted, facts=RequestFacts(user_agent=agent))
    db_session.commit()


@pytest.mark.parametrize("period", ["ends now", "ended"])
def test_every_count_on_the_journey_page_lands_on_a_segment_with_that_live_count(signed_in, db_session, make_shop, period):
    now = utcnow()
    varied_week(db_session, signed_in.shop, now)
    other, _ = make_shop("Other", "other.example")
    varied_week(db_session, other, now)
    start = (now - timedelta(days=8)).date()
    end = now.date() if period == "ends now" else (now - timedelta(days=2)).date()
    html = signed_in.get(f"/settings/journey?from={start}&to={end}&stall=5").get_data(as_text=True)

    links = segment_links(html)
    assert len(links) > 40, "cards, diagram bands and stages, matrix, stalls and conversion cells all link"
    assert any(count for _, count in links)
    checked = {}
    for href, shown in links:
        if href in checked:
            assert checked[href] == shown, f"one segment, one count: {href}"
            continue
        page = signed_in.get(href)
        assert page.status_code == 200, href
        assert landing_count(page.get_data(as_text=True)) == shown, unescape(href)
        checked[href] = shown
    assert db_session.scalar(select(Segment)) is None, "following a link saves nothing"


def test_a_saved_segment_is_opened_rather_than_offered_again(signed_in, db_session):
    now = utcnow()
    build_week(db_session, signed_in.shop, now)
    html = signed_in.get(f"/settings/journey?from={(now - timedelta(days=7)).date()}").get_data(as_text=True)
    href = unescape(re.search(r'data-from="cart_builder" data-to="first_time_buyer"><a href="([^"]+)"', html).group(1))
    form = dict(parse_qsl(urlsplit(href).query))
    assert form["conditions.0.when"].endswith("T00:00") and "conditions.1.when" not in form, "from a moment to now"
    saved = signed_in.post("/settings/segments/new", form)
    assert saved.status_code == 302
    segment = db_session.scalar(select(Segment))
    assert segment.conditions[0] == {"field": "stage", "op": "eq", "value": "cart_builder", "as_of": form["conditions.0.when"] + ":00+00:00"}

    opened = signed_in.get(href)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/settings/segments/{segment.id}"
    assert landing_count(signed_in.get(opened.headers["Location"]).get_data(as_text=True)) == 1


def test_stalls_count_shoppers_still_in_their_stage_after_n_days(signed_in, db_session):
    now = utcnow()
    build_week(db_session, signed_in.shop, now)
    html = signed_in.get(f"/settings/journey?from={(now - timedelta(days=7)).date()}&stall=7").get_data(as_text=True)
    stalled = dict(re.findall(r'data-stalled="(\w+)">([\d,]+)<', html))
    # a: one visit 10 days ago; E: lapsed for months; h: a returning browser since the cart was emptied 9 days ago.
    assert stalled == {"new_visitor": "1", "lapsed": "1", "returning_browser": "1"}


def test_a_bad_period_or_stall_is_a_400_naming_the_field(signed_in):
    response = signed_in.get("/settings/journey?from=2026-13-01&stall=0")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="from-error"' in html and 'id="stall-error"' in html
    assert 'id="now-new_visitor"' in html, "the stage counts still show"

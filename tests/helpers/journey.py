"""A week of journeys through the real ingest and order code, and reading the Journey page as a merchant
clicks it: every count that links to the segment of its shoppers."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import Profile
from tests.helpers.events import event
from tests.helpers.stats_history import profile_of

_COUNT_LINK = re.compile(r'<a href="(/settings/segments/new\?[^"]+)"[^>]*>([\d,]+)</a>')
_DIAGRAM_LINK = re.compile(r'<a class="(?:band|node)-link" href="(/settings/segments/new\?[^"]+)" aria-label="[^"]*: ([\d,]+) shoppers">')


def segment_links(html: str) -> list[tuple[str, int]]:
    """(address, count shown) of every linked count: table cells, cards, and the diagram's bands and stages."""
    found = _COUNT_LINK.findall(html) + _DIAGRAM_LINK.findall(html)
    return [(unescape(href), int(count.replace(",", ""))) for href, count in found]


def landing_count(page_html: str) -> int:
    match = re.search(r'id="segment-count-value">([\d,]+)<', page_html)
    assert match, "the segment page shows its live count"
    return int(match.group(1).replace(",", ""))


def track(db_session, shop, at, *events):
    ingest_batch(db_session, shop.id, [dict(e, ts=at.isoformat()) for e in events], sent_at=None, received_at=at)
    db_session.commit()


def buy(db_session, shop, profile_id, at, total="25.00"):
    store_new_orders(db_session, shop.id, [OrderData(f"O-{profile_id}-{at.timestamp()}", at, None, profile_id, total=Decimal(total))], "import")
    db_session.commit()


def customer(db_session, shop, name, first_seen):
    profile = Profile(shop_id=shop.id, customer_id=name, first_seen_at=first_seen, last_seen_at=first_seen, session_count=0)
    db_session.add(profile)
    db_session.commit()
    return profile


def build_week(db_session, shop, now):
    """One shopper per kind of move (the letters name them)."""
    ago = lambda **kw: now - timedelta(**kw)  # noqa: E731
    track(db_session, shop, ago(days=10), *[event("page_view", v) for v in ("a", "b", "c", "h")],
          event("add_to_cart", "c", product_id="P1"), event("add_to_cart", "h", product_id="P1", props={"quantity": 2}))
    track(db_session, shop, ago(days=9), event("remove_from_cart", "h", product_id="P1", props={"quantity": 2}))
    track(db_session, shop, ago(days=2), event("page_view", "b"))
    track(db_session, shop, ago(days=1), event("page_view", "d"))
    buy(db_session, shop, profile_of(db_session, shop, "c"), ago(days=1))
    loyal_lapsed = customer(db_session, shop, "E", ago(days=400))
    for n in range(3):
        buy(db_session, shop, loyal_lapsed.id, ago(days=300 - n))
    lapsing = customer(db_session, shop, "F", ago(days=125))
    buy(db_session, shop, lapsing.id, ago(days=125))
    tombstone = customer(db_session, shop, "G", ago(days=30))
    tombstone.merged_into_id = loyal_lapsed.id
    db_session.commit()

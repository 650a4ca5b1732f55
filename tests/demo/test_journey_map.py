"""The journey map on the demo store's own data (the shipped slice of UCI Online Retail): it renders,
and a click on a count lands on the segment of those shoppers with the same live count."""
from __future__ import annotations

import re
from itertools import islice

from flask import current_app

from app.demo.seed import DEMO_DOMAIN, DEMO_NAME, DEMO_SETTINGS, ORDERS_FILE
from app.importers import orders as order_import
from app.importers.reading import read_rows
from app.merchant_auth.accounts import create_user
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop
from tests.helpers.journey import landing_count, segment_links
from tests.helpers.settings_ui import PASSWORD, SignedIn, sign_in

LINES = 60_000  # the first ten weeks of the history: customers who order twice, three times, and lapse


def test_the_journey_map_of_the_demo_history_renders_and_its_counts_open_their_segments(client, db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB", settings={**DEMO_SETTINGS, "journey": {"lapsed_days": 60}},
                          box=box_for(current_app, IDENTITY_SECRETS))
    report = order_import.import_orders(db_session, shop.id, islice(read_rows(ORDERS_FILE, "csv", order_import.REQUIRED_CSV_COLUMNS), LINES))
    create_user(db_session, shop.id, "merchant@demo-store.localhost", PASSWORD)
    db_session.commit()
    assert report.problems == [] and report.imported > 2000
    assert sign_in(client, "merchant@demo-store.localhost", PASSWORD).status_code == 302
    merchant = SignedIn(client, shop)

    # Without a period, a shop whose history ended long ago sees the 30 days up to its last order.
    default = merchant.get("/settings/journey").get_data(as_text=True)
    assert "up to your latest recorded activity" in default and 'name="to" value="2011-' in default

    html = merchant.get("/settings/journey?from=2011-01-01&to=2011-02-15&stall=30").get_data(as_text=True)
    bands = re.findall(r'<a class="band-link" href="[^"]+" aria-label="([^"]+): ([\d,]+) shoppers">', html)
    moved = {label for label, _ in bands}
    assert {"First-time buyer → Repeat / loyal buyer", "Not seen yet → First-time buyer", "First-time buyer → Lapsed customer"} <= moved, moved
    assert sum(int(count.replace(",", "")) for _, count in bands) > 1000

    links = dict(segment_links(html))
    repeat = next(href for href, count in links.items() if "first_time_buyer" in href and "loyal" in href and count)
    for href in [repeat, *list(links)[:12]]:
        assert landing_count(merchant.get(href).get_data(as_text=True)) == links[href], href

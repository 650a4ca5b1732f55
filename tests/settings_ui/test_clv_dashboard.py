"""The dashboard's uplift by CLV band, from the stats report."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import Profile, VisitorId
from tests.helpers.events import event


def test_the_dashboard_shows_uplift_per_clv_band(signed_in, client, db_session):
    shop = signed_in.shop
    shop.settings = {**(shop.settings or {}), "holdout_percent": 0}
    db_session.commit()
    now = utcnow()
    visitors = ["top-1", "top-2", "low-1"]
    ingest_batch(db_session, shop.id, [event("page_view", v, ts=(now - timedelta(hours=2)).isoformat()) for v in visitors],
                 sent_at=None, received_at=now)
    db_session.commit()
    for visitor in visitors:
        client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": visitor})
    profile_of = dict(db_session.execute(select(VisitorId.visitor_id, VisitorId.profile_id)).all())
    for visitor, percentile in (("top-1", 97.0), ("top-2", 91.0), ("low-1", 12.0)):
        db_session.get(Profile, profile_of[visitor]).clv_percentile = percentile
    store_new_orders(db_session, shop.id, [OrderData("O1", now - timedelta(hours=1), None, profile_of["top-1"], total=Decimal(9))], "storefront")
    db_session.commit()

    html = signed_in.get("/settings/dashboard").get_data(as_text=True)
    section = html[html.index('id="clv-bands"'):]
    section = section[: section.index("</section>")]
    top = section[section.index('id="clv-band-top_10"'):]
    assert re.search(r'Top 10% predicted CLV</th>\s*<td class="num">2</td><td class="num">0</td>\s*<td class="num">50.0%</td>', top)
    assert re.search(r'id="clv-band-bottom_50"><th scope="row">Bottom 50%</th>\s*<td class="num">1</td>', section)
    assert 'id="clv-band-unknown"' in section and 'style="' not in section

"""Three days of a shop's widget history, written through the real ingest and order code."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import GLOBAL_HOLDOUT, Assignment, VisitorId
from tests.helpers.events import event
from tests.helpers.rules import make_rule


def track(db_session, shop, at, *events):
    """Events as the script sends them, received at ``at``."""
    ingest_batch(db_session, shop.id, [dict(e, ts=at.isoformat()) for e in events], sent_at=None, received_at=at)
    db_session.commit()


def profile_of(db_session, shop, visitor):
    return db_session.scalar(select(VisitorId.profile_id).where(VisitorId.shop_id == shop.id, VisitorId.visitor_id == visitor))


def order(db_session, shop, visitor, at, total):
    store_new_orders(db_session, shop.id, [OrderData(f"O-{visitor}-{at.isoformat()}", at, None, profile_of(db_session, shop, visitor),
                                                     total=Decimal(total))], "storefront")
    db_session.commit()


def assign(db_session, shop, visitor, arm, at, resolved=True):
    db_session.add(Assignment(shop_id=shop.id, experiment_key=GLOBAL_HOLDOUT, unit_id=f"v:{visitor}", arm=arm, assigned_at=at,
                              profile_id=profile_of(db_session, shop, visitor) if resolved else None))
    db_session.commit()


def three_days_ago():
    """Midnight UTC three days ago: the first day of the history below."""
    return datetime.combine(utcnow().date() - timedelta(days=3), time(), UTC)


def build_history(db_session, shop, day0):
    """Three days: clicks and views that earn purchases, a pop-up sign-up, an unattributed order, both holdout arms."""
    slider = make_rule(db_session, shop, "slider", name="Picked for you")
    popup = make_rule(db_session, shop, "popup", name="Exit offer")
    shown = {"rule_id": slider.id, "decision_id": "dc_1", "widget": "slider"}
    track(db_session, shop, day0 + timedelta(hours=9), *[event("page_view", f"v{n}") for n in range(1, 7)])
    track(db_session, shop, day0 + timedelta(hours=10), *[event("widget_impression", v, props=shown) for v in ("v1", "v2")],
          *[event("widget_click", v, props=shown, product_id="P1") for v in ("v1", "v2")])
    track(db_session, shop, day0 + timedelta(hours=22), event("widget_impression", "v3", props=shown))
    order(db_session, shop, "v1", day0 + timedelta(hours=10, minutes=20), "20.00")  # click-through, day 0
    order(db_session, shop, "v3", day0 + timedelta(days=1, hours=2), "15.50")  # view-through, day 1
    track(db_session, shop, day0 + timedelta(days=1, hours=5), event("popup_submit", "v4", props={"rule_id": popup.id, "decision_id": "dc_2"}))
    order(db_session, shop, "v5", day0 + timedelta(days=2, hours=3), "99.00")  # held out: no widget, credited to none
    for visitor in ("v1", "v2", "v3"):
        assign(db_session, shop, visitor, "personalized", day0 + timedelta(hours=8))
    assign(db_session, shop, "v4", "personalized", day0 + timedelta(hours=8), resolved=False)
    assign(db_session, shop, "v5", "holdout", day0 + timedelta(hours=8))
    assign(db_session, shop, "v6", "holdout", day0 + timedelta(days=2, hours=1))
    return slider, popup

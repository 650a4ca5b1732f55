"""Replaying a real order history (UCI Online Retail, from ../shared/datasets) through the importer:
where every customer ends up in the journey."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from app.demo import make_slice
from app.importers import orders as order_import
from app.importers.reading import read_rows
from app.journey.facts import journey_facts
from app.journey.stages import STAGES, stage_for
from app.models import Order, Profile


def test_replayed_online_retail_customers_spread_over_the_buyer_stages(db_session, make_shop, shared_datasets, tmp_path):
    cleaned = make_slice.clean(shared_datasets / "uci-online-retail" / "online_retail_by_day_concat.csv.gz")
    orders_file = tmp_path / "orders.csv.gz"
    orders_file.write_bytes(make_slice.build(cleaned, make_slice.BUCKETS).orders)
    shop, _ = make_shop("Online Retail")
    report = order_import.import_orders(db_session, shop.id, read_rows(orders_file, "csv", order_import.REQUIRED_CSV_COLUMNS))
    db_session.commit()
    assert report.problems == []

    end_of_data = db_session.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop.id)) + timedelta(days=1)
    profiles = db_session.scalars(select(Profile).where(Profile.shop_id == shop.id)).all()
    stages = Counter(stage_for(journey_facts(profile), end_of_data) for profile in profiles)
    print("\nOnline Retail customers by journey stage at", end_of_data.date(), dict(sorted(stages.items())))

    assert sum(stages.values()) == len(profiles) == 4334
    assert set(stages) <= set(STAGES) and not {"new_visitor", "returning_browser", "cart_builder"} & set(stages)
    # The traits kept incrementally on each profile agree with a recount from the orders.
    recount = dict(db_session.execute(
        select(Order.profile_id, func.count()).where(Order.shop_id == shop.id, Order.profile_id.is_not(None)).group_by(Order.profile_id)
    ).all())
    assert all(profile.order_count == recount[profile.id] for profile in profiles)
    assert stages["loyal"] > 0 and stages["first_time_buyer"] > 0 and stages["lapsed"] > 0

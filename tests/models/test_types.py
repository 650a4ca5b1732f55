"""Column types and SQL expressions shared by the models, on the test database's backend."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Order
from app.models.types import epoch_seconds


@pytest.mark.parametrize("placed_at", [
    datetime(2026, 12, 2, 7, 37, 24, 566422, tzinfo=UTC),
    datetime(1999, 1, 1, tzinfo=UTC),
    datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),  # past 32-bit seconds
])
def test_epoch_seconds_is_the_stored_utc_time_as_unix_seconds(db_session, make_shop, placed_at):
    shop, _ = make_shop()
    db_session.add(Order(shop_id=shop.id, external_id="o1", placed_at=placed_at, total=Decimal("9.50"), source="import"))
    db_session.commit()
    seconds = db_session.scalar(select(epoch_seconds(Order.placed_at)).where(Order.shop_id == shop.id))
    assert isinstance(seconds, float)
    assert seconds == pytest.approx(placed_at.timestamp(), abs=1e-3)

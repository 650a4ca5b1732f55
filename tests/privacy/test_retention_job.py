"""The daily retention purge: queued once a day per shop with a period, whichever worker asks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.clock import utcnow
from app.jobs.kinds import PURGE_EXPIRED
from app.models import Job
from app.privacy.retention_job import schedule_daily_purges


def test_workers_queue_one_retention_purge_a_day_per_shop_with_a_period(db_session, make_shop):
    keeping, _ = make_shop("Keeps 30 days", settings={"retention_days": 30})
    make_shop("Keeps everything")
    assert schedule_daily_purges(db_session) == 1
    assert schedule_daily_purges(db_session) == 0, "not twice in a day, whichever worker asks"
    db_session.execute(Job.__table__.update().values(status="done"))
    db_session.commit()
    assert schedule_daily_purges(db_session, now=utcnow() + timedelta(days=1, minutes=1)) == 1
    assert db_session.scalars(select(Job.shop_id).where(Job.kind == PURGE_EXPIRED)).all() == [keeping.id, keeping.id]

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base
from app.models.mixins import TimestampMixin
from app.models.types import UTCDateTime

JOB_STATUSES = ("queued", "running", "done", "failed")
ACTIVE_STATUSES = ("queued", "running")
ACTIVE_WHERE = text("status IN ('queued', 'running')")


class Job(TimestampMixin, Base):
    """The durable record of one piece of background work (training, a Shopify sync, a webhook, a purge).

    The task queue (huey, app/tasks.py) only carries the job's id; status,
    progress and errors live here, so the settings UI and the admin API on
    any machine show the same thing, and they outlive the queue's storage.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_shop_kind_created", "shop_id", "kind", "created_at"),
        # The sweep for jobs whose worker died: active jobs by how long ago they last moved.
        Index("ix_jobs_status_updated", "status", "updated_at"),
        # At most one queued or running job per key ("train:12"): a second retrain returns the first.
        Index("uq_jobs_one_active_per_key", "singleton_key", unique=True,
              sqlite_where=ACTIVE_WHERE, postgresql_where=ACTIVE_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # What a long job has done so far, shown in the settings UI ({"done": 120, "total": 500, "message": ...}).
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    singleton_key: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched by every status change, progress report and the running worker's heartbeat.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

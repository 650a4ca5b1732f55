from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.mixins import ShopOwned, TimestampMixin
from app.models.types import BigIntPK


class SurveyAnswer(ShopOwned, TimestampMixin, Base):
    """One shopper's answer to a survey pop-up (NPS 0-10 or CSAT 1-5), with who they were when they answered.

    ``stage`` and ``clv_band`` are kept as they were at answer time (and the
    segments in SurveyAnswerSegment): the dashboard reads satisfaction by
    where shoppers were then, not by where they have moved since.
    ``comment`` is the shopper's free text: shown only as text, exported
    only with spreadsheet formulas neutralised.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_shop_created", "shop_id", "created_at"),
        Index("ix_survey_answers_shop_rule_profile", "shop_id", "rule_id", "profile_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8))  # app/surveys/vocabulary.py: SURVEY_KINDS
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"), index=True)
    visitor_id: Mapped[str | None] = mapped_column(String(64))
    decision_id: Mapped[str | None] = mapped_column(String(64))
    variant: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[str | None] = mapped_column(String(32))
    clv_band: Mapped[str] = mapped_column(String(16))


class SurveyAnswerSegment(ShopOwned, Base):
    """A segment the shopper matched when they answered (one row per answer and segment)."""

    __tablename__ = "survey_answer_segments"
    __table_args__ = (Index("ix_survey_answer_segments_segment", "segment_id", "answer_id"),)

    answer_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("survey_answers.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[int] = mapped_column(Integer, ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)

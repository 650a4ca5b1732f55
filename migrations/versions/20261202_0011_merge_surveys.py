"""merge the survey answers (survey_0010) with the verified identity line (0010), written in parallel

Revision ID: merge_surveys_0011
Revises: 0010, survey_0010
Create Date: 2026-12-02 05:30:00
"""
from __future__ import annotations

revision = 'merge_surveys_0011'
down_revision = ('0010', 'survey_0010')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

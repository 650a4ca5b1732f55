"""The journey page: how many shoppers are in each stage now, and how they moved over the last week."""
from __future__ import annotations

from flask import g, render_template

from app import db
from app.clock import utcnow
from app.journey.moves import stage_moves
from app.journey.stages import STAGES, StageThresholds
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.labels import STAGE_LABELS as STAGE_LABEL_WORDS

DAYS = 7
STAGE_LABELS = {**STAGE_LABEL_WORDS, None: "Not seen yet"}


@blueprint.get("/journey")
@login_required
def journey():
    thresholds = StageThresholds.from_settings(g.shop.settings)
    moves = stage_moves(db.session(), g.shop.id, utcnow(), DAYS, thresholds)
    now_counts = moves.now_counts()
    total = sum(now_counts.values())
    # Rows: every stage a week ago, then the newcomers (first seen since), which have no stage then.
    return render_template(
        "settings/journey.html", stages=STAGES, labels=STAGE_LABELS, moves=moves, now_counts=now_counts, total=total,
        then_counts=moves.then_counts(), rows=[*STAGES, None], days=DAYS, thresholds=thresholds,
    )

"""How many visitors and days a holdout test needs, by the standard two-proportion formula."""
from __future__ import annotations

import pytest

from app.experiments.sample_size import plan, visitors_needed


def test_equal_arms_match_the_textbook_figure():
    # 5% vs 5.5% at alpha 0.05 two-sided and 80% power: 31,231 per arm (unpooled variance).
    assert visitors_needed(0.05, 0.10, 0.5) == pytest.approx(2 * 31_231, abs=2)


def test_a_small_holdout_needs_many_more_visitors():
    assert visitors_needed(0.05, 0.10, 0.05) > 5 * visitors_needed(0.05, 0.10, 0.5)
    assert visitors_needed(0.05, 0.20, 0.05) < visitors_needed(0.05, 0.10, 0.05) / 3


def test_no_holdout_or_no_conversions_never_concludes():
    assert visitors_needed(0.05, 0.10, 0.0) is None
    assert visitors_needed(0.0, 0.10, 0.1) is None
    assert plan(0, 0.1, 0.05, 100).days_needed is None
    assert plan(10, 0.1, None, 100).days_needed is None


def test_days_follow_from_the_shops_traffic():
    needed = plan(10, 0.10, 0.05, 500)
    assert needed.days_needed == -(-needed.visitors_needed // 500)
    assert plan(10, 0.10, 0.05, 0).days_needed is None

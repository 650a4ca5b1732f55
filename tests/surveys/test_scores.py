"""NPS and CSAT with their intervals: the published formulas by hand, and coverage by simulation."""
from __future__ import annotations

import math

import numpy as np
import pytest

from app.surveys.scores import csat, nps, wilson


def test_nps_is_promoters_minus_detractors_with_the_adjusted_wald_interval():
    counts = {10: 30, 9: 20, 8: 15, 7: 10, 6: 10, 3: 10, 0: 5}  # 50 promoters, 25 passives, 25 detractors of 100
    score = nps(counts)
    assert score.value == pytest.approx(25.0) and score.answers == 100
    assert score.shares == {"promoters": 0.5, "passives": 0.25, "detractors": 0.25}
    p, d = 50.75 / 103, 25.75 / 103  # three pseudo-answers: 3/4 promoter, 3/4 detractor
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / 103)
    assert (score.low, score.high) == pytest.approx((100 * (p - d - half), 100 * (p - d + half)))
    assert 8 < score.low < 25 < score.high < 41


def test_all_promoters_still_get_an_interval_inside_the_scale():
    score = nps({10: 12})
    assert score.value == 100 and score.high == 100 and 50 < score.low < 100, "the plain Wald interval would be [100, 100]"
    assert nps({}).value is None and nps({}).answers == 0


def test_csat_is_the_share_of_4_and_5_with_the_wilson_interval():
    score = csat({5: 40, 4: 20, 3: 10, 2: 5, 1: 5})
    assert score.value == pytest.approx(0.75) and score.shares["dissatisfied"] == pytest.approx(0.125)
    # Wilson (1927) for 60 of 80, by hand.
    z, n, p = 1.959963984540054, 80, 0.75
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (score.low, score.high) == pytest.approx((centre - half, centre + half))
    assert wilson(0, 10)[0] == 0 and wilson(10, 10)[1] == pytest.approx(1)


@pytest.mark.parametrize("shares, n", [((0.6, 0.3, 0.1), 40), ((0.2, 0.3, 0.5), 25), ((0.35, 0.45, 0.2), 200)])
def test_the_nps_interval_covers_the_true_score_about_95_times_in_100(shares, n):
    rng = np.random.default_rng(7)
    truth = 100 * (shares[0] - shares[2])
    covered = 0
    draws = 2000
    for promoters, passives, detractors in rng.multinomial(n, shares, size=draws):
        score = nps({10: int(promoters), 8: int(passives), 0: int(detractors)})
        covered += score.low <= truth <= score.high
    assert 0.93 <= covered / draws <= 0.975, covered / draws


def test_the_csat_interval_covers_the_true_share_about_95_times_in_100():
    rng = np.random.default_rng(11)
    covered = sum(wilson(int(k), 30)[0] <= 0.85 <= wilson(int(k), 30)[1] for k in rng.binomial(30, 0.85, size=3000))
    assert 0.93 <= covered / 3000 <= 0.975

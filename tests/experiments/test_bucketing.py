from collections import Counter

import numpy as np
import pytest

from app.experiments.bucketing import assign, in_global_holdout, unit_float

UNITS = [f"v:{n}" for n in range(100_000)]


def test_observed_split_is_within_one_point_of_the_weights():
    arms = [("A", 5), ("B", 3), ("C", 2)]
    counts = Counter(assign(unit, "experiment:7", arms, holdout=0.1) for unit in UNITS)
    share = {arm: count / len(UNITS) for arm, count in counts.items()}
    assert abs(share["holdout"] - 0.10) < 0.01
    for arm, expected in (("A", 0.45), ("B", 0.27), ("C", 0.18)):
        assert abs(share[arm] - expected) < 0.01, (arm, share[arm])
    held = sum(in_global_holdout(unit, "pk_shop", 5) for unit in UNITS) / len(UNITS)
    assert abs(held - 0.05) < 0.01


def test_the_same_unit_always_gets_the_same_arm_and_experiments_are_independent():
    arms = [("A", 1), ("B", 1)]
    first = [assign(unit, "experiment:1", arms) for unit in UNITS[:20_000]]
    assert first == [assign(unit, "experiment:1", arms) for unit in UNITS[:20_000]]
    second = [assign(unit, "experiment:2", arms) for unit in UNITS[:20_000]]
    correlation = np.corrcoef([a == "A" for a in first], [b == "A" for b in second])[0, 1]
    assert abs(correlation) < 0.03


def test_known_assignments_stay_put():
    # Pinned: a change of hash would silently reshuffle every running experiment.
    arms = [("A", 1), ("B", 1)]
    units = ("v:alice", "c:1001", "v:zed", "v:bob", "v:carol")
    assert [assign(unit, "experiment:42", arms, 0.2) for unit in units] == ["A", "B", "A", "A", "B"]
    assert round(unit_float("s", "u"), 12) == 0.496521606075


def test_zero_weights_and_bad_input():
    assert {assign(unit, "e", [("A", 0), ("B", 1)]) for unit in UNITS[:1000]} == {"B"}
    assert assign("u", "e", []) is None
    with pytest.raises(ValueError):
        assign("u", "e", [("A", -1)])
    with pytest.raises(ValueError):
        assign("u", "e", [("A", 1)], holdout=1.0)
    with pytest.raises(ValueError):
        in_global_holdout("u", "s", 101)

"""The uplift interval on simulated experiments: nominal coverage, real detection, honest notes."""
import numpy as np

from app.experiments.stats import ArmResult, compare


def test_a_ten_percent_effect_is_covered_and_detected():
    rng = np.random.default_rng(2026)
    n, base, effect = 60_000, 0.05, 0.10
    covered = detected = 0
    runs = 200
    for _ in range(runs):
        control = ArmResult(n, int(rng.binomial(n, base)))
        treatment = ArmResult(n, int(rng.binomial(n, base * (1 + effect))))
        low, high = compare(treatment, control)["conversion_uplift_interval"]
        covered += low <= effect <= high
        detected += low > 0
    # Expected power at this n is about 0.8; coverage about 0.95.
    assert covered / runs >= 0.90, covered / runs
    assert detected / runs >= 0.50, detected / runs


def test_revenue_per_visitor_interval_from_aggregates():
    rng = np.random.default_rng(7)
    a = rng.exponential(20, 5000) * (rng.random(5000) < 0.1)
    b = rng.exponential(20, 5000) * (rng.random(5000) < 0.1)
    result = compare(
        ArmResult(5000, int((a > 0).sum()), float(a.sum()), float((a * a).sum())),
        ArmResult(5000, int((b > 0).sum()), float(b.sum()), float((b * b).sum())),
    )
    low, high = result["revenue_difference_interval"]
    assert low < a.mean() - b.mean() < high
    se = np.sqrt(a.var(ddof=1) / 5000 + b.var(ddof=1) / 5000)
    assert abs((high - low) - 2 * 1.959964 * se) < 1e-6


def test_small_samples_and_zero_conversions_say_so_without_crashing():
    tiny = compare(ArmResult(30, 2), ArmResult(25, 1))
    assert tiny["note"].startswith("Not enough data yet")
    none = compare(ArmResult(1000, 0), ArmResult(0, 0))
    assert none["conversion_uplift"] is None and none["note"].startswith("Not enough data yet")
    flat = compare(ArmResult(5000, 250), ArmResult(5000, 251))
    assert flat["note"].startswith("No significant difference yet")
    clear = compare(ArmResult(20000, 1300), ArmResult(20000, 1000))
    assert clear["note"].startswith("Conversion up 30.0%")

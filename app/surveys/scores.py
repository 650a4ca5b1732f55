"""NPS and CSAT from counts of answers per score, each with a 95% interval. Plain functions.

- NPS = % promoters (9-10) - % detractors (0-6), from -100 to +100. Its
  interval is the adjusted Wald interval of Rocks (2016, "Interval Estimation
  for the 'Net Promoter Score'", The American Statistician 70(4)), the best
  covering of the intervals he compared: add 3 pseudo-answers (3/4 promoter,
  3/4 detractor, 3/2 passive), then take the normal interval with the
  multinomial variance of the difference of two shares,
  Var = (p + d - (p - d)^2) / n. It stays sensible with few answers and at
  the ends of the scale, where the plain Wald interval collapses to a point.
- CSAT = the share of satisfied answers (4 or 5 of 5), with the Wilson score
  interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054
FEW_ANSWERS = 30  # below this the interval is wide: the dashboard says so


@dataclass(frozen=True)
class Score:
    """A score with its 95% interval (NPS in points, CSAT as a share), from ``answers`` answers."""

    value: float | None
    low: float | None
    high: float | None
    answers: int
    shares: dict[str, float]  # promoters / passives / detractors, or satisfied / neutral / dissatisfied

    @property
    def few(self) -> bool:
        return self.answers < FEW_ANSWERS


def nps(counts: dict[int, int]) -> Score:
    n = sum(counts.values())
    promoters = sum(count for score, count in counts.items() if score >= 9)
    detractors = sum(count for score, count in counts.items() if score <= 6)
    if not n:
        return Score(None, None, None, 0, {})
    adjusted = n + 3
    p, d = (promoters + 0.75) / adjusted, (detractors + 0.75) / adjusted
    centre, half = p - d, Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / adjusted)
    return Score(
        value=100 * (promoters - detractors) / n,
        low=100 * max(centre - half, -1.0), high=100 * min(centre + half, 1.0), answers=n,
        shares={"promoters": promoters / n, "passives": (n - promoters - detractors) / n, "detractors": detractors / n},
    )


def csat(counts: dict[int, int]) -> Score:
    n = sum(counts.values())
    satisfied = sum(count for score, count in counts.items() if score >= 4)
    dissatisfied = sum(count for score, count in counts.items() if score <= 2)
    if not n:
        return Score(None, None, None, 0, {})
    low, high = wilson(satisfied, n)
    return Score(
        value=satisfied / n, low=low, high=high, answers=n,
        shares={"satisfied": satisfied / n, "neutral": (n - satisfied - dissatisfied) / n, "dissatisfied": dissatisfied / n},
    )


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


SCORERS = {"nps": nps, "csat": csat}

"""Abuse limits for benchmarks (not named limits.py: a benchmark run as a script has this folder first
on sys.path, where that name would shadow the limits library).

Every benchmark request comes from one address (127.0.0.1), where production sees one address per
shopper, so the production limits would answer most of a run with 429. The limiter stays on and counts
every request, so its cost is part of every figure; only the limits are set so high they never trip.
"""
from app.config import DEFAULT_RATE_LIMITS

COUNTED_NEVER_TRIPPED = {name: "1000000000/minute" for name in DEFAULT_RATE_LIMITS}

"""Customer lifetime value: historical figures and the buy-till-you-die models. Plain functions, no Flask.

- ``rfm``: orders -> per-customer frequency, recency, age and repeat spend (one transaction per day).
- ``bgnbd``: the BG/NBD model (Fader, Hardie & Lee 2005) for future transactions and P(alive).
- ``gamma_gamma``: the Gamma-Gamma model of spend per transaction.
- ``value``: expected discounted revenue over a horizon (predicted CLV).
- ``holdout``: calibration/holdout checks (per-customer error, weekly tracking, spend).
- ``refresh``: a shop's refit from its stored orders, written onto its profiles.
"""

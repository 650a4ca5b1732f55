"""NPS and CSAT micro-surveys: their vocabulary, the answers shoppers give, and the scores with intervals."""

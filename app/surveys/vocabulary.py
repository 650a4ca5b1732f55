"""The words a survey pop-up is written in: its kinds, their scales and the default wording.

Defined here, beside the code that scores the answers, so the rule schema,
the public answer endpoint and the settings UI share one list.
"""
from __future__ import annotations

SURVEY_KINDS = ("nps", "csat")
# The answer scale of each kind, both ends included.
SCALES = {"nps": (0, 10), "csat": (1, 5)}
MAX_COMMENT_CHARS = 1000
KIND_LABELS = {"nps": "Net Promoter Score (0–10)", "csat": "Customer satisfaction (1–5)"}
DEFAULT_WORDING = {
    "nps": {
        "question": "How likely are you to recommend us to a friend or colleague?",
        "low_label": "Not at all likely", "high_label": "Extremely likely",
    },
    "csat": {
        "question": "How satisfied are you with your shopping experience?",
        "low_label": "Very dissatisfied", "high_label": "Very satisfied",
    },
}

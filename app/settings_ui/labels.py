"""Human words for the machine names the UI shows (stages, choices), shared by every page's templates."""
from __future__ import annotations

STAGE_LABELS = {
    "new_visitor": "First-time visitor (awareness)",
    "returning_browser": "Returning browser (consideration)",
    "cart_builder": "Cart builder (acquisition)",
    "first_time_buyer": "First-time buyer (purchase)",
    "loyal": "Repeat / loyal buyer (advocacy)",
    "lapsed": "Lapsed customer (win-back)",
    "won_back": "Won back (bought again after lapsing)",
}


def zip_choices(names, labels: dict | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(name, labels.get(name, name.replace("_", " "))) for name in names]


def segment_choices(segments) -> list[tuple[int, str]]:
    return [(segment.id, segment.name) for segment in segments]


def template_helpers() -> dict:
    return {"zip_choices": zip_choices, "stage_labels": STAGE_LABELS, "segment_choices": segment_choices}

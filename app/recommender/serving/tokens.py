"""Feature tokens of products and shoppers, and interaction weights: the vocabulary training and serving share.

Token prefixes: ``word:`` (title words), ``category:``, ``vendor:``, ``tag:``,
``price:`` (quantile bucket), and for users ``country:``, ``device:``,
``source:``, ``stage:``. Serving builds the same tokens for a product or a
visitor the model has not seen, so they must not drift from training's.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

STOP_WORDS = frozenset(
    """a an and are as at be but by for from has have in into is it its not of off on or
    our the this to with without your you""".split()
)
_WORD = re.compile(r"[a-z0-9]+")
MIN_WORD_LENGTH = 3

# Interaction kinds and their weights: a purchase says more than a view.
INTERACTION_WEIGHTS: dict[str, float] = {
    "product_view": 1.0,
    "view": 1.0,
    "widget_click": 1.0,
    "add_to_cart": 3.0,
    "purchase": 5.0,
}


def _clean(value: str) -> str:
    return " ".join(str(value).strip().lower().split())


def title_tokens(title: str | None) -> list[str]:
    """``word:`` tokens: lowercase alphanumeric runs, at least 3 characters, no stop words, no duplicates."""
    if not title:
        return []
    seen: dict[str, None] = {}
    for word in _WORD.findall(str(title).lower()):
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(f"word:{word}", None)
    return list(seen)


def prefixed_tokens(prefix: str, values: str | Iterable[str] | None) -> list[str]:
    """``prefix:value`` for one value or a list of values (lowercased, blanks dropped)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    tokens: dict[str, None] = {}
    for value in values:
        cleaned = _clean(value)
        if cleaned:
            tokens.setdefault(f"{prefix}:{cleaned}", None)
    return list(tokens)


def category_tokens(category: str | Iterable[str] | None) -> list[str]:
    return prefixed_tokens("category", category)


def vendor_tokens(vendor: str | None) -> list[str]:
    return prefixed_tokens("vendor", vendor)


def tag_tokens(tags: Iterable[str] | None) -> list[str]:
    return prefixed_tokens("tag", tags)


@dataclass(frozen=True)
class Buckets:
    """Quantile buckets of a numeric attribute, computed from the catalog.

    Quantiles rather than log-spaced edges: every bucket then holds about the
    same number of items, so each ``price:`` token gets enough training signal
    whatever the catalog's price range. The edges are saved with the model so
    serving buckets a new item exactly as training did.
    """

    prefix: str
    edges: tuple[float, ...]

    @classmethod
    def fit(cls, values: Iterable[float | None], n_buckets: int = 8, prefix: str = "price") -> Buckets:
        array = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
        if array.size == 0:
            return cls(prefix, ())
        quantiles = np.quantile(array, np.linspace(0, 1, n_buckets + 1)[1:-1])
        return cls(prefix, tuple(float(edge) for edge in np.unique(quantiles)))

    def token(self, value: float | None) -> list[str]:
        if value is None or not math.isfinite(value):
            return []
        return [f"{self.prefix}:{bisect_right(self.edges, value)}"]


def item_tokens(
    title: str | None = None,
    category: str | Iterable[str] | None = None,
    vendor: str | None = None,
    tags: Iterable[str] | None = None,
    price: float | None = None,
    price_buckets: Buckets | None = None,
) -> list[str]:
    """All feature tokens of one product."""
    tokens = title_tokens(title) + category_tokens(category) + vendor_tokens(vendor) + tag_tokens(tags)
    if price_buckets is not None:
        tokens += price_buckets.token(price)
    return tokens


def user_tokens(
    country: str | None = None, device: str | None = None, source: str | None = None, stage: str | None = None
) -> list[str]:
    """All feature tokens of one shopper (what we know even on a first visit)."""
    return (
        prefixed_tokens("country", country)
        + prefixed_tokens("device", device)
        + prefixed_tokens("source", source)
        + prefixed_tokens("stage", stage)
    )


def weight_for(kind: str) -> float:
    """The weight of one interaction of this kind (view 1 < add_to_cart 3 < purchase 5)."""
    try:
        return INTERACTION_WEIGHTS[kind]
    except KeyError:
        raise ValueError(f"no interaction weight for event kind {kind!r}") from None

"""Whether a rule's targeting admits a visitor on a page: a plain function of plain facts."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageContext:
    stage: str
    page_kind: str
    path: str
    device: str | None
    traffic_class: str
    now: datetime
    segments: frozenset[int] = frozenset()  # ids of the shop's segments this visitor matches


# Order confirmation pages: Shopify's thank-you and order status pages, WooCommerce's order-received, the demo's.
_ORDER_SEGMENTS = {"orders", "order", "thank_you", "thank-you", "thankyou", "order-received", "order-confirmation"}


def page_kind(url: str | None) -> str:
    """home, product, collection, cart, order, search or other, from the usual storefront URL shapes."""
    if not url:
        return "other"
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket: no page we know
        return "other"
    path = parts.path.rstrip("/").lower()
    segments = [segment for segment in path.split("/") if segment]
    if not segments or segments in (["store"], ["index.html"]):
        return "home"
    if _ORDER_SEGMENTS.intersection(segments) or ("checkout" in segments and segments[-1] == "success"):
        return "order"
    if "products" in segments or "product" in segments:
        return "product"
    if "collections" in segments or "collection" in segments or "category" in segments:
        return "collection"
    if segments[-1] in ("cart", "basket", "bag"):
        return "cart"
    if "search" in segments or "q=" in parts.query:
        return "search"
    return "other"


def url_path(url: str | None) -> str:
    """The path of a page URL, "/" when there is none or it cannot be parsed."""
    try:
        return urlsplit(url or "").path or "/"
    except ValueError:
        return "/"


def eligible(targeting: dict | None, context: PageContext) -> bool:
    """Every condition given must hold; an empty list means "any".

    Total: a targeting that cannot be read (stored before a check existed, or
    written by hand) admits no one and never raises, so one broken rule cannot
    take the shop's other widgets down.
    """
    if targeting is None:
        return True
    try:
        return _eligible(targeting, context)
    except (TypeError, ValueError, AttributeError, OverflowError):
        log.warning("rule targeting %r cannot be evaluated; the rule is not shown", targeting)
        return False


def _eligible(targeting: dict, context: PageContext) -> bool:
    checks = (
        ("stages", context.stage),
        ("page_kinds", context.page_kind),
        ("devices", context.device),
        ("sources", context.traffic_class),
    )
    for field, value in checks:
        allowed = _list(targeting.get(field))
        if allowed and value not in allowed:
            return False
    wanted_segments = _list(targeting.get("segments"))
    if wanted_segments and not context.segments.intersection(wanted_segments):
        return False
    patterns = _list(targeting.get("url_patterns"))
    if patterns and not any(fnmatchcase(context.path, pattern) for pattern in patterns):
        return False
    starts, ends = _when(targeting.get("starts_at")), _when(targeting.get("ends_at"))
    if starts is not None and context.now < starts:
        return False
    if ends is not None and context.now >= ends:
        return False
    return True


def _list(value) -> list:
    """A stored list of names or ids; anything else is not a targeting we can read."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _when(value) -> datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

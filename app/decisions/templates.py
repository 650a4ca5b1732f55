"""Block templates filled from the shop's own data: a free-shipping progress bar, a countdown, social proof, restock.

Each template adds what its block needs to the decision (its own ``vars``, a
``progress`` bar, an ``ends_at``), or withholds the block where it would say
nothing true: no free-shipping threshold set, no end date, too few purchases,
nothing due to restock. A withheld block leaves its slot to the next rule.
Numbers only: social proof counts units bought, never who bought them. The
restock reminder names a product only to the customer who bought it
(app/decisions/restock.py); its title goes out as a {{variable}}, which the
script fills in as text, never as HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.decisions.restock import Restock, due_restock, example_restock
from app.models import Order, OrderLine, Profile, Rule, Shop
from app.recommender.serving.visitor import VisitorContext
from app.texts import Texts

TEMPLATES = ("html", "free_shipping", "countdown", "social_proof", "restock")
SOCIAL_PROOF_WINDOW = timedelta(hours=24)
DEFAULT_MIN_COUNT = 5
# The space a template's block takes (one or two lines of text, the bar), reserved where the merchant set none.
TEMPLATE_MIN_HEIGHTS = {"free_shipping": 80, "countdown": 64, "social_proof": 64, "restock": 64}
# Where the merchant's restock HTML links to the product (the sanitizer keeps it as written; filled in here, escaped).
RESTOCK_LINK = re.compile(r'href="\{\{\s*restock_url\s*\}\}"')


@dataclass
class TemplateContext:
    session: Session
    shop: Shop
    profile: Profile | None
    product_id: str | None
    now: datetime
    texts: Texts | None = None  # the shopper's language, for a template whose wording the merchant left to us
    visitor: VisitorContext | None = None  # their history, read once per page (the restock reminder's purchases)
    preview: bool = False  # the merchant's preview: a restock block shows an example when their browser has nothing due


def template_fields(rule: Rule, content: dict, context: TemplateContext) -> dict | None:
    """What the block carries beyond its HTML, or None when it has nothing true to say.

    A template block whose HTML the merchant left blank says the catalog's words (app/texts, "template.<name>")
    in the shopper's language, with the same {{variables}}.
    """
    fields = _fields(rule, content, context)
    template = content.get("template") or "html"
    if fields is None or template == "html" or context.texts is None or (content.get("html") or "").strip():
        return fields
    key = f"template.{template}"
    if template == "free_shipping" and not fields["vars"]["free_shipping_remaining"]:
        key = "template.free_shipping_reached"
    words = escape(context.texts(key))
    url = fields["vars"]["restock_url"] if template == "restock" else ""
    fields.setdefault("html", f'<p><a href="{escape(url)}">{words}</a></p>' if url else f"<p>{words}</p>")
    return fields


def _fields(rule: Rule, content: dict, context: TemplateContext) -> dict | None:
    template = content.get("template") or "html"
    if template == "free_shipping":
        return _free_shipping(content, context)
    if template == "countdown":
        return _countdown(rule)
    if template == "social_proof":
        return _social_proof(content, context)
    if template == "restock":
        return _restock(content, context)
    return {}


def _countdown(rule: Rule) -> dict | None:
    ends_at = (rule.targeting or {}).get("ends_at")
    if not ends_at:
        return None
    when = ends_at if isinstance(ends_at, datetime) else datetime.fromisoformat(ends_at)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return {"ends_at": when.strftime("%Y-%m-%dT%H:%M:%SZ")}  # what every browser's Date.parse reads as UTC


def _free_shipping(content: dict, context: TemplateContext) -> dict | None:
    threshold = (context.shop.settings or {}).get("free_shipping_threshold")
    if threshold is None:
        return None
    threshold = Decimal(str(threshold))
    cart = Decimal(str(context.profile.cart_value or 0)) if context.profile is not None else Decimal(0)
    remaining = max(threshold - cart, Decimal(0))
    fields = {"progress": [float(min(cart, threshold)), float(threshold)],
              "vars": {"free_shipping_remaining": float(remaining), "free_shipping_threshold": float(threshold)}}
    if remaining == 0 and content.get("reached_html"):
        fields["html"] = content["reached_html"]
    return fields


def bought_recently(session: Session, shop_id: int, product_id: str, since: datetime) -> int:
    """Units of the product in the shop's orders since ``since``: a count, nobody's name."""
    return session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0)).join(Order, Order.id == OrderLine.order_id).where(
            OrderLine.shop_id == shop_id, OrderLine.product_id == product_id, Order.placed_at >= since
        )
    ) or 0


def best_seller_since(session: Session, shop_id: int, since: datetime) -> str | None:
    """The product with the most units bought since ``since`` (the editor previews social proof on it)."""
    units = func.sum(OrderLine.quantity)
    return session.scalar(
        select(OrderLine.product_id).join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.shop_id == shop_id, Order.placed_at >= since)
        .group_by(OrderLine.product_id).order_by(units.desc(), OrderLine.product_id).limit(1)
    )


def _social_proof(content: dict, context: TemplateContext) -> dict | None:
    if not context.product_id:
        return None
    count = bought_recently(context.session, context.shop.id, context.product_id, context.now - SOCIAL_PROOF_WINDOW)
    if count < int(content.get("min_count") or DEFAULT_MIN_COUNT):
        return None
    return {"vars": {"bought_today": int(count)}}


def _restock(content: dict, context: TemplateContext) -> dict | None:
    restock: Restock | None = due_restock(context.session, context.shop, context.visitor, context.now)
    if restock is None and context.preview:
        restock = example_restock(context.session, context.shop)
    if restock is None:
        return None
    fields = {"vars": {"restock_title": restock.title, "restock_url": restock.url or ""}}
    html = content.get("html") or ""
    if RESTOCK_LINK.search(html):
        link = f'href="{escape(restock.url)}"' if restock.url else ""
        fields["html"] = RESTOCK_LINK.sub(lambda _: link, html)
    return fields

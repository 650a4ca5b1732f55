"""Planting the XSS vectors in every merchant- and shopper-controlled field of the demo shop, two ways.

- ``plant_stored`` writes them straight into the rows, past every check on
  the way in: what our pages and the script do with the worst a row can hold
  (written before a check existed, by an import bug, by hand).
- ``plant_submitted`` sends them the way merchants and shoppers do (admin API,
  /v1/events, /v1/leads): what is left after validation and sanitizing.

Rules are one per vector and kind, placed on the home page by a selector of
their own (``body:not(.x<n>)``), so one page view shows every block and
slider; each pop-up is shown by its preview link. Three "all vectors" rules
carry every vector at once in every text field, for the editor pages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from app.clock import utcnow
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.models import Event, Experiment, Lead, Product, Profile, Rule, Segment, VisitorId
from tests.helpers.events import event
from tests.helpers.xss_vectors import VECTORS

KINDS = ("block", "popup", "slider")
TEXTS = [vector for _section, vector in VECTORS]
ALL = "\n".join(TEXTS)

# Fields each planting covers (for the closing figures): where a vector goes, by record.
STORED_FIELDS = [
    "shop.name", "product.title", "product.url", "product.image_url", "product.category", "product.vendor", "product.tags",
    "rule.name", "block.html", "popup.headline", "popup.body", "popup.coupon", "popup.button", "popup.consent_label", "popup.image",
    "slider.title", "slider.category", "rule.url_patterns", "experiment.name", "variant.content", "segment.name", "segment.value",
    "lead.email", "lead.visitor_id", "lead.decision_id", "event.url", "event.referrer", "event.props", "event.product_id",
    "profile.customer_id", "profile.traffic_source", "collection search (q)",
]

# Names are String(200) columns: PostgreSQL refuses longer ones (SQLite would keep them), so the longest vectors are cut.
NAME_LENGTH = 200


@dataclass
class Planted:
    rules: dict[str, list[int]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    editor_rules: list[int] = field(default_factory=list)  # the "all vectors" rules
    segments: list[int] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    visitors: list[str] = field(default_factory=list)  # one per vector, its profile's customer id is the vector
    refused: dict[str, int] = field(default_factory=dict)  # submitted mode: field -> vectors the API refused


def _content(kind: str, text: str, n: int) -> dict:
    if kind == "block":
        return {"html": text, "min_height": 0}
    if kind == "popup":
        return {"headline": text, "body": text, "coupon": text, "button": text, "consent_label": text, "image": text,
                "email_capture": True, "trigger": {"exit_intent": True, "mobile_exit": True, "min_dwell_seconds": 600}}
    return {"title": text, "strategy": "trending", "limit": 4, "category": f"c{n}" if text is None else text}


def _targeting(kind: str, text: str) -> dict:
    # Blocks and sliders on the home page only (so other pages stay quick); every pattern list admits "/*".
    return {"page_kinds": ["home"] if kind != "popup" else [], "url_patterns": ["/*", text]}


def plant_stored(db_session, shop) -> Planted:
    planted = Planted()
    for n, text in enumerate(TEXTS):
        db_session.add(Product(shop_id=shop.id, external_id=f"X{n:02d}", title=text, url=text, image_url=text, category=text,
                               vendor=text, tags=[text], price=Decimal("1.50"), currency="GBP", in_stock=True))
        planted.products.append(f"X{n:02d}")
        for kind in KINDS:
            rule = Rule(shop_id=shop.id, kind=kind, name=text[:NAME_LENGTH], enabled=True, priority=n, slot=None, selector=f"body:not(.x{n})",
                        mode="append", content=_content(kind, text, n), targeting=_targeting(kind, text),
                        frequency={"once_per_session": False, "every_days": None, "stop_after_conversion": False})
            db_session.add(rule)
            db_session.flush()
            planted.rules[kind].append(rule.id)
            variant_field = {"block": "html", "popup": "headline", "slider": "title"}[kind]
            db_session.add(Experiment(shop_id=shop.id, rule_id=rule.id, name=text[:NAME_LENGTH], status="running", holdout=0.0,
                                      variants=[{"name": "a", "weight": 1.0, "content": {variant_field: text}}]))
        segment = Segment(shop_id=shop.id, name=text[:NAME_LENGTH], match="any", conditions=[{"field": "country", "op": "eq", "value": text},
                                                                                 {"field": "stage", "op": "in", "value": [text]}])
        db_session.add(segment)
        db_session.add(Lead(shop_id=shop.id, email=text, consent=True, visitor_id=text[:64], decision_id=text[:64]))
        visitor, profile_id = _visitor(db_session, shop, n, customer_id=text[:128], traffic_source=text[:255])
        planted.visitors.append(visitor)
        db_session.add(Event(shop_id=shop.id, client_event_id=f"xss-{n}", type="page_view", visitor_id=visitor, profile_id=profile_id, url=text,
                             referrer=text, product_id=text[:128], props={"note": text, "utm_source": text},
                             occurred_at=utcnow(), received_at=utcnow()))
        db_session.flush()
        planted.segments.append(segment.id)
    for kind in KINDS:  # the editors' "all vectors" rules: every vector in every text field at once
        rule = Rule(shop_id=shop.id, kind=kind, name=f"All vectors ({kind})", enabled=False, priority=0, slot="unused",
                    mode="replace", content=_content(kind, ALL, 0), targeting={"url_patterns": TEXTS},
                    frequency={"once_per_session": False, "every_days": None, "stop_after_conversion": True})
        db_session.add(rule)
        db_session.flush()
        planted.editor_rules.append(rule.id)
    _sales(db_session, shop, planted.products)
    db_session.commit()
    return planted


def plant_submitted(client, db_session, shop, secret: str) -> Planted:
    """Through the real entrances; what they refuse is counted in ``planted.refused``."""
    planted = Planted()
    auth = {"Authorization": f"Bearer {secret}"}

    def refused(field_name: str) -> None:
        planted.refused[field_name] = planted.refused.get(field_name, 0) + 1

    for n, text in enumerate(TEXTS):
        product = {"external_id": f"X{n:02d}", "title": text, "url": text, "image_url": text, "category": text, "vendor": text,
                   "tags": [text], "price": "1.50", "currency": "GBP"}
        if client.post("/admin/api/products", json={"products": [product]}, headers=auth).status_code != 200:
            refused("product.url/image_url")
            product.pop("url"), product.pop("image_url")
            if client.post("/admin/api/products", json={"products": [product]}, headers=auth).status_code != 200:
                refused("product")
                continue
        planted.products.append(f"X{n:02d}")
        for kind in KINDS:
            body = {"kind": kind, "name": text, "priority": n, "selector": f"body:not(.x{n})", "mode": "append",
                    "content": _content(kind, text, n), "targeting": _targeting(kind, text),
                    "frequency": {"stop_after_conversion": False}}
            response = client.post("/admin/api/rules", json=body, headers=auth)
            if response.status_code != 201:  # too long for a field, or an image that is not http(s): without it
                refused(f"{kind} rule")
                body["content"] = {key: value for key, value in body["content"].items() if key != "image"}
                body["name"], body["targeting"] = text[:200], {"page_kinds": body["targeting"]["page_kinds"]}
                response = client.post("/admin/api/rules", json=body, headers=auth)
            if response.status_code == 201:
                planted.rules[kind].append(response.get_json()["id"])
        segment = client.post("/admin/api/segments", json={"name": text[:200], "conditions": [{"field": "country", "op": "eq", "value": text[:200]}]},
                              headers=auth)
        if segment.status_code == 201:
            planted.segments.append(segment.get_json()["id"])
        email = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\\t") + '"@xss.example'
        lead = {"key": shop.public_key, "email": email, "consent": True, "visitor_id": text[:64], "decision_id": text[:64]}
        if client.post("/v1/leads", data=json.dumps(lead), content_type="text/plain").status_code != 200:
            refused("lead.email")
        batch = {"key": shop.public_key, "events": [event(visitor_id=f"xss-v{n}", url=f"https://shop.example/?utm_source={text}",
                                                          referrer=text, props={"note": text, "utm_campaign": text}),
                                                    event("identify", visitor_id=f"xss-v{n}", customer_id=text[:128])]}
        client.post("/v1/events", data=json.dumps(batch), content_type="text/plain")
        planted.visitors.append(f"xss-v{n}")
    _sales(db_session, shop, planted.products)
    db_session.commit()
    return planted


def _visitor(db_session, shop, n: int, customer_id: str, traffic_source: str) -> tuple[str, int]:
    """(visitor id, profile id) of a new profile carrying the vector in its customer id and traffic source."""
    profile = Profile(shop_id=shop.id, customer_id=customer_id, traffic_source=traffic_source, traffic_medium="referral")
    db_session.add(profile)
    db_session.flush()
    db_session.add(VisitorId(shop_id=shop.id, visitor_id=f"xss-v{n}", profile_id=profile.id))
    return f"xss-v{n}", profile.id


def _sales(db_session, shop, external_ids: list[str]) -> None:
    """A recent sale of each planted product, so the trending sliders show them."""
    store_new_orders(db_session, shop.id, [
        OrderData(f"XO{index}", utcnow() - timedelta(days=1), lines=[OrderLineData(external_id, 1, Decimal(2))])
        for index, external_id in enumerate(external_ids)
    ], "import")

"""Unique, single-use discount codes on Shopify: one `discountCodeBasicCreate` per lead."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.shopify.client import AdminClient, user_errors

CREATE_CODE = """
mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          title
          codes(first: 1) { nodes { code } }
          startsAt
          endsAt
          usageLimit
          appliesOncePerCustomer
        }
      }
    }
    userErrors { field code message }
  }
}
"""


@dataclass(frozen=True)
class CodeOffer:
    """What the code gives: ``percentage`` (1-100) or ``amount`` off the order, in the shop's currency."""

    kind: str
    value: float


def code_input(code: str, title: str, offer: CodeOffer, starts_at: datetime, ends_at: datetime) -> dict:
    """The DiscountCodeBasicInput: one use in total, for any customer, on every item, until ``ends_at``."""
    if offer.kind == "percentage":
        value = {"percentage": float(Decimal(str(offer.value)) / 100)}
    else:
        value = {"discountAmount": {"amount": str(Decimal(str(offer.value)).quantize(Decimal("0.01"))),
                                    "appliesOnEachItem": False}}
    return {
        "title": title,
        "code": code,
        "startsAt": starts_at.isoformat(),
        "endsAt": ends_at.isoformat(),
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
        "context": {"all": "ALL"},
        "customerGets": {"value": value, "items": {"all": True}},
    }


def create_code(client: AdminClient, code: str, title: str, offer: CodeOffer, starts_at: datetime, ends_at: datetime) -> str:
    """Create the discount; the code Shopify stored. Raises UserErrors (say, the code is taken) or ShopifyAPIError."""
    data = client.query(CREATE_CODE, {"basicCodeDiscount": code_input(code, title, offer, starts_at, ends_at)})
    payload = user_errors(data.get("discountCodeBasicCreate"), "discountCodeBasicCreate")
    node = payload.get("codeDiscountNode") or {}
    nodes = ((node.get("codeDiscount") or {}).get("codes") or {}).get("nodes") or []
    return (nodes[0].get("code") if nodes else None) or code

"""Which dead letters name a person: exact ids, emails anywhere (any encoding), ids as URL query values."""
from __future__ import annotations

from app.clock import utcnow
from app.models import RejectedEvent
from app.privacy.dead_letters import dead_letter_ids


def letters(db_session, shop_id, *payloads) -> list[int]:
    rows = [RejectedEvent(shop_id=shop_id, received_at=utcnow(), batch_index=n, source="storefront", payload=payload, errors={})
            for n, payload in enumerate(payloads)]
    db_session.add_all(rows)
    db_session.commit()
    return [row.id for row in rows]


def test_encodings_and_exact_matches(db_session, make_shop):
    shop, _ = make_shop()
    other, _ = make_shop("Other")
    named = letters(db_session, shop.id,
                    {"customer_id": 17850},  # a number, as a careless client sends it
                    {"props": {"email": "ZOË@Example.com"}},  # stored JSON-escaped
                    {"url": "https://s.example/a?who=zo%C3%AB%40example.com"},
                    {"url": "https://s.example/thanks?customer=17850&x=1"},
                    {"referrer": "https://mail.example/?vid=0b9e6a4e-6a43-4f47-9d4a-1f6a5c3d2e10&utm=1#x"},
                    "a raw line mentioning zoë@example.com",
                    [{"visitor_id": "v-7"}])
    unnamed = letters(db_session, shop.id,
                      {"customer_id": "178501", "product_id": "17850-B"},
                      {"url": "https://s.example/products/17850"},  # a product page, not the customer
                      {"visitor_id": "v-77", "props": {"note": "v-7 is short; only exact matches count"}})
    letters(db_session, other.id, {"customer_id": "17850"})
    found = dead_letter_ids(db_session, shop.id, {"17850"}, {"zoë@example.com"}, {"v-7", "0b9e6a4e-6a43-4f47-9d4a-1f6a5c3d2e10"})
    assert found == named and not set(found) & set(unnamed)

from datetime import UTC, datetime

import pytest

from app.decisions.targeting import PageContext, eligible, page_kind
from app.decisions.vocabulary import PAGE_KINDS

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def context(**overrides):
    values = {"stage": "new_visitor", "page_kind": "product", "path": "/store/products/A1", "device": "mobile",
              "traffic_class": "social", "now": NOW}
    return PageContext(**{**values, **overrides})


def test_page_kinds_from_common_storefront_urls():
    assert page_kind("https://shop.example/") == "home"
    assert page_kind("http://127.0.0.1:5000/store/") == "home"
    assert page_kind("https://shop.example/products/mug?variant=2") == "product"
    assert page_kind("https://shop.example/collections/all") == "collection"
    assert page_kind("https://shop.example/cart") == "cart"
    assert page_kind("https://shop.example/search?q=mug") == "search"
    assert page_kind("https://shop.example/pages/about") == "other"
    for thank_you in ("https://shop.example/checkouts/c/ab12/thank-you", "https://shop.example/1234/checkouts/ab12/thank_you",
                      "https://shop.example/1234/orders/ab12", "https://shop.example/checkout/order-received/55/?key=wc",
                      "https://shop.example/checkout/onepage/success/", "http://127.0.0.1:5000/store/orders/D-1A2B"):
        assert page_kind(thank_you) == "order", thank_you


def test_every_page_kind_told_apart_is_one_a_rule_can_target():
    urls = ("", "https://shop.example/", "https://shop.example/products/mug", "https://shop.example/collections/all",
            "https://shop.example/cart", "https://shop.example/orders/1", "https://shop.example/search?q=mug", "https://shop.example/pages/about")
    assert {page_kind(url) for url in urls} == set(PAGE_KINDS)


def test_every_condition_must_hold_and_empty_means_any():
    assert eligible({}, context())
    assert eligible({"stages": ["new_visitor"], "page_kinds": ["product"], "devices": ["mobile"], "sources": ["social"]}, context())
    assert not eligible({"stages": ["loyal"]}, context())
    assert not eligible({"devices": ["desktop"]}, context())
    assert eligible({"url_patterns": ["/store/products/*"]}, context())
    assert not eligible({"url_patterns": ["/store/cart"]}, context())


def test_schedule():
    assert eligible({"starts_at": "2026-11-01T00:00:00+00:00", "ends_at": "2026-12-01T00:00:00+00:00"}, context())
    assert not eligible({"starts_at": "2026-11-24T00:00:00+00:00"}, context())
    assert not eligible({"ends_at": "2026-11-23T12:00:00+00:00"}, context())


def test_segments_any_of_the_listed():
    assert eligible({"segments": [3, 4]}, context(segments=frozenset({4})))
    assert not eligible({"segments": [3]}, context(segments=frozenset({4})))
    assert not eligible({"segments": [3]}, context())


def test_page_kind_of_an_unparseable_url_is_other():
    assert page_kind("http://[::1/") == "other"


@pytest.mark.parametrize("targeting", [
    {"segments": [{"id": 1}]}, {"segments": "1"}, {"url_patterns": [None, 7]}, {"url_patterns": "/a"}, {"starts_at": "next tuesday"},
    {"ends_at": 12}, {"stages": "new_visitor"}, {"stages": [["new_visitor"]]}, "not an object", ["a"], None,
])
def test_a_malformed_stored_targeting_admits_no_one_and_never_raises(targeting):
    assert eligible(targeting, context()) is (targeting is None)

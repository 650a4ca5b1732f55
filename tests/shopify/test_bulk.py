"""Reading a bulk operation's JSONL: children with `__parentId` put back on their parents, one object at a time."""
from __future__ import annotations

import json

import pytest

from app.shopify.bulk import BulkFormatError, reassemble
from app.shopify.graphql_shapes import numeric_id, product

# Lines shaped like the example in Shopify's bulk operations guide (its ids and titles), grouped
# the way `groupObjects: true` delivers them: each product, then its variants.
DOCS_EXAMPLE = b"""{"id":"gid://shopify/Product/1921569226808"}
{"id":"gid://shopify/ProductVariant/19435458986040","title":"70","__parentId":"gid://shopify/Product/1921569226808"}
{"id":"gid://shopify/Product/1921569259576"}
{"id":"gid://shopify/ProductVariant/19435459018808","title":"34","__parentId":"gid://shopify/Product/1921569259576"}
{"id":"gid://shopify/Product/1921569292344"}
{"id":"gid://shopify/ProductVariant/19435459051576","title":"Default Title","__parentId":"gid://shopify/Product/1921569292344"}
{"id":"gid://shopify/Product/1921569325112"}
{"id":"gid://shopify/ProductVariant/19435459084344","title":"36","__parentId":"gid://shopify/Product/1921569325112"}
{"id":"gid://shopify/Product/1921569357880"}
{"id":"gid://shopify/ProductVariant/19435459117112","title":"47","__parentId":"gid://shopify/Product/1921569357880"}
{"id":"gid://shopify/ProductVariant/19435458986123","title":"52","__parentId":"gid://shopify/Product/1921569357880"}
""".splitlines()


def test_children_are_put_back_on_their_parents():
    objects = list(reassemble(DOCS_EXAMPLE))
    assert [numeric_id(obj["id"]) for obj, _ in objects] == [
        "1921569226808", "1921569259576", "1921569292344", "1921569325112", "1921569357880"]
    last, _lines_read = objects[-1]
    assert [variant["title"] for variant in last["variants"]] == ["47", "52"]
    assert all("__parentId" not in variant for variant in last["variants"])
    assert [lines for _, lines in objects] == [2, 4, 6, 8, 11]  # where to resume after each object


def test_objects_are_handed_over_before_the_rest_of_the_file_is_read():
    read = []

    def lines():
        for line in DOCS_EXAMPLE:
            read.append(line)
            yield line

    objects = reassemble(lines())
    first, _ = next(objects)
    assert first["id"] == "gid://shopify/Product/1921569226808"
    assert len(read) == 3  # the product, its variant, and the line that starts the next product


def test_resuming_counts_lines_from_where_it_started():
    objects = list(reassemble(DOCS_EXAMPLE[4:], start_line=4))
    assert [lines for _, lines in objects] == [6, 8, 11]


@pytest.mark.parametrize("lines, problem", [
    ([b'{"id": "gid://shopify/Product/1"}', b"not json"], "not JSON"),
    ([b"[1, 2]"], "not an object"),
    ([b'{"id": "gid://shopify/ProductVariant/9", "__parentId": "gid://shopify/Product/1"}'], "away from its parent"),
    ([b'{"id": "gid://shopify/Product/1"}', b'{"id": "gid://shopify/Product/2"}',
      b'{"id": "gid://shopify/ProductVariant/9", "__parentId": "gid://shopify/Product/1"}'], "away from its parent"),
])
def test_a_malformed_or_ungrouped_file_is_refused(lines, problem):
    with pytest.raises(BulkFormatError, match=problem):
        list(reassemble(lines))


def test_a_reassembled_product_maps_like_a_webhook_body():
    line = {"id": "gid://shopify/Product/632910392", "title": "IPod Nano - 8GB", "handle": "ipod-nano", "status": "ARCHIVED",
            "vendor": "Apple", "productType": "Cult Products", "tags": ["Emotive", "MP3"], "updatedAt": "2026-11-01T10:00:00Z",
            "featuredMedia": {"preview": {"image": {"url": "https://cdn.shopify.com/ipod.png"}}}}
    variant = {"id": "gid://shopify/ProductVariant/808950810", "price": "199.00", "inventoryPolicy": "CONTINUE",
               "inventoryQuantity": 10, "inventoryItem": {"tracked": True},
               "__parentId": "gid://shopify/Product/632910392"}
    collection = {"id": "gid://shopify/Collection/841564295", "title": "IPods", "__parentId": "gid://shopify/Product/632910392"}
    (obj, _), = reassemble([json.dumps(line).encode(), json.dumps(variant).encode(), json.dumps(collection).encode()])
    assert product(obj) == {
        "id": "632910392", "title": "IPod Nano - 8GB", "handle": "ipod-nano", "status": "archived", "vendor": "Apple",
        "product_type": "Cult Products", "tags": ["Emotive", "MP3"], "image": {"src": "https://cdn.shopify.com/ipod.png"},
        "updated_at": "2026-11-01T10:00:00Z", "collections": ["IPods"],
        "variants": [{"id": "808950810", "price": "199.00", "inventory_management": "shopify",
                      "inventory_policy": "continue", "inventory_quantity": 10}],
    }

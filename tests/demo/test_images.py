"""Placeholder product images: deterministic, distinct, escaped, valid SVG."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from flask import current_app

from app.demo.images import placeholder_svg
from app.demo.seed import DEMO_DOMAIN, DEMO_NAME
from app.models import Product
from app.secret_box import IDENTITY_SECRETS, box_for
from app.shops import create_shop

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [element.text for element in root.iter(f"{SVG}text")]


def test_the_same_product_always_gets_the_same_image():
    assert placeholder_svg("85123A", "White Hanging Heart T-Light Holder") == placeholder_svg(
        "85123A", "White Hanging Heart T-Light Holder"
    )


def test_different_products_get_different_pictures():
    shapes = {placeholder_svg(code, "Same Title") for code in ("85123A", "71053", "84406B", "22086", "21730")}
    assert len(shapes) == 5


def test_the_image_is_valid_svg_with_the_first_words_of_the_title():
    root = ET.fromstring(placeholder_svg("85123A", "White Hanging Heart T-Light Holder"))
    assert root.tag == f"{SVG}svg"
    assert " ".join(texts(placeholder_svg("85123A", "White Hanging Heart T-Light Holder"))) == "White Hanging Heart"
    assert root.find(f"{SVG}title").text == "White Hanging Heart T-Light Holder"


@pytest.mark.parametrize(
    "title",
    [
        "</text><script>alert(1)</script>",
        'Tom & Jerry "<Mug>"',
        "]]> <!-- --> <![CDATA[ x",
        "Bell\x00\x07\x1b Jar \ufffe",
        "",
    ],
)
def test_titles_are_escaped_and_the_result_stays_valid_xml(title):
    svg = placeholder_svg("X1", title)
    root = ET.fromstring(svg)  # raises on anything that is not well-formed
    assert root.find(f".//{SVG}script") is None
    assert "<script" not in svg
    expected = "".join(char for char in title if char.isprintable() and char != "\ufffe").strip() or "X1"
    assert root.find(f"{SVG}title").text.replace("  ", " ") == expected.replace("  ", " ")


@pytest.fixture
def shop(db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB", box=box_for(current_app, IDENTITY_SECRETS))
    db_session.add(Product(shop_id=shop.id, external_id="85123A", title="White Hanging Heart T-Light Holder",
                           price=Decimal("2.55"), currency="GBP", tags=[], in_stock=True))
    db_session.add(Product(shop_id=shop.id, external_id="EVIL", title="<b>&amp; Evil</b>",
                           price=Decimal("1.00"), currency="GBP", tags=[], in_stock=True))
    db_session.commit()
    return shop


def test_the_image_route_serves_a_cacheable_locked_down_svg(client, shop):
    response = client.get("/store/images/85123A.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] in ("public, max-age=86400", "max-age=86400, public")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.get_data(as_text=True) == placeholder_svg("85123A", "White Hanging Heart T-Light Holder")
    evil = client.get("/store/images/EVIL.svg").get_data(as_text=True)
    assert "<b>" not in evil
    ET.fromstring(evil)


def test_an_unknown_image_is_404(client, shop):
    assert client.get("/store/images/NOPE.svg").status_code == 404

"""The demo store (the merchant's side) and its shipped data slice."""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from itertools import islice

import pytest
from sqlalchemy import func, select

from app.demo import make_slice
from app.demo.seed import DEMO_DOMAIN, DEMO_NAME, ORDERS_FILE, PRODUCTS_FILE
from app.importers import orders as order_import
from app.importers import products as product_import
from app.importers.reading import read_rows
from app.models import Order, OrderLine, Product
from app.shops import create_shop

XSS_TITLE = "</script><script>alert(1)</script>"
NEWEST = datetime(2011, 12, 9, 12, 50, tzinfo=UTC)
PRODUCTS = [
    ("85123A", "White Hanging Heart T-Light Holder", "2.55"),
    ("71053", "White Metal Lantern", "3.39"),
    ("84406B", "Cream Cupid Hearts Coat Hanger", "2.75"),
    ("22086", "Paper Chain Kit 50's Christmas", "2.95"),
    ("21730", "Glass Star Frosted T-Light Holder", "4.25"),
    ("XSS1", XSS_TITLE, "1.00"),
]


def add_product(db_session, shop, external_id, title, price):
    db_session.add(Product(
        shop_id=shop.id, external_id=external_id, title=title, price=Decimal(price), currency="GBP",
        url=f"/store/products/{external_id}", image_url=f"/store/images/{external_id}.svg", tags=[], in_stock=True,
    ))


def add_order(db_session, shop, external_id, placed_at, lines, customer_id=None, source="import"):
    order = Order(
        shop_id=shop.id, external_id=external_id, customer_id=customer_id, placed_at=placed_at,
        total=sum((Decimal(price) * quantity for _, quantity, price in lines), Decimal("0")), currency="GBP", source=source,
    )
    order.lines = [OrderLine(shop_id=shop.id, product_id=p, quantity=q, price=Decimal(price)) for p, q, price in lines]
    db_session.add(order)


@pytest.fixture
def demo_shop(db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB")
    for external_id, title, price in PRODUCTS:
        add_product(db_session, shop, external_id, title, price)
    # Within the last 90 days of the history: 22086 on three orders, 85123A on two, 71053 on one.
    add_order(db_session, shop, "581587", NEWEST, [("22086", 12, "2.95"), ("85123A", 6, "2.55")], "12680")
    add_order(db_session, shop, "581500", NEWEST - timedelta(days=10), [("22086", 1, "2.95"), ("85123A", 32, "2.55")])
    add_order(db_session, shop, "580000", NEWEST - timedelta(days=80), [("22086", 2, "2.95"), ("71053", 6, "3.39")], "17850")
    # Older than that: 84406B, many times, must not make the bestsellers.
    for number in range(5):
        add_order(db_session, shop, f"53636{number}", NEWEST - timedelta(days=200), [("84406B", 8, "2.75")], "17850")
    db_session.commit()
    return shop


def script_src(shop) -> str:
    return f'<script async src="/s/{shop.public_key}.js"></script>'


class SlotsAndJson(HTMLParser):
    """Collects p13n slots and the text of JSON script elements, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.slots, self.json, self.body = [], {}, {}
        self._json_key = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-p13n-slot" in attrs:
            self.slots.append(attrs["data-p13n-slot"])
        if tag == "script" and attrs.get("type") == "application/json":
            self._json_key = next(key for key in attrs if key.startswith("data-p13n-"))
            self.json[self._json_key] = ""
        if tag == "body":
            self.body = attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_key = None

    def handle_data(self, data):
        if self._json_key:
            self.json[self._json_key] += data


def parse(response) -> SlotsAndJson:
    parser = SlotsAndJson()
    parser.feed(response.get_data(as_text=True))
    return parser


def card_titles(response) -> list[str]:
    return re.findall(r'<span class="card-title">([^<]*)</span>', response.get_data(as_text=True))


# --- pages -------------------------------------------------------------------


def test_without_the_demo_shop_the_store_says_how_to_create_it(client, db_session):
    response = client.get("/store/")
    assert response.status_code == 503
    assert "flask --app wsgi demo" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/store/", "/store/collections/all", "/store/collections/all?q=heart&page=1", "/store/products/85123A", "/store/cart", "/store/attribution"]
)
def test_every_page_carries_the_merchant_script_tag(client, demo_shop, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head = html.split("</head>")[0]
    assert script_src(demo_shop) in head
    assert "UCI Online Retail (Chen, 2015), CC BY 4.0" in html
    assert "/store/attribution" in html


def test_home_shows_the_bestsellers_of_the_last_90_days_and_the_widget_slots(client, demo_shop):
    response = client.get("/store/")
    assert card_titles(response) == ["Paper Chain Kit 50&#39;s Christmas", "White Hanging Heart T-Light Holder", "White Metal Lantern"]
    assert parse(response).slots == ["home-hero", "home-recommendations"]
    assert 'href="/store/collections/all"' in response.get_data(as_text=True)


def test_orders_placed_in_the_store_count_towards_bestsellers(client, db_session, demo_shop):
    for number in range(4):
        add_order(db_session, demo_shop, f"DEMO-{number}", datetime.now(UTC), [("21730", 1, "4.25")], source="storefront")
    db_session.commit()
    assert card_titles(client.get("/store/"))[0] == "Glass Star Frosted T-Light Holder"


def test_the_collection_is_paginated_by_title_and_searchable(client, db_session, demo_shop):
    for number in range(30):
        add_product(db_session, demo_shop, f"9{number:04d}", f"Zebra Mug {number:02d}", "1.95")
    db_session.commit()
    first = client.get("/store/collections/all")
    assert parse(first).slots == ["collection-top"]
    titles = card_titles(first)
    assert len(titles) == 24 and titles[0] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert titles[1:6] == ["Cream Cupid Hearts Coat Hanger", "Glass Star Frosted T-Light Holder",
                           "Paper Chain Kit 50&#39;s Christmas", "White Hanging Heart T-Light Holder", "White Metal Lantern"]
    assert 'href="/store/collections/all?page=2"' in first.get_data(as_text=True)
    second = client.get("/store/collections/all?page=2")
    assert card_titles(second) == [f"Zebra Mug {number:02d}" for number in range(18, 30)]
    assert client.get("/store/collections/all?page=99").status_code == 200
    assert client.get("/store/collections/all?page=abc").status_code == 200

    found = client.get("/store/collections/all?q=t-LIGHT")
    assert card_titles(found) == ["Glass Star Frosted T-Light Holder", "White Hanging Heart T-Light Holder"]
    assert 'value="t-LIGHT"' in found.get_data(as_text=True)
    assert card_titles(client.get("/store/collections/all?q=%25")) == []  # a LIKE wildcard is a literal
    searched = client.get('/store/collections/all?q="><script>x</script>')
    assert "<script>x</script>" not in searched.get_data(as_text=True)


def test_the_product_page_has_the_product_json_the_add_to_cart_button_and_a_slot(client, demo_shop):
    response = client.get("/store/products/85123A")
    assert response.status_code == 200
    page = parse(response)
    product = json.loads(page.json["data-p13n-product"])
    assert product == {
        "id": "85123A",
        "title": "White Hanging Heart T-Light Holder",
        "price": 2.55,
        "currency": "GBP",
        "url": "http://localhost/store/products/85123A",
        "image_url": "http://localhost/store/images/85123A.svg",
    }
    assert page.slots == ["product-recommendations"]
    html = response.get_data(as_text=True)
    assert "£2.55" in html
    assert 'id="quantity"' in html
    assert '<form method="post" action="/store/cart/add"' in html
    button = re.search(r"<button[^>]*data-p13n-add-to-cart[^>]*>", html).group(0)
    assert 'data-p13n-add-to-cart="85123A"' in button
    assert 'data-p13n-price="2.55"' in button
    assert 'data-p13n-quantity-input="#quantity"' in button


def test_a_hostile_title_cannot_break_out_of_the_product_json(client, demo_shop):
    response = client.get("/store/products/XSS1")
    html = response.get_data(as_text=True)
    assert "</script><script>" not in html
    assert "<script>alert" not in html
    assert json.loads(parse(response).json["data-p13n-product"])["title"] == XSS_TITLE


def test_an_unknown_product_is_404(client, demo_shop):
    response = client.get("/store/products/NOPE")
    assert response.status_code == 404
    assert script_src(demo_shop) in response.get_data(as_text=True)


# --- cart and checkout -------------------------------------------------------


def test_add_remove_and_check_out(client, db_session, demo_shop):
    response = client.post("/store/cart/add", data={"product_id": "71053", "quantity": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/store/cart")
    client.post("/store/cart/add", data={"product_id": "85123A", "quantity": "1"})
    client.post("/store/cart/add", data={"product_id": "85123A", "quantity": "2"})
    cart = client.get("/store/cart")
    html = cart.get_data(as_text=True)
    assert "Cart (5)" in html
    assert "White Metal Lantern" in html and "£6.78" in html and "£7.65" in html and "£14.43" in html
    assert 'data-p13n-remove-from-cart="85123A"' in html
    assert "cart-recommendations" in parse(cart).slots

    response = client.post("/store/cart/remove", data={"product_id": "85123A"})
    assert response.status_code == 303
    html = client.get("/store/cart").get_data(as_text=True)
    assert "Cart (2)" in html and "White Hanging Heart" not in html

    response = client.post("/store/checkout", data={"customer": "17850"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/store/orders/DEMO-[0-9a-f]{12}", location)
    thanks = client.get(location)
    assert thanks.status_code == 200
    page = parse(thanks)
    order = json.loads(page.json["data-p13n-order"])
    assert order == {
        "id": location.rsplit("/", 1)[1],
        "total": 6.78,
        "currency": "GBP",
        "customer_id": "17850",
        "lines": [{"product_id": "71053", "quantity": 2, "price": 3.39}],
    }
    assert page.body.get("data-p13n-customer-id") == "17850"
    assert script_src(demo_shop) in thanks.get_data(as_text=True)
    assert "Cart (0)" in thanks.get_data(as_text=True)
    # The store leaves recording the order to the tracker's purchase event.
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Order).where(Order.external_id.like("DEMO-%"))) == 0


def test_a_guest_checkout_has_no_customer(client, demo_shop):
    client.post("/store/cart/add", data={"product_id": "22086", "quantity": "3"})
    location = client.post("/store/checkout", data={"customer": ""}).headers["Location"]
    page = parse(client.get(location))
    order = json.loads(page.json["data-p13n-order"])
    assert "customer_id" not in order and order["total"] == 8.85
    assert "data-p13n-customer-id" not in page.body


def test_an_email_identifies_the_shopper(client, demo_shop):
    client.post("/store/cart/add", data={"product_id": "22086", "quantity": "1"})
    location = client.post("/store/checkout", data={"customer": " Ann@Example.com "}).headers["Location"]
    assert json.loads(parse(client.get(location)).json["data-p13n-order"])["customer_id"] == "ann@example.com"


@pytest.mark.parametrize(
    "form, status",
    [
        ({"product_id": "NOPE", "quantity": "1"}, 404),
        ({"product_id": "71053", "quantity": "0"}, 400),
        ({"product_id": "71053", "quantity": "100"}, 400),
        ({"product_id": "71053", "quantity": "two"}, 400),
    ],
)
def test_adding_to_cart_is_validated(client, demo_shop, form, status):
    assert client.post("/store/cart/add", data=form).status_code == status
    assert "Cart (0)" in client.get("/store/cart").get_data(as_text=True)


def test_checkout_rejects_a_malformed_customer_and_an_empty_cart_goes_back(client, demo_shop):
    assert client.post("/store/checkout", data={"customer": "17850"}).status_code == 303  # empty cart
    client.post("/store/cart/add", data={"product_id": "71053", "quantity": "1"})
    response = client.post("/store/checkout", data={"customer": "<b>hi</b>"})
    assert response.status_code == 400
    assert "<b>hi</b>" not in response.get_data(as_text=True)
    assert "Cart (1)" in response.get_data(as_text=True)


def test_someone_elses_order_page_is_404(client, demo_shop):
    assert client.get("/store/orders/DEMO-000000000000").status_code == 404


# --- the shipped data slice --------------------------------------------------


def read_csv_gz(path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


def test_the_shipped_files_fit_in_3_mb_and_have_the_import_columns():
    assert PRODUCTS_FILE.stat().st_size + ORDERS_FILE.stat().st_size <= 3_000_000
    product_header, products = read_csv_gz(PRODUCTS_FILE)
    order_header, orders = read_csv_gz(ORDERS_FILE)
    assert product_header == ["external_id", "title", "url", "image_url", "price", "currency", "tags", "in_stock"]
    assert order_header == ["order_id", "customer_id", "placed_at", "currency", "product_id", "quantity", "price", "country"]
    # The counts ATTRIBUTION.md states.
    assert len(products) == 3796
    assert len(orders) == 517263
    assert len({row[0] for row in orders}) == 19773
    assert len({row[1] for row in orders if row[1]}) == 4334
    assert {row[4] for row in orders} == {row[0] for row in products}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", row[2]) for row in orders[:1000])
    assert {row[7] for row in orders} <= set(make_slice.COUNTRY_CODES.values())


def test_the_shipped_files_import_without_a_rejected_line(db_session):
    shop, _ = create_shop(db_session, DEMO_NAME, DEMO_DOMAIN, currency="GBP", locale="en-GB")
    report = product_import.import_products(db_session, shop.id, read_rows(PRODUCTS_FILE, "csv", product_import.REQUIRED_CSV_COLUMNS))
    assert (report.imported, report.problems) == (3796, [])
    # The first 20,000 lines (about 800 orders) are enough to show the format is accepted.
    rows = islice(read_rows(ORDERS_FILE, "csv", order_import.REQUIRED_CSV_COLUMNS), 20_000)
    report = order_import.import_orders(db_session, shop.id, rows)
    db_session.commit()
    assert report.problems == [] and report.imported > 700
    heart = db_session.scalar(select(Product).where(Product.external_id == "85123A"))
    assert (heart.title, heart.currency, heart.url) == ("White Hanging Heart T-Light Holder", "GBP", "/store/products/85123A")


def test_make_slice_cleans_a_small_source(tmp_path, monkeypatch):
    source_rows = [
        make_slice.SOURCE_COLUMNS,
        ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER ", "6", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom"],
        ["536365", "85123a", "WHITE HANGING HEART T-LIGHT HOLDER", "2", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom"],
        ["536365", "85123a", "WHITE HANGING HEART T-LIGHT HOLDER", "2", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom"],  # exact duplicate
        ["536366", "22633", "HAND WARMER UNION JACK", "6", "2010-12-01 08:28:00", "1.85", "", "Channel Islands"],
        ["536367", "POST", "POSTAGE", "1", "2010-12-01 08:34:00", "18.00", "12583.0", "France"],
        ["536368", "DCGSSBOY", "BOYS PARTY BAG", "1", "2010-12-01 08:34:00", "3.29", "12583.0", "France"],
        ["C536379", "22633", "HAND WARMER UNION JACK", "1", "2010-12-01 09:41:00", "1.85", "14527.0", "RSA"],
        ["536370", "22728", "ALARM CLOCK BAKELIKE PINK", "-24", "2010-12-01 08:45:00", "3.75", "12583.0", "France"],
        ["536371", "22728", "", "24", "2010-12-01 08:45:00", "0.0", "", "Unspecified"],
        ["536372", "22633", "hand warmer union jack", "1", "2010-12-02 10:00:00", "2.10", "13047.0", "EIRE"],
    ]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(source_rows)
    source = tmp_path / "retail.csv.gz"
    source.write_bytes(gzip.compress(text.getvalue().encode()))
    monkeypatch.setattr(make_slice, "DATA_DIR", tmp_path / "out")
    monkeypatch.setattr(make_slice, "PRODUCTS_FILE", tmp_path / "out" / "products.csv.gz")
    monkeypatch.setattr(make_slice, "ORDERS_FILE", tmp_path / "out" / "orders.csv.gz")

    assert make_slice.main(["--source", str(source)]) == 0
    first = (tmp_path / "out" / "orders.csv.gz").read_bytes()
    _, orders = read_csv_gz(tmp_path / "out" / "orders.csv.gz")
    _, products = read_csv_gz(tmp_path / "out" / "products.csv.gz")
    assert orders == [
        ["536365", "17850", "2010-12-01T08:26:00Z", "GBP", "85123A", "8", "2.55", "GB"],
        ["536366", "", "2010-12-01T08:28:00Z", "GBP", "22633", "6", "1.85", "JE"],
        ["536372", "13047", "2010-12-02T10:00:00Z", "GBP", "22633", "1", "2.10", "IE"],
    ]
    assert products == [
        ["22633", "Hand Warmer Union Jack", "/store/products/22633", "/store/images/22633.svg", "2.10", "GBP", "", "true"],
        ["85123A", "White Hanging Heart T-Light Holder", "/store/products/85123A", "/store/images/85123A.svg", "2.55", "GBP", "", "true"],
    ]
    assert make_slice.main(["--source", str(source)]) == 0
    assert (tmp_path / "out" / "orders.csv.gz").read_bytes() == first, "deterministic"


def test_make_slice_without_its_source_says_so(tmp_path, capsys):
    assert make_slice.main(["--source", str(tmp_path / "missing.csv.gz")]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "description, title",
    [
        ("WHITE HANGING HEART T-LIGHT HOLDER", "White Hanging Heart T-Light Holder"),
        ("SET OF 3 CAKE TINS PANTRY DESIGN ", "Set of 3 Cake Tins Pantry Design"),
        ("PAPER CHAIN KIT 50'S CHRISTMAS", "Paper Chain Kit 50's Christmas"),
        ("CHILDREN'S APRON DOLLY GIRL", "Children's Apron Dolly Girl"),
    ],
)
def test_titles_are_tidied_to_title_case(description, title):
    assert make_slice.title_case(description) == title

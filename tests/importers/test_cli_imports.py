"""The import commands as a merchant runs them: files in, report out, bad lines named, nothing half-written."""
from __future__ import annotations

import gzip
import json

from sqlalchemy import func, select

from app.models import Event, Order, OrderLine, Product, Profile, Shop
from tests.helpers.identity import identity_secret


def run(runner, *args):
    return runner.invoke(args=list(args), catch_exceptions=False)


def test_create_shop_prints_its_keys_once_as_json(runner, db_session):
    result = run(runner, "create-shop", "Corner Shop", "--domain", "corner.example", "--currency", "eur")
    assert result.exit_code == 0, result.output
    keys = json.loads(result.stdout)
    assert set(keys) == {"shop_id", "public_key", "secret_key", "identity_secret"}
    assert keys["public_key"].startswith("pk_") and keys["secret_key"].startswith("sk_")
    # The identity secret is the one the server verifies signatures with (and shows on the Install page).
    shop = db_session.get(Shop, keys["shop_id"])
    assert keys["identity_secret"].startswith("ids_") and identity_secret(shop) == keys["identity_secret"]
    again = run(runner, "create-shop", "Other", "--domain", "corner.example")
    assert again.exit_code != 0 and "exists already" in again.output
    bad = run(runner, "create-shop", "X", "--currency", "euros")
    assert bad.exit_code != 0 and "currency" in bad.output


def test_import_products_csv_reports_bad_lines_and_imports_the_rest(runner, make_shop, db_session, tmp_path):
    make_shop()
    path = tmp_path / "products.csv"
    path.write_text(
        "external_id,title,price,currency,tags,in_stock\n"
        "A1,Red mug,4.50,GBP,kitchen|gift,true\n"
        "A2,,3.00,GBP,,true\n"
        "A3,Blue mug,abc,GBP,,yes\n"
        "A4,Green mug,5,GBP,,false\n"
    )
    result = run(runner, "import-products", str(path))
    assert result.exit_code == 2
    assert "line 3: title" in result.output and "line 4: price" in result.output
    assert "2 products imported" in result.stdout
    products = {p.external_id: p for p in db_session.scalars(select(Product))}
    assert set(products) == {"A1", "A4"}
    assert products["A1"].tags == ["kitchen", "gift"] and products["A4"].in_stock is False


def test_import_orders_csv_groups_lines_and_rejects_a_bad_order_whole(runner, make_shop, db_session, tmp_path):
    make_shop()
    path = tmp_path / "orders.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(
            "order_id,customer_id,placed_at,currency,product_id,quantity,price,country\n"
            "536365,17850,2010-12-01T08:26:00Z,GBP,85123A,6,2.55,GB\n"
            "536365,17850,2010-12-01T08:26:00Z,GBP,71053,6,3.39,GB\n"
            "536366,17850,2010-12-01T08:28:00Z,GBP,22633,6,1.85,GB\n"
            "536367,13047,2010-12-01T08:34:00Z,GBP,84879,32,1.69,GB\n"
            "536367,13047,2010-12-01T08:34:00Z,GBP,22745,-1,2.10,GB\n"
            "536368,,2010-12-01T08:34:00Z,GBP,22960,3,4.25,\n"
        )
    result = run(runner, "import-orders", str(path))
    assert result.exit_code == 2
    assert "line 5: order '536367'" in result.output and "quantity" in result.output
    orders = {o.external_id: o for o in db_session.scalars(select(Order))}
    assert set(orders) == {"536365", "536366", "536368"}
    assert str(orders["536365"].total) == "35.64" and len(orders["536365"].lines) == 2
    assert orders["536368"].profile_id is None
    customer = db_session.scalar(select(Profile).where(Profile.customer_id == "17850"))
    assert customer.country == "GB" and orders["536366"].profile_id == customer.id
    assert db_session.scalar(select(func.count()).select_from(OrderLine)) == 4

    rerun = run(runner, "import-orders", str(path))
    assert "0 orders imported, 3 already present" in rerun.stdout


def test_import_orders_jsonl(runner, make_shop, db_session, tmp_path):
    make_shop()
    path = tmp_path / "orders.jsonl"
    path.write_text(
        json.dumps({"order_id": "X1", "customer_id": 7, "placed_at": "2024-05-01T10:00:00+02:00", "lines": [{"product_id": "P", "quantity": 1, "price": 3}]}) + "\n"
        + "{broken\n"
    )
    result = run(runner, "import-orders", str(path))
    assert result.exit_code == 2 and "line 2: not valid JSON" in result.output
    order = db_session.scalar(select(Order))
    assert order.customer_id == "7" and order.placed_at.isoformat() == "2024-05-01T08:00:00+00:00"


def test_import_events_keeps_historic_timestamps_and_is_rerunnable(runner, make_shop, db_session, tmp_path):
    make_shop()
    path = tmp_path / "events.jsonl"
    rows = [
        {"id": "e1", "type": "product_view", "visitor_id": "v1", "product_id": "P", "ts": "2023-01-05T12:00:00Z"},
        {"id": "e2", "type": "identify", "visitor_id": "v1", "customer_id": "C1", "ts": "2023-01-05T12:01:00Z"},
        {"id": "e3", "type": "product_view", "visitor_id": "v1", "ts": "2023-01-05T12:02:00Z"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    result = run(runner, "import-events", str(path))
    assert result.exit_code == 2 and "line 3: product_id" in result.output
    first = db_session.scalar(select(Event).where(Event.client_event_id == "e1"))
    assert first.occurred_at.isoformat() == "2023-01-05T12:00:00+00:00"
    assert db_session.get(Profile, first.profile_id).customer_id == "C1"
    rerun = run(runner, "import-events", str(path))
    assert "0 events imported, 2 already present" in rerun.stdout


def test_file_level_problems_are_named(runner, make_shop, tmp_path):
    make_shop()
    missing = run(runner, "import-products", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "no such file" in missing.output
    (tmp_path / "p.csv").write_text("sku,name\nA,B\n")
    columns = run(runner, "import-products", str(tmp_path / "p.csv"))
    assert columns.exit_code != 0 and "missing column(s) external_id, title" in columns.output
    (tmp_path / "p.txt").write_text("")
    fmt = run(runner, "import-products", str(tmp_path / "p.txt"))
    assert fmt.exit_code != 0 and "--format" in fmt.output


def test_imports_need_a_shop_when_there_are_several(runner, make_shop, tmp_path):
    make_shop("A")
    make_shop("B")
    (tmp_path / "p.csv").write_text("external_id,title\nA,B\n")
    result = run(runner, "import-products", str(tmp_path / "p.csv"))
    assert result.exit_code != 0 and "--shop" in result.output


def test_import_products_refuses_links_that_are_not_http(runner, make_shop, db_session, tmp_path):
    make_shop()
    path = tmp_path / "products.csv"
    path.write_text(
        "external_id,title,url,image_url\n"
        "B1,Fine,https://shop.example/b1,/img/b1.png\n"
        "B2,Script link,javascript:alert(1),\n"
        'B3,Data image,,"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="\n'
    )
    result = run(runner, "import-products", str(path))
    assert "line 3: url" in result.output and "line 4: image_url" in result.output
    assert {p.external_id for p in db_session.scalars(select(Product))} == {"B1"}

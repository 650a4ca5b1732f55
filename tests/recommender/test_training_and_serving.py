"""Training from the store, publishing versions, and every strategy through the public endpoint."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import ModelVersion, Product
from app.recommender.serving.bots import MAX_PRODUCT_VIEWS_PER_DAY
from app.recommender.serving.loaded_model import active_version
from app.recommender.serving.visitor import visitor_context
from app.recommender.training.history import latest_activity, read_history
from app.recommender.training.pipeline import TrainingOptions, options_from_config
from app.recommender.training.train_shop import NotEnoughData, train_shop
from tests.helpers import recommender_shop
from tests.helpers.events import event
from tests.helpers.identity import signatures, signed_event
from tests.helpers.recommender_shop import FAST, build_shop
from tests.helpers.rules import make_rule


@pytest.fixture
def trained_shop(db_session, make_shop, tmp_path):
    return recommender_shop.trained_shop(db_session, make_shop, tmp_path)


def recommendations(client, shop, **params):
    response = client.get("/v1/recommendations", query_string={"key": shop.public_key, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body) -> list[str]:
    return [item["id"] for item in body["items"]]


def view(db_session, shop, visitor, *product_ids):
    now = utcnow()
    events = [event("product_view", visitor, product_id=p, ts=(now - timedelta(seconds=10 - n)).isoformat()) for n, p in enumerate(product_ids)]
    ingest_batch(db_session, shop.id, events, sent_at=None, received_at=now)
    db_session.commit()


def test_training_records_and_activates_a_version(trained_shop, db_session, tmp_path):
    shop, version = trained_shop
    assert version.status == "active" and Path(version.artifact_path).is_dir()
    assert version.n_items == 24 and version.n_users == 60 and version.n_interactions > 0
    assert version.hyperparameters["no_components"] == 8 and version.training_seconds > 0
    assert "blend" in version.metrics and "popularity" in version.metrics
    second = train_shop(db_session, shop.id, tmp_path, FAST)
    db_session.refresh(version)
    assert (version.status, active_version(db_session, shop.id).id) == ("retired", second.id)


def test_a_shop_without_history_is_not_trained_and_keeps_no_half_version(db_session, make_shop, tmp_path):
    shop, _ = make_shop()
    with pytest.raises(NotEnoughData):
        train_shop(db_session, shop.id, tmp_path, FAST)
    failed = db_session.scalar(select(ModelVersion))
    assert failed.status == "failed" and "no product views" in failed.error
    assert active_version(db_session, shop.id) is None


def test_similar_stays_in_the_family_and_works_for_a_product_newer_than_the_model(trained_shop, client, db_session):
    shop, _ = trained_shop
    body = recommendations(client, shop, strategy="similar", product_id="MUG-1", limit=5)
    assert body["strategy"] == "similar" and len(body["items"]) == 5
    assert all(item.startswith("MUG-") for item in ids(body)) and "MUG-1" not in ids(body)
    assert body["items"][0]["reason"] == "Similar to Ceramic Coffee Mug Style 1"

    db_session.add(Product(shop_id=shop.id, external_id="MUG-NEW", title="Ceramic Coffee Mug Deluxe", category="kitchen",
                           price=Decimal("12"), tags=["mug"], in_stock=True))
    db_session.commit()
    fresh = recommendations(client, shop, strategy="similar", product_id="MUG-NEW", limit=5)
    assert fresh["strategy"] == "similar"
    assert sum(item.startswith("MUG-") for item in ids(fresh)) >= 4


def test_a_new_visitor_with_two_views_gets_personal_results_unlike_trending(trained_shop, client, db_session):
    shop, _ = trained_shop
    view(db_session, shop, "fresh-visitor", "LAMP-2", "LAMP-5")
    personal = recommendations(client, shop, strategy="personalized", visitor_id="fresh-visitor", limit=6)
    trending = recommendations(client, shop, strategy="trending", limit=6)
    assert personal["strategy"] == "personalized" and personal["model_version"]
    assert ids(personal) != ids(trending)
    assert sum(item.startswith("LAMP-") for item in ids(personal)) >= 4
    assert any(item["reason"].startswith("Because you viewed Brass Reading Lamp") for item in personal["items"])


def test_every_answer_names_the_model_version_it_was_served_from(trained_shop, client, db_session):
    shop, version = trained_shop
    shop.settings = {"holdout_percent": 0}
    db_session.commit()
    make_rule(db_session, shop, "slider", slot="home-recommendations", content={"strategy": "personalized", "limit": 4})
    make_rule(db_session, shop, "slider", slot="product-recommendations", content={"strategy": "similar", "limit": 4})
    view(db_session, shop, "v-versions", "MUG-1")
    answer = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "v-versions", "product_id": "MUG-1"})
    sliders = answer.get_json()["sliders"]
    assert len(sliders) == 2 and [slider["model_version"] for slider in sliders] == [version.version] * 2
    for strategy in ("personalized", "similar", "trending", "recently_viewed"):
        body = recommendations(client, shop, strategy=strategy, visitor_id="v-versions", product_id="MUG-1")
        assert body["model_version"] == version.version, strategy


def test_bought_products_come_back_only_as_restocks_and_viewed_ones_never_in_personalized(trained_shop, client, db_session):
    shop, _ = trained_shop
    view(db_session, shop, "v-c0", "MUG-3")
    ingest_batch(db_session, shop.id, [signed_event(shop, "identify", "v-c0", "C0")], sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()
    bought = set(db_session.scalars(select(Product.external_id).where(Product.external_id.like("MUG-%"))))  # C0 is a mug buyer
    purchased = set(visitor_context(db_session, shop.id, "v-c0").purchases)
    assert purchased and purchased <= bought
    for strategy in ("similar", "bought_together", "trending", "recently_viewed"):
        body = recommendations(client, shop, strategy=strategy, visitor_id="v-c0", product_id="MUG-3", limit=10)
        assert not purchased & set(ids(body)), strategy
        assert "MUG-3" not in ids(body), strategy
    personal = recommendations(client, shop, strategy="personalized", visitor_id="v-c0", limit=10)
    assert personal["strategy"] == "personalized" and "MUG-3" not in ids(personal)  # a recent view is recently_viewed's
    for item in personal["items"]:
        assert (item["id"] in purchased) == item["reason"].startswith("Time to restock "), item
    again = recommendations(client, shop, strategy="buy_again", visitor_id="v-c0", limit=10)
    assert again["strategy"] == "buy_again" and set(ids(again)) <= purchased and again["items"]
    assert all(item["reason"].startswith("Time to restock ") for item in again["items"])


def test_out_of_stock_and_merchant_exclusions_apply_everywhere_and_a_sliders_pins_and_boosts_to_it(trained_shop, client, db_session):
    shop, _ = trained_shop
    view(db_session, shop, "v-x", "LAMP-1", "LAMP-2", "LAMP-3")
    db_session.execute(Product.__table__.update().where(Product.external_id == "LAMP-4").values(in_stock=False))
    shop.settings = {"recommendations": {"exclude": {"products": ["LAMP-6"], "tags": [], "categories": []}}}
    db_session.commit()
    slider = make_rule(db_session, shop, "slider", content={"strategy": "similar", "pins": ["MUG-9"], "boost": {"products": {"LAMP-7": 50}}})
    for strategy in ("personalized", "similar", "bought_together", "trending", "recently_viewed"):
        body = recommendations(client, shop, strategy=strategy, visitor_id="v-x", product_id="LAMP-1", limit=20, rule_id=slider.id)
        assert "LAMP-4" not in ids(body) and "LAMP-6" not in ids(body), strategy
        if strategy != "recently_viewed":
            assert ids(body)[0] == "MUG-9" and body["items"][0]["reason"] == "Staff pick", strategy
        plain = recommendations(client, shop, strategy=strategy, visitor_id="v-x", product_id="LAMP-1", limit=20)
        assert all(item["reason"] != "Staff pick" for item in plain["items"]), "no pin without the slider"
    boosted = recommendations(client, shop, strategy="similar", product_id="LAMP-1", limit=3, rule_id=slider.id)
    assert "LAMP-7" in ids(boosted)[:2]
    shop.settings = {"recommendations": {"exclude": {"categories": ["lighting"]}}}
    db_session.commit()
    assert not any(item.startswith("LAMP-") for item in ids(recommendations(client, shop, strategy="trending", limit=30)))


def test_without_a_model_every_strategy_falls_back_to_trending(client, db_session, make_shop):
    shop, _ = make_shop()
    build_shop(db_session, shop, customers=10)
    body = recommendations(client, shop, strategy="personalized", visitor_id="anyone", limit=4)
    assert body["strategy"] == "trending" and body["model_version"] is None and len(body["items"]) == 4
    assert all(set(item) == {"id", "title", "url", "image", "price", "currency", "reason"} for item in body["items"])
    assert body["items"][0]["reason"] == "Trending now"
    by_category = recommendations(client, shop, strategy="trending", category="lighting", limit=4)
    assert all(item["id"].startswith("LAMP-") for item in by_category["items"])
    assert by_category["items"][0]["reason"] == "Trending in lighting"


def test_bad_queries_are_400_with_field_messages_and_unknown_keys_403(client, make_shop):
    shop, _ = make_shop()
    bad = client.get("/v1/recommendations", query_string={"key": shop.public_key, "strategy": "magic", "limit": 51})
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"strategy", "limit"}
    assert client.get("/v1/recommendations", query_string={"key": "pk_nope"}).status_code == 403
    assert client.get("/v1/recommendations").status_code == 400
    ok = client.get("/v1/recommendations", query_string={"key": shop.public_key}, headers={"Origin": "https://shop.example"})
    assert ok.status_code == 200 and ok.get_json()["items"] == [] and ok.headers["Access-Control-Allow-Origin"] == "*"


def test_training_reads_a_bounded_window_and_leaves_bots_out(db_session, make_shop):
    shop, _ = make_shop()
    now = utcnow()
    old = [event("product_view", "v-old", product_id="OLD", ts=(now - timedelta(days=400)).isoformat())]
    recent = [event("product_view", "v-new", product_id="NEW", ts=(now - timedelta(days=3)).isoformat())]
    crawl = [event("product_view", "crawler", product_id=f"P{n % 50}", ts=(now - timedelta(hours=2, seconds=n)).isoformat())
             for n in range(MAX_PRODUCT_VIEWS_PER_DAY + 1)]
    ingest_batch(db_session, shop.id, old + recent + crawl, sent_at=None, received_at=now, source="import", correct_clock=False)
    db_session.commit()
    everything = read_history(db_session, shop.id)
    assert set(everything.interactions.item_ids) == {"OLD", "NEW"} and everything.bots == 1
    window = read_history(db_session, shop.id, since=now - timedelta(days=365))
    assert set(window.interactions.item_ids) == {"NEW"}
    assert TrainingOptions().history_days == 730 and options_from_config({"TRAINING_HISTORY_DAYS": 0}).history_days is None


def test_the_window_ends_where_an_imported_history_ends(db_session, make_shop, tmp_path):
    """The demo's Online Retail history ended in 2011: a window counted back from today would hold nothing."""
    shop, _ = make_shop()
    ended = utcnow() - timedelta(days=3 * 365)
    views = [event("product_view", f"v{n}", product_id=f"P{n % 3}", ts=(ended - timedelta(days=n)).isoformat()) for n in range(30)]
    ingest_batch(db_session, shop.id, views, sent_at=None, received_at=utcnow(), source="import", correct_clock=False)
    db_session.commit()
    assert abs(latest_activity(db_session, shop.id) - ended) < timedelta(seconds=1)
    version = train_shop(db_session, shop.id, tmp_path, FAST)
    assert version.status == "active"

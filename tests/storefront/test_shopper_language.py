"""What shoppers read comes in the page's or the shop's language: reasons, pop-up defaults, the script's labels."""
from __future__ import annotations

import json
from decimal import Decimal

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.models import Product
from app.texts import CATALOGS, SCRIPT_KEYS
from tests.helpers.events import event
from tests.helpers.identity import signatures
from tests.helpers.rules import make_rule
from tests.helpers.script_config import inlined_config

NO_HOLDOUT = {"holdout_percent": 0}


def _shop_with_views(make_shop, db_session, locale: str, settings=None):
    shop, _ = make_shop(currency="EUR", locale=locale, settings={**NO_HOLDOUT, **(settings or {})})
    for n in range(4):
        db_session.add(Product(shop_id=shop.id, external_id=f"P{n}", title=f"Mantel {n}", price=Decimal("3.50"), tags=[], in_stock=True))
    db_session.commit()
    ingest_batch(db_session, shop.id, [event("product_view", "v1", product_id="P1"), event("product_view", "v1", product_id="P2")],
                 sent_at=None, received_at=utcnow(), identities=signatures(shop))
    db_session.commit()
    return shop


def _recommend(client, shop, **params):
    response = client.get("/v1/recommendations", query_string={"key": shop.public_key, "visitor_id": "v1", "strategy": "recently_viewed", **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_german_shops_reasons_are_german(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE")
    reasons = [item["reason"] for item in _recommend(client, shop)]
    assert reasons == ["Weil Sie Mantel 2 angesehen haben", "Weil Sie Mantel 1 angesehen haben"]


def test_the_pages_language_wins_where_we_have_it(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE")
    assert _recommend(client, shop, lang="en-GB")[0]["reason"] == "Because you viewed Mantel 2"
    assert _recommend(client, shop, lang="fr-FR")[0]["reason"] == "Weil Sie Mantel 2 angesehen haben", "no French: the shop's"
    english = _shop_with_views(make_shop, db_session, "en-GB")
    assert _recommend(client, english, lang="de")[0]["reason"] == "Weil Sie Mantel 2 angesehen haben"


def test_a_merchants_reworded_reason(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE", {"texts": {"de": {"reason.viewed": "Zuletzt angesehen: {title}"}}})
    assert _recommend(client, shop)[0]["reason"] == "Zuletzt angesehen: Mantel 2"


def _decide(client, shop, **params):
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "visitor_id": "v1", "url": "https://shop.example/", **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_slider_reasons_and_popup_defaults_in_the_decision(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE")
    make_rule(db_session, shop, "slider", content={"strategy": "recently_viewed", "title": "Zuletzt angesehen"})
    make_rule(db_session, shop, "popup", content={"headline": "Warte!", "email_capture": True})
    answer = _decide(client, shop)
    assert answer["sliders"][0]["items"][0]["reason"] == "Weil Sie Mantel 2 angesehen haben"
    content = answer["popups"][0]["content"]
    assert content["button"] == "Senden" and content["consent_label"] == CATALOGS["de"]["consent_label"]
    assert "t" not in answer, "the script already has the shop language's labels in its config"

    english = _decide(client, shop, lang="en")
    assert english["popups"][0]["content"]["button"] == "Send"
    assert english["t"] == {key: CATALOGS["en"][key] for key in SCRIPT_KEYS}


def test_stored_english_defaults_are_shown_in_the_shoppers_language_and_own_wording_as_written(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE")
    make_rule(db_session, shop, "popup", priority=2, content={
        "headline": "Warte!", "email_capture": True, "button": "Send", "consent_label": "Email me offers. I can unsubscribe any time."})
    make_rule(db_session, shop, "popup", priority=1, content={"headline": "Hallo", "email_capture": True, "button": "Jetzt sparen"})
    first, second = _decide(client, shop)["popups"]
    assert first["content"]["button"] == "Senden" and first["content"]["consent_label"] == CATALOGS["de"]["consent_label"]
    assert second["content"]["button"] == "Jetzt sparen"


def test_a_survey_left_at_its_default_wording_asks_in_german(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE")
    make_rule(db_session, shop, "popup", content={"headline": "Eine kurze Frage", "survey": {"kind": "nps"}})
    survey = _decide(client, shop)["popups"][0]["content"]["survey"]
    assert survey["question"] == CATALOGS["de"]["survey.nps.question"]
    assert survey["low_label"] == "Sehr unwahrscheinlich" and survey["thanks"] == "Vielen Dank für Ihre Antwort!"
    assert survey["comment_label"] == CATALOGS["de"]["survey.comment_label"]


def test_the_script_config_carries_the_shops_labels_with_overrides(client, make_shop):
    shop, _ = make_shop(locale="de-DE", settings={"texts": {"de": {"send": "Abschicken"}}})
    body = client.get(f"/s/{shop.public_key}.js", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    config = inlined_config(body)
    assert config["t"]["send"] == "Abschicken" and config["t"]["close"] == "Schließen"
    assert set(config["t"]) == set(SCRIPT_KEYS)


def test_a_bad_lang_is_a_field_error(client, make_shop):
    shop, _ = make_shop()
    response = client.get("/v1/decide", query_string={"key": shop.public_key, "lang": "x" * 100})
    assert response.status_code == 400 and "lang" in json.dumps(response.get_json())


def test_template_blocks_left_blank_say_the_catalogs_words_in_the_shoppers_language(client, db_session, make_shop):
    shop = _shop_with_views(make_shop, db_session, "de-DE", {"free_shipping_threshold": 50})
    ends = "2030-01-01T00:00:00+00:00"
    make_rule(db_session, shop, "block", slot="home-hero", content={"template": "free_shipping"})
    make_rule(db_session, shop, "block", slot="countdown", targeting={"ends_at": ends}, content={"template": "countdown"})
    make_rule(db_session, shop, "block", slot="own", targeting={"ends_at": ends}, content={"template": "countdown", "html": "<p>Nur {{countdown}}</p>"})
    blocks = {block["slot"]: block["html"] for block in _decide(client, shop)["blocks"]}
    assert blocks == {"home-hero": "<p>Noch {{free_shipping_remaining}} bis zum kostenlosen Versand.</p>",
                      "countdown": "<p>Endet in {{countdown}}</p>", "own": "<p>Nur {{countdown}}</p>"}
    english = {block["slot"]: block["html"] for block in _decide(client, shop, lang="en")["blocks"]}
    assert english["countdown"] == "<p>Ends in {{countdown}}</p>"


def test_a_plain_block_still_needs_its_html(client, make_shop):
    shop, secret = make_shop()
    response = client.post("/admin/api/rules", json={"kind": "block", "name": "b", "slot": "s", "content": {}},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400 and "html" in response.get_json()["errors"]["content"]

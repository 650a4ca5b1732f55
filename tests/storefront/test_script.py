"""GET /s/<public_key>.js — the script tag's response."""
from __future__ import annotations

import gzip
import re

from app.shop_state import recent_snapshot
from app.storefront.bundle import CONFIG_TOKEN
from app.storefront.script import MAX_RENDERED_BASES
from tests.helpers.script_config import inlined_config


def test_serves_javascript_with_the_shops_config_inlined(client, make_shop):
    shop, _ = make_shop(currency="GBP", locale="en-GB")
    response = client.get(f"/s/{shop.public_key}.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    body = response.get_data(as_text=True)
    assert CONFIG_TOKEN not in body
    config = inlined_config(body)
    assert config["key"] == shop.public_key and config["currency"] == "GBP" and config["locale"] == "en-GB"
    assert config["api"] == "http://localhost"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) <= 300
    assert response.headers["ETag"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_gzip_when_accepted_and_304_on_a_matching_etag(client, make_shop):
    shop, _ = make_shop()
    plain = client.get(f"/s/{shop.public_key}.js")
    zipped = client.get(f"/s/{shop.public_key}.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data())
    again = client.get(f"/s/{shop.public_key}.js", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    # The browser keeps its copy under the same terms: still public, still the same version.
    assert again.headers["ETag"] == zipped.headers["ETag"] and again.headers["Cache-Control"] == zipped.headers["Cache-Control"]
    assert "Content-Encoding" not in again.headers
    # A weak or listed validator matches too (RFC 9110: If-None-Match compares weakly).
    listed = client.get(f"/s/{shop.public_key}.js", headers={"If-None-Match": f'"other", W/{plain.headers["ETag"]}'})
    assert listed.status_code == 304
    assert client.get(f"/s/{shop.public_key}.js", headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_unknown_key_is_a_404_javascript_comment(client):
    response = client.get("/s/pk_nope.js")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.get_data(as_text=True).startswith("/*")


def test_shop_text_cannot_close_the_script(client, make_shop, db_session):
    shop, _ = make_shop()
    shop.locale = "</script><script>alert(1)//"
    db_session.commit()
    body = client.get(f"/s/{shop.public_key}.js").get_data(as_text=True)
    assert "</script>" not in body


def test_public_base_url_overrides_the_request_host(app, make_shop):
    shop, _ = make_shop()
    app.config["PUBLIC_BASE_URL"] = "https://p13n.example.com"
    body = app.test_client().get(f"/s/{shop.public_key}.js").get_data(as_text=True)
    assert inlined_config(body)["api"] == "https://p13n.example.com"


def test_the_survey_chunk_is_served_like_the_script_and_nothing_else_is(client):
    plain = client.get("/s/chunks/survey.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.headers["Content-Type"] == "application/javascript; charset=utf-8"
    # The chunk hands its form over through the loaded script's p13n('survey', ...) (its local name minified).
    assert re.search(r"var (\w+)=window\.p13n;.*\1\('survey',", plain.get_data(as_text=True)) and "public" in plain.headers["Cache-Control"]
    zipped = client.get("/s/chunks/survey.js", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert client.get("/s/chunks/survey.js", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    for name in ("nope", "Survey", "survey1", "..survey"):
        missing = client.get(f"/s/chunks/{name}.js")
        assert missing.status_code == 404 and missing.get_data(as_text=True).startswith("/*"), name
    assert client.get("/s/chunks/..%2Fp13n.js").status_code == 404


def test_each_host_gets_its_own_api_base_but_made_up_hosts_are_not_all_kept(client, make_shop):
    shop, _ = make_shop()
    for n in range(MAX_RENDERED_BASES + 12):
        body = client.get(f"/s/{shop.public_key}.js", headers={"Host": f"made-up-{n}.example"}).get_data(as_text=True)
        assert inlined_config(body)["api"] == f"http://made-up-{n}.example"
    kept = [renderings for key, renderings in recent_snapshot(shop.public_key).derived.items() if key[0] == "scripts"]
    assert len(kept) == 1 and len(kept[0]) == MAX_RENDERED_BASES

"""The rule editor's form as the payloads app/resources validates, from a werkzeug MultiDict as Flask gives it."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.settings_ui.rule_form import experiment_payload, form_values, rule_payload


def test_a_form_becomes_the_rule_payload():
    form = MultiDict([
        ("csrf_token", "x"), ("name", " Hero "), ("enabled", "false"), ("enabled", "true"), ("slot", "home-hero"),
        ("content.html", "<p>Hi</p>"), ("targeting.segments", "3"), ("targeting.segments", "4"), ("targeting.stages", ""),
        ("targeting.url_patterns", "/a/*\n\n /b \n"), ("targeting.starts_at", "2026-12-01T10:00"), ("variant.0.name", "A"),
    ])
    assert rule_payload(form, "block") == {
        "kind": "block", "name": "Hero", "enabled": "true", "slot": "home-hero", "content": {"html": "<p>Hi</p>"},
        "targeting": {"segments": [3, 4], "stages": [], "url_patterns": ["/a/*", "/b"], "starts_at": "2026-12-01T10:00:00+00:00",
                      "page_kinds": [], "devices": [], "sources": []},
    }


def test_variant_rows_become_the_experiment_payload_and_none_ends_it():
    form = MultiDict([("experiment.holdout_percent", "10"), ("variant.0.name", "ten"), ("variant.1.name", "fifteen"),
                      ("variant.1.weight", "3"), ("variant.1.coupon", "FIFTEEN"), ("variant.1.headline", "")])
    assert experiment_payload(form, "popup") == {
        "name": "A/B test", "status": "running", "holdout": 0.1,
        "variants": [{"name": "ten", "weight": "1", "content": {}}, {"name": "fifteen", "weight": "3", "content": {"coupon": "FIFTEEN"}}],
    }
    assert experiment_payload(MultiDict([("variant.0.name", " ")]), "popup") is None


def test_the_placement_not_chosen_is_not_saved():
    form = MultiDict([("placement", "selector"), ("slot", "home-hero"), ("selector", "article h1"), ("mode", "after")])
    payload = rule_payload(form, "block")
    assert "slot" not in payload and (payload["selector"], payload["mode"]) == ("article h1", "after")
    form = MultiDict([("placement", "slot"), ("slot", "home-hero"), ("selector", "article h1"), ("mode", "append")])
    assert "selector" not in rule_payload(form, "block")


def test_a_sliders_pins_and_boost_rows_become_its_content_and_back():
    form = MultiDict([("content.strategy", "trending"), ("content.pins", " P2 \n\nP1"),
                      ("boost.0.kind", "tags"), ("boost.0.name", "gift"), ("boost.0.factor", "2"),
                      ("boost.1.kind", "products"), ("boost.1.name", ""), ("boost.1.factor", "9"),
                      ("boost.2.kind", "products"), ("boost.2.name", "P7"), ("boost.2.factor", "")])
    content = rule_payload(form, "slider")["content"]
    assert content["pins"] == ["P2", "P1"]
    assert content["boost"] == {"products": {"P7": "1"}, "tags": {"gift": "2"}, "categories": {}}
    values = form_values({"content": {"pins": ["P2", "P1"], "boost": {"products": {"P7": 1.0}, "tags": {"gift": 2.0}}}})
    assert values["content.pins"] == "P2\nP1"
    assert [values[f"boost.{n}.{field}"] for n in (0, 1) for field in ("kind", "name", "factor")] == ["products", "P7", 1.0, "tags", "gift", 2.0]
    assert "content.boost" not in values and "boost" not in rule_payload(form, "block").get("content", {})

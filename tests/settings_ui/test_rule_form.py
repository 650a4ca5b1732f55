"""The rule editor's form as the payloads app/resources validates, from a werkzeug MultiDict as Flask gives it."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.settings_ui.rule_form import experiment_payload, rule_payload


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

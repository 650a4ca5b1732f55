"""The widget editors, driven through their HTML forms."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from app.decisions.preview import previewed_rule_id
from app.models import Experiment, Product, Rule, Segment
from tests.helpers.rules import make_rule

POPUP_FORM = {
    "name": "Exit coupon", "enabled": "true", "priority": "5",
    "content.headline": "Wait! 10% off", "content.body": "Use it today.", "content.coupon": "WELCOME10",
    "content.email_capture": "false", "content.button": "Send",
    "content.trigger.exit_intent": "true", "content.trigger.mobile_exit": "true", "content.trigger.min_dwell_seconds": "3",
    "targeting.stages": "new_visitor", "frequency.once_per_session": "true", "frequency.every_days": "7",
    "frequency.stop_after_conversion": "true",
}


def test_a_new_pop_up_is_saved_from_the_form(signed_in, db_session):
    page = signed_in.get("/settings/rules/new/popup")
    assert page.status_code == 200 and 'name="content.headline"' in page.get_data(as_text=True)
    response = signed_in.post("/settings/rules/new/popup", POPUP_FORM)
    assert response.status_code == 302
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == signed_in.shop.id))
    assert (rule.kind, rule.name, rule.enabled, rule.priority) == ("popup", "Exit coupon", True, 5)
    assert rule.content["coupon"] == "WELCOME10" and rule.content["trigger"]["min_dwell_seconds"] == 3
    assert rule.content["email_capture"] is False
    assert rule.targeting["stages"] == ["new_visitor"] and rule.targeting["devices"] == []
    assert rule.frequency == {"once_per_session": True, "every_days": 7, "stop_after_conversion": True}
    assert response.headers["Location"].endswith(f"/settings/rules/{rule.id}")


def test_bad_input_shows_field_messages_and_keeps_what_was_stored(signed_in, db_session):
    rule = make_rule(db_session, signed_in.shop, kind="popup", name="Keep me", content={"headline": "Original"})
    db_session.commit()
    bad = {**POPUP_FORM, "content.headline": "", "content.trigger.min_dwell_seconds": "-4", "targeting.starts_at": "2026-12-01T10:00",
           "targeting.ends_at": "2026-11-01T10:00"}
    response = signed_in.post(f"/settings/rules/{rule.id}", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="content.headline-error"' in html
    assert 'id="content.trigger.min_dwell_seconds-error"' in html
    assert 'id="targeting.ends_at-error"' in html and "Must be after starts_at." in html
    assert 'value="Use it today."' not in html or "Use it today." in html  # what was typed is shown again
    db_session.expire_all()
    assert db_session.get(Rule, rule.id).content["headline"] == "Original"


def test_block_html_is_sanitized_on_save(signed_in, db_session):
    form = {"name": "Hero", "enabled": "true", "slot": "home-hero", "mode": "replace",
            "content.html": '<h2 onclick="steal()">Hi</h2><script>alert(1)</script><img src="javascript:x"><a href="https://x.example">x</a>'}
    assert signed_in.post("/settings/rules/new/block", form).status_code == 302
    html = db_session.scalar(select(Rule)).content["html"]
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert html.startswith("<h2>Hi</h2>") and 'rel="noopener noreferrer"' in html


def test_variants_and_weights_become_the_rules_experiment(signed_in, db_session):
    form = {**POPUP_FORM, "experiment.name": "Coupon test", "experiment.holdout_percent": "10",
            "variant.0.name": "ten", "variant.0.weight": "1", "variant.1.name": "fifteen", "variant.1.weight": "3",
            "variant.1.coupon": "WELCOME15"}
    assert signed_in.post("/settings/rules/new/popup", form).status_code == 302
    experiment = db_session.scalar(select(Experiment))
    assert experiment.name == "Coupon test" and experiment.holdout == 0.1
    assert [(v["name"], v["weight"], v["content"]) for v in experiment.variants] == [
        ("ten", 1.0, {}), ("fifteen", 3.0, {"coupon": "WELCOME15"})]
    edit = signed_in.get(f"/settings/rules/{experiment.rule_id}").get_data(as_text=True)
    assert 'value="WELCOME15"' in edit
    # Emptying the variant names ends the test.
    form.update({"variant.0.name": "", "variant.1.name": ""})
    assert signed_in.post(f"/settings/rules/{experiment.rule_id}", form).status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(Experiment)) is None


def test_a_bad_variant_is_reported_on_its_row(signed_in, db_session):
    form = {**POPUP_FORM, "variant.0.name": "has space", "variant.1.name": "b", "variant.1.weight": "-1"}
    response = signed_in.post("/settings/rules/new/popup", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="variant.0.name-error"' in html and 'id="variant.1.weight-error"' in html
    assert db_session.scalar(select(Rule)) is None


def test_targeting_another_shops_segment_is_refused(signed_in, db_session, make_shop):
    other, _ = make_shop("Other")
    foreign = Segment(shop_id=other.id, name="Theirs", match="all", conditions=[{"field": "order_count", "op": "gte", "value": 1}])
    db_session.add(foreign)
    db_session.commit()
    response = signed_in.post("/settings/rules/new/popup", {**POPUP_FORM, "targeting.segments": str(foreign.id)})
    assert response.status_code == 400 and f"No such segment: {foreign.id}." in response.get_data(as_text=True)
    missing = signed_in.post("/settings/rules/new/popup", {**POPUP_FORM, "targeting.segments": str(foreign.id + 1000)})
    assert missing.status_code == 400 and f"No such segment: {foreign.id + 1000}." in missing.get_data(as_text=True)
    assert db_session.scalar(select(Rule)) is None


def test_the_editor_previews_the_saved_rule_in_an_iframe(signed_in, db_session, app):
    rule = make_rule(db_session, signed_in.shop, kind="popup", content={"headline": "Hi"})
    db_session.commit()
    html = signed_in.get(f"/settings/rules/{rule.id}?preview_page=https://merchant.example/collections/all").get_data(as_text=True)
    src = unescape(re.search(r'<iframe class="preview" src="([^"]+)"', html).group(1))
    assert src.startswith("https://merchant.example/collections/all?p13n_preview=")
    token = src.split("p13n_preview=")[1]
    assert previewed_rule_id(app.secret_key, token, signed_in.shop.id) == rule.id


def test_turning_a_rule_off_and_deleting_it(signed_in, db_session):
    rule = make_rule(db_session, signed_in.shop, kind="popup", content={"headline": "Hi"})
    db_session.commit()
    assert signed_in.post(f"/settings/rules/{rule.id}/enabled", {"enabled": "false"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Rule, rule.id).enabled is False
    listing = signed_in.get("/settings/rules").get_data(as_text=True)
    assert "Turn on" in listing
    assert signed_in.post(f"/settings/rules/{rule.id}/delete").status_code == 302
    db_session.expire_all()
    assert db_session.get(Rule, rule.id) is None


def test_another_shops_rules_are_invisible(signed_in, db_session, make_shop):
    other, _ = make_shop("Other")
    theirs = make_rule(db_session, other, kind="popup", name="Their secret campaign", content={"headline": "Hi"})
    db_session.commit()
    assert "Their secret campaign" not in signed_in.get("/settings/rules").get_data(as_text=True)
    assert signed_in.get(f"/settings/rules/{theirs.id}").status_code == 404
    assert signed_in.post(f"/settings/rules/{theirs.id}/enabled", {"enabled": "false"}).status_code == 404
    assert signed_in.post(f"/settings/rules/{theirs.id}/delete").status_code == 404
    assert signed_in.post(f"/settings/rules/{theirs.id}", {**POPUP_FORM, "name": "Mine now"}).status_code == 404
    assert signed_in.post(f"/settings/rules/{theirs.id}/preview", POPUP_FORM).status_code == 404
    db_session.expire_all()
    assert (db_session.get(Rule, theirs.id).enabled, db_session.get(Rule, theirs.id).name) == (True, "Their secret campaign")


def _iframe_token(html: str) -> str:
    src = unescape(re.search(r'<iframe class="preview" src="([^"]+)"', html).group(1))
    return src.split("p13n_preview=")[1]


def test_unsaved_changes_are_previewed_on_the_store_and_nothing_is_stored(signed_in, db_session, client):
    rule = make_rule(db_session, signed_in.shop, kind="popup", name="Saved", content={"headline": "Saved headline"})
    draft = {**POPUP_FORM, "content.headline": "Draft headline", "content.coupon": "DRAFT20"}
    response = signed_in.post(f"/settings/rules/{rule.id}/preview", draft)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "unsaved" in html and 'value="Draft headline"' in html
    decision = client.get(f"/v1/decide?key={signed_in.shop.public_key}&visitor_id=v-1&preview={_iframe_token(html)}").get_json()
    assert decision["preview"] is True
    [popup] = decision["popups"]
    assert popup["content"]["headline"] == "Draft headline" and popup["content"]["coupon"] == "DRAFT20"
    db_session.expire_all()
    assert db_session.get(Rule, rule.id).content["headline"] == "Saved headline"


def test_a_rule_not_created_yet_can_be_previewed(signed_in, db_session, client):
    form = {"name": "Hero", "slot": "home-hero", "mode": "replace", "content.html": "<h2>Draft hero</h2><script>x()</script>"}
    html = signed_in.post("/settings/rules/new/block/preview", form).get_data(as_text=True)
    decision = client.get(f"/v1/decide?key={signed_in.shop.public_key}&visitor_id=v-1&preview={_iframe_token(html)}").get_json()
    assert [block["html"] for block in decision["blocks"]] == ["<h2>Draft hero</h2>"], "sanitized like a saved rule"
    assert db_session.scalar(select(Rule)) is None


def test_a_draft_preview_with_errors_shows_them_and_no_preview(signed_in):
    response = signed_in.post("/settings/rules/new/popup/preview", {**POPUP_FORM, "content.headline": ""})
    assert response.status_code == 400 and 'id="content.headline-error"' in response.get_data(as_text=True)
    assert "<iframe" not in response.get_data(as_text=True)


def test_a_draft_token_cannot_be_used_for_another_shop(signed_in, client, make_shop):
    other, _ = make_shop("Other")
    html = signed_in.post("/settings/rules/new/popup/preview", POPUP_FORM).get_data(as_text=True)
    response = client.get(f"/v1/decide?key={other.public_key}&visitor_id=v-1&preview={_iframe_token(html)}")
    assert response.status_code == 400


def test_a_scheduled_rule_opens_in_the_editor_and_saves_again(signed_in, db_session):
    form = {**POPUP_FORM, "targeting.starts_at": "2026-11-27T08:30", "targeting.ends_at": "2026-11-28T20:00"}
    created = signed_in.post("/settings/rules/new/popup", form)
    assert created.status_code == 302, created.get_data(as_text=True)
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == signed_in.shop.id))
    listed = signed_in.get("/settings/rules")
    assert listed.status_code == 200 and "Exit coupon" in listed.get_data(as_text=True)
    editor = signed_in.get(f"/settings/rules/{rule.id}")
    html = editor.get_data(as_text=True)
    assert editor.status_code == 200
    assert 'value="2026-11-27T08:30"' in html and 'value="2026-11-28T20:00"' in html
    saved_again = signed_in.post(f"/settings/rules/{rule.id}", {**form, "name": "Renamed"})
    assert saved_again.status_code == 302
    db_session.expire_all()
    stored = db_session.get(Rule, rule.id)
    assert stored.name == "Renamed"
    assert (stored.targeting["starts_at"], stored.targeting["ends_at"]) == ("2026-11-27T08:30:00+00:00", "2026-11-28T20:00:00+00:00")
    toggled = signed_in.post(f"/settings/rules/{rule.id}/enabled", {"enabled": "false"})
    assert toggled.status_code in (200, 302)


def test_an_id_no_table_can_hold_is_a_404_on_every_settings_page(signed_in):
    for huge in (2**31, 10**30):
        assert signed_in.get(f"/settings/rules/{huge}").status_code == 404
        assert signed_in.post(f"/settings/rules/{huge}", {"name": "x"}).status_code == 404
        assert signed_in.post(f"/settings/rules/{huge}/enabled", {"enabled": "false"}).status_code == 404
        assert signed_in.get(f"/settings/segments/{huge}").status_code == 404
        assert signed_in.post(f"/settings/segments/{huge}/delete").status_code == 404
        assert signed_in.get(f"/settings/privacy/data-requests/{huge}.json").status_code == 404


def test_a_sliders_editor_saves_pins_and_boosts_and_names_the_pinned_products(signed_in, db_session):
    db_session.add_all([Product(shop_id=signed_in.shop.id, external_id=pid, title=f"Lamp {pid}", tags=[]) for pid in ("L1", "L2")])
    db_session.commit()
    form = {"name": "Home", "enabled": "true", "placement": "slot", "slot": "home-recommendations", "content.strategy": "trending",
            "content.limit": "8", "content.pins": "L2\nL1", "boost.0.kind": "categories", "boost.0.name": "lighting", "boost.0.factor": "3"}
    response = signed_in.post("/settings/rules/new/slider", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    rule = db_session.scalar(select(Rule).where(Rule.shop_id == signed_in.shop.id))
    assert rule.content["pins"] == ["L2", "L1"] and rule.content["boost"]["categories"] == {"lighting": 3.0}
    page = signed_in.get(f"/settings/rules/{rule.id}").get_data(as_text=True)
    assert "<code>L2</code> Lamp L2" in page and 'name="boost.0.name" value="lighting"' in page
    bad = signed_in.post(f"/settings/rules/{rule.id}", {**form, "content.pins": "L1\nGONE", "boost.0.factor": "500"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="content.boost-error"' in html
    db_session.refresh(rule)
    assert rule.content["pins"] == ["L2", "L1"]

"""Survey pop-ups in the settings UI: made in the editor, scored on the dashboard with intervals, exported as CSV."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import utcnow
from app.ingest.events import ingest_batch
from app.ingest.orders import OrderData, store_new_orders
from app.models import Profile, Rule, Segment
from tests.helpers.events import event
from tests.helpers.rules import make_rule
from tests.helpers.stats_history import profile_of

HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil.example","click")'


def answer(client, shop, rule, score, visitor=None, comment=None):
    body = {"key": shop.public_key, "rule_id": rule.id, "score": score, "visitor_id": visitor, "comment": comment}
    response = client.post("/v1/surveys", data=json.dumps(body))
    assert response.status_code == 201, response.get_json()


def shoppers(db_session, shop):
    """Two buyers (one with a top-10% predicted CLV) and two browsers, with a segment for the buyers."""
    now = utcnow()
    ingest_batch(db_session, shop.id, [event("page_view", v) for v in ("b1", "b2", "v1", "v2")], sent_at=None, received_at=now)
    for n, visitor in enumerate(("b1", "b2")):
        store_new_orders(db_session, shop.id, [OrderData(f"O{n}", now - timedelta(hours=2), None, profile_of(db_session, shop, visitor),
                                                         total=Decimal("30"))], "storefront")
    db_session.get(Profile, profile_of(db_session, shop, "b1")).clv_percentile = 95.0
    db_session.add(Segment(shop_id=shop.id, name="Buyers", conditions=[{"field": "order_count", "op": "gte", "value": 1}]))
    db_session.commit()


def test_the_dashboard_scores_nps_and_csat_with_intervals_by_stage_segment_and_band(signed_in, client, db_session, make_shop):
    shop = signed_in.shop
    shoppers(db_session, shop)
    nps = make_rule(db_session, shop, "popup", name="NPS after purchase", content={"headline": "?", "survey": {"kind": "nps"}})
    csat = make_rule(db_session, shop, "popup", name="CSAT", content={"headline": "?", "survey": {"kind": "csat"}})
    for visitor, score in (("b1", 10), ("b2", 9), ("v1", 3), ("v2", 8)):
        answer(client, shop, nps, score, visitor, comment=HOSTILE if visitor == "v1" else None)
    for score in (5, 4, 2):
        answer(client, shop, csat, score)
    other, _ = make_shop("Other")
    theirs = make_rule(db_session, other, "popup", content={"headline": "?", "survey": {"kind": "nps"}})
    for _ in range(5):
        answer(client, other, theirs, 0, comment="another shop's comment")

    html = signed_in.get("/settings/dashboard").get_data(as_text=True)
    assert re.search(r'id="nps-value">\+25<', html), "2 promoters, 1 passive, 1 detractor of 4"
    assert re.search(r'id="nps-interval">95% CI [+-]\d+ to \+\d+<', html)
    assert re.search(r'id="csat-value">67%<', html) and 'id="csat-interval">95% CI ' in html
    nps_section = html[html.index('id="survey-nps"'):html.index('id="survey-csat"')]
    rows = dict(re.findall(r'<tr data-key="(\w+)"><th scope="row">[^<]+</th><td class="num">(\d+)</td>', nps_section))
    assert rows["first_time_buyer"] == "2" and rows["new_visitor"] == "2", rows
    assert rows["top_10"] == "1" and rows["unknown"] == "3"
    buyers = db_session.scalar(select(Segment.id).where(Segment.shop_id == shop.id))
    assert rows[str(buyers)] == "2", "the segment the two buyers matched when they answered"
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "another shop" not in html and 'style="' not in html
    assert html.count("<svg") >= 2, "a chart over time for each"


def test_the_csv_export_has_every_answer_and_runs_no_formula(signed_in, client, db_session):
    shop = signed_in.shop
    shoppers(db_session, shop)
    nps = make_rule(db_session, shop, "popup", name="=cmd|' /C calc'!A0", content={"headline": "?", "survey": {"kind": "nps"}})
    answer(client, shop, nps, 2, "b1", comment=HOSTILE)
    answer(client, shop, nps, 9, "v1", comment="+fine, really")
    response = signed_in.get("/settings/surveys.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["answered_at", "survey", "kind", "score", "category", "comment", "stage", "clv_band", "segments", "customer_id", "visitor_id"]
    first, second = rows[1], rows[2]
    assert first[1] == "'=cmd|' /C calc'!A0" and first[2:5] == ["nps", "2", "detractor"] and first[5] == HOSTILE
    assert first[6:9] == ["first_time_buyer", "top_10", "Buyers"] and first[10] == "b1"
    assert second[4] == "promoter" and second[5] == "'+fine, really"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    later = (utcnow() + timedelta(days=2)).date().isoformat()
    assert len(list(csv.reader(io.StringIO(signed_in.get(f"/settings/surveys.csv?from={later}&to={later}").get_data(as_text=True))))) == 1


def test_the_editor_starts_a_survey_after_a_purchase_and_refuses_a_coupon_with_it(signed_in, db_session):
    page = signed_in.get("/settings/rules/new/popup?survey=csat").get_data(as_text=True)
    assert '<option value="csat" selected>' in page and 'id="survey-fields"' in page and "Survey pop-up" in page
    form = {"name": "CSAT after purchase", "enabled": "true", "content.headline": "One quick question", "content.survey.kind": "csat",
            "content.survey.question": "", "content.survey.comment": "true", "content.trigger.time_on_page_seconds": "3",
            "targeting.page_kinds": "order", "frequency.every_days": "90"}
    refused = signed_in.post("/settings/rules/new/popup", {**form, "content.coupon": "THANKS10"})
    assert refused.status_code == 400 and "would bias the answers" in refused.get_data(as_text=True)
    assert signed_in.post("/settings/rules/new/popup", form).status_code == 302
    rule = db_session.scalar(select(Rule))
    assert rule.content["survey"]["kind"] == "csat" and rule.content["survey"]["question"].startswith("How satisfied")
    assert rule.targeting["page_kinds"] == ["order"] and rule.frequency["every_days"] == 90
    edited = signed_in.post(f"/settings/rules/{rule.id}", {**form, "content.survey.kind": ""})
    assert edited.status_code == 302
    db_session.refresh(rule)
    assert "survey" not in rule.content, "no question: an offer pop-up again"

"""The leads page and its CSV export: newest first, paginated, one shop only, safe in a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.clock import utcnow
from app.models import Lead
from app.settings_ui.csv_export import csv_safe
from tests.helpers.rules import make_rule


def add_leads(db_session, shop, emails, rule=None, consent=True):
    now = utcnow()
    for n, email in enumerate(emails):
        db_session.add(Lead(shop_id=shop.id, email=email, consent=consent, rule_id=rule.id if rule else None,
                            created_at=now - timedelta(minutes=n)))
    db_session.commit()


def test_leads_are_listed_newest_first_with_their_pop_up(signed_in, db_session, make_shop):
    shop = signed_in.shop
    rule = make_rule(db_session, shop, "popup", name="Exit <coupon>")
    add_leads(db_session, shop, ["newest@a.example", "older@a.example"], rule=rule)
    other, _ = make_shop("Other", "other.example")
    add_leads(db_session, other, ["secret@other.example"])

    page = signed_in.get("/settings/leads")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("newest@a.example") < html.index("older@a.example")
    assert "Exit &lt;coupon&gt;" in html and "Exit <coupon>" not in html
    assert f'href="/settings/rules/{rule.id}"' in html
    assert "secret@other.example" not in html
    assert '2 <span class="muted">leads' in html


def test_leads_are_paginated_by_fifty(signed_in, db_session):
    add_leads(db_session, signed_in.shop, [f"lead{n:03d}@a.example" for n in range(120)])
    first = signed_in.get("/settings/leads").get_data(as_text=True)
    third = signed_in.get("/settings/leads?page=3").get_data(as_text=True)
    assert first.count("@a.example</td>") == 50 and "lead000@" in first and "lead050@" not in first
    assert third.count("@a.example</td>") == 20 and "lead119@" in third and "Page 3 of 3" in third
    assert "Page 3 of 3" in signed_in.get("/settings/leads?page=99").get_data(as_text=True)
    assert "Page 1 of 3" in signed_in.get("/settings/leads?page=abc").get_data(as_text=True)


def test_csv_export_is_an_attachment_of_this_shop_only_and_defuses_formulas(signed_in, db_session, make_shop):
    shop = signed_in.shop
    rule = make_rule(db_session, shop, "popup", name="=HYPERLINK(\"http://evil\")")
    add_leads(db_session, shop, ["=cmd|'/c calc'!A1@x.example", "zoë@a.example", "+1@a.example"], rule=rule)
    other, _ = make_shop("Other", "other.example")
    add_leads(db_session, other, ["secret@other.example"])

    response = signed_in.get("/settings/leads.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["email", "consent", "created_at", "rule_id", "rule", "consent_at", "confirmed_at", "consent_pending",
                       "discount_code"]
    emails = [row[0] for row in rows[1:]]
    assert emails == ["'=cmd|'/c calc'!A1@x.example", "zoë@a.example", "'+1@a.example"]
    assert {row[4] for row in rows[1:]} == {"'=HYPERLINK(\"http://evil\")"}
    assert "secret@other.example" not in text


def test_csv_safe_prefixes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_safe(start + "1") == "'" + start + "1"
    assert csv_safe("a=b") == "a=b" and csv_safe(None) == "" and csv_safe(3) == "3"


def test_signed_out_requests_go_to_the_login(app):
    client = app.test_client()
    for url in ("/settings/leads", "/settings/leads.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/settings/login")

"""The dashboard: totals, uplift, per-widget rows and charts for a period, from real events and orders."""
from __future__ import annotations

import re
from datetime import date, timedelta

from app.clock import utcnow
from app.settings_ui.period import resolve_period
from tests.helpers.rules import make_rule
from tests.helpers.stats_history import build_history


def assert_csp_safe(html: str) -> None:
    assert 'style="' not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline scripts"


def test_the_dashboard_shows_this_shops_figures_for_the_last_30_days(signed_in, db_session, make_shop, day0):
    slider, popup = build_history(db_session, signed_in.shop, day0)
    other, _ = make_shop("Other", "other.example")
    build_history(db_session, other, day0)
    make_rule(db_session, other, "block", name="Other shop's secret block")

    response = signed_in.get("/settings/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_csp_safe(html)
    today = utcnow().date()
    assert f'value="{(today - timedelta(days=29)).isoformat()}"' in html and f'value="{today.isoformat()}"' in html
    assert re.search(r'id="total-impressions">3<', html)
    assert re.search(r'id="total-ctr">66.7%<', html)
    assert re.search(r'id="total-conversions">3<', html), "2 attributed purchases and 1 pop-up sign-up"
    assert re.search(r'id="total-revenue">35.50 USD<', html)
    row = html[html.index(f'id="rule-{slider.id}"'):]
    row = row[: row.index("</tr>")]
    assert f'href="/settings/rules/{slider.id}">Picked for you</a>' in row and ">slider<" in row
    assert [cell for cell in re.findall(r'class="num">([^<]+)<', row)] == ["3", "66.7%", "2", "2", "35.50 USD"]
    assert f'href="/settings/rules/{popup.id}">Exit offer</a>' in html
    assert "Other shop&#39;s secret block" not in html and "Other shop's secret block" not in html
    uplift = html[html.index('id="overall-uplift"'):]
    uplift = uplift[: uplift.index("</section>")]
    # 4 personalized visitors, 2 bought; 2 held out, 1 bought.
    assert re.search(r"Personalized</th><td class=\"num\">4</td><td class=\"num\">2</td>\s*<td class=\"num\">50.0%", uplift)
    assert re.search(r"Holdout</th><td class=\"num\">2</td><td class=\"num\">1</td>", uplift)
    assert "<title>Impressions and clicks per day</title>" in html
    assert "<title>Conversion rate since the start of the period: personalized vs holdout</title>" in html
    assert "<title>Picked for you: conversions per day</title>" in html


def test_a_chosen_period_without_data_shows_zeros_and_empty_charts(signed_in, db_session, day0):
    build_history(db_session, signed_in.shop, day0)
    html = signed_in.get("/settings/dashboard?from=2025-01-01&to=2025-01-31").get_data(as_text=True)
    assert re.search(r'id="total-impressions">0<', html) and "No data for this period" in html
    assert 'value="2025-01-01"' in html and 'value="2025-01-31"' in html


def test_bad_periods_are_400_with_a_message_on_the_field(signed_in):
    cases = {
        "from=2026-13-01": ("from", "Enter a date as YYYY-MM-DD."),
        "from=2026-02-01&to=2026-01-01": ("from", "Must not be after the end date."),
        "from=2024-01-01&to=2025-12-31": ("to", "The period can be at most 366 days."),
        "to=yesterday": ("to", "Enter a date as YYYY-MM-DD."),
    }
    for query, (field, message) in cases.items():
        response = signed_in.get(f"/settings/dashboard?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, query
        assert re.search(rf'id="{field}-error" role="alert">\w+: {re.escape(message)}', html), (query, html)
        assert 'aria-invalid="true"' in html and "total-impressions" not in html
    assert signed_in.get("/settings/dashboard?from=2024-01-01&to=2024-12-31").status_code == 200, "366 days is allowed"


def test_resolve_period_defaults_to_the_last_30_days():
    today = date(2026, 3, 31)
    assert resolve_period(None, None, today) == (date(2026, 3, 2), today)
    assert resolve_period(date(2026, 1, 1), None, today) == (date(2026, 1, 1), date(2026, 1, 30))
    assert resolve_period(None, date(2026, 1, 30), today) == (date(2026, 1, 1), date(2026, 1, 30))


def test_signed_out_requests_go_to_the_login(app):
    response = app.test_client().get("/settings/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/settings/login")

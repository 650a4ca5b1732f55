"""Sign-ups in the shopper's language: the answer, the confirmation email and the confirmation page."""
from __future__ import annotations

import re

from app.leads.jobs import OUTBOX
from app.runner import run_pending
from app.texts import CATALOGS

GERMAN = CATALOGS["de"]


def _turn_on(app, admin, secret_key):
    app.config["MAIL_BACKEND"] = "outbox"
    assert admin("PUT", "/admin/api/leads/settings", secret_key, {"double_opt_in": True}).status_code == 200


def test_a_german_shops_double_opt_in_is_german_throughout(app, client, make_shop, admin, post_lead):
    shop, secret_key = make_shop("Geschenkeladen", "geschenke.example", locale="de-DE", settings={"holdout_percent": 0})
    _turn_on(app, admin, secret_key)
    assert post_lead(shop, "anna@example.com", True).get_json()["message"] == GERMAN["lead.check_inbox"]
    assert run_pending(app) == 1
    (message,) = app.extensions[OUTBOX]
    assert message.subject == "Bitte bestätigen Sie Ihr Abonnement bei Geschenkeladen"
    assert message.text.startswith("Hallo,") and "Ohne Bestätigung" in message.text
    link = re.search(r"http://localhost(/v1/leads/confirm\?\S+)", message.text).group(1)
    page = client.get(link).get_data(as_text=True)
    assert '<html lang="de">' in page and GERMAN["confirm.button"] in page and "Zurück zu Geschenkeladen" in page
    token = re.search(r"token=([^&\s]+)", link).group(1)
    done = client.post("/v1/leads/confirm", data={"token": token}).get_data(as_text=True)
    assert "anna@example.com erhält jetzt E-Mails von Geschenkeladen." in done


def test_the_sign_up_pages_language_carries_into_the_email_and_its_page(app, client, make_shop, admin, post_lead):
    shop, secret_key = make_shop("Geschenkeladen", "geschenke.example", locale="de-DE", settings={"holdout_percent": 0})
    _turn_on(app, admin, secret_key)
    assert post_lead(shop, "bob@example.com", True, lang="en-GB").get_json()["message"] == CATALOGS["en"]["lead.check_inbox"]
    assert run_pending(app) == 1
    (message,) = app.extensions[OUTBOX]
    assert message.subject == "Please confirm your subscription to Geschenkeladen"
    link = re.search(r"http://localhost(/v1/leads/confirm\?\S+)", message.text).group(1)
    assert "lang=en-GB" in link
    page = client.get(link).get_data(as_text=True)
    assert '<html lang="en">' in page and "Confirm my subscription" in page


def test_a_broken_link_is_explained_in_the_browsers_language(client):
    page = client.get("/v1/leads/confirm?token=nonsense", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert page.status_code == 400 and GERMAN["confirm.invalid"] in page.get_data(as_text=True)
    english = client.get("/v1/leads/confirm?token=nonsense")
    assert CATALOGS["en"]["confirm.invalid"] in english.get_data(as_text=True)

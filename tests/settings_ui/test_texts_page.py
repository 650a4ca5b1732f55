"""Settings → Texts: the merchant rewords what shoppers read, per language, through the shop-settings resource."""
from __future__ import annotations

from app.texts import CATALOGS


def test_the_page_shows_the_shops_language_with_the_standard_texts(signed_in):
    html = signed_in.get("/settings/texts").get_data(as_text=True)
    assert 'lang="en"' in html and CATALOGS["en"]["reason.viewed"] in html
    german = signed_in.get("/settings/texts?lang=de").get_data(as_text=True)
    assert CATALOGS["de"]["consent_label"] in german and 'name="texts.de.send"' in german
    assert signed_in.get("/settings/texts?lang=xx").status_code == 404


def test_saving_a_language_keeps_the_other_and_blank_restores_the_standard(signed_in, db_session):
    assert signed_in.post("/settings/texts?lang=en", {"texts.en.send": "Go"}).status_code == 302
    assert signed_in.post("/settings/texts?lang=de", {"texts.de.send": "Abschicken", "texts.de.close": "Zu"}).status_code == 302
    db_session.refresh(signed_in.shop)
    assert signed_in.shop.settings["texts"] == {"en": {"send": "Go"}, "de": {"send": "Abschicken", "close": "Zu"}}
    assert 'value="Abschicken"' in signed_in.get("/settings/texts?lang=de").get_data(as_text=True)
    assert signed_in.post("/settings/texts?lang=de", {"texts.de.send": "", "texts.de.close": "Zu"}).status_code == 302
    db_session.refresh(signed_in.shop)
    assert signed_in.shop.settings["texts"]["de"] == {"close": "Zu"}


def test_a_bad_text_is_shown_next_to_its_field_and_nothing_is_saved(signed_in, db_session):
    response = signed_in.post("/settings/texts?lang=de", {"texts.de.send": "<script>x</script>", "texts.de.reason.viewed": "{nope}",
                                                          "texts.de.close": "Zu"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="texts.de.send-error"' in html and 'id="texts.de.reason.viewed-error"' in html
    assert "&lt;script&gt;" in html and "<script>x" not in html
    db_session.refresh(signed_in.shop)
    assert "texts" not in (signed_in.shop.settings or {})

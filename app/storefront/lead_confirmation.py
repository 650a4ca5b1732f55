"""/v1/leads/confirm — the double opt-in link: a page with a button; the consent counts on its POST.

The link's GET changes nothing: mail scanners open links in emails, and must not subscribe anyone.
"""
from __future__ import annotations

from flask import current_app, render_template_string, request

from app import db
from app.leads import outgoing
from app.leads.confirmation import LinkInvalid, confirm, lead_for_token
from app.models import Shop
from app.secret_key import app_secret
from app.storefront.blueprint import blueprint
from app.texts import CATALOGS, Texts, choose_language, texts_for

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{ title }}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#222;color:#fff;cursor:pointer}</style>
</head><body><h1>{{ title }}</h1><p>{{ text }}</p>
{% if token %}<form method="post"><input type="hidden" name="token" value="{{ token }}">
{% if page_lang %}<input type="hidden" name="lang" value="{{ page_lang }}">{% endif %}
<button type="submit">{{ button }}</button></form>{% endif %}
{% if shop_url %}<p><a href="{{ shop_url }}">{{ back }}</a></p>{% endif %}
</body></html>"""


def _texts(shop: Shop | None) -> Texts:
    """The sign-up page's language (the link carries it), else the shop's; with no shop, else the browser's."""
    page_lang = request.values.get("lang")
    if shop is not None:
        return texts_for(shop, page_lang)
    return Texts(choose_language(page_lang, request.accept_languages.best_match(CATALOGS)))


def _page(texts: Texts, title: str, text: str, status: int = 200, token: str | None = None, shop: Shop | None = None):
    shop_url = f"https://{shop.domain}/" if shop is not None and shop.domain else None
    shop_name = shop.name if shop else ""
    page_lang = request.values.get("lang")
    html = render_template_string(PAGE, lang=texts.language, title=title, text=text, token=token, shop_url=shop_url,
                                  button=texts("confirm.button"), back=texts("confirm.back", shop=shop_name),
                                  page_lang=page_lang if page_lang and len(page_lang) <= 35 else None)
    return html, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                          "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"}


def _invalid(error: LinkInvalid):
    texts = _texts(None)
    return _page(texts, texts("confirm.invalid_title"), texts(str(error)), 400)


@blueprint.get("/v1/leads/confirm")
def lead_confirmation_page():
    session = db.session()
    token = request.args.get("token", "")
    try:
        lead = lead_for_token(session, app_secret(current_app), token)
    except LinkInvalid as error:
        return _invalid(error)
    shop = session.get(Shop, lead.shop_id)
    texts = _texts(shop)
    return _page(texts, texts("confirm.title", shop=shop.name), texts("confirm.text", email=lead.email, shop=shop.name),
                 token=token, shop=shop)


@blueprint.post("/v1/leads/confirm")
def confirm_lead():
    session = db.session()
    try:
        lead = lead_for_token(session, app_secret(current_app), request.form.get("token", ""))
        confirmed = confirm(session, lead)
    except LinkInvalid as error:
        return _invalid(error)
    shop = session.get(Shop, lead.shop_id)
    if confirmed.newly:
        outgoing.queue_event(session, shop, lead, "lead.confirmed")
    session.commit()
    texts = _texts(shop)
    return _page(texts, texts("thanks"), texts("confirm.done", email=lead.email, shop=shop.name), shop=shop)

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

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{ title }}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#222;color:#fff;cursor:pointer}</style>
</head><body><h1>{{ title }}</h1><p>{{ text }}</p>
{% if token %}<form method="post"><input type="hidden" name="token" value="{{ token }}">
<button type="submit">Confirm my subscription</button></form>{% endif %}
{% if shop_url %}<p><a href="{{ shop_url }}">Back to {{ shop_name }}</a></p>{% endif %}
</body></html>"""


def _page(title: str, text: str, status: int = 200, token: str | None = None, shop: Shop | None = None):
    shop_url = f"https://{shop.domain}/" if shop is not None and shop.domain else None
    html = render_template_string(PAGE, title=title, text=text, token=token, shop_url=shop_url,
                                  shop_name=shop.name if shop else "")
    return html, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                          "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"}


@blueprint.get("/v1/leads/confirm")
def lead_confirmation_page():
    session = db.session()
    token = request.args.get("token", "")
    try:
        lead = lead_for_token(session, app_secret(current_app), token)
    except LinkInvalid as error:
        return _page("Link not valid", str(error), 400)
    shop = session.get(Shop, lead.shop_id)
    return _page(f"Confirm your subscription to {shop.name}", f"Confirm that {lead.email} may receive emails from {shop.name}.",
                 token=token, shop=shop)


@blueprint.post("/v1/leads/confirm")
def confirm_lead():
    session = db.session()
    try:
        lead = lead_for_token(session, app_secret(current_app), request.form.get("token", ""))
        confirmed = confirm(session, lead)
    except LinkInvalid as error:
        return _page("Link not valid", str(error), 400)
    shop = session.get(Shop, lead.shop_id)
    if confirmed.newly:
        outgoing.queue_event(session, shop, lead, "lead.confirmed")
    session.commit()
    return _page("Thank you!", f"{lead.email} is now subscribed to emails from {shop.name}.", shop=shop)

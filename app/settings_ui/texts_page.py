"""Shopper texts: the merchant's own wording for what the widgets and the API say, per language.

Saved through app/resources/shop_settings.py (the same owner as PATCH /admin/api/settings {"texts": ...}).
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from app import db
from app.resources import shop_settings
from app.resources.errors import Invalid
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.rule_form import flat_errors
from app.texts import CATALOGS, LANGUAGE_NAMES, REFERENCE, SCRIPT_KEYS, overrides_of, placeholders, shop_language

GROUPS = (
    ("Widget labels", lambda key: key in SCRIPT_KEYS),
    ("Pop-up defaults", lambda key: key == "consent_label"),
    ("Why a product is recommended", lambda key: key.startswith("reason.")),
    ("Survey defaults", lambda key: key.startswith("survey.")),
    ("Block templates", lambda key: key.startswith("template.")),
    ("Sign-ups and the confirmation email", lambda key: key.startswith(("lead.", "confirm."))),
    ("New widgets in the editor", lambda key: key.startswith("starter.")),
)


def _groups() -> list[tuple[str, list[str]]]:
    taken: set[str] = set()
    groups = []
    for title, belongs in GROUPS:
        keys = [key for key in REFERENCE if belongs(key) and key not in taken]
        taken.update(keys)
        groups.append((title, keys))
    rest = [key for key in REFERENCE if key not in taken]
    if rest:
        groups.append(("Other texts", rest))
    return groups


def _language() -> str:
    language = request.values.get("lang") or shop_language(g.shop)
    if language not in CATALOGS:
        abort(404)
    return language


@blueprint.get("/texts")
@login_required
def texts():
    return _render(_language())


@blueprint.post("/texts")
@login_required
def texts_save():
    language = _language()
    submitted = {key: request.form.get(f"texts.{language}.{key}", "") for key in REFERENCE}
    try:
        changes = shop_settings.validate({"texts": {language: submitted}})
    except Invalid as error:
        return _render(language, errors=flat_errors(error.errors), values=submitted), 400
    shop_settings.update(db.session(), g.shop, changes)
    db.session().commit()
    flash("Saved.", "info")
    return redirect(url_for("settings_ui.texts", lang=language))


def _render(language: str, errors: dict | None = None, values: dict | None = None):
    current = values if values is not None else overrides_of(g.shop.settings).get(language, {})
    return render_template(
        "settings/texts.html", language=language, languages=LANGUAGE_NAMES, shop_language=shop_language(g.shop),
        groups=_groups(), catalog=CATALOGS[language], current=current, errors=errors or {}, placeholders=placeholders,
    )

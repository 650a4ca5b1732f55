"""Editors for content blocks, pop-ups and sliders: content, placement, triggers, targeting, caps, variants, preview."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy import select

from app import db
from app.clock import utcnow
from app.decisions.preview import preview_token, save_draft
from app.decisions.templates import SOCIAL_PROOF_WINDOW, best_seller_since
from app.models import RULE_KINDS, Product, Rule
from app.resources import experiments, rule_with_experiment, rules, segments
from app.resources.errors import Invalid
from app.resources.rule_with_experiment import RuleChange
from app.schemas.experiments import ExperimentSchema
from app.schemas.rules import RuleSchema
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.rule_form import (
    BOOST_KINDS,
    CHOICES,
    MAX_BOOSTS,
    MAX_VARIANTS,
    MODE_LABELS,
    VARIANT_FIELDS,
    experiment_payload,
    flat_errors,
    form_values,
    rule_payload,
    submitted_values,
)
from app.surveys.vocabulary import KIND_LABELS as SURVEY_LABELS
from app.surveys.vocabulary import SURVEY_KINDS
from app.texts import texts_for

KIND_LABELS = {"block": "Content block", "popup": "Pop-up", "slider": "Recommendation slider"}
_rule_schema = RuleSchema()
_experiment_schema = ExperimentSchema()


@blueprint.get("/rules", endpoint="rules")
@login_required
def rules_list():
    found = rules.listed(db.session(), g.shop.id)
    by_kind = {kind: [rule for rule in found if rule.kind == kind] for kind in RULE_KINDS}
    return render_template("settings/rules.html", by_kind=by_kind, labels=KIND_LABELS)


@blueprint.route("/rules/new/<kind>", methods=["GET", "POST"])
@login_required
def rule_new(kind: str):
    if kind not in RULE_KINDS:
        abort(404)
    if request.method == "POST":
        return _save(None, kind)
    survey = request.args.get("survey") if kind == "popup" else None
    defaults = _rule_schema.dump(_rule_schema.load(_starter(kind, survey if survey in SURVEY_KINDS else None)))
    return _render(None, kind, form_values(defaults))


@blueprint.route("/rules/<id:rule_id>", methods=["GET", "POST"])
@login_required
def rule_edit(rule_id: int):
    rule = rules.own(db.session(), g.shop.id, rule_id)
    if request.method == "POST":
        return _save(rule, rule.kind)
    experiment = experiments.of_rule(db.session(), rule)
    return _render(rule, rule.kind, form_values(_rule_schema.dump(rule), _experiment_schema.dump(experiment) if experiment else None))


@blueprint.post("/rules/<id:rule_id>/enabled")
@login_required
def rule_toggle(rule_id: int):
    session = db.session()
    rule = rules.own(session, g.shop.id, rule_id)
    rules.set_enabled(session, rule, request.form.get("enabled") == "true")
    session.commit()
    flash(f"“{rule.name}” is now {'on' if rule.enabled else 'off'}.", "info")
    return redirect(request.form.get("back") == "edit" and url_for("settings_ui.rule_edit", rule_id=rule.id) or url_for("settings_ui.rules"))


@blueprint.post("/rules/<id:rule_id>/delete")
@login_required
def rule_delete(rule_id: int):
    session = db.session()
    rule = rules.own(session, g.shop.id, rule_id)
    name = rule.name
    rules.delete(session, rule)
    session.commit()
    flash(f"Deleted “{name}”.", "info")
    return redirect(url_for("settings_ui.rules"))


def _validated(kind: str) -> tuple[RuleChange | None, dict[str, str]]:
    """The rule and experiment the editor form describes, checked as the admin API checks them; or the field errors."""
    try:
        change = rule_with_experiment.validate(
            db.session(), g.shop.id, rule_payload(request.form, kind), experiment_payload(request.form, kind)
        )
    except Invalid as error:
        return None, _form_errors(error.errors)
    return change, {}


def _save(rule: Rule | None, kind: str):
    change, errors = _validated(kind)
    if errors:
        return _render(rule, kind, submitted_values(request.form), errors), 400
    session = db.session()
    rule = rule_with_experiment.save(session, g.shop.id, rule, change)
    session.commit()
    flash(f"Saved “{rule.name}”.", "info")
    return redirect(url_for("settings_ui.rule_edit", rule_id=rule.id))


@blueprint.post("/rules/new/<kind>/preview")
@login_required
def rule_preview_new(kind: str):
    if kind not in RULE_KINDS:
        abort(404)
    return _preview_draft(None, kind)


@blueprint.post("/rules/<id:rule_id>/preview")
@login_required
def rule_preview_draft(rule_id: int):
    rule = rules.own(db.session(), g.shop.id, rule_id)
    return _preview_draft(rule, rule.kind)


def _preview_draft(rule: Rule | None, kind: str):
    """The editor again, with the form as typed and the preview showing it: nothing is saved."""
    change, errors = _validated(kind)
    if errors:
        return _render(rule, kind, submitted_values(request.form), errors), 400
    page = _render(rule, kind, submitted_values(request.form), draft=change.rule)
    db.session().commit()  # the draft the preview link names
    return page


def _render(rule: Rule | None, kind: str, values: dict, errors: dict | None = None, draft: dict | None = None):
    shop_segments = segments.listed(db.session(), g.shop.id, by_name=True)
    preview = _preview(rule, kind, draft) if rule is not None or draft is not None else None
    label = "Survey pop-up" if kind == "popup" and values.get("content.survey.kind") else KIND_LABELS[kind]
    if kind == "popup" and "content.survey.comment" not in values:
        values = {**values, "content.survey.comment": True}  # should the merchant add a question: a comment box, by default
    return render_template(
        "settings/rule_edit.html", rule=rule, kind=kind, label=label, values=values, errors=errors or {},
        choices=CHOICES, mode_choices=list(MODE_LABELS.items()), segments=shop_segments, variant_fields=VARIANT_FIELDS[kind],
        max_variants=MAX_VARIANTS, preview=preview, max_boosts=MAX_BOOSTS, boost_kinds=BOOST_KINDS,
        pinned=_pinned(values.get("content.pins")) if kind == "slider" else [],
        survey_kinds=[("", "No question: an offer pop-up"), *SURVEY_LABELS.items()],
    )


def _pinned(pins) -> list[tuple[str, str | None]]:
    """The pinned product ids with their titles, as the editor lists them."""
    ids = [line.strip() for line in (pins if isinstance(pins, str) else "\n".join(pins or [])).splitlines() if line.strip()]
    titles = dict(db.session().execute(
        select(Product.external_id, Product.title).where(Product.shop_id == g.shop.id, Product.external_id.in_(ids))
    ).all()) if ids else {}
    return [(product_id, titles.get(product_id)) for product_id in ids]


def _preview(rule: Rule | None, kind: str, draft: dict | None = None) -> dict:
    shown = rule if draft is None else Rule(kind=kind, slot=draft.get("slot"), content=draft.get("content"))
    page = request.values.get("preview_page") or _default_preview_page(shown)
    if not page or not page.startswith(("http://", "https://")):
        return {"page": page, "url": None, "draft": draft is not None}
    draft_id = save_draft(db.session(), g.shop.id, rule.id if rule else None, draft) if draft is not None else None
    token = preview_token(current_app.secret_key, g.shop.id, rule.id if rule else None, draft_id)
    base, _, fragment = page.partition("#")
    url = f"{base}{'&' if '?' in base else '?'}p13n_preview={token}" + (f"#{fragment}" if fragment else "")
    return {"page": page, "url": url, "draft": draft is not None}


def _default_preview_page(rule: Rule) -> str | None:
    settings = g.shop.settings or {}
    if settings.get("demo"):
        return request.host_url + _demo_page(rule).lstrip("/")
    if settings.get("store_url"):
        return settings["store_url"]
    return f"https://{g.shop.domain}/" if g.shop.domain else None


def _demo_page(rule: Rule) -> str:
    slot = rule.slot or ""
    if (rule.content or {}).get("template") == "social_proof":  # on the product bought most today: real figures
        product = best_seller_since(db.session(), g.shop.id, utcnow() - SOCIAL_PROOF_WINDOW)
        if product:
            return f"/store/products/{product}"
    if slot.startswith("product"):
        product = db.session().scalar(select(Product.external_id).where(Product.shop_id == g.shop.id).order_by(Product.id).limit(1))
        return f"/store/products/{product}" if product else "/store/"
    if slot.startswith("cart"):
        return "/store/cart"
    if slot.startswith("collection"):
        return "/store/collections/all"
    return "/store/"


def _starter(kind: str, survey: str | None = None) -> dict:
    """What a new rule of this kind starts as: valid, switched off, ready to edit."""
    if survey is not None:
        return _survey_starter(survey)
    words = texts_for(g.shop, None)  # in the shop's language: what shoppers see if the merchant keeps it
    content = {
        "block": {"html": f"<h2>{escape(words('starter.block_headline'))}</h2><p>{escape(words('starter.block_text'))}</p>"},
        "popup": {"headline": words("starter.popup_headline"), "body": "", "trigger": {}},
        "slider": {"title": words("starter.slider_title"), "strategy": "personalized", "limit": 10},
    }[kind]
    return {"kind": kind, "name": f"New {KIND_LABELS[kind].lower()}", "enabled": False, "content": content,
            "slot": None if kind == "popup" else "home-recommendations" if kind == "slider" else "home-hero"}


def _survey_starter(survey: str) -> dict:
    """A survey asked after a purchase: on the order page, a few seconds in, at most once in 90 days per shopper.

    No stage is targeted: the page asks for its decision while its purchase is
    still on the way, so the order page itself is the sign of a purchase.
    """
    return {
        "kind": "popup", "name": f"{survey.upper()} after a purchase", "enabled": False, "priority": 20,
        "content": {"headline": texts_for(g.shop, None)("starter.survey_headline"), "body": "", "survey": {"kind": survey},
                    "trigger": {"exit_intent": False, "mobile_exit": False, "min_dwell_seconds": 0, "time_on_page_seconds": 3}},
        "targeting": {"page_kinds": ["order"]},
        "frequency": {"once_per_session": True, "every_days": 90, "stop_after_conversion": False},
    }


def _form_errors(errors: dict) -> dict[str, str]:
    """The resource's field messages as {input name: message}; the experiment's renamed to the variant rows."""
    rule_errors = {field: messages for field, messages in errors.items() if field != "experiment"}
    flat = flat_errors(rule_errors)
    # Boosts are rows in the editor: their messages go above the rows.
    boost = " ".join(message for name, message in flat.items() if name.startswith("content.boost"))
    flat = {name: message for name, message in flat.items() if not name.startswith("content.boost")}
    if boost:
        flat["content.boost"] = boost
    return {**flat, **_experiment_errors(flat_errors(errors.get("experiment") or {}))}


def _experiment_errors(flat: dict[str, str]) -> dict[str, str]:
    """Experiment schema paths (variants.0.content.headline) as the editor's input names (variant.0.headline)."""
    renamed = {}
    for path, message in flat.items():
        parts = path.split(".")
        if parts[0] == "variants" and len(parts) > 1 and parts[1].isdigit():
            field = parts[-1] if parts[-1] not in ("content", "variants") else "name"
            renamed[f"variant.{parts[1]}.{field}"] = message
        elif parts[0] == "variants":
            renamed["variant.0.name"] = message
        elif parts[0] == "holdout":
            renamed["experiment.holdout_percent"] = message
        else:
            renamed[f"experiment.{path}"] = message
    return renamed

"""Rules (widgets) as merchants write them: validated, and merchant HTML sanitized, on the way in."""
from __future__ import annotations

import nh3
from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from app.decisions.templates import DEFAULT_MIN_COUNT, TEMPLATE_MIN_HEIGHTS, TEMPLATES
from app.decisions.vocabulary import MODES, PAGE_KINDS, SLOT_MODES, default_mode
from app.ingest.traffic import DEVICES
from app.journey.stages import STAGES
from app.journey.traffic_class import TRAFFIC_CLASSES
from app.models import RULE_KINDS
from app.recommender.serving.recommend import OWN_HISTORY
from app.recommender.serving.strategies import STRATEGY_NAMES
from app.schemas.base import EdgeSchema
from app.schemas.fields import ExternalId, RecordId, utc_datetime
from app.schemas.leads import POOL_NAME
from app.schemas.recommendations import MAX_LIMIT, MAX_PINS, BoostSchema
from app.surveys.vocabulary import DEFAULT_WORDING, SURVEY_KINDS

# What merchant HTML may contain: text formatting, links, images, simple layout.
# No scripts, styles, forms, frames or event handlers; links get rel=noopener.
ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p",
    "small", "span", "strong", "sub", "sup", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "*": {"class"}}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _names(choices):
    return fields.List(fields.String(validate=validate.OneOf(choices)), load_default=list)


class TargetingSchema(EdgeSchema):
    segments = fields.List(RecordId(), load_default=list)  # ids; the visitor must match any of them
    stages = _names(STAGES)
    page_kinds = _names(PAGE_KINDS)
    url_patterns = fields.List(fields.String(validate=validate.Length(min=1, max=500)), load_default=list)
    devices = _names(DEVICES)
    sources = _names(TRAFFIC_CLASSES)
    starts_at = utc_datetime(load_default=None, allow_none=True)
    ends_at = utc_datetime(load_default=None, allow_none=True)

    @validates_schema
    def _schedule(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Must be after starts_at.", "ends_at")


class FrequencySchema(EdgeSchema):
    once_per_session = fields.Boolean(load_default=False)
    every_days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3650))
    stop_after_conversion = fields.Boolean(load_default=True)


class BlockContentSchema(EdgeSchema):
    # Required, except for a template: left blank, it says the catalog's words in the shopper's language (app/texts).
    html = fields.String(load_default="", validate=validate.Length(max=20_000))
    # Space kept before the block arrives, so the page does not move (app/decisions/layout.py).
    min_height = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2000))
    # The same on phones (under 600 px wide), where text wraps more; left out: as min_height.
    min_height_mobile = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2000))
    # A template filled from the shop's data (app/decisions/templates.py); "html" is the merchant's HTML alone.
    template = fields.String(load_default="html", validate=validate.OneOf(TEMPLATES))
    reached_html = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20_000))  # free shipping reached
    min_count = fields.Integer(load_default=DEFAULT_MIN_COUNT, validate=validate.Range(min=1, max=10_000))  # social proof

    @validates_schema
    def _html_unless_template(self, data, **kwargs):
        if (data.get("template") or "html") == "html" and not (data.get("html") or "").strip():
            raise ValidationError("Missing data for required field.", "html")


class TriggerSchema(EdgeSchema):
    exit_intent = fields.Boolean(load_default=True)
    mobile_exit = fields.Boolean(load_default=True)
    min_dwell_seconds = fields.Integer(load_default=5, validate=validate.Range(min=0, max=600))
    time_on_page_seconds = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=3600))
    scroll_depth_percent = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100))
    idle_seconds = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=5, max=3600))


class UniqueCodeSchema(EdgeSchema):
    """A unique, single-use code per lead, shown once the email is sent (app/leads/codes.py)."""

    source = fields.String(required=True, validate=validate.OneOf(("shopify", "pool")))
    pool = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(POOL_NAME))
    kind = fields.String(load_default="percentage", validate=validate.OneOf(("percentage", "amount")))
    value = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0.01, max=100_000))
    valid_days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=365))
    prefix = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Z0-9]{1,20}$"))

    @validates_schema
    def _by_source(self, data, **kwargs):
        if data.get("source") == "pool" and not data.get("pool"):
            raise ValidationError("Name the code pool to draw from.", "pool")
        if data.get("source") == "shopify":
            if data.get("value") is None:
                raise ValidationError("How much the code takes off.", "value")
            if data.get("kind") == "percentage" and data["value"] > 100:
                raise ValidationError("A percentage is at most 100.", "value")


class SurveySchema(EdgeSchema):
    """One question in a pop-up: NPS (0-10, "how likely to recommend") or CSAT (1-5), and an optional comment.

    Wording left out gets the kind's default (app/surveys/vocabulary.py); every
    word is the merchant's to change (their shoppers' language, their tone).
    """

    kind = fields.String(required=True, validate=validate.OneOf(SURVEY_KINDS))
    question = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=300))
    low_label = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=60))
    high_label = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=60))
    comment = fields.Boolean(load_default=True)  # offer a comment box (the comment itself is always optional)
    comment_label = fields.String(load_default="Anything you would like to tell us? (optional)", validate=validate.Length(min=1, max=200))
    thanks = fields.String(load_default="Thank you for your answer!", validate=validate.Length(min=1, max=200))

    @post_load
    def _default_wording(self, data, **kwargs):
        for field, text in DEFAULT_WORDING[data["kind"]].items():
            if not data.get(field):
                data[field] = text
        return data


class PopupContentSchema(EdgeSchema):
    headline = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default="", validate=validate.Length(max=2000))
    image = fields.Url(load_default=None, allow_none=True, require_tld=False, schemes={"http", "https"})
    coupon = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    email_capture = fields.Boolean(load_default=False)
    # Left out or blank: the catalog's wording in the shopper's language, applied when shown (app/decisions/wording.py).
    consent_label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    button = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    trigger = fields.Nested(TriggerSchema, load_default=lambda: TriggerSchema().load({}))
    survey = fields.Nested(SurveySchema, allow_none=True)  # absent or None: an offer pop-up, no question
    unique_code = fields.Nested(UniqueCodeSchema, load_default=None, allow_none=True)

    @validates_schema
    def _one_thing_to_ask(self, data, **kwargs):
        # A micro-survey asks one question and nothing else: an email field would compete with it, and a
        # coupon in return for an answer buys scores rather than measuring them.
        if data.get("survey") and data.get("email_capture"):
            raise ValidationError("A survey pop-up cannot also ask for an email address.", "email_capture")
        if data.get("survey") and data.get("coupon"):
            raise ValidationError("A survey pop-up cannot also offer a coupon (it would bias the answers).", "coupon")

    @validates_schema
    def _code_after_email(self, data, **kwargs):
        if data.get("unique_code"):
            if not data.get("email_capture"):
                raise ValidationError("A unique code is given for an email: turn on the email field.", "unique_code")
            if data.get("coupon"):
                raise ValidationError("Either one shared coupon or unique codes, not both.", "coupon")


class SliderContentSchema(EdgeSchema):
    title = fields.String(load_default="", validate=validate.Length(max=200))
    strategy = fields.String(load_default="personalized", validate=validate.OneOf(STRATEGY_NAMES))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_LIMIT))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    # This slider's own say: products shown first, in this order, and rank multipliers.
    pins = fields.List(ExternalId(), load_default=list, validate=validate.Length(max=MAX_PINS))
    boost = fields.Nested(BoostSchema, load_default=lambda: BoostSchema().load({}))
    # An "Add to cart" button on each card: Shopify's /cart/add.js, elsewhere the p13n:add-to-cart event (widgets/README.md).
    quick_add = fields.Boolean(load_default=False)

    @validates_schema
    def _pins_fit_the_strategy(self, data, **kwargs):
        if data.get("pins") and data.get("strategy") in OWN_HISTORY:
            raise ValidationError("A slider of the shopper's own history (recently viewed, buy again) shows no pins.", "pins")


CONTENT_SCHEMAS = {"block": BlockContentSchema, "popup": PopupContentSchema, "slider": SliderContentSchema}


class RuleSchema(EdgeSchema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    enabled = fields.Boolean(load_default=True)
    priority = fields.Integer(load_default=0, validate=validate.Range(min=-1000, max=1000))
    slot = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,100}$"))
    selector = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=500))
    # Left out: inside a slot, after a selector's element (app/decisions/vocabulary.py); never "replace".
    mode = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(MODES))
    content = fields.Dict(required=True)
    targeting = fields.Nested(TargetingSchema, load_default=lambda: TargetingSchema().load({}))
    frequency = fields.Nested(FrequencySchema, load_default=lambda: FrequencySchema().load({}))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @validates_schema(skip_on_field_errors=False)  # report content errors together with field errors
    def _by_kind(self, data, **kwargs):
        kind = data.get("kind")
        if kind not in CONTENT_SCHEMAS:
            return
        try:
            CONTENT_SCHEMAS[kind]().load(data.get("content") or {})
        except ValidationError as error:
            raise ValidationError(error.messages, "content") from None
        if kind in ("block", "slider"):
            _placement(data)
        if kind == "block" and (data.get("content") or {}).get("template") == "countdown" \
                and not (data.get("targeting") or {}).get("ends_at"):
            raise ValidationError({"template": ["A countdown counts down to the rule's end: set its end date and time."]}, "content")

    @post_load
    def _normalise(self, data, **kwargs):
        content = CONTENT_SCHEMAS[data["kind"]]().load(data["content"])
        if data["kind"] == "block":
            content["html"] = sanitize_html(content["html"])
            if not content.get("min_height"):
                content["min_height"] = TEMPLATE_MIN_HEIGHTS.get(content.get("template"), 0)
            if content.get("reached_html"):
                content["reached_html"] = sanitize_html(content["reached_html"])
        if data["kind"] == "popup" and content.get("survey") is None:
            content.pop("survey", None)  # offer pop-ups stay as they always were
        data["content"] = _jsonable(content)
        if data["kind"] == "popup":  # a pop-up opens over the page: it has no place in it
            data["slot"] = data["selector"] = None
        data["mode"] = data.get("mode") or default_mode(data.get("slot"))
        data["targeting"] = _jsonable(data["targeting"])
        return data


def _placement(data: dict) -> None:
    """A block or slider goes either into a slot or at a selector, never both (a slot is filled from inside)."""
    slot, selector, mode = data.get("slot"), data.get("selector"), data.get("mode")
    if slot and selector:
        raise ValidationError("Choose a slot or a CSS selector, not both.", "selector")
    if not (slot or selector):
        raise ValidationError("A block or slider needs a slot or a selector.", "slot")
    if slot and mode and mode not in SLOT_MODES:
        raise ValidationError(f"A slot is filled from inside: choose one of {', '.join(SLOT_MODES)}.", "mode")


def _jsonable(value):
    """Datetimes as ISO strings, for the JSON columns."""
    if isinstance(value, dict):
        return {key: _jsonable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_jsonable(inner) for inner in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

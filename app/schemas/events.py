"""The event batch the storefront script (or an import) sends."""
from __future__ import annotations

from marshmallow import EXCLUDE, INCLUDE, ValidationError, fields, validate, validates_schema

from app.models import EVENT_TYPES
from app.schemas.base import EdgeSchema
from app.schemas.fields import BoundedDict, CurrencyCode, CustomerTraits, ExternalId, PageUrl, utc_datetime

MAX_EVENTS_PER_BATCH = 500
MAX_BATCH_BYTES = 256 * 1024

# Types that mean nothing without the product they are about.
NEEDS_PRODUCT = {"product_view", "add_to_cart", "remove_from_cart"}
# One cart line or order line: more than anyone buys, and what an INTEGER column holds many times over.
MAX_QUANTITY = 10**6
MAX_PRICE = 10**9


class _OrderLineProps(EdgeSchema):
    """A line of a purchase's ``props.lines`` as the page reports it; a line without a product is skipped later."""

    class Meta:
        unknown = EXCLUDE

    product_id = ExternalId(load_default=None, allow_none=True)
    quantity = fields.Integer(strict=False, validate=validate.Range(min=1, max=MAX_QUANTITY))
    price = fields.Decimal(allow_nan=False, validate=validate.Range(min=0, max=MAX_PRICE))


class _KnownProps(EdgeSchema):
    """The props the server reads (the rest are kept as they are): a cart quantity and an order's lines."""

    class Meta:
        unknown = INCLUDE

    # A number, as typed in the page's quantity box: 2.5 counts as 2.
    quantity = fields.Float(allow_nan=False, validate=validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY))
    lines = fields.List(fields.Nested(_OrderLineProps))


class EventProps(BoundedDict):
    """``props``: any small JSON object, with the props the server reads checked (errors under their names)."""

    def __init__(self, **kw):
        super().__init__(max_bytes=8 * 1024, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        props = super()._deserialize(value, attr, data, **kwargs)
        errors = _known_props.validate(props)
        if errors:
            raise ValidationError(errors)
        return props


_known_props = _KnownProps()


class EventSchema(EdgeSchema):
    class Meta:
        # A newer script may send fields this server does not know yet; that
        # must not cost the whole event.
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    type = fields.String(
        required=True,
        validate=validate.OneOf(EVENT_TYPES, error="Unknown event type; expected one of {choices}."),
    )
    visitor_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    customer_id = ExternalId(load_default=None)
    # hex HMAC-SHA256 of customer_id with the shop's identity secret, from the merchant's server
    # (app/identity_secrets.py); without it customer_id is only a claim.
    customer_sig = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9a-fA-F]{64}$", error="Must be the hex HMAC-SHA256 of customer_id (64 hex digits)."),
    )
    # identify only: what the merchant's server knows of the customer (first_name ...), kept when verified.
    traits = CustomerTraits(load_default=None)
    product_id = ExternalId(load_default=None)
    order_id = ExternalId(load_default=None)
    value = fields.Decimal(
        load_default=None,
        allow_nan=False,
        places=2,
        validate=validate.Range(min=-(10**11), max=10**11, error="Out of range."),
    )
    currency = CurrencyCode(load_default=None)
    url = PageUrl(load_default=None)
    referrer = PageUrl(load_default=None)
    ts = utc_datetime(load_default=None)
    props = EventProps(load_default=dict)

    @validates_schema
    def _required_by_type(self, data, **kwargs):
        event_type = data.get("type")
        if event_type in NEEDS_PRODUCT and not data.get("product_id"):
            raise ValidationError(f"Required for {event_type} events.", "product_id")
        if event_type == "identify" and not data.get("customer_id"):
            raise ValidationError("Required for identify events.", "customer_id")


class RawList(fields.Field):
    """A JSON array, its items as they are (List(Raw()) ran a field's machinery per item, a tenth of ingest's checks)."""

    default_error_messages = {"invalid": "Not a valid list."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


class BatchSchema(EdgeSchema):
    """The envelope; its events are validated one by one with EventSchema."""

    checked_item_by_item = ("events",)

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    events = RawList(required=True)
    sent_at = utc_datetime(load_default=None)

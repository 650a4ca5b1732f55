"""Lead settings (double opt-in, the outgoing webhook) and discount code uploads, as merchants send them."""
from __future__ import annotations

from urllib.parse import urlsplit

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates

POOL_NAME = r"^[A-Za-z0-9_-]{1,64}$"
CODE = r"^[A-Za-z0-9_-]{3,64}$"
MAX_CODES_PER_UPLOAD = 20_000
MIN_SECRET_LENGTH = 16
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class LeadSettingsSchema(Schema):
    """Every field optional: what is left out stays as it is (the webhook secret is never sent back)."""

    class Meta:
        unknown = EXCLUDE

    double_opt_in = fields.Boolean()
    # Empty: no webhook.
    webhook_url = fields.String(validate=validate.Length(max=2000))
    webhook_secret = fields.String(validate=validate.Length(min=MIN_SECRET_LENGTH, max=200))

    @pre_load
    def _blank_secret_means_unchanged(self, data, **kwargs):
        data = dict(data)
        if isinstance(data.get("webhook_secret"), str) and not data["webhook_secret"].strip():
            data.pop("webhook_secret")
        if isinstance(data.get("webhook_url"), str):
            data["webhook_url"] = data["webhook_url"].strip()
        return data

    @validates("webhook_url")
    def _https(self, value, **kwargs):
        if not value:
            return
        validate.URL(schemes={"https", "http"}, require_tld=False)(value)
        parts = urlsplit(value)
        # Plain http only to this machine (a relay beside the app): leads are personal data.
        if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
            raise ValidationError("Use an https:// address: leads are personal data.")


class CodeUploadSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    pool = fields.String(required=True, validate=validate.Regexp(POOL_NAME, error="Letters, digits, - and _ only (at most 64)."))
    codes = fields.List(fields.String(validate=validate.Regexp(CODE, error="Codes are 3 to 64 letters, digits, - or _.")),
                        required=True, validate=validate.Length(min=1, max=MAX_CODES_PER_UPLOAD))

    @pre_load
    def _lines(self, data, **kwargs):
        """Codes as a list or as text, one per line (or separated by commas), as pasted from a spreadsheet."""
        data = dict(data)
        if isinstance(data.get("codes"), str):
            data["codes"] = [code.strip() for line in data["codes"].splitlines() for code in line.split(",") if code.strip()]
        if isinstance(data.get("pool"), str):
            data["pool"] = data["pool"].strip()
        return data

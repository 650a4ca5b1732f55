"""What can go wrong with a merchant's request about their own records, as plain exceptions."""
from __future__ import annotations


class ResourceError(Exception):
    """A request the resource refuses; ``message`` says why in words a merchant reads."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(ResourceError):
    """No such record for this shop. Another shop's id is reported exactly like a missing one."""


class Invalid(ResourceError):
    """The payload does not describe a valid record; nothing was changed.

    ``errors`` are field-level messages shaped as marshmallow's (``{"targeting":
    {"segments": ["No such segment: 7."]}}``), so the API returns them as they
    are and the UI maps them onto its inputs.
    """

    def __init__(self, message: str, errors: dict):
        super().__init__(message, errors)


class Conflict(ResourceError):
    """Refused because of other records (say, deleting a segment a rule still targets)."""

"""Finding one person in the dead letters (rejected_events): refused events keep what was sent, ids and URLs included.

A dead letter names a person when any value in it (at any depth) is one of
their customer ids, visitor ids or emails, when a URL in it carries one as a
query value, or when a string in it contains their email or a long (random)
visitor id, percent-encoded or not. Exact matches for short ids: "C1" must
not find "C12", nor a product or page that happens to share a customer's
number.

The database narrows the search first: the payload as text contains the
longest piece of an identifier that no encoding changes (letters, digits,
".", "_", "-", "~": JSON escapes and percent-encodes the rest). The rules
above then decide, in Python, on the decoded values.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from app.models import RejectedEvent

LONG_VISITOR_ID = 16  # random ids (the script's are UUIDs) are safe to find inside longer text
_CONDITIONS_PER_QUERY = 200


def dead_letter_ids(session: Session, shop_id: int, customer_ids: set[str], emails: set[str], visitor_ids: set[str]) -> list[int]:
    """Ids of the shop's rejected events that name this person."""
    needles = _Needles(customer_ids, {email.lower() for email in emails}, visitor_ids)
    pieces = {_unencoded_piece(identifier) for identifier in needles.all()}
    if not pieces:
        return []
    query = select(RejectedEvent.id, RejectedEvent.payload).where(RejectedEvent.shop_id == shop_id)
    text = cast(RejectedEvent.payload, Text)
    batches = [None] if None in pieces else [sorted(pieces)[n : n + _CONDITIONS_PER_QUERY] for n in range(0, len(pieces), _CONDITIONS_PER_QUERY)]
    named: set[int] = set()
    for batch in batches:  # [None]: an identifier with nothing unencoded to search for; read them all
        narrowed = query if batch is None else query.where(or_(*(text.icontains(piece, autoescape=True) for piece in batch)))
        for row_id, payload in session.execute(narrowed.execution_options(yield_per=500)):
            if row_id not in named and needles.named_in(payload):
                named.add(row_id)
    return sorted(named)


def _unencoded_piece(identifier: str) -> str | None:
    """The longest run of characters JSON and percent-encoding leave alone; None when too short to search for."""
    runs = re.findall(r"[A-Za-z0-9._~-]+", identifier)
    longest = max(runs, key=len, default="")
    return longest if len(longest) >= 2 else None


class _Needles:
    def __init__(self, customer_ids: set[str], emails: set[str], visitor_ids: set[str]):
        self.exact = {str(value) for value in customer_ids | visitor_ids} | emails
        self.emails = emails
        self.long_visitor_ids = {value for value in visitor_ids if len(value) >= LONG_VISITOR_ID}

    def all(self) -> Iterable[str]:
        return self.exact

    def named_in(self, payload) -> bool:
        return any(self._names(value) for value in _scalars(payload))

    def _names(self, value) -> bool:
        if isinstance(value, bool) or value is None:
            return False
        text = str(value)
        if text in self.exact or text.lower() in self.emails:
            return True
        if not isinstance(value, str):
            return False
        decoded = unquote_plus(text)
        lowered = decoded.lower()
        if any(email in lowered for email in self.emails) or any(vid in decoded for vid in self.long_visitor_ids):
            return True
        return any(candidate in self.exact or candidate.lower() in self.emails for candidate in _query_values(text))


def _scalars(value):
    """Every scalar in a JSON value, at any depth (dict keys included)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    else:
        yield value


def _query_values(text: str) -> list[str]:
    """The query and fragment values of a URL-like string (``?customer=17850``)."""
    if "=" not in text:
        return []
    try:
        parts = urlsplit(text.strip())
    except ValueError:  # not a URL after all (an unbalanced "[")
        return []
    return [value for part in (parts.query, parts.fragment) for _, value in parse_qsl(part, keep_blank_values=False)]

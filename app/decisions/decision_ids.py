"""Decision ids this server can recognise as its own, so that widget events cannot be made up.

Widget impressions, clicks and pop-up sign-ups are what the dashboard counts
(and clicks feed the recommender), and anyone can post events with the
shop's public key. Each such event must carry the id of a decision
``/v1/decide`` issued, which is signed, not stored:

    "dc_" + issued (minutes since the epoch, 8 hex) + nonce (8 hex) + MAC (16 hex)

The MAC (HMAC-SHA256 keyed from the app's SECRET_KEY, so every worker
agrees) covers the shop, the visitor the decision was made for, the time and
the nonce. A decision made without a visitor id (the page asked before the
shopper consented to tracking) is signed for "no visitor" and is accepted
from any visitor; the stats count each decision once, so a made-up visitor
still needs a decision of its own from the rate-limited /v1/decide.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

PREFIX = "dc_"
# Long enough for a tab left open over a weekend; short enough that hoarded ids go stale.
MAX_AGE = timedelta(days=7)
_LENGTH = len(PREFIX) + 8 + 8 + 16


class DecisionIds:
    """Issues and checks decision ids with a key derived from the app's secret."""

    def __init__(self, app_secret: str | bytes):
        secret = app_secret.encode() if isinstance(app_secret, str) else app_secret
        self._key = hashlib.sha256(b"p13n decision ids\0" + secret).digest()

    def issue(self, shop_id: int, visitor_id: str | None, now: datetime) -> str:
        issued = f"{int(now.timestamp() // 60):08x}"
        nonce = secrets.token_hex(4)
        return PREFIX + issued + nonce + self._mac(shop_id, visitor_id or "", issued, nonce)

    def verify(self, shop_id: int, visitor_id: str, decision_id, now: datetime) -> bool:
        """Issued by us for this shop, to this visitor or to no visitor, and not older than MAX_AGE."""
        if not isinstance(decision_id, str) or len(decision_id) != _LENGTH or not decision_id.startswith(PREFIX):
            return False
        body = decision_id[len(PREFIX):]
        issued, nonce, mac = body[:8], body[8:16], body[16:]
        try:
            issued_at = datetime.fromtimestamp(int(issued, 16) * 60, UTC)
        except (ValueError, OverflowError, OSError):
            return False
        if not now - MAX_AGE <= issued_at <= now + timedelta(minutes=5):
            return False
        return any(
            hmac.compare_digest(mac, self._mac(shop_id, visitor, issued, nonce)) for visitor in (visitor_id or "", "")
        )

    def _mac(self, shop_id: int, visitor_id: str, issued: str, nonce: str) -> str:
        message = f"{shop_id}\0{visitor_id}\0{issued}\0{nonce}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:16]

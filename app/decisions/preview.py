"""Preview links: a signed, expiring token that shows one rule on the live store, whatever its targeting.

The token names the shop and the rule and is signed with the app's
SECRET_KEY (itsdangerous, which Flask already ships), so it cannot be forged
or moved to another shop; it expires after PREVIEW_MAX_AGE.
"""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

PREVIEW_MAX_AGE = 3600
_SALT = "p13n-rule-preview"


def preview_token(secret_key: str, shop_id: int, rule_id: int) -> str:
    return URLSafeTimedSerializer(secret_key, salt=_SALT).dumps({"shop": shop_id, "rule": rule_id})


def previewed_rule_id(secret_key: str, token: str, shop_id: int, max_age: int = PREVIEW_MAX_AGE) -> int | None:
    """The rule a valid token for this shop shows; None when the token is bad, expired or another shop's."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_SALT).loads(token, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("shop") != shop_id or not isinstance(data.get("rule"), int):
        return None
    return data["rule"]

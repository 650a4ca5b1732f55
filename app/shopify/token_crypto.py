"""Encrypting the Shopify access tokens we store (app/secret_box.py).

The key is SHOPIFY_TOKEN_KEY (a Fernet key, `Fernet.generate_key()`) when set,
so it can be rotated apart from the session key; otherwise it is derived from
SECRET_KEY with HKDF, so the embedded default needs no extra setting. Either
way a database dump alone does not reveal the tokens.
"""
from __future__ import annotations

from cryptography.fernet import InvalidToken

from app.secret_box import SHOPIFY_TOKENS, box_for


def encrypt(app_or_secret, token: str) -> str:
    return box_for(app_or_secret, SHOPIFY_TOKENS).encrypt(token)


def decrypt(app_or_secret, encrypted: str) -> str:
    """The plain token; raises cryptography.fernet.InvalidToken if the key changed or the value was altered."""
    return box_for(app_or_secret, SHOPIFY_TOKENS).decrypt(encrypted)


def is_readable(app_or_secret, encrypted: str | None) -> bool:
    """Whether the stored token can still be decrypted (not after SECRET_KEY or SHOPIFY_TOKEN_KEY changed)."""
    if not encrypted:
        return False
    try:
        decrypt(app_or_secret, encrypted)
    except InvalidToken:
        return False
    return True

"""Encrypting the Shopify access tokens we store (Fernet: AES-CBC + HMAC, versioned).

The key is SHOPIFY_TOKEN_KEY (a Fernet key, `Fernet.generate_key()`) when set,
so it can be rotated apart from the session key; otherwise it is derived from
SECRET_KEY with HKDF, so the embedded default needs no extra setting. Either
way a database dump alone does not reveal the tokens.
"""
from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import INSTANCE_DIR
from app.secret_key import instance_secret

HKDF_INFO = b"shopify-access-token"


def _fernet(app_or_secret) -> Fernet:
    """`app_or_secret`: a Flask app (its config is read) or the SECRET_KEY itself."""
    if isinstance(app_or_secret, (str, bytes)):
        explicit_key, secret = os.environ.get("SHOPIFY_TOKEN_KEY"), app_or_secret
    else:
        config = app_or_secret.config
        explicit_key = config.get("SHOPIFY_TOKEN_KEY") or os.environ.get("SHOPIFY_TOKEN_KEY")
        secret = app_or_secret.secret_key or config.get("SECRET_KEY") or _instance_secret()
    if explicit_key:
        return Fernet(explicit_key)
    if not secret:
        raise RuntimeError("no SECRET_KEY (or SHOPIFY_TOKEN_KEY) to encrypt Shopify tokens with")
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret_bytes)
    return Fernet(base64.urlsafe_b64encode(derived))


def _instance_secret() -> str:
    # A worker process never served a request, so the embedded default's key
    # (app/secret_key.py loads it per request) has not been read yet.
    return instance_secret(INSTANCE_DIR / "secret_key")


def encrypt(app_or_secret, token: str) -> str:
    return _fernet(app_or_secret).encrypt(token.encode()).decode()


def decrypt(app_or_secret, encrypted: str) -> str:
    """The plain token; raises cryptography.fernet.InvalidToken if the key changed or the value was altered."""
    return _fernet(app_or_secret).decrypt(encrypted.encode()).decode()


def is_readable(app_or_secret, encrypted: str | None) -> bool:
    """Whether the stored token can still be decrypted (not after SECRET_KEY or SHOPIFY_TOKEN_KEY changed)."""
    if not encrypted:
        return False
    try:
        decrypt(app_or_secret, encrypted)
    except InvalidToken:
        return False
    return True

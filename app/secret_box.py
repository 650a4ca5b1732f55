"""Encrypting the secrets we must read back (Fernet: AES-CBC + HMAC, versioned).

Shopify access tokens and shops' identity secrets are stored this way, each
purpose with a key of its own: an explicit Fernet key from its setting (an
environment variable) when set, so it can be rotated apart from the session
key; otherwise one derived from SECRET_KEY with HKDF, the purpose as context,
so the embedded default needs no extra setting and one purpose's key never
opens another's. Either way a database dump alone does not reveal them.

Secrets that only need comparing (the admin secret key, passwords) are never
stored this way: only their hashes are kept.
"""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import INSTANCE_DIR
from app.secret_key import instance_secret

__all__ = ["IDENTITY_SECRETS", "SHOPIFY_TOKENS", "InvalidToken", "Purpose", "SecretBox", "box_for"]


@dataclass(frozen=True)
class Purpose:
    hkdf_info: bytes  # the derivation's context: a different key per purpose
    key_setting: str  # the setting (or environment variable) holding an explicit Fernet key


SHOPIFY_TOKENS = Purpose(b"shopify-access-token", "SHOPIFY_TOKEN_KEY")
IDENTITY_SECRETS = Purpose(b"shop-identity-secret", "IDENTITY_SECRETS_KEY")


class SecretBox:
    def __init__(self, fernet: Fernet):
        self._fernet = fernet

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, encrypted: str) -> str:
        """The plain text; raises InvalidToken if the key changed or the value was altered."""
        return self._fernet.decrypt(encrypted.encode()).decode()


def box_for(app_or_secret, purpose: Purpose) -> SecretBox:
    """`app_or_secret`: a Flask app (its config is read) or the SECRET_KEY itself."""
    if isinstance(app_or_secret, (str, bytes)):
        explicit_key, secret = os.environ.get(purpose.key_setting), app_or_secret
    else:
        config = app_or_secret.config
        explicit_key = config.get(purpose.key_setting) or os.environ.get(purpose.key_setting)
        secret = app_or_secret.secret_key or config.get("SECRET_KEY") or _instance_secret()
    if not explicit_key and not secret:
        raise RuntimeError(f"no SECRET_KEY (or {purpose.key_setting}) to encrypt stored secrets with")
    return _box(explicit_key or None, None if explicit_key else secret, purpose.hkdf_info)


@lru_cache(maxsize=32)
def _box(explicit_key: str | None, secret: str | bytes | None, hkdf_info: bytes) -> SecretBox:
    # Cached: the events endpoint asks for a box on every batch that carries a signature.
    if explicit_key:
        return SecretBox(Fernet(explicit_key))
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=hkdf_info).derive(secret_bytes)
    return SecretBox(Fernet(base64.urlsafe_b64encode(derived)))


def _instance_secret() -> str:
    # A worker process never served a request, so the embedded default's key
    # (app/secret_key.py loads it per request) has not been read yet.
    return instance_secret(INSTANCE_DIR / "secret_key")

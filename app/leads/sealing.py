"""Secrets we must use again later (the lead webhook's signing secret), kept encrypted at rest.

Fernet (AES-CBC + HMAC) with a key derived from SECRET_KEY by HKDF for this purpose alone, as the
Shopify tokens are (app/shopify/token_crypto.py): a database dump alone does not reveal them.
A changed SECRET_KEY makes them unreadable; the merchant then sets a new one.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"p13n lead webhook secret"


class Unreadable(Exception):
    """Sealed with another SECRET_KEY (or altered)."""


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, plain: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str:
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise Unreadable("The webhook secret can no longer be read (the server's SECRET_KEY changed): set a new one.") from None

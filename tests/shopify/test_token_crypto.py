import pytest
from cryptography.fernet import Fernet, InvalidToken

from app.shopify import token_crypto


def test_round_trip_with_key_derived_from_secret_key(app, monkeypatch):
    monkeypatch.delenv("SHOPIFY_TOKEN_KEY", raising=False)
    encrypted = token_crypto.encrypt(app, "shpat_abc")
    assert encrypted != "shpat_abc" and "shpat_abc" not in encrypted
    assert token_crypto.decrypt(app, encrypted) == "shpat_abc"
    assert token_crypto.decrypt("test-secret", encrypted) == "shpat_abc"  # the same derivation from the bare secret
    with pytest.raises(InvalidToken):
        token_crypto.decrypt("another secret", encrypted)


def test_explicit_fernet_key_wins(app, monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("SHOPIFY_TOKEN_KEY", key)
    encrypted = token_crypto.encrypt(app, "shpat_abc")
    assert Fernet(key).decrypt(encrypted.encode()) == b"shpat_abc"

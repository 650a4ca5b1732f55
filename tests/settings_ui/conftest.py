"""A merchant signed in to the settings UI through the real login form."""
from __future__ import annotations

import pytest

from app.merchant_auth.accounts import create_user
from tests.helpers.settings_ui import PASSWORD, SignedIn, sign_in


@pytest.fixture
def merchant(make_shop, db_session):
    """(shop, email, password) of a shop with one settings account."""
    shop, _secret = make_shop("Merchant", "merchant.example")
    create_user(db_session, shop.id, "owner@merchant.example", PASSWORD)
    db_session.commit()
    return shop, "owner@merchant.example", PASSWORD


@pytest.fixture
def signed_in(client, merchant) -> SignedIn:
    shop, email, password = merchant
    response = sign_in(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return SignedIn(client, shop)

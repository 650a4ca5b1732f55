"""The shop's catalog: products upserted by the merchant's external id."""

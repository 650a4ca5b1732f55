"""Shoppers' privacy rights: export and delete one customer's data, delete a shop's, expire old events.

Plain functions over a session (no Flask): used by the Shopify compliance
webhooks and the settings UI's privacy page. The caller commits.
"""
from app.privacy.customer_data import (
    delete_customer,
    delete_orders,
    delete_shop_data,
    export_customer,
    find_person,
    purge_expired,
)

__all__ = ["delete_customer", "delete_orders", "delete_shop_data", "export_customer", "find_person", "purge_expired"]

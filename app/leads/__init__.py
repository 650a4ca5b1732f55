"""Leads: emails shoppers leave in pop-ups, one per shop and address, with their consent.

``records`` keeps the one row per address (the latest answer wins) and its consent record;
``confirmation`` the double opt-in links; ``codes`` unique discount codes (Shopify or the
merchant's pool); ``outgoing`` the signed webhook to the merchant's email tool; ``mail`` the
confirmation emails; ``jobs`` the background work (sending, delivering). No Flask here, except
the job handlers, which read the app's configuration like the other jobs do.
"""

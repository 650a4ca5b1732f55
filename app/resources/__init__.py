"""Merchant-owned resources, one module each: field list, ownership lookup, validation and save.

The admin API (JSON) and the settings UI (HTML forms) both call these, so a
rule the API accepts is a rule the editor accepts, and the other way round.
The marshmallow schemas in app/schemas check one payload's shape; a module
here calls them and adds what needs the database (every segment a rule
targets belongs to the shop, an experiment's rule is the shop's own...).

Nothing here knows Flask. Functions take the SQLAlchemy session and the shop
id, flush but never commit (the caller commits once, so a rule and its
experiment are saved together or not at all), and report problems as the
exceptions in ``errors``: the API maps them to 4xx answers, the UI to form errors.
"""

"""Traffic source classes from a profile's first-touch source and medium, in Python and as the same rules in SQL."""
from __future__ import annotations

from sqlalchemy import case, func, or_
from sqlalchemy.sql.elements import ColumnElement

TRAFFIC_CLASSES = ("social", "search", "email", "paid", "direct", "referral")

_SOCIAL = ("facebook", "instagram", "tiktok", "pinterest", "twitter", "x.com", "t.co", "linkedin", "youtube", "reddit", "snapchat")
_SEARCH = ("google", "bing", "duckduckgo", "yahoo", "ecosia", "baidu", "yandex", "qwant")
_PAID_MEDIA = ("cpc", "ppc", "paid", "paidsocial", "paid_social", "display", "cpm", "ads")
_EMAIL_MEDIA = ("email", "e-mail", "newsletter")
_EMAIL_SOURCES = ("newsletter", "email", "klaviyo", "mailchimp")


def traffic_class(source: str | None, medium: str | None) -> str:
    source, medium = (source or "").lower(), (medium or "").lower()
    if not source or source == "direct":
        return "direct"
    if medium in _PAID_MEDIA or "paid" in medium:
        return "paid"
    if medium in _EMAIL_MEDIA or source in _EMAIL_SOURCES:
        return "email"
    if medium == "social" or any(name in source for name in _SOCIAL):
        return "social"
    if medium == "organic" or any(name in source for name in _SEARCH):
        return "search"
    return "referral"


def traffic_class_sql(source, medium) -> ColumnElement:
    """``traffic_class`` as an SQL CASE over two columns, for counting by class in the database."""
    source, medium = func.lower(func.coalesce(source, "")), func.lower(func.coalesce(medium, ""))

    def has_any(column, names) -> ColumnElement:
        return or_(*[column.contains(name, autoescape=True) for name in names])

    return case(
        (or_(source == "", source == "direct"), "direct"),
        (or_(medium.in_(_PAID_MEDIA), medium.contains("paid", autoescape=True)), "paid"),
        (or_(medium.in_(_EMAIL_MEDIA), source.in_(_EMAIL_SOURCES)), "email"),
        (or_(medium == "social", has_any(source, _SOCIAL)), "social"),
        (or_(medium == "organic", has_any(source, _SEARCH)), "search"),
        else_="referral",
    )

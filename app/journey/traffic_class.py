"""Traffic source classes from a profile's first-touch source and medium."""
from __future__ import annotations

TRAFFIC_CLASSES = ("social", "search", "email", "paid", "direct", "referral")

_SOCIAL = ("facebook", "instagram", "tiktok", "pinterest", "twitter", "x.com", "t.co", "linkedin", "youtube", "reddit", "snapchat")
_SEARCH = ("google", "bing", "duckduckgo", "yahoo", "ecosia", "baidu", "yandex", "qwant")
_PAID_MEDIA = ("cpc", "ppc", "paid", "paidsocial", "paid_social", "display", "cpm", "ads")


def traffic_class(source: str | None, medium: str | None) -> str:
    source, medium = (source or "").lower(), (medium or "").lower()
    if not source or source == "direct":
        return "direct"
    if medium in _PAID_MEDIA or "paid" in medium:
        return "paid"
    if medium in ("email", "e-mail", "newsletter") or source in ("newsletter", "email", "klaviyo", "mailchimp"):
        return "email"
    if medium == "social" or any(name in source for name in _SOCIAL):
        return "social"
    if medium == "organic" or any(name in source for name in _SEARCH):
        return "search"
    return "referral"

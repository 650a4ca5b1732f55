"""What a page view tells about the visitor: where they came from and on what device."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

_MOBILE_UA = re.compile(r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone", re.I)
_TABLET_UA = re.compile(r"iPad|Tablet|Android(?!.*Mobile)|Kindle|Silk", re.I)
_COUNTRY = re.compile(r"[A-Za-z]{2}")
# What device_class answers: the one list of devices that targeting, the decide API and the settings UI use.
DEVICES = ("mobile", "tablet", "desktop")


@dataclass(frozen=True)
class TrafficSource:
    source: str
    medium: str
    campaign: str | None = None


def traffic_source(url: str | None, referrer: str | None, props: dict) -> TrafficSource:
    """First-touch source: utm parameters win, then the referring site, else direct."""
    utm = {k: v for k, v in props.items() if k.startswith("utm_") and isinstance(v, str)}
    if not utm and url:
        query = parse_qs(_query(url))
        utm = {k: v[0] for k, v in query.items() if k.startswith("utm_") and v}
    if utm.get("utm_source"):
        return TrafficSource(
            source=utm["utm_source"][:255],
            medium=(utm.get("utm_medium") or "unknown")[:64],
            campaign=(utm.get("utm_campaign") or None) and utm["utm_campaign"][:255],
        )
    referrer_host = _host(referrer)
    if referrer_host and referrer_host != _host(url):
        return TrafficSource(source=referrer_host[:255], medium="referral")
    return TrafficSource(source="direct", medium="none")


def device_class(props: dict, user_agent: str | None) -> str | None:
    claimed = props.get("device")
    if claimed in DEVICES:
        return claimed
    if not user_agent:
        return None
    return _device_of_agent(user_agent)


@lru_cache(maxsize=256)
def _device_of_agent(user_agent: str) -> str:
    """Remembered: every event of a request, and most requests, come with one of few user agents."""
    if _TABLET_UA.search(user_agent):
        return "tablet"
    if _MOBILE_UA.search(user_agent):
        return "mobile"
    return "desktop"


def country_code(header_value: str | None, props: dict) -> str | None:
    for candidate in (header_value, props.get("country")):
        if isinstance(candidate, str) and _COUNTRY.fullmatch(candidate):
            code = candidate.upper()
            if code not in ("XX", "T1"):  # Cloudflare's "unknown" and "Tor"
                return code
    return None


@lru_cache(maxsize=1024)
def _query(url: str) -> str:
    """Remembered, as _host: a shop's pages and referrers repeat from event to event."""
    try:
        return urlsplit(url).query
    except ValueError:  # an unclosed IPv6 bracket: no parameters we can read
        return ""


def _host(url: str | None) -> str | None:
    return _host_of(url) if url else None


@lru_cache(maxsize=1024)
def _host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if host and host.startswith("www."):
        host = host[4:]
    return host

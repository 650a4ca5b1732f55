"""Which product links and images may reach a page: http(s) or relative, nothing else.

A product's ``url`` becomes a link and its ``image_url`` an image on the
merchant's storefront and in our pages. ``javascript:``, ``data:``,
``vbscript:`` and every other scheme are refused, read the way a browser reads
a URL: leading and trailing spaces do not count and a scheme's letters are
case-insensitive. Control characters are refused outright: a browser drops
tabs and newlines inside a URL, so ``"java\\tscript:"`` would be ``javascript:``.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_web_link(value: str) -> bool:
    """True for an absolute http(s) URL with a host, or a relative one (``/p/1``, ``p/1``, ``//cdn.example/i.png``)."""
    if not isinstance(value, str) or _CONTROL.search(value):
        return False
    as_browser_reads = value.strip(" ")
    scheme = _SCHEME.match(as_browser_reads)
    try:
        parts = urlsplit(as_browser_reads)
    except ValueError:  # say, an unclosed IPv6 bracket
        return False
    if scheme is None:
        return True  # relative: resolved against the page, so it keeps the page's http(s)
    return scheme.group(1).lower() in WEB_SCHEMES and bool(parts.hostname)


def web_link_or_none(value: str | None) -> str | None:
    """The link if a page may use it, else None (for data from elsewhere that we store or serve but do not refuse)."""
    return value if value and is_web_link(value) else None

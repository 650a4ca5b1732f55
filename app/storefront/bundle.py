"""The storefront script as served: the built bundle with the shop's public config inlined.

The bundle (static/p13n.js, built from widgets/src by widgets/build.py) is read
once per process and re-read only when the file changes; rendered scripts are
cached by (shop, shop version, bundle version, base URL), so nothing here is
state that could differ between workers.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.config import PROJECT_ROOT
from app.models import Shop
from app.texts import texts_for

BUNDLE_PATH = PROJECT_ROOT / "static" / "p13n.js"
CHUNKS_DIR = PROJECT_ROOT / "static" / "chunks"  # widgets/build.py's CHUNKS: code fetched only when a decision needs it
CONFIG_TOKEN = "__P13N_CONFIG__"


@dataclass(frozen=True)
class RenderedScript:
    body: bytes
    gzipped: bytes
    etag: str


def public_config(shop: Shop, api_base: str, layout: dict | None = None) -> dict:
    """What the script needs to know about its shop; nothing secret goes here.

    ``layout``: the space each slot keeps before the decision arrives (app/decisions/layout.py).
    """
    settings = shop.settings or {}
    return {
        **({"layout": layout} if layout else {}),
        "key": shop.public_key,
        "api": api_base,
        "currency": shop.currency,
        "locale": shop.locale,
        "consent": {"required": bool(settings.get("consent_required", False))},
        "t": texts_for(shop).script(),  # the widgets' labels in the shop's language, with the merchant's wording
        # A Shopify store whose Web Pixel is connected: the pixel reports page, product, cart and
        # checkout events (it also sees the theme's own cart and the checkout), so the script
        # leaves them to it and reports only what it renders.
        **({"tracking": "pixel"} if settings.get("shopify_pixel") else {}),
    }


def bundle_version() -> int:
    """Changes whenever static/p13n.js is rebuilt."""
    return os.stat(BUNDLE_PATH).st_mtime_ns


def render_script(shop: Shop, api_base: str, layout: dict | None = None) -> RenderedScript:
    stat = os.stat(BUNDLE_PATH)
    config_json = json.dumps(public_config(shop, api_base, layout), sort_keys=True, separators=(",", ":"))
    return _render(str(BUNDLE_PATH), stat.st_mtime_ns, config_json)


@lru_cache(maxsize=256)
def _render(bundle_path: str, bundle_mtime_ns: int, config_json: str) -> RenderedScript:
    bundle = _bundle_text(bundle_path, bundle_mtime_ns)
    # ensure_ascii already escapes U+2028/2029; "<" is escaped so that the text
    # stays inert if a merchant inlines the script inside a <script> element.
    safe_config = config_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = bundle.replace(CONFIG_TOKEN, safe_config, 1).encode("utf-8")
    etag = hashlib.sha256(body).hexdigest()[:32]
    return RenderedScript(body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0), etag=etag)


@lru_cache(maxsize=4)
def _bundle_text(bundle_path: str, bundle_mtime_ns: int) -> str:
    text = Path(bundle_path).read_text(encoding="utf-8")
    if text.count(CONFIG_TOKEN) != 1:
        raise RuntimeError(f"{bundle_path} must contain {CONFIG_TOKEN} exactly once; rebuild with widgets/build.py")
    return text


def render_chunk(name: str) -> RenderedScript | None:
    """A lazily loaded chunk of the script as served (the same for every shop), or None when there is none so named."""
    if not name.isalpha() or not name.islower():
        return None
    path = CHUNKS_DIR / f"{name}.js"
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _chunk(str(path), mtime)


@lru_cache(maxsize=16)
def _chunk(path: str, mtime_ns: int) -> RenderedScript:
    body = Path(path).read_bytes()
    return RenderedScript(body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0), etag=hashlib.sha256(body).hexdigest()[:32])

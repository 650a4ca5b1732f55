"""A small Shopify Admin REST client: cursor pagination, rate limits, retries.

Plain Python over `requests`; the sleep function is injected so tests run
the retry paths without waiting.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)

PAGE_SIZE = 250  # Shopify's maximum page size for REST list endpoints


class ShopifyAPIError(Exception):
    """A request that still failed after the retries (or failed in a way retrying cannot fix)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Page:
    body: dict
    next_url: str | None


def next_link(link_header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header (`<https://...page_info=abc>; rel="next", <...>; rel="previous"`)."""
    for part in (link_header or "").split(","):
        url, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", "") or "rel=next" in params.replace(" ", ""):
            return url.strip().strip("<>")
    return None


@dataclass
class AdminClient:
    shop_domain: str
    access_token: str
    api_version: str
    timeout: float = 20.0
    max_tries: int = 5
    backoff_seconds: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def base_url(self) -> str:
        return f"https://{self.shop_domain}/admin/api/{self.api_version}/"

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def owns(self, url: str) -> bool:
        """Whether a (saved) URL points at this shop's Admin API: the token is never sent elsewhere."""
        return url.startswith(f"https://{self.shop_domain}/admin/api/")

    def get_page(self, url: str, params: dict | None = None) -> Page:
        response = self.request("GET", url, params=params)
        return Page(response.json(), next_link(response.headers.get("Link")))

    def first_page_url(self, path: str, **params) -> str:
        query = "&".join(f"{key}={value}" for key, value in {"limit": PAGE_SIZE, **params}.items())
        return f"{self.url(path)}?{query}"

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One call, retried: 429 after Retry-After, 5xx and connection errors with exponential backoff."""
        if not self.owns(url):
            raise ShopifyAPIError(f"refusing to send the token to {url!r}")
        headers = {"X-Shopify-Access-Token": self.access_token, "Accept": "application/json"}
        last_problem = ""
        for attempt in range(1, self.max_tries + 1):
            try:
                response = self.http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                last_problem = f"{type(error).__name__}: {error}"
                delay = self.backoff_seconds * 2 ** (attempt - 1)
            else:
                if response.status_code == 429:
                    last_problem = "429 rate limited"
                    delay = _retry_after(response, self.backoff_seconds)
                elif response.status_code >= 500:
                    last_problem = f"{response.status_code} server error"
                    delay = self.backoff_seconds * 2 ** (attempt - 1)
                elif response.status_code >= 400:
                    raise ShopifyAPIError(
                        f"{method} {url} answered {response.status_code}: {response.text[:300]}", response.status_code
                    )
                else:
                    return response
            if attempt < self.max_tries:
                log.info("shopify %s %s: %s, retrying in %.1fs", method, url, last_problem, delay)
                self.sleep(delay)
        raise ShopifyAPIError(f"{method} {url} failed after {self.max_tries} tries: {last_problem}")


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default

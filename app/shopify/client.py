"""A small Shopify GraphQL Admin API client: cost-based throttling, retries, bulk result downloads.

Every Admin call goes through `AdminClient.query` (POST /admin/api/<version>/graphql.json);
there is no REST. Plain Python over `requests`; the sleep function and the clock are
injected so tests run the waiting and retry paths without waiting.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import requests

from app.shopify.throttle import CostThrottle, requested_cost

log = logging.getLogger(__name__)

# THROTTLED answers are expected under load and cost nothing; they get their own,
# larger budget so that a busy shop slows a sync down rather than failing it.
MAX_THROTTLED_RETRIES = 20
MAX_LINE_BYTES = 16 * 1024 * 1024  # one JSONL object; a product with 2,000 variants is far below this


class ShopifyAPIError(Exception):
    """A call that still failed after the retries (or failed in a way retrying cannot fix)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class UserErrors(ShopifyAPIError):
    """A mutation Shopify refused, with its `userErrors` ({field, message, code})."""

    def __init__(self, operation: str, errors: list[dict]):
        messages = "; ".join(str(error.get("message")) for error in errors)
        super().__init__(f"{operation}: {messages}", code=next((e.get("code") for e in errors if e.get("code")), None))
        self.errors = errors


def user_errors(payload: dict | None, operation: str) -> dict:
    """The mutation's payload, or UserErrors when Shopify refused it."""
    payload = payload or {}
    errors = [error for error in payload.get("userErrors") or [] if isinstance(error, dict)]
    if errors:
        raise UserErrors(operation, errors)
    return payload


@dataclass
class AdminClient:
    shop_domain: str
    access_token: str
    api_version: str
    timeout: float = 20.0
    max_tries: int = 5
    backoff_seconds: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    http: requests.Session = field(default_factory=requests.Session)
    throttle: CostThrottle = field(default_factory=CostThrottle)
    # What each query document asked for last time: our estimate for the next call.
    _costs: dict[str, float] = field(default_factory=dict)

    @property
    def graphql_url(self) -> str:
        return f"https://{self.shop_domain}/admin/api/{self.api_version}/graphql.json"

    def query(self, document: str, variables: dict | None = None) -> dict:
        """Run one query or mutation; its `data`. Raises ShopifyAPIError."""
        headers = {"X-Shopify-Access-Token": self.access_token, "Content-Type": "application/json",
                   "Accept": "application/json"}
        body = {"query": document, "variables": variables or {}}
        failures = throttled = 0
        while True:
            wait = self.throttle.wait_before(self._costs.get(document), self.clock())
            if wait > 0:
                log.info("shopify %s: waiting %.2fs for the query cost bucket to refill", self.shop_domain, wait)
                self.sleep(wait)
            answer, problem, retry_after = self._post(headers, body)
            if answer is None:
                failures += 1
                if failures >= self.max_tries:
                    raise ShopifyAPIError(f"POST {self.graphql_url} failed after {self.max_tries} tries: {problem}")
                delay = self.backoff_seconds * 2 ** (failures - 1) if retry_after is None else retry_after
                log.info("shopify %s: %s, retrying in %.1fs", self.shop_domain, problem, delay)
                self.sleep(delay)
                continue
            extensions = answer.get("extensions")
            cost = extensions.get("cost") if isinstance(extensions, dict) else None
            self.throttle.record(cost, self.clock())
            requested = requested_cost(cost)
            if requested is not None:
                self._costs[document] = requested
            errors = answer.get("errors")
            if not errors:
                data = answer.get("data")
                if not isinstance(data, dict):
                    raise ShopifyAPIError("Shopify answered without data")
                return data
            if not _is_throttled(errors):
                raise ShopifyAPIError(f"GraphQL errors: {_messages(errors)}", code=_first_code(errors))
            throttled += 1
            if throttled > MAX_THROTTLED_RETRIES:
                raise ShopifyAPIError("still THROTTLED after waiting for the cost bucket", code="THROTTLED")
            self.sleep(self._throttled_wait(requested))

    def _post(self, headers: dict, body: dict) -> tuple[dict | None, str, float | None]:
        """(the JSON answer, "", None), or (None, what went wrong, Retry-After if the server gave one)."""
        try:
            response = self.http.post(self.graphql_url, json=body, headers=headers, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            return None, f"{type(error).__name__}: {error}", None
        if response.status_code == 429:
            return None, "429 rate limited", _retry_after(response, self.backoff_seconds)
        if response.status_code >= 500:
            return None, f"{response.status_code} server error", None
        if response.status_code in (401, 403):
            raise ShopifyAPIError(
                f"Shopify refused the access token ({response.status_code}): the app was uninstalled or lacks a scope",
                response.status_code)
        if response.status_code >= 400:
            raise ShopifyAPIError(f"POST {self.graphql_url} answered {response.status_code}: {response.text[:300]}",
                                  response.status_code)
        try:
            answer = response.json()
        except ValueError:
            return None, "the answer was not JSON", None
        if not isinstance(answer, dict):
            return None, "the answer was not a JSON object", None
        return answer, "", None

    def _throttled_wait(self, requested: float | None) -> float:
        """How long until the bucket holds the query's cost, from the THROTTLED answer's own throttleStatus."""
        wait = self.throttle.wait_before(requested, self.clock())
        return wait if wait > 0 else self.backoff_seconds

    def stream_lines(self, url: str, skip: int = 0) -> Iterator[bytes]:
        """The lines of a bulk operation's JSONL result, read as they arrive (never the whole file).

        The file lives on Shopify's storage host behind a signed URL: the access
        token is not sent there. The first `skip` (non-empty) lines are passed over,
        to resume an import where it stopped.
        """
        if not url.startswith("https://"):
            raise ShopifyAPIError(f"refusing to download a bulk result from a non-https URL: {url[:80]!r}")
        for attempt in range(1, self.max_tries + 1):
            try:
                response = self.http.get(url, stream=True, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.status_code < 400:
                    break
                problem = f"{response.status_code}"
                response.close()
                if response.status_code < 500 and response.status_code != 429:
                    raise ShopifyAPIError(f"the bulk result download answered {problem} (the URL may have expired)",
                                          response.status_code)
            if attempt == self.max_tries:
                raise ShopifyAPIError(f"downloading the bulk result failed after {self.max_tries} tries: {problem}")
            self.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        with response:
            try:
                seen = 0
                for line in response.iter_lines(chunk_size=64 * 1024):
                    if not line:
                        continue
                    seen += 1
                    if seen <= skip:
                        continue
                    if len(line) > MAX_LINE_BYTES:
                        raise ShopifyAPIError("a bulk result line is larger than we accept")
                    yield line
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
                raise ShopifyAPIError(f"the bulk result download broke off: {error}") from error


def _is_throttled(errors) -> bool:
    return isinstance(errors, list) and any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "THROTTLED" for error in errors
    )


def _first_code(errors) -> str | None:
    if isinstance(errors, list):
        for error in errors:
            if isinstance(error, dict) and isinstance(error.get("extensions"), dict) and error["extensions"].get("code"):
                return str(error["extensions"]["code"])
    return None


def _messages(errors) -> str:
    if isinstance(errors, list):
        return "; ".join(str(error.get("message") if isinstance(error, dict) else error) for error in errors)[:500]
    return str(errors)[:500]


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default

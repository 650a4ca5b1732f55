"""Load for fault tests over real HTTP: shoppers sending events as the storefront script does, and a probe
of the endpoints a page reads, each recording every answer (status, how long it took, Retry-After)."""
from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass

import requests

# A client gives up on a request after this long (the script aborts after 5 s); far above any answer we accept.
HANG_GUARD_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    endpoint: str
    started: float  # time.monotonic()
    seconds: float
    status: int  # 0: no HTTP answer at all (connection refused or reset, or the hang guard)
    retry_after: float


class Answers:
    def __init__(self):
        self._answers: list[Answer] = []
        self._lock = threading.Lock()

    def ask(self, endpoint: str, method: str, url: str, **kwargs) -> tuple[Answer, requests.Response | None]:
        started = time.monotonic()
        response = None
        try:
            response = requests.request(method, url, timeout=HANG_GUARD_SECONDS, **kwargs)
            status, retry_after = response.status_code, float(response.headers.get("Retry-After") or 0)
        except requests.RequestException:
            status, retry_after = 0, 0.0
        answer = Answer(endpoint, started, time.monotonic() - started, status, retry_after)
        with self._lock:
            self._answers.append(answer)
        return answer, response

    def all(self, endpoint: str | None = None) -> list[Answer]:
        with self._lock:
            return [answer for answer in self._answers if endpoint is None or answer.endpoint == endpoint]


class Shopper(threading.Thread):
    """One browser: a new event every quarter second, sent in batches; after a 429, a 5xx or no answer the
    events are kept and sent again no sooner than Retry-After, with the script's jittered backoff, and
    nothing else is sent meanwhile. Stops emitting when ``stop_emitting`` is set, then drains."""

    def __init__(self, base_url: str, public_key: str, name: str, address: str, answers: Answers, stop_emitting: threading.Event):
        super().__init__(daemon=True, name=name)
        self.base_url, self.public_key, self.address = base_url, public_key, address
        self.answers, self.stop_emitting = answers, stop_emitting
        self.emitted: list[str] = []
        self.pending: list[dict] = []
        self.refused_for_good: list[int] = []
        self._random = random.Random(name)

    def run(self) -> None:
        due, rounds = 0.0, 0
        while not (self.stop_emitting.is_set() and not self.pending):
            if not self.stop_emitting.is_set():
                self.pending.append(self._new_event())
            if self.pending and time.monotonic() >= due:
                batch = self.pending[:100]
                answer, _ = self.answers.ask("/v1/events", "POST", f"{self.base_url}/v1/events", data=json.dumps(
                    {"key": self.public_key, "sent_at": _now_iso(), "events": batch}), headers=self._headers())
                if answer.status == 200:
                    self.pending, rounds = self.pending[len(batch):], 0
                elif answer.status in (0, 429) or answer.status >= 500:
                    rounds = min(rounds + 1, 10)
                    wait = min(2 ** (rounds - 1), 300) * self._random.uniform(0.5, 1.5)
                    if answer.retry_after:
                        wait = max(wait, answer.retry_after * self._random.uniform(1.0, 1.25))
                    due = time.monotonic() + wait
                else:  # a 4xx is final for the script: these events would be lost
                    self.refused_for_good.append(answer.status)
                    self.pending = self.pending[len(batch):]
            time.sleep(0.25)

    def _new_event(self) -> dict:
        event_id = str(uuid.uuid4())
        self.emitted.append(event_id)
        return {"id": event_id, "type": "product_view", "visitor_id": self.name, "product_id": f"P{len(self.emitted) % 8}",
                "url": f"https://shop.example/products/P{len(self.emitted) % 8}", "ts": _now_iso()}

    def _headers(self) -> dict:
        return {"Content-Type": "text/plain", "X-Forwarded-For": self.address}


class Probe(threading.Thread):
    """A page's reads, four times a second until stopped: its decision, a slider's products, and the health check."""

    def __init__(self, base_url: str, public_key: str, answers: Answers, stop: threading.Event):
        super().__init__(daemon=True, name="probe")
        self.base_url, self.public_key, self.answers, self.stop = base_url, public_key, answers, stop
        self.recommended: list[tuple[float, list[str]]] = []

    def run(self) -> None:
        headers = {"X-Forwarded-For": "192.0.2.250"}
        while not self.stop.is_set():
            self.answers.ask("/v1/decide", "GET", f"{self.base_url}/v1/decide", headers=headers,
                             params={"key": self.public_key, "visitor_id": "prober", "url": "https://shop.example/"})
            answer, response = self.answers.ask("/v1/recommendations", "GET", f"{self.base_url}/v1/recommendations", headers=headers,
                                                params={"key": self.public_key, "visitor_id": "prober", "strategy": "trending", "limit": 4})
            items = response.json()["items"] if answer.status == 200 else []
            self.recommended.append((answer.started, [item["id"] for item in items]))
            self.answers.ask("/healthz", "GET", f"{self.base_url}/healthz")
            time.sleep(0.25)


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
